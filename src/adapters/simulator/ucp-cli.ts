import { Option } from 'commander';
import { ratio, runSimulatorFromCli, wholeNumber, type CliIo } from './cli-kit.ts';
import { startUcpSimulator, ucpSimulatorDefaults } from './ucp-simulator.ts';

const d = ucpSimulatorDefaults;

/** The UCP simulator's options for a command line (commander), with their defaults and descriptions. */
export const ucpSimulatorCliOptions: Option[] = [
  new Option('--port <number>', 'TCP port on 127.0.0.1 (0: any free port)').default(3000).argParser(wholeNumber),
  new Option('--login <oadc>', 'OAdC a login (operation 60) must present (default: any)'),
  new Option('--password <password>', 'password a login must present with --login'),
  new Option('--reject-login', 'refuse every login (07, authentication failure)'),
  new Option('--notification-delay-ms <ms>', 'delay between the result of a submit and its notification (53)').default(d.notificationDelayMs).argParser(wholeNumber),
  new Option('--delivered-ratio <ratio>', 'share of notifications that say delivered (Dst 0); the others say not delivered (Dst 2, Rsn 108)')
    .default(d.deliveredRatio)
    .argParser(ratio),
  new Option('--seed <number>', 'seed of the delivered/undelivered draw and of the garbage (same seed, same sequence)').default(d.seed).argParser(wholeNumber),
  new Option('--redelivery-delay-ms <ms>', 'delay before a notification or MO the client refused is sent again').default(d.redeliveryDelayMs).argParser(wholeNumber),
  new Option('--throttle-per-second <n>', 'answer 04 beyond n accepted submits per second and originator (0: off)').default(d.throttlePerSecond).argParser(wholeNumber),
  new Option('--throttle-every <k>', 'answer 04 to every k-th submit (0: off)').default(d.throttleEvery).argParser(wholeNumber),
  new Option('--response-delay-ms <ms>', 'delay before each result of a submit').default(d.responseDelayMs).argParser(wholeNumber),
  new Option('--withhold-responses', 'take submits but never answer them'),
  new Option('--drop-after-submits <n>', 'close the connection at every n-th submit of a session, unanswered (0: off)').default(d.dropAfterSubmits).argParser(wholeNumber),
  new Option('--garbage-between-frames', 'write random octets before every frame'),
  new Option('--notification-before-response', 'send the notification before the result of its submit'),
  new Option('--withhold-notifications', 'never send notifications'),
  new Option('--duplicate-notifications', 'send every notification twice'),
  new Option('--ignore-alerts', 'never answer alerts (31)'),
  new Option('--no-keep-bodies', 'keep counters only, not every submit (long benchmarks)'),
  new Option('--stats-interval-ms <ms>', 'print the counters as one JSON line this often (0: never)').default(0).argParser(wholeNumber),
  new Option('--arrivals', 'print one JSON line per submit received: {"arrival":{"source","destination","at"}} (at: epoch ms)'),
];

/** `relais simulate ucp`: see runSimulatorFromCli. */
export function runUcpSimulatorFromCli(opts: Record<string, unknown>, io: CliIo = {}): Promise<void> {
  return runSimulatorFromCli('UCP SMSC simulator', startUcpSimulator, opts, io);
}
