/**
 * Who serves a number, answered from memory in every process (docs/operators.md, "In memory"): the numbering plan
 * and the whole portability base are loaded from the store into typed arrays, so routing's lookup at intake costs
 * no SQL. Each process compares numbering_versions every second (one indexed read of two rows) and, when an
 * import moved it, loads the part that changed in the background and swaps it in: lookups go on against the
 * previous copy meanwhile, and an import reaches every process within a second plus the load's time.
 */
import { ChangeSignal } from './change-signal.ts';
import { OperatorDirectory, type OperatorAnswer, type OperatorOf } from '../core/numbering/index.ts';
import type { NumberingVersions, PgNumberingStore } from './store/numbering-store.ts';

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

export class LiveOperatorDirectory {
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

  /** Loads now, then checks for new imports every `pollMs` (1 s). */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch((error) => this.options.log?.error({ err: error }, 'numbering: reload failed; the previous copy still answers')), this.options.pollMs ?? 1_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

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
