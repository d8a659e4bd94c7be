/**
 * Typed EMI/UCP messages ⇄ frames, and a readable dump, all read off the operation table (operations.ts).
 */
import { fieldProblem, type FieldSpec } from './fields.ts';
import { isDecodeFailure, UcpDecodeError, UcpEncodeError, type DecodeFailure } from './errors.ts';
import { decodeFrame, encodeFrame } from './frame.ts';
import { isOperationType, layoutOf, operationTable, type OperationType, type UcpMessage, type UcpMessageInput } from './operations.ts';

type Layout = ReturnType<typeof layoutOf>;

function layoutOfMessage(message: UcpMessageInput | UcpMessage): Layout {
  return layoutOf(message.kind, message.ot, message.kind === 'O' || message.ack);
}

/** Writes a message; throws UcpEncodeError when a value does not fit its field. */
export function encodeMessage(message: UcpMessageInput): Buffer {
  const layout = layoutOfMessage(message);
  const given = message.fields as Record<string, string | undefined>;
  const values = layout.map(([name, spec]) => {
    const value = name === 'ACK' ? 'A' : name === 'NAck' ? 'N' : (given[name] ?? '');
    const problem = fieldProblem(spec, value);
    if (problem) throw new UcpEncodeError(`${message.kind}/${message.ot} field ${name}: ${problem}`);
    return value;
  });
  return encodeFrame(message.trn, message.kind, message.ot, values);
}

/** Reads one frame (STX to ETX); throws UcpDecodeError with the reason (see readMessage). */
export function decodeMessage(frame: Buffer): UcpMessage {
  const message = readMessage(frame);
  if (isDecodeFailure(message)) throw new UcpDecodeError(message.reason, message.code, message.header);
  return message;
}

/**
 * Reads one frame (STX to ETX), or says why it cannot — with, when the header could be read, the header and the
 * error code a negative result would give back. Returns rather than throws: garbage costs no exception.
 */
export function readMessage(frame: Buffer): UcpMessage | DecodeFailure {
  const raw = decodeFrame(frame);
  if (isDecodeFailure(raw)) return raw;
  const { trn, kind, ot } = raw;
  const header = { trn, kind, ot };
  if (!isOperationType(ot)) return { reason: `operation type ${ot} is not supported`, code: '03', header };
  const positive = kind === 'O' || raw.fields[0] === 'A';
  if (kind === 'R' && !positive && raw.fields[0] !== 'N') return { reason: 'a result starts with A or N', code: '02', header };
  const what = `${kind}/${ot}${kind === 'R' ? (positive ? ' A' : ' N') : ''}`;
  const { layout, empty, required } = compiled(kind, ot, positive);
  if (raw.fields.length !== layout.length) return { reason: `${what} has ${layout.length} fields, not ${raw.fields.length}`, code: '02', header };
  // Most fields are empty: start from all-empty fields (one shape per layout) and set the others.
  const fields: Record<string, string> = { ...empty };
  for (let i = 0; i < layout.length; i++) {
    const value = raw.fields[i]!;
    if (value === '') continue;
    const [name, spec] = layout[i]!;
    const problem = fieldProblem(spec, value);
    if (problem) return { reason: `${what} field ${name}: ${problem}`, code: '02', header };
    fields[name] = value;
  }
  for (const name of required) {
    if (!fields[name]) return { reason: `${what} field ${name} is missing`, code: '02', header };
  }
  return (kind === 'O' ? { kind, ot, trn, fields } : { kind, ot, trn, ack: positive, fields }) as UcpMessage;
}

interface CompiledLayout {
  layout: Layout;
  /** Every field of the layout, empty. */
  empty: Readonly<Record<string, string>>;
  required: readonly string[];
}

const compiledLayouts = new Map<string, CompiledLayout>();

/** What decoding a message of this kind needs, worked out once from the table. */
function compiled(kind: 'O' | 'R', ot: OperationType, positive: boolean): CompiledLayout {
  const key = `${kind}${ot}${positive ? 'A' : 'N'}`;
  let entry = compiledLayouts.get(key);
  if (!entry) {
    const layout = layoutOf(kind, ot, positive);
    const empty = Object.fromEntries(layout.map(([name]) => [name, '']));
    const required = kind === 'O' ? operationTable[ot].required : positive ? [] : ['EC'];
    compiledLayouts.set(key, (entry = { layout, empty, required }));
  }
  return entry;
}

/**
 * A one-line dump for logs and evidence: `O/53 #07 delivery notification: AdC=… Dst=2 (not delivered) …`,
 * non-empty fields only, meanings from the table, passwords hidden.
 */
export function dumpMessage(message: UcpMessage | UcpMessageInput): string {
  const layout = layoutOfMessage(message);
  const given = message.fields as Record<string, string | undefined>;
  const shown = layout.flatMap(([name, spec]) => {
    const value = given[name] ?? '';
    return value ? [`${name}=${describeValue(spec, value)}`] : [];
  });
  const title = message.kind === 'O' ? operationTable[message.ot].name : message.ack ? 'positive result' : 'negative result';
  return `${message.kind}/${message.ot} #${String(message.trn).padStart(2, '0')} ${title}: ${shown.join(' ')}`;
}

function describeValue(spec: FieldSpec, value: string): string {
  if (spec.secret) return '(hidden)';
  const meaning = spec.meanings?.[value];
  return meaning ? `${value} (${meaning})` : value;
}
