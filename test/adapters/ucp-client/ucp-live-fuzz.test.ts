/**
 * The fuzz of the codec (test/protocols/ucp/fuzz.test.ts), this time through a live session: a logged-in
 * UcpLink reads 100,000 random and mutated frames mixed with garbage from its socket, as fast as TCP takes
 * them. No exception may escape, nothing may hang, memory stays bounded, and afterwards the session still
 * works: it answers the SMSC, and a real submit is accepted.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import type { LinkState, OutboundPart } from '../../../src/app/ports.ts';
import { UcpLink } from '../../../src/adapters/ucp-client/ucp-link.ts';
import { encodeGsm7 } from '../../../src/core/text/index.ts';
import { MAX_FRAME_LENGTH, type UcpOperation } from '../../../src/protocols/ucp/index.ts';
import { fuzzFrames, seededRandom } from '../../protocols/ucp/fuzz-frames.ts';
import { RawSmsc, type RawSession } from './raw-smsc.ts';
import { eventually } from '../../support/waiting.ts';

const FRAMES = 100_000;
/** Octets gathered before each write onto the socket. */
const CHUNK_OCTETS = 8 * 1024;
const WINDOW = 10;

const open: { link?: UcpLink; smsc?: RawSmsc }[] = [];
afterEach(async () => {
  for (const { link, smsc } of open.splice(0)) {
    await link?.stop();
    await smsc?.close();
  }
});

/**
 * A full garbage collection, so that heap figures compare what is kept, not what is not yet collected. Without
 * --expose-gc the flag is set now and the function taken from a fresh context, where V8 then defines it.
 */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function retainedOctets(gc: () => void): number {
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** Writes onto the socket and waits for it to drain when TCP pushes back; false once the session is gone. */
async function push(session: RawSession, bytes: Buffer): Promise<boolean> {
  const { socket } = session.wire;
  if (session.closed || !socket.writable) return false;
  if (socket.write(bytes)) return true;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.once('drain', done);
    socket.once('close', done);
  });
  return !session.closed;
}

const part: OutboundPart = {
  source: { ton: 0, npi: 1, value: '36001' },
  destination: { ton: 1, npi: 1, value: '33612345678' },
  encoding: 'gsm7',
  body: encodeGsm7('After the storm'),
  udh: null,
  receipt: true,
};

