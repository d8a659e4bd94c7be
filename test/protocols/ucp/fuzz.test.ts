/**
 * A million random and mutated frames through the decoder and the stream splitter: each one is read or refused
 * with a reason (never an exception), anything read can be written back and read the same, and the splitter never holds more
 * than one frame's worth of octets.
 */
import { describe, expect, it } from 'vitest';
import { encodeMessage, FrameSplitter, isDecodeFailure, MAX_FRAME_LENGTH, readMessage } from '../../../src/protocols/ucp/index.ts';
import { fuzzFrames, seededRandom } from './fuzz-frames.ts';

const FRAMES = 1_000_000;

describe('decoder fuzz', () => {
  it(`reads or refuses ${FRAMES.toLocaleString('en')} random and mutated frames, never anything else`, () => {
    let read = 0;
    let refused = 0;
    const reasons = new Set<string>();
    for (const frame of fuzzFrames(4, FRAMES)) {
      let message: ReturnType<typeof readMessage>;
      try {
        message = readMessage(frame);
      } catch (error) {
        throw new Error(`${(error as Error).name} on ${JSON.stringify(frame.toString('latin1'))}: ${(error as Error).message}`);
      }
      if (isDecodeFailure(message)) {
        refused++;
        reasons.add(message.reason.replace(/\d+/g, 'n').slice(0, 30));
        continue;
      }
      read++;
      if (read % 50 === 0) expect(readMessage(encodeMessage(message))).toEqual(message);
    }
    expect(read + refused).toBe(FRAMES);
    expect(read).toBeGreaterThan(FRAMES / 4);
    // The mutations reach every kind of check: framing, LEN, checksum, field counts, field values.
    expect(reasons.size).toBeGreaterThan(20);
  });

  it('cuts a stream of those frames mixed with garbage, in random chunks, holding at most one frame', () => {
    const random = seededRandom(9);
    const splitter = new FrameSplitter();
    let frames = 0;
    let junk = 0;
    let maxHeld = 0;
    const pending: Buffer[] = [];
    const flush = (): void => {
      const stream = Buffer.concat(pending.splice(0));
      for (let at = 0; at < stream.length; ) {
        const size = 1 + Math.floor(random() * 3000);
        splitter.push(
          stream.subarray(at, at + size),
          () => frames++,
          () => junk++,
        );
        maxHeld = Math.max(maxHeld, splitter.held);
        at += size;
      }
    };
    let count = 0;
    for (const frame of fuzzFrames(11, 200_000)) {
      pending.push(frame);
      if (random() < 0.1) pending.push(Buffer.alloc(Math.floor(random() * 6000), Math.floor(random() * 256)));
      if (++count % 1000 === 0) flush();
    }
    flush();
    expect(frames).toBeGreaterThan(50_000);
    expect(junk).toBeGreaterThan(1_000);
    expect(maxHeld).toBeLessThanOrEqual(MAX_FRAME_LENGTH);
  });
});
