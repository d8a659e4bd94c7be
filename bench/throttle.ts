/**
 * npm run bench:throttle — per-short-code throughput: three short codes on one SMPP route, at 10, 150 and
 * 1,000 SMS/s, each with more queued than it can send in the measured span. The simulator (its own process)
 * timestamps every submit_sm it receives; for each short code this prints the highest count in any sliding
 * 1-second window (must be ≤ the rate) and the mean rate over the span (target ≥ 98 % of the rate).
 * Options: --seconds N (default 30). Uses DATABASE_URL when set, otherwise an embedded PostgreSQL.
 */
import { parseArgs } from 'node:util';
import { benchDatabase, fmt, freePort, runRelais, writeConfig } from './support.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '30' } } });
const seconds = Number(values.seconds);
const RATES: Record<string, number> = { '36010': 10, '36150': 150, '36999': 1000 };

const db = await benchDatabase();
const simPort = await freePort();
const httpPort = await freePort();
const simulator = runRelais(['simulate', 'smpp', '--port', String(simPort), '--receipt-delay-ms', '0', '--no-keep-bodies', '--arrivals']);
const config = writeConfig({
  http: { port: httpPort },
  log: { level: 'warn' },
  routes: [{ name: 'sim', protocol: 'smpp', host: '127.0.0.1', port: simPort, systemId: 'relais', password: 'relais', window: 200 }],
  shortCodes: Object.entries(RATES).map(([number, ratePerSecond]) => ({ number, route: 'sim', ratePerSecond })),
  simulator: { enabled: false },
});
let relais: ReturnType<typeof runRelais> | undefined;

/** Arrival times (ms) per source address, as the simulator reports them. */
const arrivals = new Map<string, number[]>();
simulator.onLine((line) => {
  if (!line.startsWith('{')) return;
  const event = JSON.parse(line) as { arrival?: { source: string; at: number } };
  if (event.arrival) (arrivals.get(event.arrival.source) ?? arrivals.set(event.arrival.source, []).get(event.arrival.source)!).push(event.arrival.at);
});

try {
  await simulator.waitFor(/listening/i);
  relais = runRelais(['start', '--config', config.file], { DATABASE_URL: db.url });
  const [, key] = await relais.waitFor(/API key\s+(rl_\S+)/);
  // Queue 20 % more than each short code can send in the span, so it is never starved.
  for (const [shortCode, rate] of Object.entries(RATES)) {
    let left = Math.ceil(rate * seconds * 1.2);
    while (left > 0) {
      const count = Math.min(left, 10_000);
      left -= count;
      const response = await fetch(`http://127.0.0.1:${httpPort}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messages: Array.from({ length: count }, (_, i) => ({ to: `+3361${String(i).padStart(7, '0')}`, text: 'Throttle', class: 'marketing', shortCode })) }),
      });
      if (response.status !== 202) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
    }
  }
  await new Promise((r) => setTimeout(r, (seconds + 3) * 1000));

  console.log(`Relais throttle benchmark — ${db.label}; ${seconds} s per short code, measured at the simulator`);
  console.log('short code   rate/s   max in any 1 s window   mean over the span   of the rate');
  for (const [shortCode, rate] of Object.entries(RATES)) {
    const times = (arrivals.get(shortCode) ?? []).sort((a, b) => a - b);
    const start = times[0] ?? 0;
    const span = times.filter((t) => t < start + seconds * 1000);
    const mean = span.length / seconds;
    console.log(
      `${shortCode.padEnd(12)} ${fmt(rate).padStart(6)}   ${fmt(maxInWindow(span, 1000)).padStart(21)}   ${fmt(mean, 1).padStart(18)}   ${fmt((100 * mean) / rate, 1).padStart(9)} %`,
    );
  }
} finally {
  await relais?.stop();
  await simulator.stop();
  config.remove();
  await db.drop();
}

function maxInWindow(sorted: number[], windowMs: number): number {
  let max = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}