describe('UcpLink under fuzz, live', () => {
  it(`reads ${FRAMES.toLocaleString('en')} random and mutated frames with garbage from its socket and still works`, { timeout: 60_000 }, async () => {
    const crashes: unknown[] = [];
    const crashed = (error: unknown): void => void crashes.push(error);
    process.on('uncaughtException', crashed);
    process.on('unhandledRejection', crashed);
    try {
      const smsc = await RawSmsc.start();
      const states: LinkState[] = [];
      let receipts = 0;
      let mos = 0;
      const link = new UcpLink({
        name: 'fuzz',
        host: '127.0.0.1',
        port: smsc.port,
        login: '36001',
        password: 'secret',
        window: WINDOW,
        responseTimeoutMs: 2_000,
        keepAliveIntervalMs: 1_000,
        reconnect: { minMs: 20, maxMs: 100, afterBindRefusalMs: 100 },
      });
      open.push({ link, smsc });
      link.start({
        onReceipt: async () => void receipts++,
        onMobileOriginated: async () => void mos++,
        onStateChange: (state) => void states.push(state),
      });

      let sessionIndex = 0;
      let session = await smsc.session(0);
      await session.acceptLogin();
      await eventually(() => link.state() === 'bound', 'the login');

      // What the link answered, counted and then forgotten so that the test keeps no more than the link does.
      const answers = { positive: 0, negative: new Map<string, number>(), unreadableByUs: 0 };
      const tally = (): void => {
        for (const message of session.received) {
          if (message.kind === 'O') {
            // The link's own alerts and submits: answered, as a live SMSC would.
            if (message.ot === 31) session.send({ kind: 'R', ot: 31, trn: message.trn, ack: true, fields: {} });
            if (message.ot === 51) session.send({ kind: 'R', ot: 51, trn: message.trn, ack: true, fields: { SM: `${message.fields.AdC}:010124120000` } });
            continue;
          }
          if (message.ack) answers.positive++;
          else answers.negative.set(message.fields.EC, (answers.negative.get(message.fields.EC) ?? 0) + 1);
        }
        answers.unreadableByUs += session.malformed.length; // results to operations outside the codec's table
        session.received.length = 0;
        session.malformed.length = 0;
      };

      const gc = collector();
      const baseline = retainedOctets(gc);
      let peak = baseline;

      const random = seededRandom(17);
      let pushed = 0;
      const submits: Promise<void>[] = [];
      const outcomes = new Map<string, number>();
      let nextSample = FRAMES / 5;
      let garbageRuns = 0;
      let pending: Buffer[] = [];
      let pendingFrames = 0;
      let pendingOctets = 0;
      const flush = async (): Promise<void> => {
        const bytes = Buffer.concat(pending);
        const frames = pendingFrames;
        pending = [];
        pendingFrames = 0;
        pendingOctets = 0;
        tally();
        // Real traffic meanwhile: a fuzzed result may settle a submit in its place, but every submit settles.
        if (link.freeWindow() > 0) submits.push(link.submit(part).then((o) => void outcomes.set(o.kind, (outcomes.get(o.kind) ?? 0) + 1)));
        while (!(await push(session, bytes))) {
          // The session dropped (the link may take a fuzzed frame for a reason to): it must come back.
          session = await smsc.session(++sessionIndex);
          await session.acceptLogin();
          await eventually(() => link.state() === 'bound', 'the login again');
        }
        pushed += frames;
        // Let the link read meanwhile, as it would on a live line, rather than after the whole fuzz.
        await new Promise((resolve) => setImmediate(resolve));
        if (pushed >= nextSample) {
          peak = Math.max(peak, retainedOctets(gc));
          nextSample += FRAMES / 5;
        }
      };
      const add = (bytes: Buffer): void => {
        pending.push(bytes);
        pendingOctets += bytes.length;
      };

      for (const frame of fuzzFrames(23, FRAMES)) {
        add(frame);
        pendingFrames++;
        const roll = random();
        if (roll < 0.05) {
          add(Buffer.from(Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256))));
          garbageRuns++;
        } else if (roll < 0.051) {
          // A frame longer than the link holds: STX, then octets without STX or ETX.
          add(Buffer.concat([Buffer.of(0x02), Buffer.alloc(MAX_FRAME_LENGTH + 1 + Math.floor(random() * 4096), 0x41)]));
          garbageRuns++;
        }
        if (pendingOctets >= CHUNK_OCTETS) await flush();
      }
      await flush();
      expect(pushed).toBe(FRAMES);
      let settled = 0;
      for (const submit of submits) void submit.then(() => settled++);
      await eventually(() => (tally(), settled === submits.length), 'every submit to settle');

      // The link has read everything once it answers three alerts written after it, in order.
      await new Promise((resolve) => setTimeout(resolve, 0));
      tally();
      session.wire.write(Buffer.of(0x03)); // closes whatever partial frame the fuzz left open
      for (const trn of [97, 98, 99]) session.send({ kind: 'O', ot: 31, trn, fields: { AdC: '36001', PID: '0539' } });
      await eventually(() => {
        const at = session.received.findIndex((m, i, all) => [97, 98, 99].every((trn, k) => all[i + k]?.kind === 'R' && all[i + k]?.ot === 31 && all[i + k]?.trn === trn));
        return at >= 0;
      }, 'the link to answer the alerts written after the fuzz');
      tally();

      // The session recovers: a real submit goes out and its result is taken.
      await eventually(() => link.state() === 'bound', 'the link bound after the fuzz');
      const outcome = link.submit(part);
      const submit = (await session.next((m) => m.kind === 'O' && m.ot === 51, 'the submit after the fuzz')) as UcpOperation<51>;
      expect(submit.fields).toMatchObject({ AdC: '0033612345678', OAdC: '36001', MT: '3' });
      session.send({ kind: 'R', ot: 51, trn: submit.trn, ack: true, fields: { SM: '0033612345678:010124120000' } });
      expect(await outcome).toEqual({ kind: 'accepted', smscMessageId: '0033612345678:010124120000' });
      expect(link.freeWindow()).toBe(WINDOW);
      tally();

      const retained = retainedOctets(gc);
      peak = Math.max(peak, retained);
      const negatives = Object.fromEntries(answers.negative);
      console.info(
        `live fuzz: ${pushed} frames pushed with ${garbageRuns} garbage runs; ${receipts} receipts and ${mos} MOs handed over; ` +
          `answers: ${answers.positive} positive, negative ${JSON.stringify(negatives)}, ${answers.unreadableByUs} to unknown operations; ` +
          `submits meanwhile: ${JSON.stringify(Object.fromEntries(outcomes))}; sessions: ${sessionIndex + 1}; heap growth: peak ${((peak - baseline) / 1e6).toFixed(1)} MB, after ${((retained - baseline) / 1e6).toFixed(1)} MB`,
      );

      expect([...outcomes.values()].reduce((a, b) => a + b, 0)).toBe(submits.length);
      expect(outcomes.get('accepted')).toBeGreaterThan(0);
      // Decodable fuzzed notifications and MOs were handed over, and each of them answered positively.
      expect(receipts).toBeGreaterThan(100);
      expect(mos).toBeGreaterThan(10);
      // Every refusal a link may give: checksum (01), syntax (02), operation not supported (03).
      expect(negatives).toMatchObject({ '01': expect.any(Number), '02': expect.any(Number), '03': expect.any(Number) });
      // A dropped session is logged in again each time; the link ends bound.
      expect(states.filter((s) => s === 'bound')).toHaveLength(sessionIndex + 1);
      expect(states.at(-1)).toBe('bound');
      // 100,000 frames are some 10 MB: keeping them, or one object per frame read, would show well above this.
      expect(peak - baseline).toBeLessThan(8e6);
      expect(crashes).toEqual([]);
    } finally {
      process.off('uncaughtException', crashed);
      process.off('unhandledRejection', crashed);
    }
  });
});
