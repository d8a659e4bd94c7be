import { InvalidArgumentError, Option } from 'commander';
import { simulatorDefaults, startSmppSimulator, type SimulatorStats, type SmppSimulatorOptions } from './smsc.ts';

const wholeNumber = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
};
const ratio = (value: string): number => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a number between 0 and 1');
  return n;
};
const d = simulatorDefaults;

/** The simulator's options for a command line (commander), with their defaults and descriptions. */
export const simulatorCliOptions: Option[] = [
  new Option('--port <number>', 'TCP port on 127.0.0.1 (0: any free port)').default(2775).argParser(wholeNumber),
  new Option('--system-id <id>', 'system_id a bind must present (default: any)'),
  new Option('--password <password>', 'password a bind must present with --system-id'),
  new Option('--reject-bind', 'refuse every bind (ESME_RBINDFAIL)'),
  new Option('--receipt-delay-ms <ms>', 'delay between the submit_sm_resp and the delivery receipt').default(d.receiptDelayMs).argParser(wholeNumber),
  new Option('--delivered-ratio <ratio>', 'share of receipts that say DELIVRD; the others say UNDELIV').default(d.deliveredRatio).argParser(ratio),
  new Option('--receipt-format <format>', 'receipt as id:… stat:… text, as TLVs, or both').choices(['text', 'tlv', 'both']).default(d.receiptFormat),
  new Option('--seed <number>', 'seed of the delivered/undelivered draw (same seed, same sequence)').default(d.seed).argParser(wholeNumber),
  new Option('--redelivery-delay-ms <ms>', 'delay before a receipt or MO the client refused is sent again').default(d.redeliveryDelayMs).argParser(wholeNumber),
  new Option('--throttle-per-second <n>', 'answer ESME_RTHROTTLED (0x58) beyond n accepted submits per second and source address (0: off)')
    .default(d.throttlePerSecond)
    .argParser(wholeNumber),
  new Option('--throttle-every <k>', 'answer ESME_RTHROTTLED to every k-th submit_sm (0: off)').default(d.throttleEvery).argParser(wholeNumber),
  new Option('--response-delay-ms <ms>', 'delay before each submit_sm_resp').default(d.responseDelayMs).argParser(wholeNumber),
  new Option('--withhold-responses', 'take submits but never answer them'),
  new Option('--drop-after-submits <n>', 'close the connection at every n-th submit_sm of a session, unanswered (0: off)').default(d.dropAfterSubmits).argParser(wholeNumber),
  new Option('--receipt-before-response', 'send the receipt before the submit_sm_resp'),
  new Option('--duplicate-receipts', 'send every receipt twice'),
  new Option('--ignore-enquire-link', 'never answer enquire_link'),
  new Option('--no-keep-bodies', 'keep counters only, not every submit (long benchmarks)'),
  new Option('--stats-interval-ms <ms>', 'print the counters as one JSON line this often (0: never)').default(0).argParser(wholeNumber),
  new Option('--arrivals', 'print one JSON line per submit_sm received: {"arrival":{"source","destination","at"}} (at: epoch ms)'),
];

type CliValues = SmppSimulatorOptions & { statsIntervalMs?: number; arrivals?: boolean };

/** The counters as printed: everything but the list of submits. */
export function statsLine(stats: SimulatorStats): string {
  const { submits: _submits, sessions, ...counters } = stats;
  return JSON.stringify({ stats: { ...counters, openSessions: sessions.filter((s) => s.open).length } });
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * Runs the simulator for `relais simulate smpp`: prints a "listening" line, the counters every
 * `statsIntervalMs` when asked, each arrival with `arrivals`; stops on SIGINT/SIGTERM (or when `until`
 * resolves) and prints the final counters.
 */
export async function runSmppSimulatorFromCli(
  opts: Record<string, unknown>,
  io: { out?: (line: string) => void; until?: Promise<void> } = {},
): Promise<void> {
  const out = io.out ?? ((line: string) => void process.stdout.write(line + '\n'));
  const { statsIntervalMs = 0, arrivals = false, ...options } = opts as CliValues;
  const simulator = await startSmppSimulator({ ...options, ...(arrivals ? { onSubmit: (arrival) => out(JSON.stringify({ arrival })) } : {}) });
  out(`SMPP SMSC simulator listening on 127.0.0.1:${simulator.port}`);
  const timer = statsIntervalMs > 0 ? setInterval(() => out(statsLine(simulator.stats)), statsIntervalMs) : undefined;
  await (io.until ?? untilSignal());
  clearInterval(timer);
  await simulator.close();
  out(statsLine(simulator.stats));
}
