/**
 * npm run bench:throttle — per-short-code throughput: three short codes on one SMPP route, at 10, 150 and
 * 1,000 SMS/s, each with more queued than it can send in the measured span. For each short code it prints the
 * highest number of submit_sm the simulator (its own process) received in any sliding 1-second window (must be
 * ≤ the rate) and the mean rate over the first N seconds of sending, from the outbox's submission times
 * (target ≥ 98 % of the rate).
 * Options: --seconds N (default 30). Uses DATABASE_URL when set, otherwise an embedded PostgreSQL.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { fmt, startRig } from './support.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '30' } } });
const seconds = Number(values.seconds);
const RATES: Record<string, number> = { '36010': 10, '36150': 150, '36999': 1000 };

const rig = await startRig({ shortCodes: RATES, window: 200, clients: 1 });
const { db, simulator, api } = rig;

try {
  // Queue 20 % more than each short code can send in the span, so it is never starved, all due at the same
  // instant a little later: the measure is then of the throttle, not of the intake running beside it.
  const sendAt = new Date(Date.now() + 8_000).toISOString();
  for (const [shortCode, rate] of Object.entries(RATES)) {
    let left = Math.ceil(rate * seconds * 1.2);
    while (left > 0) {
      const count = Math.min(left, 10_000);
      left -= count;
      const response = await api('POST', '/v1/messages', {
        messages: Array.from({ length: count }, (_, i) => ({ to: `+3361${String(i).padStart(7, '0')}`, text: 'Votre rendez-vous est confirmé', class: 'transactional', shortCode, sendAt })),
      });
      if (response.status !== 202) throw new Error(`HTTP ${response.status}: ${response.text.slice(0, 500)}`);
    }
  }
  await new Promise((r) => setTimeout(r, Date.parse(sendAt) - Date.now() + (seconds + 2) * 1000));

  await rig.stopProcesses();
  const peaks = (JSON.parse(simulator.output().trim().split('\n').filter((l) => l.startsWith('{"stats"')).at(-1)!) as { stats: { peakPerSecond: Record<string, number> } }).stats.peakPerSecond;
  const watch = new pg.Client(db.url);
  await watch.connect();
  const { rows } = await watch.query<{ short_code: string; n: number }>(
    `WITH first AS (SELECT short_code, min(submitted_at) AS t0 FROM messages GROUP BY short_code)
     SELECT m.short_code, count(*)::int AS n FROM messages m JOIN first f USING (short_code)
     WHERE m.submitted_at >= f.t0 AND m.submitted_at < f.t0 + make_interval(secs => $1) GROUP BY m.short_code`,
    [seconds],
  );
  await watch.end();

  console.log(`Relais throttle benchmark — ${db.label}; ${seconds} s per short code`);
  console.log('short code   rate/s   max in any 1 s window (at the SMSC)   mean over the span   of the rate');
  for (const [shortCode, rate] of Object.entries(RATES)) {
    const mean = (rows.find((r) => r.short_code === shortCode)?.n ?? 0) / seconds;
    console.log(
      `${shortCode.padEnd(12)} ${fmt(rate).padStart(6)}   ${fmt(peaks[shortCode] ?? 0).padStart(35)}   ${fmt(mean, 1).padStart(18)}   ${fmt((100 * mean) / rate, 1).padStart(9)} %`,
    );
  }
} finally {
  await rig.stop();
}
