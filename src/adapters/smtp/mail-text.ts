/**
 * What part of a mail becomes the SMS: the text the sender wrote, without the signature, the quoted
 * message it answers, or the forwarded one (docs/email.md, "Trimming"). Pure functions.
 */

/** A signature separator: "-- " (RFC 3676), or "--" when a client trimmed the trailing space. */
const SIGNATURE = /^--\s*$/;
/** The first line of a quoted reply ("> ..."). */
const QUOTED = /^\s*>/;
/** The attribution line of a reply, in French or English, on one line. */
const ATTRIBUTION = /^\s*(le|on)\s.*(a\s+écrit|wrote)\s*:\s*$/i;
/** The end of an attribution line that a client wrapped onto a second line. */
const ATTRIBUTION_END = /(a\s+écrit|wrote)\s*:\s*$/i;
const ATTRIBUTION_START = /^\s*(le|on)\s/i;
/** Outlook-style separators before a quoted or forwarded message. */
const ORIGINAL = /^\s*-{2,}\s*(original message|message d'origine|forwarded message|message transféré)\s*-{2,}\s*$/i;
/** Outlook-style header block of the quoted message: "De : …" (or "From: …") then "Envoyé : …" / "Sent: …" / "Date : …". */
const QUOTED_FROM = /^\s*(de|from)\s*:/i;
const QUOTED_SENT = /^\s*(envoyé|sent|date)\s*:/i;

/** The body cut at the first signature, attribution, quote or original-message marker, whitespace collapsed. */
export function trimmedBody(body: string): string {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const previous = i > 0 ? lines[i - 1]! : '';
    const next = lines[i + 1] ?? '';
    if (SIGNATURE.test(line) || QUOTED.test(line) || ORIGINAL.test(line) || ATTRIBUTION.test(line)) {
      end = i;
      break;
    }
    if (ATTRIBUTION_END.test(line) && ATTRIBUTION_START.test(previous)) {
      end = i - 1;
      break;
    }
    if (QUOTED_FROM.test(line) && QUOTED_SENT.test(next)) {
      end = i;
      break;
    }
  }
  return collapseLines(lines.slice(0, end));
}

/** A subject as SMS text: one line, whitespace collapsed. */
export function subjectText(subject: string): string {
  return subject.replace(/\s+/g, ' ').trim();
}

/** Runs of spaces and tabs become one space, lines are trimmed, blank lines dropped; line breaks are kept. */
function collapseLines(lines: readonly string[]): string {
  return lines
    .map((line) => line.replace(/[^\S\n]+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}
