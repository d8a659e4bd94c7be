/**
 * npm run bench:smpp-server — the SMPP server for clients: one ESME (this process) bound as a transceiver
 * submits as fast as a window of 100 allows to Relais (in-process: SMPP server, dispatcher, built-in SMSC
 * simulator, on DATABASE_URL or an embedded PostgreSQL), each submit_sm asking for a receipt, each receipt
 * acknowledged. Prints submit_sm accepted (and persisted: the answer is written once the message and its receipt
 * request are committed) per second, the submit round-trip, receipts flowing back per second, and the CPU this
 * process (ESME, Relais, simulator; PostgreSQL not included) spent per submit_sm.
 * Options: --messages N (default 20,000), --window W (default 100).
 */
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/adapters/log.ts';
import { PduSocket } from '../src/adapters/smpp-client/pdu-socket.ts';
import { PgAccountStore } from '../src/adapters/store/account-store.ts';
import { PgSmppAccountStore } from '../src/adapters/store/smpp-account-store.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config/load.ts';
import { startRelais } from '../src/main.ts';
import type { Pdu } from '../src/protocols/smpp/index.ts';
import { benchDatabase, fmt, percentile } from './support.ts';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '20000' }, window: { type: 'string', default: '100' } } });
const total = Number(values.messages);
const window = Number(values.window);

const target = await benchDatabase();
// The first start creates the "demo" account and writes its key under dataDir: a temporary one, removed at the end.
const dataDir = mkdtempSync(path.join(tmpdir(), 'relais-bench-smpp-'));
const config = parseConfig({
  http: { port: 0 },
  log: { level: 'silent' },
  database: { url: target.url, maxConnections: 12, dataDir },
  smppServer: { enabled: true, port: 0 },
  simulator: { receiptDelayMs: 0, ratePerSecond: 100_000 },
  dispatcher: { pollIntervalMs: 20 },
});
const relais = await startRelais(config, { log: createLogger('silent') });
let socket: ReturnType<typeof connect> | undefined;
try {
  const account = (await new PgAccountStore(relais.db).findByName('demo'))!;
  await new PgSmppAccountStore(relais.db).setCredential(account.id, { systemId: 'bench', password: 'bench' }, new Date());

  socket = connect(relais.smppServerPort!, '127.0.0.1');
  await new Promise((resolve, reject) => socket!.once('connect', resolve).once('error', reject));
  const waiting = new Map<number, (pdu: Pdu) => void>();
  let receipts = 0;
  let lastReceiptAt = 0;
  const wire: PduSocket = new PduSocket(socket, (pdu) => {
    if (pdu.command === 'deliver_sm') {
      receipts++;
      lastReceiptAt = performance.now();
      wire.send('deliver_sm_resp', pdu.sequence, { message_id: '' });
      return;
    }
    waiting.get(pdu.sequence)?.(pdu);
    waiting.delete(pdu.sequence);
  });
  const request = (command: 'bind_transceiver' | 'submit_sm', params: object): Promise<Pdu> =>
    new Promise((resolve) => {
      const sequence = wire.nextSequence();
      waiting.set(sequence, resolve);
      wire.send(command, sequence, params);
    });
  const bound = await request('bind_transceiver', { system_id: 'bench', password: 'bench' });
  if (bound.status !== 0) throw new Error(`bind refused: ${bound.status}`);

  const text = Buffer.from('Votre code de confirmation est 123456', 'latin1');
  const statuses = new Map<number, number>();
  const roundTrips: number[] = [];
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: window }, async () => {
      while (next < total) {
        const i = next++;
        const sentAt = performance.now();
        const resp = await request('submit_sm', {
          source_addr: '36001',
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          destination_addr: `3361${String(i % 10_000_000).padStart(7, '0')}`,
          registered_delivery: 1,
          data_coding: 0,
          short_message: text,
        });
        roundTrips.push(performance.now() - sentAt);
        statuses.set(resp.status, (statuses.get(resp.status) ?? 0) + 1);
      }
    }),
  );
  const submitSeconds = (performance.now() - started) / 1000;
  const accepted = statuses.get(0) ?? 0;
  const deadline = performance.now() + 120_000;
  while (receipts < accepted && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const cpu = process.cpuUsage(cpuBefore);
  const receiptSeconds = (lastReceiptAt - started) / 1000;
  const persisted = Number((await relais.db.pool.query('SELECT count(*) FROM smpp_submissions')).rows[0].count);
  roundTrips.sort((a, b) => a - b);

  console.log(`SMPP server — one ESME, window ${window}, ${fmt(total)} submit_sm asking for receipts; ${target.label}`);
  console.log(`  answers            ${[...statuses].map(([s, n]) => `0x${s.toString(16).padStart(8, '0')} ${fmt(n)}`).join(', ')}`);
  console.log(`  accepted           ${fmt(accepted / submitSeconds)} submit_sm/s, persisted (${fmt(persisted)} rows; ${fmt(submitSeconds, 1)} s)`);
  console.log(`  submit → resp      p50 ${fmt(percentile(roundTrips, 50), 2)} ms, p99 ${fmt(percentile(roundTrips, 99), 2)} ms`);
  console.log(`  receipts back      ${fmt(receipts)} received and acknowledged, ${fmt(receipts / receiptSeconds)} /s (last one ${fmt(receiptSeconds, 1)} s after the first submit)`);
  if (receipts < accepted) console.log(`  MISSING            ${fmt(accepted - receipts)} receipts not received within 120 s`);
  console.log(`  CPU                ${fmt((cpu.user + cpu.system) / accepted)} µs per submit_sm in this process (ESME, Relais, simulator; PostgreSQL apart)`);
} finally {
  socket?.destroy();
  await relais.stop();
  await target.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
