/**
 * Frames for fuzzing: well-formed messages of every operation with random values, and mutations of them —
 * random octets, flipped, inserted or deleted octets, cut frames, fields moved — half of them with LEN and the
 * checksum made right again, so that they reach the field checks. Seeded: the same seed, the same frames.
 */
import { seededRandom } from '../../../src/adapters/simulator/kit.ts';
import { encodeMessage, operationTable, type FieldSpec, type OperationType, type UcpMessageInput } from '../../../src/protocols/ucp/index.ts';

export { seededRandom };

const alphabets = { num: '0123456789', hex: '0123456789ABCDEF', text: 'ABCXYZabcxyz0189 .:-', ack: 'A' };
const operationTypes = Object.keys(operationTable).map(Number) as OperationType[];

/** A well-formed message: every required field filled, the others filled or empty at random. */
export function randomMessage(random: () => number): UcpMessageInput {
  const ot = operationTypes[Math.floor(random() * operationTypes.length)]!;
  const entry = operationTable[ot];
  const trn = Math.floor(random() * 100);
  const roll = random();
  const kind = roll < 0.5 ? 'O' : 'R';
  const ack = roll < 0.8;
  const layout: readonly (readonly [string, FieldSpec])[] = kind === 'O' ? entry.fields : ack ? entry.ackFields : [['EC', { type: 'num', max: 2, min: 2 }]];
  const required: readonly string[] = kind === 'O' ? entry.required : ['EC'];
  const fields: Record<string, string> = {};
  for (const [name, spec] of layout) {
    if (spec.type === 'ack' || (!required.includes(name) && random() < 0.6)) continue;
    const characters = alphabets[spec.type];
    const length = spec.min + Math.floor(random() * (Math.min(spec.max, 24) - spec.min + 1));
    let value = '';
    for (let i = 0; i < length; i++) value += characters[Math.floor(random() * characters.length)];
    fields[name] = value;
  }
  return (kind === 'O' ? { kind, ot, trn, fields } : { kind, ot, trn, ack, fields }) as UcpMessageInput;
}

function randomBytes(random: () => number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

/** Characters that move a frame's structure: separators, framing, digits, letters. */
const interesting = Buffer.from('/\x02\x03019AFNOR ', 'latin1');

function mutate(frame: Buffer, random: () => number): Buffer {
  const at = 1 + Math.floor(random() * Math.max(1, frame.length - 2));
  switch (Math.floor(random() * 7)) {
    case 0: {
      const copy = Buffer.from(frame);
      copy[at] = random() < 0.5 ? Math.floor(random() * 256) : interesting[Math.floor(random() * interesting.length)]!;
      return copy;
    }
    case 1:
      return Buffer.concat([frame.subarray(0, at), frame.subarray(Math.min(frame.length - 1, at + 1 + Math.floor(random() * 8)))]);
    case 2:
      return Buffer.concat([frame.subarray(0, at), randomBytes(random, 1 + Math.floor(random() * 8)), frame.subarray(at)]);
    case 3:
      return frame.subarray(0, at);
    case 4: {
      const slash = frame.indexOf(0x2f, at);
      return slash < 0 ? frame : Buffer.concat([frame.subarray(0, slash), Buffer.from('/'), frame.subarray(slash)]);
    }
    case 5:
      return Buffer.concat([Buffer.of(0x02), randomBytes(random, Math.floor(random() * 120)), Buffer.of(0x03)]);
    default:
      return randomBytes(random, Math.floor(random() * 64));
  }
}

/** LEN and checksum written again for the frame's (mutated) content, when it still has the places for them. */
function refit(frame: Buffer): Buffer {
  if (frame.length < 20 || frame[0] !== 0x02 || frame[frame.length - 1] !== 0x03) return frame;
  const copy = Buffer.from(frame);
  const length = copy.length - 2;
  copy.write(String(length).padStart(5, '0').slice(-5), 4, 'latin1');
  const lastSlash = copy.length - 4;
  let sum = 0;
  for (let i = 1; i <= lastSlash; i++) sum += copy[i]!;
  copy.write((sum & 0xff).toString(16).toUpperCase().padStart(2, '0'), lastSlash + 1, 'latin1');
  return copy;
}

/** `count` frames: one in four well-formed, the others mutated (half of those with LEN and checksum made right). */
export function* fuzzFrames(seed: number, count: number): Generator<Buffer> {
  const random = seededRandom(seed);
  const valid = Array.from({ length: 512 }, () => encodeMessage(randomMessage(random)));
  for (let i = 0; i < count; i++) {
    const frame = valid[Math.floor(random() * valid.length)]!;
    const roll = random();
    if (roll < 0.25) yield frame;
    else if (roll < 0.625) yield mutate(frame, random);
    else yield refit(mutate(frame, random));
  }
}
