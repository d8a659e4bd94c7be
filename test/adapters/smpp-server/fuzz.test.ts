import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PgSmppAccountStore } from '../../../src/adapters/store/smpp-account-store.ts';
import { commandIds } from '../../../src/protocols/smpp/index.ts';
import { seededRandom } from '../../../src/adapters/simulator/kit.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';
import { TestEsme, textSubmit } from './esme.ts';

let t: TestRelais;
let port: number;

beforeAll(async () => {
  t = await startTestRelais({ smppServer: { enabled: true, port: 0 } });
  port = t.relais.smppServerPort!;
  await new PgSmppAccountStore(t.relais.db).setCredential(t.accountId, { systemId: 'acme', password: 'secret1' }, new Date());
});

afterAll(async () => {
  await t?.stop();
});

const random = seededRandom(42);
const int = (n: number) => Math.floor(random() * n);
const known = new Set<number>(Object.values(commandIds));

function header(length: number, id: number, sequence: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(length, 0);
  b.writeUInt32BE(id >>> 0, 4);
  b.writeUInt32BE(sequence, 12);
  return b;
}

/** Bytes with no NUL: a C-octet string in them never ends, so the body is truncated whatever it holds. */
const noNul = (n: number) => Buffer.from(Array.from({ length: n }, () => 1 + int(255)));

/** A malformed PDU the framing survives (the server answers generic_nack, or drops a response), or null for a response id. */
function survivable(sequence: number): { frame: Buffer; answered: boolean } {
  switch (int(4)) {
    case 0: {
      // Unknown request command id.
      let id: number;
      do id = int(0x7fffffff);
      while (known.has(id));
      return { frame: header(16, id, sequence), answered: true };
    }
    case 1: {
      // Truncated body of a command that has one.
      const id = [commandIds.submit_sm, commandIds.bind_transmitter, commandIds.bind_receiver, commandIds.bind_transceiver, commandIds.deliver_sm][int(5)]!;
      const body = noNul(1 + int(40));
      return { frame: Buffer.concat([header(16 + body.length, id, sequence), body]), answered: true };
    }
    case 2: {
      // Stray octets where TLVs should be.
      const body = noNul(1 + int(3));
      return { frame: Buffer.concat([header(16 + body.length, commandIds.enquire_link, sequence), body]), answered: true };
    }
    default: {
      // A response nobody asked for: dropped.
      return { frame: header(16, 0x80000000 | (0x100 + int(0xffff)), sequence), answered: false };
    }
  }
}

function openSocket(): Promise<{ socket: Socket; received: () => number; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let bytes = 0;
    socket.on('data', (chunk) => (bytes += chunk.length));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('connect', () => resolve({ socket, received: () => bytes, closed }));
    socket.once('error', reject);
  });
}

it('survives 100,000+ malformed PDUs while a good session keeps working, memory bounded', { timeout: 120_000 }, async () => {
  const good = await TestEsme.bound(port, 'acme', 'secret1');
  let goodSubmits = 0;
  let goodFailures = 0;
  let fuzzing = true;
  const goodLoop = (async () => {
    while (fuzzing) {
      const resp = await good.request('submit_sm', textSubmit('33612345678', `ok ${goodSubmits}`, { registered_delivery: 0 }), 20_000);
      if (resp.status === 0) goodSubmits++;
      else goodFailures++;
      await new Promise((r) => setTimeout(r, 10));
    }
  })();

  const rssBefore = process.memoryUsage().rss;
  let sent = 0;

  // 1. Framing survives: 30 connections × 4,000 malformed PDUs, each answered or dropped, the session kept.
  await Promise.all(
    Array.from({ length: 30 }, async () => {
      const { socket, received } = await openSocket();
      let answered = 0;
      for (let batch = 0; batch < 8; batch++) {
        const frames: Buffer[] = [];
        for (let i = 0; i < 500; i++) {
          const pdu = survivable(sent + 1);
          frames.push(pdu.frame);
          if (pdu.answered) answered++;
          sent++;
        }
        socket.write(Buffer.concat(frames));
        await new Promise((r) => setImmediate(r));
      }
      const deadline = Date.now() + 30_000;
      while (received() < answered * 16 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(received()).toBe(answered * 16); // one 16-octet generic_nack per malformed request
      expect(socket.destroyed).toBe(false);
      socket.destroy();
    }),
  );

  // 2. Framing broken: impossible or oversized command_length, a header cut short then silence, PDUs announced longer than sent.
  for (let round = 0; round < 25; round++) {
    await Promise.all(
      Array.from({ length: 40 }, async (_, k) => {
        const { socket, closed } = await openSocket();
        const kind = k % 4;
        if (kind === 0) socket.write(header(int(16), commandIds.enquire_link, 1)); // shorter than a header
        else if (kind === 1) socket.write(header(64 * 1024 + 1 + int(0x7fff0000), commandIds.submit_sm, 1)); // oversized
        else if (kind === 2) socket.write(Buffer.concat([survivable(1).frame, header(0xffffffff, 0, 0)])); // good then absurd
        else socket.write(Buffer.concat([header(60_000, commandIds.submit_sm, 1), noNul(100)])); // announced longer than sent
        sent++;
        if (kind === 3) socket.end();
        await closed;
      }),
    );
  }

  fuzzing = false;
  await goodLoop;
  expect(sent).toBeGreaterThanOrEqual(100_000);
  expect(goodFailures).toBe(0);
  expect(goodSubmits).toBeGreaterThan(5);
  expect((await good.request('enquire_link')).status).toBe(0);
  const growth = process.memoryUsage().rss - rssBefore;
  expect(growth).toBeLessThan(300 * 1024 * 1024);
  console.log(`fuzz: ${sent} malformed PDUs, ${goodSubmits} good submits meanwhile, RSS growth ${(growth / 1048576).toFixed(1)} MiB`);
  await good.close();
});
