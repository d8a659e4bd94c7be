/**
 * The kinds of field an EMI/UCP message carries (EMI/UCP 4.x §5, §6) and how each is checked. Every field
 * travels as IRA (ASCII) characters between two '/'; an empty field is an absent one.
 */

/**
 * - num: decimal digits ("Num. String" in the specification);
 * - hex: hexadecimal digits (hex-encoded octets, septets or a packed alphanumeric address);
 * - text: printable characters, '/' excluded (system messages, reserved fields);
 * - ack: one of the given letters (A positive, N negative).
 */
export type FieldType = 'num' | 'hex' | 'text' | 'ack';

export interface FieldSpec {
  readonly type: FieldType;
  /** Longest value, in characters. */
  readonly max: number;
  /** Shortest value when present, in characters. */
  readonly min: number;
  /** The only values allowed (ack fields). */
  readonly oneOf?: readonly string[];
  /** What some values mean, for the dump. */
  readonly meanings?: Readonly<Record<string, string>>;
  /** Never shown in a dump (passwords). */
  readonly secret?: boolean;
}

type Extras = Pick<FieldSpec, 'meanings' | 'secret'>;

export const num = (max: number, min = 1, extras: Extras = {}): FieldSpec => ({ type: 'num', max, min, ...extras });
export const hex = (max: number, extras: Extras = {}): FieldSpec => ({ type: 'hex', max, min: 1, ...extras });
export const text = (max: number, min = 1): FieldSpec => ({ type: 'text', max, min });
export const ack = (letter: 'A' | 'N'): FieldSpec => ({ type: 'ack', max: 1, min: 1, oneOf: [letter] });

/** Whether a character code may appear in a field of this type. */
const allowed: Record<FieldType, (c: number) => boolean> = {
  num: (c) => c >= 0x30 && c <= 0x39,
  hex: (c) => (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66),
  // IRA printable characters and the Latin-1 letters some SMSCs write in system messages; never '/' nor controls.
  text: (c) => (c >= 0x20 && c <= 0x7e && c !== 0x2f) || (c >= 0xa0 && c <= 0xff),
  ack: (c) => c === 0x41 || c === 0x4e,
};

/** Why a value does not fit its field, or undefined when it does (an empty value always fits). */
export function fieldProblem(spec: FieldSpec, value: string): string | undefined {
  if (value.length === 0) return undefined;
  if (value.length > spec.max) return `${value.length} characters, at most ${spec.max}`;
  if (value.length < spec.min) return `${value.length} characters, at least ${spec.min}`;
  const ok = allowed[spec.type];
  for (let i = 0; i < value.length; i++) if (!ok(value.charCodeAt(i))) return `not ${describeType(spec.type)}`;
  if (spec.oneOf && !spec.oneOf.includes(value)) return `not ${spec.oneOf.join(' or ')}`;
  return undefined;
}

function describeType(type: FieldType): string {
  return { num: 'decimal digits', hex: 'hexadecimal digits', text: "printable characters without '/'", ack: 'A or N' }[type];
}
