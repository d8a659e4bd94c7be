import { Option } from 'commander';
import { ratio, runSimulatorFromCli, wholeNumber, type CliIo } from './cli-kit.ts';
import { simulatorDefaults, startSmppSimulator } from './smsc.ts';

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
  new Option('--receipt-text <what>', "what text: holds: the first 20 characters (unprintable ones as '.'), or the first 20 octets as they are")
    .choices(['printable', 'octets'])
    .default(d.receiptText),
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

/** `relais simulate smpp`: see runSimulatorFromCli. */
export function runSmppSimulatorFromCli(opts: Record<string, unknown>, io: CliIo = {}): Promise<void> {
  return runSimulatorFromCli('SMPP SMSC simulator', startSmppSimulator, opts, io);
}
