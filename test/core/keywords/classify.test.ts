import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyMo,
  compileKeywords,
  DEFAULT_KEYWORDS,
  KeywordSetError,
  type KeywordIntent,
  type KeywordSet,
  type MoIntent,
} from '../../../src/core/keywords/index.ts';

const intentOf = (text: string) => classifyMo(text).intent;

describe('the default keywords (Orange OPS offer (2016), §Déontologie : mieux protéger le client final; PROJETCOM deontology annex, Part II Art. 1 and 2; 123-SMS.net offer; docs/domain.md rules 2 and 3)', () => {
  it.each([
    ['STOP', 'stop', 'STOP'],
    ['STOP SMS', 'stop', 'STOP SMS'],
    ['ARRET', 'stop', 'ARRET'],
    ['Arrête', 'stop', 'ARRETE'],
    ['Arrêtez', 'stop', 'ARRETEZ'],
    ['arrêter', 'stop', 'ARRETER'],
    ['stopper', 'stop', 'STOPPER'],
    ['désabonner', 'stop', 'DESABONNER'],
    ['Désabonnement', 'stop', 'DESABONNEMENT'],
    ['désinscrire', 'stop', 'DESINSCRIRE'],
    ['Désinscription', 'stop', 'DESINSCRIPTION'],
    ['unsubscribe', 'stop', 'UNSUBSCRIBE'],
    ['STOPALL', 'stop', 'STOPALL'],
    ['end', 'stop', 'END'],
    ['START', 'start', 'START'],
    ['abonner', 'start', 'ABONNER'],
    ['réabonner', 'start', 'REABONNER'],
    ['unstop', 'start', 'UNSTOP'],
    ['CONTACT', 'contact', 'CONTACT'],
  ] as const)('%j → %s (%s)', (text, intent, keyword) => {
    expect(classifyMo(text)).toMatchObject({ intent, keyword, argument: null, basis: 'keyword' });
  });

  it.each(['CANCEL', 'Annuler', 'QUIT', 'Quiz', 'Qui ?', 'OUI', 'Non', 'OK'])('%j is not a keyword: services use it, or it is a normal reply', (text) => {
    expect(intentOf(text)).toBe('other');
  });
});

describe('case, accents and compatibility forms are ignored', () => {
  it.each(['ARRÊT', 'arrêt', 'Arrét', 'ÀRRÊT', 'arre\u0302t', 'ＡＲＲＥＴ', '𝐀𝐑𝐑𝐄𝐓', 'Ⓐⓡⓡⓔⓣ'])('%j → ARRET', (text) => {
    expect(classifyMo(text)).toMatchObject({ intent: 'stop', keyword: 'ARRET' });
  });

  it.each(['ｓｔｏｐ', 'Ｓｔｏｐ！', 'ST\u200BOP', 'S\u00ADTOP', 'sToP', 'ﬆop'])('%j → STOP', (text) => {
    expect(classifyMo(text)).toMatchObject({ intent: 'stop', keyword: 'STOP' });
  });

  it('œ and æ are two letters, as people type them', () => {
    const set = compileKeywords({ ...DEFAULT_KEYWORDS, contact: ['COEUR'] });
    expect(classifyMo('Cœur', set).intent).toBe('contact');
  });
});

describe('spacing inside a keyword does not matter', () => {
  it.each(['STOP SMS', 'stopsms', 'Stop-SMS', 'STOP.SMS', 'stop   sms', 'S.T.O.P S.M.S', 'stop\nsms'])('%j → STOP SMS', (text) => {
    expect(classifyMo(text)).toMatchObject({ intent: 'stop', keyword: 'STOP SMS', argument: null });
  });

  it.each(['sto p', 'S T O P', 'S.T.O.P', 'st op'])('%j → STOP', (text) => {
    expect(classifyMo(text)).toMatchObject({ intent: 'stop', keyword: 'STOP' });
  });

  it('STOP ALL is STOPALL', () => {
    expect(classifyMo('stop all')).toMatchObject({ intent: 'stop', keyword: 'STOPALL' });
  });
});

