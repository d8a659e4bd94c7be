/**
 * The built-in rule sets, as data. An aggregator adds its own the same way (often by spreading one of these and
 * tightening a field) and passes the catalogue to `decide`.
 */
import type { ContentRules, RuleId, RuleSet, SenderRules, Term } from './types.ts';

export const ALL_RULES: readonly RuleId[] = [
  'consent',
  'opposition',
  'sender-id',
  'short-code-range',
  'send-window',
  'frequency-cap',
  'stop-mention',
  'brand-first',
  'no-advertising-in-transactional',
  'free-claim',
  'price-mention',
  'executable-download',
  'adult-content',
];

const fail = (words: string): Term => ({ words, verdict: 'fail' });
const flag = (words: string): Term => ({ words, verdict: 'flag' });

/**
 * Signs of advertising in a transactional message, kept conservative: only wording that hardly appears in an order
 * or delivery notice rejects; words a notice may well contain ("votre code promo a été appliqué") only flag.
 */
const ADVERTISING: readonly Term[] = [
  ...['soldes', 'vente privée', 'ventes privées', 'black friday', 'offre spéciale', 'offre exclusive', 'bon plan', 'bons plans', 'déstockage', 'profitez-en'].map(fail),
  { pattern: '-\\s?\\d{1,2}\\s?%', verdict: 'fail' },
  ...['promo', 'promos', 'promotion', 'promotions', 'code promo', 'réduction', 'remise', 'profitez', 'découvrez', 'nouveauté', 'nouveautés', 'offre', 'offres', 'cadeau', 'gagnez', 'concours', 'parrainez'].map(flag),
];

/** Promotion of adult content: unambiguous words reject, suggestive ones flag. */
const ADULT: readonly Term[] = [
  ...['porno', 'porn', 'pornographique', 'xxx', 'sexe', 'sex', 'escort', 'escorts', 'érotique', 'érotiques', 'libertin', 'libertine', 'libertins', 'échangiste', 'échangistes', 'plan cul', 'camgirl', 'camgirls'].map(fail),
  ...['coquin', 'coquine', 'coquins', 'coquines', 'sexy', 'charme'].map(flag),
];

export const FRENCH_CONTENT_RULES: ContentRules = {
  advertising: ADVERTISING,
  adult: ADULT,
  free: [{ pattern: 'gratuit(?:e|s|es|ement)?', verdict: 'fail' }],
  price: '(?:\\d+(?:[.,]\\d{1,2})?\\s?(?:€|eur(?:os?)?)|€\\s?\\d)(?![\\p{L}])',
  executableExtensions: ['apk', 'apks', 'xapk', 'exe', 'msi', 'bat', 'cmd', 'scr', 'jar', 'jad', 'sis', 'sisx', 'xap', 'appx', 'ipa', 'dmg', 'deb'],
};

const operator = (name: string) => ({ name, match: 'exact' as const, why: "a mobile operator's name: confusion with the operator" });
const authority = (name: string) => ({ name, match: 'exact' as const, why: "a public authority's name: misleading about who sends" });
const generic = (name: string) => ({ name, match: 'exact' as const, why: 'a generic name that does not identify the sender' });
const adult = (name: string) => ({ name, match: 'contains' as const, why: 'adult vocabulary' });

/**
 * Alphanumeric senders (PROJETCOM deontology annex, Part II Art. 1): at least one letter A–Z, never digits only, no
 * "special characters" (read as A–Z, a–z, 0–9), filtered against misleading, generic and adult names.
 */
export const FRENCH_SENDER_RULES: SenderRules = {
  maxLength: 11,
  characters: 'A-Za-z0-9',
  denyList: [
    ...['Orange', 'SFR', 'Bouygues', 'Bytel', 'Free', 'Free Mobile'].map(operator),
    ...['Police', 'Gendarmerie', 'Impots', 'DGFiP', 'Tresor Public', 'Ameli', 'CAF', 'URSSAF', 'Gouv', 'Gouvernement', 'Prefecture', 'ANTS', 'Douane', 'Justice', 'Samu', 'Pompiers'].map(authority),
    ...['Info', 'Infos', 'SMS', 'Alerte', 'Alert', 'Service', 'Message', 'NoReply', 'Verify', 'Code', 'Securite', 'Banque', 'Bank', 'Test', 'Admin', 'Support', 'Livraison', 'Colis'].map(generic),
    ...['sex', 'xxx', 'porn', 'erotic', 'escort'].map(adult),
  ],
};

