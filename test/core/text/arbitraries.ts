import fc from 'fast-check';
import { BASIC_TABLE, ESCAPE, EXTENSION_TABLE } from '../../../src/core/text/index.ts';

/** Characters of the GSM basic table (3GPP TS 23.038 §6.2.1), the escape slot left out. */
export const basicCharacters = BASIC_TABLE.filter((_, septet) => septet !== ESCAPE);
/** Characters of the extension table (§6.2.1.1), 2 septets each. */
export const extensionCharacters = [...EXTENSION_TABLE.values()];
/** Characters outside GSM that French texts meet, surrogate pairs and multi-code-point emoji included. */
export const nonGsmSamples = ['’', '«', '»', 'ç', 'â', 'ê', 'î', 'ô', 'û', 'ë', 'ï', 'œ', '\t', '\u00a0', '…', '中', '😀', '👍🏽', '🇫🇷'];

const gsmCharacter = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...basicCharacters) },
  { weight: 2, arbitrary: fc.constantFrom(...extensionCharacters) },
);
const anyCharacter = fc.oneof(
  { weight: 6, arbitrary: gsmCharacter },
  { weight: 2, arbitrary: fc.constantFrom(...nonGsmSamples) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

/** Texts up to ~3 parts long, where escape pairs often meet part boundaries. */
export const gsmText = fc.string({ unit: gsmCharacter, maxLength: 480 });
/** Any text: GSM, French non-GSM, emoji, any code point. */
export const anyText = fc.string({ unit: anyCharacter, maxLength: 480 });
/** Either kind, so GSM texts are frequent enough among the random ones. */
export const text = fc.oneof(gsmText, anyText);