describe('noise around a keyword: punctuation, emoji, quotes, spaces and polite words', () => {
  it.each([
    'Stop svp', 'STOP!!!', 'stop merci', '  stop  ', '« STOP »', '"Stop"', 'Stop 🙏', '🛑 STOP 🛑', 'stop😡', 'STOP.', 'Stop ?',
    'Bonjour, STOP merci', 'STOP s’il vous plaît', 'stop merci beaucoup', 'Merci STOP', 'stp stop', 'Stop please', 'STOP thx',
    'Bonsoir STOP cordialement', '(STOP)', 'STOP\n', '\tSTOP\t', 'STOP STOP STOP',
  ])('%j → STOP', (text) => {
    expect(classifyMo(text)).toMatchObject({ intent: 'stop', keyword: 'STOP', argument: null, basis: 'keyword' });
  });

  it.each(['Merci', 'svp', 'Bonjour', '', '   ', '!!!', '😀👍', 'STP'])('%j, only noise or polite words, is other', (text) => {
    expect(classifyMo(text)).toMatchObject({ intent: 'other', keyword: null, argument: null, basis: null });
  });

  it.each(["STOP svp c'est la 3e fois", "Stop, c'est bon", 'STOP. Vous m’écrivez trop', "S.T.O.P, vous m'embêtez"])('the end of a sentence or a polite word ends the request: %j', (text) => {
    expect(classifyMo(text)).toMatchObject({ intent: 'stop', keyword: 'STOP', argument: null, basis: 'keyword' });
  });
});

describe('a short code or a brand after the keyword is its argument', () => {
  it.each([
    ['STOP 36123', 'STOP', '36123'],
    ['STOP36123', 'STOP', '36123'],
    ['STOP au 36123', 'STOP', '36123'],
    ['STOP SMS au 36123', 'STOP SMS', '36123'],
    ['STOP SMS au 36123 (non surtaxé)', 'STOP SMS', '36123'],
    ['STOP SMS au 36123 (sans surcoût)', 'STOP SMS', '36123'],
    ['STOP Dupont', 'STOP', 'Dupont'],
    ['stop DUPONT merci', 'STOP', 'DUPONT'],
    ['STOP:Dupont', 'STOP', 'Dupont'],
    ['STOP : Dupont', 'STOP', 'Dupont'],
    ["Stop L'Oréal svp", 'STOP', "L'Oréal"],
    ['STOP Coca-Cola', 'STOP', 'Coca-Cola'],
    ['Stop Boulangerie du Coin', 'STOP', 'Boulangerie du Coin'],
    ['stop les sms de Dupont', 'STOP', 'Dupont'],
    ['Stop pour Dupont !', 'STOP', 'Dupont'],
    ['Arrêt Dupont', 'ARRET', 'Dupont'],
    ['START Dupont', 'START', 'Dupont'],
    ['CONTACT 36123', 'CONTACT', '36123'],
  ] as const)('%j → %s for %j', (text, keyword, argument) => {
    expect(classifyMo(text)).toMatchObject({ keyword, argument, basis: 'keyword' });
  });

  it.each(['STOP les SMS', 'stop à tout', 'STOP pub', 'Stop définitivement', 'STOP SMS'])('%j: connectors and messaging words name nobody → no argument', (text) => {
    expect(classifyMo(text)).toMatchObject({ intent: 'stop', argument: null });
  });

  it('the argument keeps what was typed, not the folded form', () => {
    expect(classifyMo('STOP Crédit Mutuel').argument).toBe('Crédit Mutuel');
  });

  describe("with the account's brands", () => {
    const brands = ['Crédit Agricole Alsace Vosges', 'Dupont', "L'Oréal"];

    it('a declared brand of any length is the argument, as declared', () => {
      expect(classifyMo('stop credit agricole alsace vosges', undefined, { brands })).toMatchObject({ intent: 'stop', argument: 'Crédit Agricole Alsace Vosges' });
      expect(classifyMo('STOP LOREAL', undefined, { brands }).argument).toBe("L'Oréal");
    });

    it('without the brands, four words after STOP make a sentence, not a request', () => {
      expect(classifyMo('stop credit agricole alsace vosges').intent).toBe('other');
    });

    it('a declared brand may come before the keyword', () => {
      expect(classifyMo('Dupont STOP', undefined, { brands })).toMatchObject({ intent: 'stop', keyword: 'STOP', argument: 'Dupont' });
      expect(classifyMo('Dupont STOP').intent).toBe('other');
    });

    it('sentences and typos name nobody: a brand named elsewhere in the MO may be another one', () => {
      expect(classifyMo('Je ne veux plus recevoir vos SMS, je préfère ceux de Dupont', undefined, { brands })).toMatchObject({ intent: 'stop', basis: 'sentence', argument: null });
      expect(classifyMo('Sotp. Dupont', undefined, { brands })).toMatchObject({ intent: 'stop', basis: 'typo', argument: null });
    });
  });
});

