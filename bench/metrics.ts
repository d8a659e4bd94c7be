/**
 * What the metrics cost on the send path (docs/monitoring.md): the dispatcher's monitor called for each submit and
 * each receipt, and an HTTP request observed, per call. `npm run bench:metrics` (no database).
 */
import { Metrics } from '../src/adapters/monitoring/metrics.ts';

const calls = Number(process.env.CALLS ?? 1_000_000);
const metrics = new Metrics({ processMetrics: false });
const monitor = metrics.dispatchMonitor({ record: () => undefined });
const shortCodes = ['36001', '36002', '36003', '36004'];

function time(label: string, run: (i: number) => void): void {
  for (let i = 0; i < 10_000; i++) run(i); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) run(i);
  const ns = Number(process.hrtime.bigint() - start) / calls;
  console.log(`${label.padEnd(40)} ${ns.toFixed(0).padStart(6)} ns per call`);
}

console.log(`${calls.toLocaleString('en')} calls each`);
time('submit counted and timed', (i) => monitor.submitted('orange', shortCodes[i & 3]!, 'accepted', 0.004));
time('receipt counted, its lag observed', (i) => monitor.receipt('orange', i & 1 ? 'delivered' : 'undeliverable', 12));
time('HTTP request observed', () => metrics.observeRequest('POST', '/v1/messages', 202, 0.003));
const started = process.hrtime.bigint();
await metrics.scrape();
console.log(`${'a scrape (no database queries)'.padEnd(40)} ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(2).padStart(6)} ms`);
