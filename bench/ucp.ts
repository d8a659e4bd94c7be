/**
 * npm run bench:ucp — the UCP session alone: a UcpLink (this process) submits as fast as its window allows to
 * `relais simulate ucp` (its own process, 127.0.0.1), every submit asking for a notification, every
 * notification answered. Prints submits/s, notifications/s and the submit round-trip (write → result).
 * Target: ≥ 5,000 submits/s with a window of 100.
 * Options: --messages N (default 100,000), --window W (default 100).
 */
import { parseArgs } from 'node:util';
import type { OutboundPart, SubmitOutcome } from '../src/app/ports.ts';
import { UcpLink } from '../src/adapters/ucp-client/ucp-link.ts';
import { encodeGsm7 } from '../src/core/text/index.ts';
import { fmt, freePort, percentile, runRelais } from './support.ts';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '100000' }, window: { type: 'string', default: '100' } } });
const total = Number(values.messages);
const window = Number(values.window);

const port = await freePort();
const simulator = runRelais(['simulate', 'ucp', '--port', String(port), '--notification-delay-ms', '0', '--no-keep-bodies', '--login', '36001', '--password', 'secret']);
let notifications = 0;
let lastNotificationAt = 0;
const link = new UcpLink({ name: 'bench', host: '127.0.0.1', port, login: '36001', password: 'secret', window });

try {
  await simulator.waitFor(/listening/);
  await new Promise<void>((resolve) =>
    link.start({
      onReceipt: async () => {
        notifications++;
        lastNotificationAt = performance.now();
      },
      onMobileOriginated: async () => undefined,
      onStateChange: (state) => state === 'bound' && resolve(),
    }),
  );

  const body = encodeGsm7('Votre code de confirmation est 123456');
  const part = (i: number): OutboundPart => ({
    source: { ton: 0, npi: 1, value: '36001' },
    destination: { ton: 1, npi: 1, value: `3361${String(i % 10_000_000).padStart(7, '0')}` },
    encoding: 'gsm7',
    body,
    udh: null,
    receipt: true,
  });

  const roundTrips: number[] = [];
  const outcomes = new Map<SubmitOutcome['kind'], number>();
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < total; i++) {
    while (link.freeWindow() <= 0) await link.waitForCapacity(1_000);
    const sentAt = performance.now();
    const done = link.submit(part(i)).then((outcome) => {
      roundTrips.push(performance.now() - sentAt);
      outcomes.set(outcome.kind, (outcomes.get(outcome.kind) ?? 0) + 1);
      inFlight.delete(done);
    });
    inFlight.add(done);
  }
  await Promise.all(inFlight);
  const submitSeconds = (performance.now() - started) / 1000;
  const deadline = performance.now() + 30_000;
  while (notifications < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const notificationSeconds = (lastNotificationAt - started) / 1000;
  roundTrips.sort((a, b) => a - b);

  console.log(`UCP client → simulator on 127.0.0.1, window ${window}, ${fmt(total)} submits asking for notifications`);
  console.log(`  outcomes          ${[...outcomes].map(([kind, n]) => `${kind} ${fmt(n)}`).join(', ')}`);
  console.log(`  submits           ${fmt(total / submitSeconds)} /s  (${fmt(submitSeconds, 1)} s)`);
  console.log(`  notifications     ${fmt(notifications)} received and answered, ${fmt(notifications / notificationSeconds)} /s`);
  console.log(`  submit → result   p50 ${fmt(percentile(roundTrips, 50), 2)} ms, p99 ${fmt(percentile(roundTrips, 99), 2)} ms`);
  console.log(`  target            ≥ 5,000 submits/s: ${total / submitSeconds >= 5_000 ? 'met' : 'NOT met'}`);
  if (notifications < total) console.log(`  MISSING           ${fmt(total - notifications)} notifications not received within 30 s`);
} finally {
  await link.stop();
  await simulator.stop();
}
