/** Helpers of the CSV tests: files as bytes, fed in chunks, read whole. */
import { openCsv, type CsvOptions, type CsvRecord, type CsvSource } from '../../../src/adapters/csv/csv-source.ts';

const WINDOWS_1252_EXTRAS: Readonly<Record<string, number>> = { '€': 0x80, '‚': 0x82, '„': 0x84, '…': 0x85, 'Œ': 0x8c, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '–': 0x96, '—': 0x97, 'œ': 0x9c, 'Ÿ': 0x9f };

/** Text as Excel saves it in France ("CSV (séparateur: point-virgule)"): Windows-1252. */
export function windows1252(text: string): Buffer {
  return Buffer.from(
    Array.from(text, (char) => {
      const code = WINDOWS_1252_EXTRAS[char] ?? char.charCodeAt(0);
      if (code > 0xff) throw new Error(`${char} is not in Windows-1252`);
      return code;
    }),
  );
}

export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The bytes cut in chunks of `size` (1 cuts every character and every CRLF in two). */
export async function* chunked(bytes: Buffer, size = 7): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

export async function readAll(source: CsvSource): Promise<CsvRecord[]> {
  const records: CsvRecord[] = [];
  for await (const record of source.records) records.push(record);
  return records;
}

/** Opens the file (given as text in UTF-8, or as bytes) and reads every record. */
export async function readCsv(file: string | Buffer, options?: CsvOptions, chunkSize?: number): Promise<CsvSource & { all: CsvRecord[] }> {
  const bytes = typeof file === 'string' ? Buffer.from(file) : file;
  const source = await openCsv(chunked(bytes, chunkSize), options);
  return { ...source, all: await readAll(source) };
}

export function problems(records: readonly CsvRecord[]): { line: number; problem: string }[] {
  return records.flatMap((record) => ('problem' in record ? [record] : []));
}

export function rows(records: readonly CsvRecord[]): { line: number; fields: string[] }[] {
  return records.flatMap((record) => ('fields' in record ? [record] : []));
}
