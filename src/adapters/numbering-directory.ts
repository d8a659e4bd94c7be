/**
 * Who serves a number, answered from memory in every process (docs/operators.md, "In memory"): the numbering plan
 * and the whole portability base are loaded from the store into typed arrays, so routing's lookup at intake costs
 * no SQL. Each process compares numbering_versions every second (one indexed read of two rows) and, when an
 * import moved it, loads the part that changed in the background and swaps it in: lookups go on against the
 * previous copy meanwhile, and an import reaches every process within a second plus the load's time.
 */
import { ChangeSignal } from './change-signal.ts';
import { OperatorDirectory, type OperatorAnswer, type OperatorOf } from '../core/numbering/index.ts';
import type { NumberingDeps, NumberingVersions, OperatorDirectoryPort } from '../app/numbering.ts';
import { PgNumberingStore } from './store/numbering-store.ts';
import type { Db } from './store/database.ts';

export interface DirectoryLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface LoadedFigures {
  ranges: number;
  segments: number;
  ports: number;
  /** Bytes of the ported numbers' typed arrays. */
  portBytes: number;
  loadedAt: Date | undefined;
  versions: NumberingVersions | undefined;
}

export class LiveOperatorDirectory implements OperatorDirectoryPort {
  private directory = OperatorDirectory.empty;
  private loadedVersions: NumberingVersions | undefined;
  private loadedAt: Date | undefined;
  private refreshing: Promise<boolean> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Notified after each reload (tests and the API wait on it, never on time). */
  readonly reloaded = new ChangeSignal();

  constructor(
    private readonly store: Pick<PgNumberingStore, 'versions' | 'loadPlan' | 'loadPorts'>,
    private readonly options: { pollMs?: number; log?: DirectoryLog; now?: () => Date } = {},
  ) {}

  /** The port routing calls: synchronous, from memory. */
  readonly operatorOf: OperatorOf = (e164: string): OperatorAnswer => this.directory.operatorOf(e164);

  /** The range's holder alone. */
  rangeHolderOf(e164: string): OperatorAnswer {
    return this.directory.rangeHolderOf(e164);
  }

  /** Checks for new imports every `pollMs` (1 s) and loads now; resolves once the first load is done or failed. */
  async start(): Promise<void> {
    const check = () =>
      this.refresh().catch((error) => {
        // A load cut short by the process stopping (its pool closed) is no error.
        if (!this.stopped) this.options.log?.error({ err: error }, 'numbering: load failed; the previous copy still answers, next try in a second');
      });
    this.timer = setInterval(() => void check(), this.options.pollMs ?? 1_000);
    this.timer.unref();
    await check();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }
  private stopped = false;

  /** Reloads what changed since the last load; true when something was reloaded. One refresh at a time. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.reloadChanged().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  get figures(): LoadedFigures {
    const { plan, ports } = this.directory;
    return { ranges: plan.ranges, segments: plan.segments, ports: ports.size, portBytes: ports.bytes, loadedAt: this.loadedAt, versions: this.loadedVersions };
  }

  private async reloadChanged(): Promise<boolean> {
    const versions = await this.store.versions();
    const before = this.loadedVersions;
    const rangesChanged = before?.ranges.version !== versions.ranges.version;
    const portsChanged = before?.ports.version !== versions.ports.version;
    if (!rangesChanged && !portsChanged) return false;
    const started = performance.now();
    const [{ plan, names }, ports] = await Promise.all([
      rangesChanged ? this.store.loadPlan() : { plan: this.directory.plan, names: this.directory.names },
      // Codes of operators are shared by ranges and ports: a new plan may add some, so the ports keep theirs.
      portsChanged ? this.store.loadPorts(versions.ports.rows) : this.directory.ports,
    ]);
    this.directory = new OperatorDirectory(plan, ports, names);
    this.loadedVersions = versions;
    this.loadedAt = this.options.now?.() ?? new Date();
    this.options.log?.info({ ranges: plan.ranges, ports: ports.size, portMegabytes: Math.round(ports.bytes / 1e6), ms: Math.round(performance.now() - started) }, 'numbering loaded');
    this.reloaded.notify();
    return true;
  }
}

/**
 * The numbering of a Relais process: its store and its directory, loading in the background (a base of
 * 20 million ports takes tens of seconds to load: the process takes traffic meanwhile, answering from the ranges
 * alone until the ports are in).
 */
export function startNumbering(db: Db, now: () => Date, log: DirectoryLog): { deps: NumberingDeps; directory: LiveOperatorDirectory } {
  const store = new PgNumberingStore(db);
  const directory = new LiveOperatorDirectory(store, { log, now });
  void directory.start();
  return { deps: { store, directory, now }, directory };
}
