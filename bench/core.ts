/**
 * npm run bench:core — the pure core on one core: compliance decisions per second on a realistic mix (marketing
 * inside and outside the window, transactional, metropolitan and overseas recipients, short-code and alphanumeric
 * senders), and segmentations per second (`measure` and `segment` of core/text on a mix of texts).
 * Target: ≥ 200,000 decisions/s. Options: --seconds N per measurement (default 2), --rounds N (default 5; the
 * median is printed).
 */
import { parseArgs } from 'node:util';
import { decide, type DecisionInput } from '../src/core/compliance/index.ts';
import { parseMsisdn } from '../src/core/numbers/msisdn.ts';
import { measure, segment } from '../src/core/text/index.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' }, rounds: { type: 'string', default: '5' } } });
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

/** A small deterministic generator, so that every run measures the same mix. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}
const random = generator(2026);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (probability: number) => random() < probability;

const MARKETING_TEXTS = [
  'Dupont : -20 % sur toute la boutique ce week-end avec le code PRINTEMPS',
  'Dupont : nouvelle collection en magasin, venez la découvrir avant samedi !',
  'Dupont : la fête des mères approche, pensez à réserver votre bouquet',
  `Dupont : ${'notre sélection de la semaine est en ligne, livraison offerte dès 50 €. '.repeat(3)}`,
];
const TRANSACTIONAL_TEXTS = [
  'Votre code de connexion : 482913. Il expire dans 5 minutes.',
  'Votre colis 8F42 sera livré demain entre 9h et 12h.',
  'Rappel : rendez-vous le 12/04 à 10h30 chez le Dr Martin. Pour annuler, appelez le 01 23 45 67 89.',
];
const RECIPIENTS: readonly DecisionInput['recipient'][] = [
  ...Array.from({ length: 16 }, (_, i) => ({ e164: `+3361234${String(5600 + i).padStart(4, '0')}` })),
  { e164: '+33756123456', departement: '57' },
  { e164: '+590690001234' },
  { e164: '+596696201234' },
  { e164: '+594694201234' },
  { e164: '+262692123456' },
  { e164: '+262639012345' },
];
const FIRST_NAMES = ['Marie', 'Jean', 'Léa', 'Hugo', 'Chloé', 'Lucas', 'Inès', 'Noé'];
const MONTH_START = Date.parse('2026-04-01T00:00:00+02:00');

/** Half the marketing is one campaign text sent to many; half is personalised, each text its own. */
function marketingText(n: number): string {
  return chance(0.5) ? pick(MARKETING_TEXTS) : `Dupont : ${pick(FIRST_NAMES)}, votre code personnel ${n.toString(36).toUpperCase()} vous offre -15 % jusqu’à dimanche`;
}

function input(_: unknown, n: number): DecisionInput {
  const marketing = chance(0.6);
  return {
    text: marketing ? marketingText(n) : pick(TRANSACTIONAL_TEXTS),
    messageClass: marketing ? 'marketing' : 'transactional',
    policy: { brand: 'Dupont' },
    sender: chance(0.2) ? { shortCode: '36123', alphanumeric: 'Dupont' } : { shortCode: '36123' },
    recipient: pick(RECIPIENTS),
    now: new Date(MONTH_START + Math.floor(random() * 30 * 86_400_000)),
    facts: { marketingSentTodayForBrand: chance(0.1) ? 1 : 0, optedOut: chance(0.01), consent: chance(0.02) ? 'none' : chance(0.1) ? 'soft-opt-in' : 'opt-in' },
  };
}

/** More inputs than core/compliance remembers texts, so that personalised texts are measured every time. */
const INPUTS = Array.from({ length: 50_000 }, input);

const SEGMENT_TEXTS = [
  'Votre code : 482913',
  'Dupont : -20 % sur toute la boutique ce week-end avec le code PRINTEMPS STOP au 36123',
  'Prix : 12 € [offre] {limitée} ~ 3 jours | voir conditions en magasin',
  'Fête des mères : on a pensé à vous 💐 réservez votre bouquet dès aujourd’hui',
  'Votre facture de mars est disponible dans votre espace client. '.repeat(5),
  'Livraison prévue à 14h — merci de votre confiance. Ça arrive bientôt ! '.repeat(15).slice(0, 1000),
];

/** A metropolitan mobile as people write it. */
const MOBILE_FORMS = ['06 12 34 56 78', '0756123456', '+33612345678', '0033 7 56 12 34 56', '33612345678', '06.12.34.56.78'];

/**
 * Operations per CPU second of `run(i)`, run for `seconds`, counted in batches to keep the clock out of the loop.
 * CPU time rather than wall time: a busy machine then slows the run without lowering the figure.
 */
function perSecond(run: (i: number) => unknown): number {
  const batch = 1_000;
  let done = 0;
  const end = performance.now() + seconds * 1000;
  const cpu = process.cpuUsage();
  while (performance.now() < end) {
    for (let i = 0; i < batch; i++) run(done + i);
    done += batch;
  }
  const { user, system } = process.cpuUsage(cpu);
  return done / ((user + system) / 1e6);
}

function median(run: (i: number) => unknown): number {
  perSecond(run); // warm-up: JIT, time-zone and holiday memos
  const results = Array.from({ length: rounds }, () => perSecond(run)).sort((a, b) => a - b);
  return results[Math.floor(results.length / 2)]!;
}

const kinds = INPUTS.reduce<Record<string, number>>((count, item) => {
  const kind = decide(item).decision.kind;
  count[kind] = (count[kind] ?? 0) + 1;
  return count;
}, {});
const marketingShare = INPUTS.filter((item) => item.messageClass === 'marketing').length / INPUTS.length;

const figures = {
  decisions: median((i) => decide(INPUTS[i % INPUTS.length]!)),
  measure: median((i) => measure(SEGMENT_TEXTS[i % SEGMENT_TEXTS.length]!)),
  segment: median((i) => segment(SEGMENT_TEXTS[i % SEGMENT_TEXTS.length]!, { reference: i & 0xff })),
  msisdn: median((i) => parseMsisdn(MOBILE_FORMS[i % MOBILE_FORMS.length]!, { requireMobile: true })),
};

const rate = (value: number) => `${Math.round(value).toLocaleString('en-US')}/s`;
const share = (n: number) => `${Math.round((n / INPUTS.length) * 100)} %`;
console.log(`core benchmark — Node ${process.version}, per CPU second on one core, median of ${rounds} × ${seconds} s`);
console.log(
  `  mix: ${INPUTS.length.toLocaleString('en-US')} decisions, ${Math.round(marketingShare * 100)} % marketing; ` +
    `half of it personalised; allow ${share(kinds.allow ?? 0)}, defer ${share(kinds.defer ?? 0)}, reject ${share(kinds.reject ?? 0)}`,
);
console.log(`  compliance decide   ${rate(figures.decisions).padStart(14)}   (target ≥ 200,000/s: ${figures.decisions >= 200_000 ? 'met' : 'NOT met'})`);
console.log(`  text measure        ${rate(figures.measure).padStart(14)}   (${SEGMENT_TEXTS.length} texts, 19 to 1,000 characters, GSM and UCS-2)`);
console.log(`  text segment        ${rate(figures.segment).padStart(14)}`);
console.log(`  msisdn parse        ${rate(figures.msisdn).padStart(14)}   (${MOBILE_FORMS.length} ways to write a mobile; target ≥ 300,000/s: ${figures.msisdn >= 300_000 ? 'met' : 'NOT met'})`);
