/** Relais as a separate process (`relais start`), for the tests that kill it with SIGKILL and start it again. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSmppSimulator, type SmppSimulator, type SmppSimulatorOptions } from '../../src/adapters/simulator/smpp-simulator.ts';
import { relaisCommand } from './cli.ts';


export interface RelaisProcess {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  /** The HTTP API's URL once it listens; rejects if the process exits first. */
  url: Promise<string>;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a clean stop), resolved once the process is gone. */
  stop(): Promise<void>;
}

export function startRelaisProcess(configFile: string, databaseUrl: string, dataDir: string): RelaisProcess {
  const child = spawn(process.execPath, [...relaisCommand, 'start', '--config', configFile], {
    env: { ...process.env, DATABASE_URL: databaseUrl, RELAIS_DATA_DIR: dataDir },
  });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /HTTP API\s+(http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code, signal) => reject(new Error(`relais exited (${code ?? signal}):\n${out}`)));
  });
  url.catch(() => undefined);
  const end = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return { child, output: () => out, url, kill: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}

export interface CrashRig {
  simulator: SmppSimulator;
  /** The data directory of the Relais processes. */
  dir: string;
  configFile: string;
  close(): Promise<void>;
}

/**
 * What the crash tests run Relais against: an SMPP simulator, and a configuration sending to it on short code
 * 36001 at 2,000/s (plus `extra` sections, and the simulator's own options), in a temporary directory.
 */
export async function startCrashRig(extra: Record<string, unknown> = {}, simulatorOptions: SmppSimulatorOptions = {}): Promise<CrashRig> {
  const simulator = await startSmppSimulator({ port: 0, receiptDelayMs: 30, ...simulatorOptions });
  const dir = mkdtempSync(path.join(tmpdir(), 'relais-crash-'));
  const configFile = path.join(dir, 'relais.config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      http: { port: 0 },
      log: { level: 'warn' },
      simulator: { enabled: false },
      routes: [{ name: 'sim', protocol: 'smpp', host: '127.0.0.1', port: simulator.port, systemId: 'relais', password: 'relais', window: 50 }],
      shortCodes: [{ number: '36001', route: 'sim', ratePerSecond: 2000 }],
      dispatcher: { pollIntervalMs: 20, leaseTtlMs: 2000 },
      ...extra,
    }),
  );
  return {
    simulator,
    dir,
    configFile,
    close: async () => {
      await simulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
