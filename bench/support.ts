/**
 * Shared plumbing of the benchmarks: a database (DATABASE_URL, or an embedded PostgreSQL in a temporary
 * directory), Relais and the SMSC simulator as child processes, and small statistics helpers.
 * Everything listens on 127.0.0.1 and is stopped at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/adapters/store/embedded-postgres.ts';

const bin = path.resolve(import.meta.dirname, '../bin/relais.js');

export interface BenchDatabase {
  url: string;
  label: string;
  drop(): Promise<void>;
}

/** A fresh database on DATABASE_URL's server, or on an embedded PostgreSQL started for the run. */
export async function benchDatabase(): Promise<BenchDatabase> {
  let serverUrl = process.env.DATABASE_URL;
  let stopEmbedded = async () => undefined as void;
  let dir: string | undefined;
  if (!serverUrl) {
    dir = mkdtempSync(path.join(tmpdir(), 'relais-bench-pg-'));
    const embedded = await startEmbeddedPostgres({ dataDir: dir });
    serverUrl = embedded.url;
    stopEmbedded = () => embedded.stop();
    // Interrupted (Ctrl+C, a time-out): still stop the server and remove its directory.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => void embedded.stop().finally(() => (rmSync(dir!, { recursive: true, force: true }), process.exit(130))));
    }
  }
  const name = `relais_bench_${randomBytes(4).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    label: process.env.DATABASE_URL ? 'external PostgreSQL (DATABASE_URL)' : 'embedded PostgreSQL',
    drop: async () => {
      await admin(serverUrl!, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await stopEmbedded();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  await client.query(statement).finally(() => client.end());
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface Child {
  process: ChildProcess;
  output(): string;
  /** Resolves with the first stdout line matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Every stdout line from now on. */
  onLine(listener: (line: string) => void): void;
  stop(): Promise<void>;
}

/** Runs `relais <args>`; PROFILE_DIR=<dir> writes a CPU profile of each Relais process there. */
export function runRelais(args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const nodeArgs = process.env.PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...nodeArgs, bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let partial = '';
  const listeners: ((line: string) => void)[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) for (const l of listeners) l(line);
  });
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return {
    process: child,
    output: () => out,
    onLine: (listener) => listeners.push(listener),
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(out);
          if (match) {
            clearInterval(timer);
            resolve(match);
          } else if (child.exitCode !== null) {
            clearInterval(timer);
            reject(new Error(`process exited (${child.exitCode}):\n${out}`));
          }
        };
        const timer = setInterval(check, 20);
        setTimeout(() => {
          clearInterval(timer);
          reject(new Error(`timed out waiting for ${pattern}:\n${out.slice(-2000)}`));
        }, timeoutMs);
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
      }),
  };
}

/** A configuration file in a temporary directory, which is also Relais's data directory for the run. */
export function writeConfig(config: Record<string, unknown>): { file: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'relais-bench-'));
  const file = path.join(dir, 'relais.config.json');
  writeFileSync(file, JSON.stringify({ ...config, database: { ...(config.database as object), dataDir: path.join(dir, 'data') } }, null, 2));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Highest resident set size of a process so far (Linux). */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** CPU seconds (user + system) a process has used so far, with its children that ended when `ended` (Linux). */
export function cpuSeconds(pid: number, ended = false): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const own = Number(fields[11]) + Number(fields[12]);
  return (ended ? own + Number(fields[13]) + Number(fields[14]) : own) / CLOCK_TICKS;
}

/**
 * CPU seconds used so far by PostgreSQL on this machine: its running processes (backends, writers, WAL) and the
 * backends that ended (counted in their parent's children's time once it reaped them).
 */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.includes(' (postgres) ')) total += cpuSeconds(Number(entry), true);
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

const CLOCK_TICKS = 100;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * A light HTTP client for load generation: node:http over keep-alive sockets. (fetch costs several times
 * more CPU per request, and on a 2-core machine the load generator competes with what it measures.)
 */
export function httpClient(base: string, headers: Record<string, string>, sockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const url = new URL(base);
  return (method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const request = http.request(
        { agent, host: url.hostname, port: url.port, method, path, headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
}

export interface Rig {
  db: BenchDatabase;
  relais: Child;
  simulator: Child;
  /** The HTTP API with the first account's key, over `sockets` keep-alive sockets. */
  api: ReturnType<typeof httpClient>;
  /** Stops Relais, then the simulator (which prints its final counters); the database stays. */
  stopProcesses(): Promise<void>;
  /** Stops the processes, removes the configuration and drops the database. */
  stop(): Promise<void>;
}

/**
 * What the end-to-end benchmarks share: a database, `relais simulate smpp` in its own process (receipts at
 * once, counters only), and `relais start` with one route to it carrying `shortCodes`.
 */
export async function startRig(options: { shortCodes: Record<string, number>; window: number; clients: number; maxConnections?: number; routing?: object }): Promise<Rig> {
  const db = await benchDatabase();
  const simPort = await freePort();
  const httpPort = await freePort();
  const simulator = runRelais(['simulate', 'smpp', '--port', String(simPort), '--receipt-delay-ms', '0', '--no-keep-bodies']);
  const config = writeConfig({
    http: { port: httpPort },
    log: { level: 'warn' },
    ...(options.maxConnections ? { database: { maxConnections: options.maxConnections } } : {}),
    routes: [{ name: 'sim', protocol: 'smpp', host: '127.0.0.1', port: simPort, systemId: 'relais', password: 'relais', window: options.window }],
    shortCodes: Object.entries(options.shortCodes).map(([number, ratePerSecond]) => ({ number, route: 'sim', ratePerSecond })),
    simulator: { enabled: false },
    ...(options.routing ? { routing: options.routing } : {}),
  });
  let relais: Child | undefined;
  const stopProcesses = async () => {
    await relais?.stop();
    await simulator.stop();
  };
  const stop = async () => {
    await stopProcesses();
    config.remove();
    await db.drop();
  };
  try {
    await simulator.waitFor(/listening/i);
    relais = runRelais(['start', '--config', config.file], { DATABASE_URL: db.url });
    const [, key] = await relais.waitFor(/API key\s+(rl_\S+)/);
    const [, aggregatorKey] = await relais.waitFor(/Aggregator key\s+(rla_\S+)/);
    // The demo account holds the first short code: it is given every short code of the rig.
    const provisioned = await httpClient(`http://127.0.0.1:${httpPort}`, { authorization: `Bearer ${aggregatorKey}` }, 1)('PATCH', '/v1/aggregator/accounts/demo', {
      shortCodes: Object.keys(options.shortCodes),
    });
    if (provisioned.status !== 200) throw new Error(`the demo account could not be given the rig's short codes: ${provisioned.text}`);
    const api = httpClient(`http://127.0.0.1:${httpPort}`, { authorization: `Bearer ${key}` }, options.clients);
    return { db, relais, simulator, api, stopProcesses, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