describe('a STOP inside an ordinary sentence is not a STOP', () => {
  it.each([
    'je ne veux pas que ça stop',
    "Stop disant n'importe quoi",
    "Non-stop jusqu'à dimanche ?",
    "C'est top",
    "Je descends à l'arrêt de bus",
    "je veux pas que ça s'arrête",
    'Le bus s’arrête où ?',
    'Ils ont arrêté le match hier',
    'Je veux arrêter de fumer',
    'Mon arrêt maladie finit demain, je passerai',
    'Vous êtes ouverts non stop le dimanche ?',
  ])('%j → other', (text) => {
    expect(intentOf(text)).toBe('other');
  });
});

describe('opt-out sentences: a person who asks for no more messages is honoured (Orange OPS offer (2016), §Déontologie : mieux protéger le client final)', () => {
  it.each([
    ["Arrêtez de m'envoyer des SMS", 'stop'],
    ['Vous pouvez arrêter les SMS ?', 'stop-the-messages'],
    ['Stoppez les SMS svp', 'stop-the-messages'],
    ['Je ne veux plus recevoir vos SMS', 'no-more'],
    ["Merci de ne plus m'envoyer de messages", 'no-more'],
    ["Ne m'envoyez plus rien", 'no-more'],
    ['Je ne souhaite plus être contacté', 'no-more'],
    ['je veux plus de pub', 'no-more'],
    ['Plus de SMS svp', 'no-more'],
    ['Retirez-moi de votre liste', 'remove-me'],
    ['Supprimez mon numéro', 'remove-me'],
    ['Je souhaite me désinscrire', 'unsubscribe-word'],
    ['comment on se désabonne ?', 'unsubscribe-word'],
    ['Je dis stop', 'saying-stop'],
    ["je t'ai dit STOP", 'saying-stop'],
    ["J'ai déjà envoyé STOP plusieurs fois", 'saying-stop'],
    ['Je veux STOP', 'saying-stop'],
    ['Arrêtez, c’est la troisième fois cette semaine', 'stop'],
    ["Arrêtez de dire n'importe quoi", 'stop-order'],
  ] as const)('%j → stop (%s)', (text, rule) => {
    const result = classifyMo(text);
    expect(result.intent).toBe('stop');
    if (rule !== 'stop') expect(result).toMatchObject({ basis: 'sentence', keyword: null, reason: expect.stringContaining(`(${rule})`) });
  });

  it.each([
    ['Je ne reçois plus vos messages', 'a complaint, not a wish'],
    ["Je n'arrive plus à envoyer de SMS", 'about their own phone'],
    ['Je ne dis pas stop', 'a negation'],
    ['Envoyez-moi plus de promos !', 'more, not less: no negation, no wish before "plus"'],
  ])('%j → other (%s)', (text) => {
    expect(intentOf(text)).toBe('other');
  });

  it('a sentence of its own is read as a keyword: "STOP !!! Vous m\'avez déjà envoyé 3 SMS"', () => {
    expect(classifyMo("STOP !!! Vous m'avez déjà envoyé 3 SMS aujourd'hui")).toMatchObject({ intent: 'stop', keyword: 'STOP', basis: 'keyword', reason: "'STOP' is the keyword STOP" });
  });
});

