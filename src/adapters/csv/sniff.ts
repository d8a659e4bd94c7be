/**
 * What a CSV file is written in, guessed from its first bytes: the encoding (a BOM, else valid UTF-8, else Excel's
 * Windows-1252) and the separator (the most frequent candidate on the header line).
 */

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'windows-1252';

/** How much of the file the guesses read. */
export const SNIFF_BYTES = 64 * 1024;

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const UTF16LE_BOM = [0xff, 0xfe];
const UTF16BE_BOM = [0xfe, 0xff];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

/**
 * A UTF-8 BOM says UTF-8 and a UTF-16LE BOM UTF-16LE; otherwise text that decodes as strict UTF-8 is UTF-8 (a
 * character cut by the end of the sample is not held against it), and anything else is Windows-1252, the
 * encoding of Excel's "CSV (séparateur: point-virgule)" in France (Latin-1 plus €, œ, Œ, curly quotes).
 * Undefined for UTF-16BE, which the import does not read.
 */
export function detectEncoding(sample: Uint8Array): CsvEncoding | undefined {
  if (startsWith(sample, UTF8_BOM)) return 'utf-8';
  if (startsWith(sample, UTF16LE_BOM)) return 'utf-16le';
  if (startsWith(sample, UTF16BE_BOM)) return undefined;
  try {
    // `stream: true` keeps an incomplete sequence at the end for a next call instead of failing on it.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

export const DELIMITERS = [';', ',', '\t', '|'] as const;
export type CsvDelimiter = (typeof DELIMITERS)[number];

/** The first line that is not blank, quotes respected (a quoted header may hold a line break). */
function headerLine(text: string): string {
  const start = text.search(/[^\s]/);
  if (start < 0) return '';
  let quoted = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (char === '"') quoted = !quoted;
    else if ((char === '\n' || char === '\r') && !quoted) return text.slice(start, index);
  }
  return text.slice(start);
}

/** The candidate (; , tab |) found most often outside quotes on the header line; a comma when none is (one column). */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const char of headerLine(text)) {
    if (char === '"') quoted = !quoted;
    else if (!quoted) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best: CsvDelimiter = ',';
  let bestCount = 0;
  for (const candidate of DELIMITERS) {
    const count = counts.get(candidate) ?? 0;
    if (count > bestCount) [best, bestCount] = [candidate, count];
  }
  return best;
}
