/**
 * The GSM 7-bit default alphabet (3GPP TS 23.038 §6.2.1, formerly GSM 03.38) and its extension table
 * (§6.2.1.1), declared once. Every lookup of core/text derives from these two tables.
 */

/** Septet 0x1B: escape to the extension table. It is no character of its own. */
export const ESCAPE = 0x1b;

/** The basic table as printed in the spec, one string per column (septets 0x00–0x0F, 0x10–0x1F, …). */
const BASIC_COLUMNS = [
  '@£$¥èéùìòÇ\nØø\rÅå',
  'Δ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ',
  ' !"#¤%&\'()*+,-./',
  '0123456789:;<=>?',
  '¡ABCDEFGHIJKLMNO',
  'PQRSTUVWXYZÄÖÑÜ§',
  '¿abcdefghijklmno',
  'pqrstuvwxyzäöñüà',
];

/** Character of each septet 0x00–0x7F (the slot of ESCAPE holds U+001B as a placeholder). */
export const BASIC_TABLE: readonly string[] = [...BASIC_COLUMNS.join('')];

/** The extension table: septet that follows ESCAPE → character. Each of these costs 2 septets. */
export const EXTENSION_TABLE: ReadonlyMap<number, string> = new Map([
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
]);

// Derived lookups, indexed by UTF-16 code unit (every GSM character is one code unit): the hot path reads
// two typed arrays and allocates nothing.
const costByCodeUnit = new Uint8Array(0x10000);
const septetByCodeUnit = new Uint8Array(0x10000);
BASIC_TABLE.forEach((character, septet) => {
  if (septet === ESCAPE) return;
  costByCodeUnit[character.charCodeAt(0)] = 1;
  septetByCodeUnit[character.charCodeAt(0)] = septet;
});
for (const [septet, character] of EXTENSION_TABLE) {
  costByCodeUnit[character.charCodeAt(0)] = 2;
  septetByCodeUnit[character.charCodeAt(0)] = septet;
}

/** Septets a UTF-16 code unit costs in GSM 7-bit: 1 (basic table), 2 (escape + extension), 0 (not in the alphabet). */
export function septetCost(codeUnit: number): number {
  return costByCodeUnit[codeUnit]!;
}

/** Position of a GSM character in its table (basic, or extension when its cost is 2). */
export function septetOf(codeUnit: number): number {
  return septetByCodeUnit[codeUnit]!;
}