describe('phone typos: one edit, four letters or more, first letter kept, STOP and CONTACT only', () => {
  it.each([
    ['Stopp', 'keyword'],
    ['STOOOP', 'keyword'],
    ['stoppp!!', 'keyword'],
    ['Sotp', 'typo'],
    ['Stpo', 'typo'],
    ['Stip', 'typo'],
    ['Stops', 'typo'],
    ['Arrte', 'typo'],
    ['desinscriptoin', 'typo'],
    ['Désabonement', 'keyword'],
    ['Sotp merci', 'typo'],
  ] as const)('%j → stop (%s)', (text, basis) => {
    expect(classifyMo(text)).toMatchObject({ intent: 'stop', basis });
  });

  it.each(['Top', 'STP', 'Sop', 'Tsop', 'Stoppe ton char', 'Spot'])('%j → other: too short, first letter changed, or more than one edit', (text) => {
    expect(intentOf(text)).toBe('other');
  });

  it.each(['Contat', 'CONTACTS', 'Contcat', 'Cntact'])('%j → contact (typo)', (text) => {
    expect(classifyMo(text)).toMatchObject({ intent: 'contact', keyword: 'CONTACT', basis: 'typo' });
  });

  it.each(['STAR', 'SMART', 'Strat', 'STARTS', 'Abonne'])('%j is never read as START: a wrong START re-opens consent', (text) => {
    expect(intentOf(text)).not.toBe('start');
  });

  it('the reason says what was read', () => {
    expect(classifyMo('Sotp').reason).toBe("'Sotp' is one typo away from the keyword STOP");
  });
});

describe('precedence: stop > start > contact', () => {
  it.each([
    ['START STOP', 'stop', 'STOP'],
    ['STOP START', 'stop', 'STOP'],
    ['CONTACT STOP', 'stop', 'STOP'],
    ['START CONTACT', 'start', 'START'],
    ['CONTACT START', 'start', 'START'],
    ['START. Non, STOP', 'stop', 'STOP'],
    ['Contact. Sotp', 'stop', 'STOP'],
    ['CONTACT. Ne plus m’envoyer de SMS', 'stop', null],
  ] as const)('%j → %s', (text, intent, keyword) => {
    expect(classifyMo(text)).toMatchObject({ intent, keyword });
  });

  it.each(['Start je comprends pas', 'Start merci mais je comprends pas', 'START ? C’est quoi ?'])('%j is not START: START takes at most a brand or short code, and nothing else', (text) => {
    expect(intentOf(text)).not.toBe('start');
  });

  it('START is read only from the whole MO, CONTACT from any sentence', () => {
    expect(intentOf("Merci pour l'info. START")).toBe('other');
    expect(intentOf("Merci pour l'info. CONTACT")).toBe('contact');
  });

  it('the reason names every keyword and the winner', () => {
    expect(classifyMo('START STOP').reason).toBe("'START STOP' holds the keywords START, STOP; STOP (stop) wins");
  });
});

