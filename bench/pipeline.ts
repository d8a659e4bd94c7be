/**
 * npm run bench:pipeline — the spine end to end: HTTP API → store → dispatcher → SMPP → simulator (a separate
 * process, with receipts) → status `delivered`.
 *
 * Phase 1: single-message requests from 20 concurrent clients. Phase 2: batches of 10,000 per request. Phase 3: the
 * same batches due in an hour, so that nothing is dispatched meanwhile: the intake alone.
 * Prints accepted/s, submitted/s, delivered/s, API latency p50/p99 and Relais's peak RSS.
 * Options: --messages N (phase 1, default 30000), --batches N (phase 2, default 5), --clients N (default 20),
 * --routing rules|none (default rules: four routing rules to go through, docs/routing.md; none: each short code's route).
 * Uses DATABASE_URL when set, otherwise an embedded PostgreSQL.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { cpuSeconds, fmt, peakRssMb, percentile, postgresCpuSeconds, startRig } from './support.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '30000' },
    batches: { type: 'string', default: '5' },
    clients: { type: 'string', default: '20' },
    routing: { type: 'string', default: 'rules' },
  },
});
const singles = Number(values.messages);
const batches = Number(values.batches);
const clients = Number(values.clients);
const SHORT_CODES = Array.from({ length: 8 }, (_, i) => String(36100 + i));

// Rules every message goes through (none matches the bench's numbers, so each is tried): what routing costs at intake.
const rules = [
  { operators: ['SFR0'], routes: ['sim'] },
  { operators: ['BOUY'], classes: ['marketing'], routes: ['sim'] },
  { accounts: ['nobody'], routes: ['sim'] },
  { countries: ['RE', 'YT'], routes: ['sim'] },
];
const routing = values.routing === 'rules' ? { rules } : undefined;
const rig = await startRig({ shortCodes: Object.fromEntries(SHORT_CODES.map((n) => [n, 1000])), window: 200, clients, maxConnections: 16, routing });
const { db, relais, api } = rig;
const watch = new pg.Pool({ connectionString: db.url, max: 1 });

try {
  console.log(`Relais pipeline benchmark — ${db.label}; simulator in its own process; ${SHORT_CODES.length} short codes at 1,000/s, window 200; routing: ${routing ? `${rules.length} rules` : "each short code's route"}`);

  // Phase 1: single-message requests.
  const latencies: number[] = [];
  let next = 0;
  const cpu0 = cpuNow();
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < singles) {
        const i = next++;
        const started = performance.now();
        const response = await api('POST', '/v1/messages', {
          to: `+336${String(10_000_000 + i).slice(-8)}`,
          text: `Votre code est ${i}`,
          class: 'transactional',
          shortCode: SHORT_CODES[i % SHORT_CODES.length],
        });
        if (response.status !== 202) throw new Error(`HTTP ${response.status}: ${response.text.slice(0, 500)}`);
        latencies.push(performance.now() - started);
      }
    }),
  );
  const accepted = Date.now() - t0;
  const cpuAccepted = cpuNow();
  latencies.sort((a, b) => a - b);
  console.log(`\nPhase 1 — ${fmt(singles)} single-message requests, ${clients} concurrent clients`);
  console.log(`  accepted   ${fmt(singles / (accepted / 1000))} msg/s   (API p50 ${fmt(percentile(latencies, 50), 1)} ms, p99 ${fmt(percentile(latencies, 99), 1)} ms)`);
  const { submitted, delivered } = await progress(singles, t0);
  console.log(`  submitted  ${fmt(singles / (submitted / 1000))} msg/s   (all submitted ${fmt(submitted / 1000, 1)} s after the first request)`);
  console.log(`  delivered  ${fmt(singles / (delivered / 1000))} msg/s   (all delivered ${fmt(delivered / 1000, 1)} s after the first request)`);
  printCpu(singles, cpu0, cpuAccepted, cpuNow());

  // Phase 2: batches of 10,000.
  const total = batches * 10_000;
  const cpu1 = cpuNow();
  const t1 = Date.now();
  await sendBatches(0);
  if (total > 0) {
    const acceptedBatch = Date.now() - t1;
    const cpuBatchAccepted = cpuNow();
    console.log(`\nPhase 2 — ${fmt(total)} messages in ${batches} requests of 10,000`);
    console.log(`  accepted   ${fmt(total / (acceptedBatch / 1000))} msg/s`);
    const batchProgress = await progress(total, t1);
    console.log(`  submitted  ${fmt(total / (batchProgress.submitted / 1000))} msg/s`);
    console.log(`  delivered  ${fmt(total / (batchProgress.delivered / 1000))} msg/s`);
    printCpu(total, cpu1, cpuBatchAccepted, cpuNow());

    // Phase 3: the intake alone — the same batches, due in an hour, so that the dispatcher takes no CPU meanwhile.
    const cpu2 = cpuNow();
    const t2 = Date.now();
    await sendBatches(1, new Date(t2 + 3_600_000).toISOString());
    const acceptedAlone = Date.now() - t2;
    const cpuAlone = cpuNow();
    const per = (key: 'relais' | 'postgres') => fmt(((cpuAlone[key] - cpu2[key]) * 1e6) / total);
    console.log(`\nPhase 3 — intake alone: ${fmt(total)} messages in ${batches} requests of 10,000, due in an hour (nothing dispatched meanwhile)`);
    console.log(`  accepted   ${fmt(total / (acceptedAlone / 1000))} msg/s`);
    console.log(`  CPU/msg    Relais ${per('relais')} µs, PostgreSQL ${per('postgres')} µs`);
  }
  console.log(`\nRelais peak RSS ${fmt(peakRssMb(relais.process.pid!))} MB`);
} finally {
  await watch.end();
  await rig.stop();
}

/** `batches` requests of 10,000 messages (recipients of round `round`), due now or at `sendAt`. */
async function sendBatches(round: number, sendAt?: string): Promise<void> {
  for (let b = 0; b < batches; b++) {
    const messages = Array.from({ length: 10_000 }, (_, i) => ({
      to: `+337${round + 5}${String(1_000_000 + b * 10_000 + i).slice(-7)}`,
      text: `Commande ${i} expédiée`,
      class: 'transactional',
      shortCode: SHORT_CODES[i % SHORT_CODES.length],
      ...(sendAt ? { sendAt } : {}),
    }));
    const response = await api('POST', '/v1/messages', { messages });
    if (response.status !== 202) throw new Error(`HTTP ${response.status}: ${response.text.slice(0, 500)}`);
  }
}

