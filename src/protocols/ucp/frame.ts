/**
 * The EMI/UCP frame (EMI/UCP 4.x §2): STX, then `TRN/LEN/O|R/OT/` and the fields each followed by '/', then
 * the checksum, then ETX.
 * - TRN: two digits, 00–99, numbered by the sender of the operation; the result repeats it.
 * - LEN: five digits, the number of characters between STX and ETX (header and checksum included).
 * - CHK: two hex digits (upper case when written), the sum of the characters from the first TRN digit to the
 *   last '/' included, modulo 256.
 * This module knows nothing of operations: fields are strings (codec.ts reads them by the table).
 */
import { UcpEncodeError, type DecodeFailure, type FrameHeader } from './errors.ts';

export const STX = 0x02;
export const ETX = 0x03;

/** `TT/LLLLL/O/OT/`: the fields start at this offset after STX. */
const HEADER_LENGTH = 14;
/** The checksum's two digits. */
const CHECKSUM_LENGTH = 2;
/** LEN has five digits. */
export const MAX_LEN = 99_999;

export interface RawFrame extends FrameHeader {
  fields: string[];
}

const hexDigits = '0123456789ABCDEF';

function checksumOf(characters: string): number {
  let sum = 0;
  for (let i = 0; i < characters.length; i++) sum += characters.charCodeAt(i);
  return sum & 0xff;
}

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Writes a frame; the field values must already fit their fields (no '/', IRA or Latin-1 characters). */
export function encodeFrame(trn: number, kind: 'O' | 'R', ot: number, fields: readonly string[]): Buffer {
  if (!Number.isInteger(trn) || trn < 0 || trn > 99) throw new UcpEncodeError(`TRN ${trn} is not 00–99`);
  if (!Number.isInteger(ot) || ot < 0 || ot > 99) throw new UcpEncodeError(`OT ${ot} is not 00–99`);
  const data = fields.join('/') + '/';
  const length = HEADER_LENGTH + data.length + CHECKSUM_LENGTH;
  if (length > MAX_LEN) throw new UcpEncodeError(`a frame of ${length} characters does not fit LEN's five digits`);
  const body = `${twoDigits(trn)}/${String(length).padStart(5, '0')}/${kind}/${twoDigits(ot)}/${data}`;
  const checksum = checksumOf(body);
  return Buffer.from(`\x02${body}${hexDigits[checksum >> 4]}${hexDigits[checksum & 15]}\x03`, 'latin1');
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

function readDigits(frame: Buffer, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const c = frame[i]!;
    if (!isDigit(c)) return -1;
    value = value * 10 + c - 0x30;
  }
  return value;
}

function readHex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const upper = c & 0xdf;
  return upper >= 0x41 && upper <= 0x46 ? upper - 0x37 : -1;
}

const failure = (reason: string, code: DecodeFailure['code'] = '02', header?: FrameHeader): DecodeFailure => (header ? { reason, code, header } : { reason, code });

/**
 * Reads a whole frame (STX to ETX, as cut by FrameSplitter) into its header and field strings, or says what is
 * wrong: the framing, LEN, the checksum, a control character.
 */
