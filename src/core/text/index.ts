/**
 * Interim core/text (the spine needs `measure` and `segment`); the full module replaces it.
 */
export type Encoding = 'gsm7' | 'ucs2';

// GSM 03.38 default alphabet, septet value = index.
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION: Record<string, number> = { '\f': 0x0a, '^': 0x14, '{': 0x28, '}': 0x29, '\\': 0x2f, '[': 0x3c, '~': 0x3d, ']': 0x3e, '|': 0x40, '€': 0x65 };
const basicCode = new Map<string, number>([...BASIC].map((c, i) => [c, i] as [string, number]).filter(([c]) => c !== '\u001b'));
const extCode = new Map(Object.entries(EXTENSION));
const extChar = new Map(Object.entries(EXTENSION).map(([c, v]) => [v, c]));

export interface Measure { encoding: Encoding; units: number; segments: number; perSegment: number; remainingInLastSegment: number; forcingUcs2: string[] }
export interface EncodedPart { udh: Uint8Array | null; body: Uint8Array; text: string }
export interface Segmentation { encoding: Encoding; parts: EncodedPart[] }

function septets(ch: string): number { return basicCode.has(ch) ? 1 : extCode.has(ch) ? 2 : 0; }

export function isGsm7(text: string): boolean { for (const ch of text) if (!septets(ch)) return false; return true; }

export function measure(text: string): Measure {
  const forcing: string[] = [];
  let gsm = 0;
  for (const ch of text) { const s = septets(ch); if (!s) { if (!forcing.includes(ch)) forcing.push(ch); } else gsm += s; }
  const encoding: Encoding = forcing.length === 0 ? 'gsm7' : 'ucs2';
  const units = encoding === 'gsm7' ? gsm : text.length;
  const parts = split(text, encoding, 0);
  const single = encoding === 'gsm7' ? 160 : 70;
  const per = parts.length > 1 ? (encoding === 'gsm7' ? 153 : 67) : single;
  const lastUnits = encoding === 'gsm7' ? [...parts.at(-1)!].reduce((n, c) => n + septets(c), 0) : parts.at(-1)!.length;
  return { encoding, units, segments: parts.length, perSegment: per, remainingInLastSegment: per - lastUnits, forcingUcs2: forcing };
}

/** Splits into part texts without cutting an escape pair or a surrogate pair. */
function split(text: string, encoding: Encoding, udhOctets: number): string[] {
  const cost = (ch: string) => (encoding === 'gsm7' ? septets(ch) : ch.length);
  const total = [...text].reduce((n, c) => n + cost(c), 0);
  const single = encoding === 'gsm7' ? 160 : 70;
  if (total <= single) return [text];
  const per = encoding === 'gsm7' ? Math.floor(((140 - (udhOctets || 6)) * 8) / 7) : (140 - (udhOctets || 6)) / 2;
  const parts: string[] = [];
  let current = '';
  let used = 0;
  for (const ch of text) {
    const c = cost(ch);
    if (used + c > per) { parts.push(current); current = ''; used = 0; }
    current += ch; used += c;
  }
  parts.push(current);
  return parts;
}

export function encodeGsm7(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const b = basicCode.get(ch);
    if (b !== undefined) out.push(b);
    else { const e = extCode.get(ch); if (e === undefined) throw new RangeError(`"${ch}" is not in the GSM 03.38 alphabet`); out.push(0x1b, e); }
  }
  return Uint8Array.from(out);
}

export function decodeGsm7(data: Uint8Array): string {
  let s = '';
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0x1b && i + 1 < data.length) { s += extChar.get(data[++i]!) ?? ' '; } else s += BASIC[data[i]! & 0x7f];
  }
  return s;
}

export function encodeUcs2(text: string): Uint8Array { const b = Buffer.from(text, 'utf16le'); b.swap16(); return new Uint8Array(b); }
export function decodeUcs2(bytes: Uint8Array): string { const b = Buffer.from(bytes.slice(0, bytes.length - (bytes.length % 2))); b.swap16(); return b.toString('utf16le'); }

export function concatenationUdh(reference: number, total: number, index: number, reference16 = false): Uint8Array {
  return reference16 ? Uint8Array.of(6, 8, 4, (reference >> 8) & 0xff, reference & 0xff, total, index) : Uint8Array.of(5, 0, 3, reference & 0xff, total, index);
}

export function segment(text: string, options: { reference: number; reference16?: boolean; encoding?: Encoding }): Segmentation {
  const encoding = options.encoding ?? (isGsm7(text) ? 'gsm7' : 'ucs2');
  const texts = split(text, encoding, options.reference16 ? 7 : 6);
  const encode = encoding === 'gsm7' ? encodeGsm7 : encodeUcs2;
  return {
    encoding,
    parts: texts.map((t, i) => ({ text: t, body: encode(t), udh: texts.length === 1 ? null : concatenationUdh(options.reference, texts.length, i + 1, options.reference16) })),
  };
}
