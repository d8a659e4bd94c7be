/**
 * data_coding values Relais writes and reads. SMPP 3.4 §5.2.19 defines 0x00–0x0E; from 0x10 the byte is read
 * as a GSM 03.38 data coding scheme, where bit 4 says "message class present" and bits 0–1 give the class
 * (class 0 = "flash", shown at once and not stored).
 */
export type Alphabet = 'gsm7' | 'ascii' | 'latin1' | 'binary' | 'ucs2';

export interface DataCoding {
  alphabet: Alphabet;
  /** GSM message class 0 ("flash"). */
  flash: boolean;
  description: string;
}

export const dataCodings: ReadonlyMap<number, DataCoding> = new Map([
  [0x00, { alphabet: 'gsm7', flash: false, description: 'SMSC default alphabet (GSM 03.38), one septet per octet' }],
  [0x01, { alphabet: 'ascii', flash: false, description: 'IA5 (ASCII)' }],
  [0x02, { alphabet: 'binary', flash: false, description: '8-bit binary' }],
  [0x03, { alphabet: 'latin1', flash: false, description: 'Latin-1 (ISO-8859-1)' }],
  [0x04, { alphabet: 'binary', flash: false, description: '8-bit binary' }],
  [0x08, { alphabet: 'ucs2', flash: false, description: 'UCS-2 (UTF-16BE)' }],
  [0x10, { alphabet: 'gsm7', flash: true, description: 'GSM 03.38, message class 0 (flash)' }],
  [0x14, { alphabet: 'binary', flash: true, description: '8-bit binary, message class 0' }],
  [0x18, { alphabet: 'ucs2', flash: true, description: 'UCS-2, message class 0 (flash)' }],
  [0xf0, { alphabet: 'gsm7', flash: true, description: 'GSM 03.38, message class 0 (coding group F)' }],
  [0xf4, { alphabet: 'binary', flash: true, description: '8-bit binary, message class 0 (coding group F)' }],
]);

/** The data_coding Relais writes for an encoding (only gsm7 and ucs2 leave core/text). */
export function dataCodingFor(encoding: 'gsm7' | 'ucs2', flash = false): number {
  if (encoding === 'gsm7') return flash ? 0x10 : 0x00;
  return flash ? 0x18 : 0x08;
}

/** How to read a received data_coding; values outside the table are read by their DCS bits, else as binary. */
export function dataCodingOf(value: number): DataCoding {
  const known = dataCodings.get(value);
  if (known) return known;
  if (value >= 0x10 && value <= 0x1f) {
    // General coding group with a message class: bits 2–3 are the alphabet, bits 0–1 the class.
    const alphabet = (['gsm7', 'binary', 'ucs2', 'binary'] as const)[(value >> 2) & 3]!;
    return { alphabet, flash: (value & 3) === 0, description: `DCS 0x${value.toString(16)}` };
  }
  if (value >= 0xf0) return { alphabet: value & 0x04 ? 'binary' : 'gsm7', flash: (value & 3) === 0, description: `DCS 0x${value.toString(16)}` };
  return { alphabet: 'binary', flash: false, description: `unsupported data_coding 0x${value.toString(16)}` };
}