/** MOs as they arrive on a short code, with what they ask for. */
const REAL_WORLD: readonly (readonly [string, MoIntent])[] = [
  ['STOP', 'stop'],
  ['Stop', 'stop'],
  ['stop', 'stop'],
  ['Stop.', 'stop'],
  ['STOP SMS', 'stop'],
  ['Stop sms', 'stop'],
  ['stop 36123', 'stop'],
  ['STOP au 36123', 'stop'],
  ['Stop svp', 'stop'],
  ['Stop merci', 'stop'],
  ['STOP !!!', 'stop'],
  ['Stop 😡', 'stop'],
  ['STOPPPP', 'stop'],
  ['Sotp', 'stop'],
  ['Arret', 'stop'],
  ['ARRÊT', 'stop'],
  ['Arrêt svp', 'stop'],
  ['Arrêtez svp', 'stop'],
  ["Arrêtez de m'envoyer des messages", 'stop'],
  ["Arrêtez de m'envoyer des SMS svp c'est la 4e fois", 'stop'],
  ['Stop pub', 'stop'],
  ['Stop a la pub', 'stop'],
  ['stop les promos', 'stop'],
  ['Stop Dupont', 'stop'],
  ['Désinscription', 'stop'],
  ['désabonnement svp', 'stop'],
  ['Me désinscrire', 'stop'],
  ['Je souhaite me désabonner de vos SMS', 'stop'],
  ['Je ne veux plus recevoir de SMS de votre part', 'stop'],
  ['Bonjour, je souhaiterais ne plus recevoir vos messages. Cordialement', 'stop'],
  ['Merci de me retirer de votre liste de diffusion', 'stop'],
  ['Supprimez mon numéro de votre fichier', 'stop'],
  ['Pouvez-vous me retirer de vos listes ?', 'stop'],
  ['Ne plus me contacter', 'stop'],
  ["Plus de SMS s'il vous plaît", 'stop'],
  ['STOP !!! Vous m’avez envoyé 3 SMS aujourd’hui', 'stop'],
  ['Je ne suis pas intéressé, merci de ne plus m’écrire', 'stop'],
  ['Unsubscribe', 'stop'],
  ['stop all', 'stop'],
  ['Je dis STOP', 'stop'],
  ['Réponse : STOP', 'stop'],
  ['START', 'start'],
  ['Start', 'start'],
  ['start svp', 'start'],
  ['START 36123', 'start'],
  ['Réabonner', 'start'],
  ['CONTACT', 'contact'],
  ['contact', 'contact'],
  ['Contact ?', 'contact'],
  ['Contact svp', 'contact'],
  ['CONTACTS', 'contact'],
  ['Merci. Contact', 'contact'],
  ['Merci', 'other'],
  ['Ok', 'other'],
  ['Oui', 'other'],
  ['Non merci', 'other'],
  ["C'est qui ?", 'other'],
  ['Qui êtes-vous ?', 'other'],
  ["C'est top merci !", 'other'],
  ['Je suis intéressé, rappelez-moi', 'other'],
  ['Quel est le prix ?', 'other'],
  ['Annuler RDV', 'other'],
  ['CANCEL', 'other'],
  ['Je viendrai samedi', 'other'],
  ['Le code ne marche pas', 'other'],
  ['je ne veux pas que ça stop', 'other'],
  ["Stop disant n'importe quoi", 'other'],
  ['Je ne reçois plus vos messages depuis une semaine', 'other'],
  ['Vous êtes ouverts non-stop ce week-end ?', 'other'],
  ['Quiz', 'other'],
  ['Top !', 'other'],
  ['STAR', 'other'],
  ['👍', 'other'],
  ['', 'other'],
];