/** CPU seconds used so far by Relais and by PostgreSQL: less noisy than rates on a shared machine. */
function cpuNow(): { relais: number; postgres: number } {
  return { relais: cpuSeconds(relais.process.pid!), postgres: postgresCpuSeconds() };
}

/** CPU per message from a phase's start to the last acceptance, and to the last delivery (dispatch and receipts included). */
function printCpu(messages: number, start: ReturnType<typeof cpuNow>, accepted: ReturnType<typeof cpuNow>, delivered: ReturnType<typeof cpuNow>): void {
  const per = (to: ReturnType<typeof cpuNow>, key: 'relais' | 'postgres') => fmt(((to[key] - start[key]) * 1e6) / messages);
  console.log(`  CPU/msg    Relais ${per(accepted, 'relais')} µs, PostgreSQL ${per(accepted, 'postgres')} µs until accepted; ${per(delivered, 'relais')} µs, ${per(delivered, 'postgres')} µs until delivered`);
}

/**
 * Waits until every message created since `since` (epoch ms) is delivered, polling cheaply, then reads when
 * the last one was submitted and delivered from the outbox itself: durations in ms from `since`.
 */
async function progress(expected: number, since: number): Promise<{ submitted: number; delivered: number }> {
  const from = new Date(since);
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const { rows } = await watch.query<{ delivered: number; stuck: number; last_submit: Date; last_done: Date }>(
      `SELECT count(*) FILTER (WHERE status = 'delivered')::int AS delivered,
              count(*) FILTER (WHERE status NOT IN ('queued', 'submitting', 'submitted', 'delivered'))::int AS stuck,
              max(submitted_at) AS last_submit, max(done_at) AS last_done
       FROM messages WHERE created_at >= $1`,
      [from],
    );
    const row = rows[0]!;
    if (row.stuck > 0) throw new Error(`${row.stuck} messages neither submitted nor delivered`);
    if (row.delivered >= expected) return { submitted: row.last_submit.getTime() - since, delivered: row.last_done.getTime() - since };
  }
}