const MONDAY_TO_SATURDAY = { monday: 'allowed', tuesday: 'allowed', wednesday: 'allowed', thursday: 'allowed', friday: 'allowed', saturday: 'allowed' } as const;

/**
 * The deontology of Orange's "Opérateur Push SMS" offer (Orange OPS offer (2016), tariffs in force 15/10/2016) and
 * the PROJETCOM terms that repeat it (PROJETCOM deontology annex, Part II): marketing on working days (jours
 * ouvrables: Monday to Saturday, public holidays excluded), 8:00–22:00; at most one marketing SMS per recipient per
 * day per brand (docs/domain.md rules 4 and 5).
 */
export const ORANGE_OPS_2016: RuleSet = {
  name: 'Orange OPS',
  version: '2016',
  effectiveFrom: '2016-10-15T00:00:00+02:00',
  source: 'Orange OPS offer (2016), tariffs in force 15/10/2016; PROJETCOM deontology annex, Part II',
  rules: ALL_RULES,
  window: {
    opens: '08:00',
    closes: '22:00',
    days: { ...MONDAY_TO_SATURDAY, sunday: 'excluded' },
    publicHolidays: 'excluded',
    source: 'Orange OPS offer (2016), §Déontologie : mieux protéger le client final; PROJETCOM deontology annex, Part II Art. 2 (jours ouvrables, 8h–22h)',
  },
  marketingPerDay: 1,
  sender: FRENCH_SENDER_RULES,
  content: FRENCH_CONTENT_RULES,
};

/**
 * AF2M business-messaging charter, in force 1 March 2026 as reported by industry sources (docs/domain.md rule 4):
 * 8:00–21:30; Sundays and public holidays tolerated but not recommended (sent, flagged in the trace).
 */
export const AF2M_2026: RuleSet = {
  ...ORANGE_OPS_2016,
  name: 'AF2M',
  version: '2026',
  effectiveFrom: '2026-03-01T00:00:00+01:00',
  source: 'AF2M business-messaging charter 2026 (in force 1 March 2026, reported by industry sources); Orange OPS offer (2016), SMS Partner documentation and PROJETCOM deontology annex for the other rules',
  window: {
    opens: '08:00',
    closes: '21:30',
    days: { ...MONDAY_TO_SATURDAY, sunday: 'tolerated' },
    publicHolidays: 'tolerated',
    source: 'AF2M business-messaging charter 2026 (8:00–21:30, reported by industry sources)',
  },
};

/**
 * Both at once, the default since the charter took effect: traffic to Orange subscribers stays bound by the Orange
 * contract (working days only: no Sunday, no public holiday) while the charter shortens the evening (21:30).
 */
export const ORANGE_OPS_AF2M_2026: RuleSet = {
  ...ORANGE_OPS_2016,
  name: 'Orange OPS + AF2M',
  version: '2026',
  effectiveFrom: AF2M_2026.effectiveFrom,
  source: 'Orange OPS offer (2016) and the AF2M business-messaging charter 2026, the stricter of both; SMS Partner documentation and PROJETCOM deontology annex for the other rules',
  window: {
    ...AF2M_2026.window,
    days: { ...MONDAY_TO_SATURDAY, sunday: 'excluded' },
    publicHolidays: 'excluded',
    source: 'Orange OPS offer (2016), §Déontologie : mieux protéger le client final (jours ouvrables: Monday to Saturday, public holidays excluded); AF2M charter 2026 (8:00–21:30)',
  },
};

/**
 * The catalogue. Without an account's choice, the set in force is the one that took effect last; of two that took
 * effect at the same instant, the one listed first: Orange OPS + AF2M 2026 rather than the charter alone.
 */
export const BUILT_IN_RULE_SETS: readonly RuleSet[] = [ORANGE_OPS_2016, ORANGE_OPS_AF2M_2026, AF2M_2026];
