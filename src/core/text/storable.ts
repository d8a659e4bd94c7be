/**
 * What text Relais keeps, decided once for every door (docs/api.md "Text Relais refuses").
 *
 * - NUL (U+0000) is no character a handset shows, and PostgreSQL cannot store it in text. It is **refused**,
 *   never removed: removing it would change a message (or a number, a reference) behind the client's back.
 * - A lone surrogate (half of a UTF-16 pair) is no character at all; stored, it would silently become U+FFFD.
 *   It is refused too.
 *
 * Each door turns the refusal into its own permanent error naming where it was: HTTP a 4xx problem naming the field,
 * SMPP a command_status that is not a system error, SMTP a 5xx, a CSV import the row rejected with its line.
 */

/** Why `text` cannot be kept, with the position (0-based, in UTF-16 code units) of the first offending character; undefined when it can. */
export function unstorableCharacter(text: string): string | undefined {
  // Almost every text has neither a NUL nor a surrogate: two cheap scans before the exact one.
  if (!text.includes('\u0000') && !ANY_SURROGATE.test(text)) return undefined;
  const match = UNSTORABLE.exec(text);
  if (!match) return undefined;
  const what = match[0] === '\u0000' ? 'a NUL character (U+0000)' : `a lone surrogate (U+${match[0].charCodeAt(0).toString(16).toUpperCase()}, half of a UTF-16 pair)`;
  return `contains ${what} at position ${match.index + 1}: it is no character a handset can show; remove it`;
}

const UNSTORABLE_SOURCE = '\\u0000|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const UNSTORABLE = new RegExp(UNSTORABLE_SOURCE);
const ANY_SURROGATE = /[\ud800-\udfff]/;
const EVERY_UNSTORABLE = new RegExp(UNSTORABLE_SOURCE, 'g');

/** `text` with each character that cannot be kept shown as U+FFFD: only to quote, in a record of what was refused, what was read. */
export function quotedForRecord(text: string): string {
  return text.replace(EVERY_UNSTORABLE, '\ufffd');
}

/**
 * Every string of a parsed JSON-like value (object keys included) that cannot be kept: its JSON pointer and why.
 * Stops after `max` problems.
 */
export function unstorableStrings(value: unknown, max = 20): { field: string; reason: string }[] {
  const found: { field: string; reason: string }[] = [];
  const visit = (node: unknown, at: string): void => {
    if (found.length >= max) return;
    if (typeof node === 'string') {
      const reason = unstorableCharacter(node);
      if (reason) found.push({ field: at || '/', reason });
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${at}/${i}`));
    } else if (isPlainObject(node)) {
      for (const [key, item] of Object.entries(node)) {
        const field = `${at}/${escapePointer(key)}`;
        const keyReason = unstorableCharacter(key);
        if (keyReason) found.push({ field, reason: `the name of this field ${keyReason}` });
        visit(item, field);
      }
    }
  };
  visit(value, '');
  return found;
}

/** An object of fields (what JSON, a form, a query string or a route's path gives), not a stream or a buffer. */
function isPlainObject(node: unknown): node is Record<string, unknown> {
  return node !== null && typeof node === 'object' && typeof (node as { pipe?: unknown }).pipe !== 'function' && !ArrayBuffer.isView(node);
}

/** RFC 6901: "~" and "/" in a key are written "~0" and "~1" in a pointer. */
export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
