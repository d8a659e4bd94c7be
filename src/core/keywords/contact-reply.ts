/**
 * The answer to a CONTACT MO, as an account writes it (docs/keywords.md, "The CONTACT reply"): it says who sends —
 * the company, and a postal address, an e-mail or a phone — in one or two SMS parts. Pure.
 */
import { measure, unstorableCharacter } from '../text/index.ts';

/** A CONTACT reply is sent as one transactional SMS of at most this many parts. */
export const MAX_CONTACT_REPLY_PARTS = 2;
/** Its length in characters, whatever the encoding (the database column and the form). */
export const MAX_CONTACT_REPLY_LENGTH = 320;

/** Why `text` cannot be the account's CONTACT reply, or undefined when it can. */
export function contactReplyProblem(text: string): string | undefined {
  if (text.trim() === '') return 'the reply is empty: write who sends (the company, and an address, an e-mail or a phone)';
  if (text.length > MAX_CONTACT_REPLY_LENGTH) return `the reply is ${text.length} characters long; at most ${MAX_CONTACT_REPLY_LENGTH}`;
  const unstorable = unstorableCharacter(text);
  if (unstorable !== undefined) return `the reply holds a character that cannot be sent (${unstorable})`;
  const { encoding, segments, forcingUcs2 } = measure(text);
  if (segments > MAX_CONTACT_REPLY_PARTS) {
    const why = encoding === 'ucs2' ? ` in UCS-2 (because of ${forcingUcs2.slice(0, 5).map((c) => `"${c}"`).join(', ')}), 70 characters a part alone, 67 once cut` : ' (GSM 7 bits: 160 characters alone, 153 a part once cut)';
    return `the reply takes ${segments} SMS parts${why}; at most ${MAX_CONTACT_REPLY_PARTS}`;
  }
  return undefined;
}