describe('real-world MOs', () => {
  it('the table is large enough to mean something', () => {
    expect(REAL_WORLD.length).toBeGreaterThanOrEqual(60);
  });

  it.each(REAL_WORLD)('%j → %s', (text, intent) => {
    expect(intentOf(text)).toBe(intent);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties

const ACCENTS: Readonly<Record<string, readonly string[]>> = {
  A: ['À', 'Â', 'Ä', 'A\u0300'],
  E: ['É', 'È', 'Ê', 'Ë', 'E\u0301'],
  I: ['Î', 'Ï'],
  O: ['Ô', 'Ö', 'O\u0302'],
  U: ['Ù', 'Û', 'Ü'],
  C: ['Ç', 'C\u0327'],
  Y: ['Ÿ'],
};
const fullWidth = (character: string) => (/[A-Za-z0-9!?]/.test(character) ? String.fromCodePoint(character.codePointAt(0)! + 0xfee0) : character);

/** One character as a handset may send it: any case, maybe accented, maybe full-width. */
function variantOf(character: string): fc.Arbitrary<string> {
  const upper = character.toUpperCase();
  const forms = [upper, upper.toLowerCase(), fullWidth(upper), fullWidth(upper.toLowerCase()), ...(ACCENTS[upper] ?? []).flatMap((accented) => [accented, accented.toLowerCase()])];
  return fc.constantFrom(...forms);
}

/** A keyword as typed: each character varied, its spaces any spacing. */
function typed(keyword: string): fc.Arbitrary<string> {
  const pieces = [...keyword].map((character) => (character === ' ' ? fc.constantFrom('', ' ', '  ', '-', '.', '\n') : variantOf(character)));
  return fc.tuple(...pieces).map((parts) => parts.join(''));
}

const NOISE = fc.array(fc.constantFrom(' ', '  ', '!', '!!!', '?', '.', '…', '"', '«', '»', '“', '”', '(', ')', '😡', '🙏', '🛑', '👍🏽', '\n', '\t', '\u00a0', '*'), { maxLength: 4 }).map((parts) => parts.join(''));
const POLITE = fc.constantFrom('', 'merci ', 'svp ', 'Bonjour, ', 'bonsoir ');
const POLITE_AFTER = fc.constantFrom('', ' merci', ' svp', " s'il vous plaît", ' merci beaucoup', ' please', ' stp');

const ALL_DEFAULTS: readonly (readonly [KeywordIntent, string])[] = (['stop', 'start', 'contact'] as const).flatMap((intent) => DEFAULT_KEYWORDS[intent].map((keyword) => [intent, keyword] as const));

describe('property: every default keyword, in any case, accents, width and spacing, with noise and polite words around it, keeps its intent', () => {
  it.each(ALL_DEFAULTS)('%s: %s', (intent, keyword) => {
    fc.assert(
      fc.property(POLITE, NOISE, typed(keyword), NOISE, POLITE_AFTER, (before, open, word, close, after) => {
        const text = `${open}${before}${word}${after}${close}`;
        expect(classifyMo(text)).toMatchObject({ intent, keyword, argument: null, basis: 'keyword' });
      }),
      { numRuns: 150 },
    );
  });

  it.each(ALL_DEFAULTS)('%s: %s followed by a short code keeps its intent and gives the code', (intent, keyword) => {
    fc.assert(
      fc.property(typed(keyword), fc.constantFrom(' ', ' au ', '  ', ' : ', ' à '), fc.integer({ min: 34000, max: 38999 }), NOISE, (word, joint, code, close) => {
        expect(classifyMo(`${word}${joint}${code}${close}`)).toMatchObject({ intent, keyword, argument: String(code) });
      }),
      { numRuns: 50 },
    );
  });
});

/** The folded key of a keyword with repeats collapsed, as the typo rule sees it. */
const collapsedLetters = (keyword: string) => keyword.toUpperCase().replace(/[^A-Z]/g, '').replace(/(.)\1+/g, '$1');
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** One typo of a word, never on its first letter: a swap, a wrong letter, an extra letter, or (5 letters and more) a missing one. */
function typoOf(word: string): fc.Arbitrary<string> {
  const position = fc.integer({ min: 1, max: word.length - 1 });
  const letter = fc.constantFrom(...LETTERS);
  const swap = fc.integer({ min: 1, max: word.length - 2 }).map((i) => word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
  const substitute = fc.tuple(position, letter).map(([i, c]) => word.slice(0, i) + c + word.slice(i + 1));
  const insert = fc.tuple(fc.integer({ min: 1, max: word.length }), letter).map(([i, c]) => word.slice(0, i) + c + word.slice(i));
  const remove = position.map((i) => word.slice(0, i) + word.slice(i + 1));
  return fc.oneof(swap, substitute, insert, ...(word.length >= 5 ? [remove] : []));
}

describe('property: typos', () => {
  const typoable = ALL_DEFAULTS.filter(([intent, keyword]) => intent !== 'start' && collapsedLetters(keyword).length >= 4);

  it.each(typoable)('one typo of %s keyword %s keeps its intent, in any case and with noise', (intent, keyword) => {
    fc.assert(
      fc.property(typoOf(collapsedLetters(keyword)), NOISE, (word, close) => {
        // A wrong or extra letter equal to its neighbour collapses: the word is two edits away, no longer one.
        fc.pre(collapsedLetters(word).length === word.length);
        expect(classifyMo(`${word.toLowerCase()}${close}`).intent).toBe(intent);
      }),
      { numRuns: 100 },
    );
  });

  it.each(ALL_DEFAULTS.filter(([intent]) => intent === 'start'))('a typo of %s keyword %s is never START', (_, keyword) => {
    const startKeys = new Set(DEFAULT_KEYWORDS.start.map(collapsedLetters));
    fc.assert(
      fc.property(typoOf(collapsedLetters(keyword)), (word) => {
        fc.pre(!startKeys.has(collapsedLetters(word)));
        expect(classifyMo(word).intent).not.toBe('start');
      }),
      { numRuns: 100 },
    );
  });
});

/** Words of ordinary replies: no keyword, no messaging word, no negation, no verb of wishing or saying. */
const ORDINARY = ['je', 'pense', 'que', 'le', 'bus', 'va', 'à', 'la', 'gare', 'demain', 'matin', 'avec', 'mon', 'frère', 'vraiment', 'super', 'match', 'on', 'verra', 'ça'];

describe('property: a keyword inside an ordinary sentence is not a request', () => {
  // Left out by design: forms of désabonner/désinscrire/unsubscribe mean an opt-out wherever they stand, and so does
  // "STOP SMS" (a stopping verb and a messaging word: "j'ai envoyé STOP SMS et je reçois encore").
  const inSentences = ALL_DEFAULTS.filter(([, keyword]) => !/^(DES|UNSUB)/.test(keyword) && keyword !== 'STOP SMS');
  const words = (min: number, max: number) => fc.array(fc.constantFrom(...ORDINARY), { minLength: min, maxLength: max }).map((list) => list.join(' '));

  it.each(inSentences)('%s keyword %s after five ordinary words, or between them, is other', (_, keyword) => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(words(5, 10), fc.constant('')), fc.tuple(words(1, 4), words(4, 8))), typed(keyword), ([before, after], word) => {
        expect(classifyMo(`${before} ${word} ${after}`).intent).toBe('other');
      }),
      { numRuns: 100 },
    );
  });
});

describe('property: total and consistent on any text', () => {
  const anyText = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.array(fc.constantFrom(...ORDINARY, 'stop', 'STOP', 'merci', 'sms', 'plus', 'ne', 'contact', 'start', '!', '.', ',', '😡', '36123'), { maxLength: 20 }).map((list) => list.join(' ')),
  );

  it('never throws; basis and keyword are null exactly for other; the argument is trimmed text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = classifyMo(text);
        expect(['stop', 'start', 'contact', 'other']).toContain(result.intent);
        expect(result.basis === null).toBe(result.intent === 'other');
        if (result.intent === 'other') expect(result).toMatchObject({ keyword: null, argument: null });
        if (result.argument !== null) expect(result.argument).toMatch(/^[\p{L}\p{N}](?:.*[\p{L}\p{N}])?$/su);
        expect(result.reason).not.toBe('');
      }),
      { numRuns: 1000 },
    );
  });

  it('the real-world table reads the same in any case and width', () => {
    const recased = (text: string) =>
      fc.tuple(...[...text].map((character) => fc.constantFrom(character.toUpperCase(), character.toLowerCase(), fullWidth(character)))).map((parts) => parts.join(''));
    for (const [text, intent] of REAL_WORLD.filter(([text]) => text.length > 0)) {
      fc.assert(
        fc.property(recased(text), (variant) => {
          expect(intentOf(variant)).toBe(intent);
        }),
        { numRuns: 10 },
      );
    }
  });
});

