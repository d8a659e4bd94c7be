/**
 * The French (and a little English) around a keyword: polite words that do not change a request, words that are
 * not a brand name, and the vocabulary of the opt-out sentences. Data, written as people write it; compared in
 * folded form (fold.ts).
 */
import { keyOf } from './fold.ts';

/** Folded, collapsed forms of words or phrases. */
export type WordSet = ReadonlySet<string>;

export const wordSet = (...words: readonly string[]): WordSet => new Set(words.map(keyOf));

/**
 * Politeness and greetings that may surround a keyword: "Bonjour, STOP merci" is a STOP. Kept short on purpose:
 * a word here can never be a keyword, and "OK", "oui", "non" are left out because they change what a reply says.
 */
export const FILLERS = wordSet(
  'merci', 'merci beaucoup', 'merci bcp', "merci d'avance", 'svp', 'stp', "s'il vous plaît", "s'il te plaît", 'siouplait',
  'please', 'plz', 'pls', 'thanks', 'thank you', 'thx',
  'bonjour', 'bonsoir', 'salut', 'hello', 'cordialement', 'madame', 'monsieur',
);

/**
 * Words of messaging: what a person asks to stop receiving. They are also dropped from a keyword's argument ("STOP
 * les SMS de Dupont" names Dupont).
 */
export const MESSAGING = wordSet(
  'sms', 'message', 'messages', 'msg', 'texto', 'textos', 'mms',
  'pub', 'pubs', 'publicité', 'publicités', 'promo', 'promos', 'promotion', 'promotions', 'offre', 'offres',
  'spam', 'spams', 'spammer', 'spamer', 'notification', 'notifications', 'newsletter', 'newsletters', 'alerte', 'alertes',
  'envoi', 'envois', 'envoyer', 'envoyez', 'envoie', 'envoies', 'envoient',
  'harceler', 'harcelez', 'harcèlement', 'contacter', 'contactez', 'écrire', 'écrivez',
  'solliciter', 'sollicitez', 'sollicitation', 'sollicitations', 'démarchage', 'relance', 'relances', 'relancer',
);

/**
 * Articles, prepositions, pronouns and quantifiers: never a brand name, so not an argument. "STOP au 36123",
 * "STOP à tout", "STOP chez L'Oréal".
 */
export const CONNECTORS = wordSet(
  'à', 'au', 'aux', 'pour', 'chez', 'de', 'du', 'des', 'd', 'le', 'la', 'les', 'l', 'un', 'une',
  'vos', 'votre', 'tes', 'ton', 'ta', 'ces', 'ce', 'cet', 'cette', 'ça', 'cela',
  'm', 'me', 'moi', 'mon', 'ma', 'mes', 'nous', 'sur', 'par', 'et', 'en', 'numéro', 'num',
  'tout', 'tous', 'toute', 'toutes', 'définitivement', 'immédiatement', 'maintenant',
  'to', 'from', 'of', 'all', 'the', 'my', 'now',
  // The STOP mention's own words, which people copy back: "STOP SMS au 36123 (non surtaxé)".
  'non', 'sans', 'surtaxé', 'surtaxe', 'surcoût', 'frais', 'gratuit',
);

/** Verbs that stop something: with a messaging word after them, the sentence asks to stop the messages. */
export const STOPPING_VERBS = wordSet(
  'stop', 'stoppe', 'stoppez', 'stopper', 'arrêt', 'arrête', 'arrêtes', 'arrêtez', 'arrêter', 'arrêtons', 'cesse', 'cessez', 'cesser',
);

/** The imperative that addresses the sender: opening an MO, it is an order to stop. */
export const STOP_ORDERS = wordSet('arrêtez', 'stoppez', 'cessez');

/** Verbs that take something off a list: with the person or a list after them, the sentence asks to be removed. */
export const REMOVAL_VERBS = wordSet(
  'retirez', 'retirer', 'retire', 'supprimez', 'supprimer', 'supprime', 'enlevez', 'enlever', 'enlève', 'effacez', 'effacer', 'efface',
  'rayez', 'rayer', 'remove', 'delete',
);

/** What is removed: the person, their number or data, or the list they are on. */
export const REMOVAL_TARGETS = wordSet(
  'moi', 'numéro', 'num', 'coordonnées', 'données', 'liste', 'listes', 'fichier', 'fichiers', 'base', 'me',
);

/** Beginnings of "se désabonner", "se désinscrire", "unsubscribe" in any form: an opt-out wherever they appear. */
export const UNSUBSCRIBE_STEMS: readonly string[] = ['désabon', 'désinscri', 'unsubscrib'].map(keyOf);

export const NEGATIONS = wordSet('ne', 'n', 'pas', 'jamais');
/** The "ne" of "ne … plus". */
export const NE = wordSet('ne', 'n');

/** "Je veux", "je souhaite"… before "plus": the person wants something to end. */
export const WISHES = wordSet(
  'veux', 'veut', 'voulons', 'veulent', 'voudrais', 'voudrait', 'voudrions',
  'souhaite', 'souhaitons', 'souhaiterais', 'souhaiterait', 'désire', 'désirons', 'désirerais',
);

/** Sending or contacting someone: after "me", "m'" or "nous", it is the person who receives. */
export const SENDING_TO_ME = wordSet(
  'envoyer', 'envoyez', 'envoie', 'envoies', 'envoient', 'contacter', 'contactez', 'contacte', 'écrire', 'écrivez', 'écris',
  'solliciter', 'sollicitez', 'déranger', 'dérangez', 'harceler', 'harcelez', 'spammer', 'spammez', 'relancer', 'relancez',
  'appeler', 'appelez', 'démarcher', 'démarchez', 'texter',
);
export const ME = wordSet('me', 'm', 'nous');
export const RECEIVE = wordSet('recevoir');
export const BE = wordSet('être', 'etre');
/** "Être contacté", "être sollicitée", "être dérangés"… */
export const BEING_CONTACTED = wordSet(
  'contacté', 'contactée', 'contactés', 'sollicité', 'sollicitée', 'sollicités', 'dérangé', 'dérangée', 'dérangés',
  'démarché', 'démarchée', 'démarchés', 'harcelé', 'harcelée', 'harcelés', 'spammé', 'spammée',
);
export const MORE = wordSet('plus');

/** Saying or sending a keyword: "je dis STOP", "je réponds STOP", "j'ai envoyé STOP", "réponse : STOP". */
export const SAYING = wordSet(
  'dis', 'dit', 'disons', 'réponds', 'répond', 'réponse', 'répondre', 'répondu', 'tape', 'tapé', 'écris', 'écrit', 'envoie', 'envoyé', 'mis',
  'demande',
);