export function decodeFrame(frame: Buffer): RawFrame | DecodeFailure {
  const end = frame.length - 1;
  if (frame[0] !== STX || frame[end] !== ETX) return failure('a frame starts with STX and ends with ETX');
  const length = end - 1;
  if (length < HEADER_LENGTH + CHECKSUM_LENGTH + 1) return failure(`${length} characters cannot hold a header and a checksum`);
  const trn = readDigits(frame, 1, 2);
  const len = readDigits(frame, 4, 5);
  const kind = frame[10] === 0x4f ? 'O' : frame[10] === 0x52 ? 'R' : undefined;
  const ot = readDigits(frame, 12, 2);
  if (trn < 0 || len < 0 || ot < 0 || !kind || frame[3] !== 0x2f || frame[9] !== 0x2f || frame[11] !== 0x2f || frame[14] !== 0x2f) {
    return failure('the header is not TRN/LEN/O|R/OT/');
  }
  const header: FrameHeader = { trn, kind, ot };
  if (len !== length) return failure(`LEN says ${len} characters but the frame holds ${length}`, '02', header);
  const lastSlash = end - CHECKSUM_LENGTH - 1;
  if (frame[lastSlash] !== 0x2f) return failure('the fields do not end with / before the checksum', '02', header);
  let sum = 0;
  for (let i = 1; i <= lastSlash; i++) {
    const c = frame[i]!;
    if (c < 0x20 || c === 0x7f) return failure(`control character 0x${c.toString(16).padStart(2, '0')} at offset ${i}`, '02', header);
    sum += c;
  }
  const high = readHex(frame[lastSlash + 1]!);
  const low = readHex(frame[lastSlash + 2]!);
  if (high < 0 || low < 0) return failure('the checksum is not two hexadecimal digits', '01', header);
  const checksum = (high << 4) | low;
  if (checksum !== (sum & 0xff)) {
    const expected = sum & 0xff;
    return failure(`checksum ${hexDigits[checksum >> 4]}${hexDigits[checksum & 15]} does not match the content (${hexDigits[expected >> 4]}${hexDigits[expected & 15]})`, '01', header);
  }
  const fields = frame.toString('latin1', 1 + HEADER_LENGTH, lastSlash).split('/');
  return { ...header, fields };
}

/** Longest frame accepted (STX and ETX included): far above the longest legitimate 51, far below LEN's limit. */
export const MAX_FRAME_LENGTH = 4096;

/**
 * Cuts a TCP byte stream into frames, STX to ETX. Pure: give it chunks as they arrive; it calls `onFrame` with
 * each whole frame, in order, and `onJunk` with the reason whenever it throws octets away — octets outside a
 * frame, a frame cut short by a new STX, a frame longer than MAX_FRAME_LENGTH. It always resynchronises on the
 * next STX and never holds more than MAX_FRAME_LENGTH octets.
 */
export class FrameSplitter {
  /** The frame being received, from its STX (undefined between frames). */
  private partial: Buffer | undefined;
  /** Skipping an oversized frame: everything up to the next STX is thrown away. */
  private skipping = false;

  constructor(private readonly maxFrameLength = MAX_FRAME_LENGTH) {}

  /** Octets held for an incomplete frame. */
  get held(): number {
    return this.partial?.length ?? 0;
  }

  push(chunk: Buffer, onFrame: (frame: Buffer) => void, onJunk: (reason: string) => void): void {
    const data = this.partial ? Buffer.concat([this.partial, chunk]) : chunk;
    this.partial = undefined;
    let at = 0;
    while (at < data.length) {
      if (data[at] !== STX) {
        const stx = data.indexOf(STX, at);
        const junkEnd = stx < 0 ? data.length : stx;
        if (!this.skipping) onJunk(`${junkEnd - at} octets outside a frame`);
        if (stx < 0) return;
        at = stx;
      }
      this.skipping = false;
      const etx = data.indexOf(ETX, at + 1);
      const nextStx = data.indexOf(STX, at + 1);
      if (nextStx >= 0 && (etx < 0 || nextStx < etx)) {
        onJunk(`a frame of ${nextStx - at} octets cut short by a new STX`);
        at = nextStx;
        continue;
      }
      const frameEnd = etx < 0 ? data.length : etx + 1;
      if (frameEnd - at > this.maxFrameLength) {
        onJunk(`a frame longer than ${this.maxFrameLength} octets`);
        // Throw away up to the next STX, in this chunk or the next ones.
        this.skipping = true;
        at = etx < 0 ? data.length : frameEnd;
        if (etx < 0) return;
        continue;
      }
      if (etx < 0) {
        // Copy, so that a large chunk is not kept alive by a few held octets.
        this.partial = Buffer.from(data.subarray(at));
        return;
      }
      onFrame(data.subarray(at, frameEnd));
      at = frameEnd;
    }
  }
}