describe('compileKeywords validates a keyword set', () => {
  const withSet = (change: Partial<KeywordSet>) => () => compileKeywords({ ...DEFAULT_KEYWORDS, ...change });
  const problem = (change: Partial<KeywordSet>) => {
    try {
      withSet(change)();
    } catch (error) {
      expect(error).toBeInstanceOf(KeywordSetError);
      return { problem: (error as KeywordSetError).problem, message: (error as Error).message };
    }
    throw new Error('expected a KeywordSetError');
  };

  it('the default set compiles', () => {
    expect(() => compileKeywords(DEFAULT_KEYWORDS)).not.toThrow();
  });

  it('a set without a STOP keyword is refused: recipients must always be able to object', () => {
    expect(problem({ stop: [] })).toEqual({ problem: 'no-stop-keyword', message: expect.stringContaining('at least one STOP keyword') });
  });

  it.each(['', '   ', '!!!', '🛑'])('a keyword with no letter or digit (%j) is refused', (word) => {
    expect(problem({ contact: ['CONTACT', word] })).toEqual({ problem: 'empty-keyword', message: expect.stringContaining(JSON.stringify(word)) });
  });

  it.each(['MERCI', 'svp', "S'il vous plaît"])('a polite word (%j) cannot be a keyword', (word) => {
    expect(problem({ start: ['START', word] }).problem).toBe('filler-keyword');
  });

  it.each([
    [{ start: ['START', 'stop'] }, '"STOP" (stop) and "stop" (start)'],
    [{ contact: ['CONTACT', 'Arrêt'] }, '"ARRET" (stop) and "Arrêt" (contact)'],
    [{ start: ['START', 'stopsms'] }, '"STOP SMS" (stop) and "stopsms" (start)'],
    [{ contact: ['CONTACT', 'STOOP'] }, '"STOP" (stop) and "STOOP" (contact)'],
  ])('a word in two intents, once case, accents, spacing and repeats are ignored, is refused (%j)', (change, names) => {
    expect(problem(change)).toEqual({ problem: 'keyword-in-two-intents', message: expect.stringContaining(names) });
  });

  it.each([
    [{ contact: ['CONTACT', 'STOPS'] }, 'contact keyword "STOPS" is one typo away from stop keyword "STOP"'],
    [{ start: ['START', 'CONTCAT'] }, 'start keyword "CONTCAT" is one typo away from contact keyword "CONTACT"'],
  ])('a keyword one typo from a keyword of another intent whose typos are read is refused (%j)', (change, message) => {
    expect(problem(change)).toEqual({ problem: 'keywords-too-close', message: expect.stringContaining(message) });
  });

  it('a START keyword may be one typo from another START keyword, and typos of START are not read anyway', () => {
    expect(() => compileKeywords({ ...DEFAULT_KEYWORDS, start: ['START', 'STARTS'] })).not.toThrow();
  });

  it('duplicates within an intent are kept once; the first spelling is reported', () => {
    const set = compileKeywords({ stop: ['Stop', 'STOP', 'stop'], start: [], contact: [] });
    expect(set.keywords).toHaveLength(1);
    expect(classifyMo('STOP', set).keyword).toBe('Stop');
  });

  it("an account's own words are read like the defaults", () => {
    const set = compileKeywords({ stop: ['STOP', 'NON'], start: ['OUI'], contact: ['INFO'] });
    expect(classifyMo('Non merci', set)).toMatchObject({ intent: 'stop', keyword: 'NON' });
    expect(classifyMo('oui !', set)).toMatchObject({ intent: 'start', keyword: 'OUI' });
    expect(classifyMo('Infos', set)).toMatchObject({ intent: 'contact', keyword: 'INFO', basis: 'typo' });
    expect(classifyMo('CONTACT', set).intent).toBe('other');
  });
});
