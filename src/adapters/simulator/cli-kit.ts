/** The command-line side shared by `relais simulate smpp` and `relais simulate ucp`. */
import { InvalidArgumentError } from 'commander';

export const wholeNumber = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
};

export const ratio = (value: string): number => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a number between 0 and 1');
  return n;
};

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

export interface CliIo {
  out?: (line: string) => void;
  /** Stops the simulator when it resolves (default: SIGINT or SIGTERM). */
  until?: Promise<void>;
}

interface SimulatorCounters {
  submits: unknown[];
  sessions: { open: boolean }[];
}

interface RunnableSimulator<S extends SimulatorCounters> {
  readonly port: number;
  readonly stats: S;
  close(): Promise<void>;
}

/** The counters as printed: everything but the list of submits, and the number of open sessions. */
export function statsLine(stats: SimulatorCounters): string {
  const { submits: _submits, sessions, ...counters } = stats;
  return JSON.stringify({ stats: { ...counters, openSessions: sessions.filter((s) => s.open).length } });
}

/**
 * Runs a simulator from its command-line values: prints "<title> listening on 127.0.0.1:<port>", the counters
 * every `statsIntervalMs` when asked, one JSON line per submit with `arrivals`; stops on SIGINT/SIGTERM (or
 * when `io.until` resolves) and prints the final counters.
 */
export async function runSimulatorFromCli<O extends object, S extends SimulatorCounters>(
  title: string,
  start: (options: O & { onSubmit?: (arrival: { source: string; destination: string; at: number }) => void }) => Promise<RunnableSimulator<S>>,
  opts: Record<string, unknown>,
  io: CliIo = {},
): Promise<void> {
  const out = io.out ?? ((line: string) => void process.stdout.write(line + '\n'));
  const { statsIntervalMs = 0, arrivals = false, ...options } = opts as O & { statsIntervalMs?: number; arrivals?: boolean };
  const simulator = await start({ ...(options as unknown as O), ...(arrivals ? { onSubmit: (arrival) => out(JSON.stringify({ arrival })) } : {}) });
  out(`${title} listening on 127.0.0.1:${simulator.port}`);
  const timer = statsIntervalMs > 0 ? setInterval(() => out(statsLine(simulator.stats)), statsIntervalMs) : undefined;
  await (io.until ?? untilSignal());
  clearInterval(timer);
  await simulator.close();
  out(statsLine(simulator.stats));
}
