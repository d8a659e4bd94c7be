import type { AvailabilityLog, NodeState, SubjectKind } from '../../app/monitoring.ts';
import type { Clock, Logger } from '../../app/ports.ts';
import type { Transition } from '../../core/reports/availability.ts';

export interface AvailabilityWriter {
  append(transitions: readonly Transition[]): Promise<void>;
  heartbeat(node: string, startedAt: Date, now: Date): Promise<void>;
}

export interface RecorderOptions {
  /** This process's name in the records (unique per process: several may run on one host). */
  node: string;
  /** How long a transition may wait before it is written. */
  flushMs: number;
  /** How often the node says it is alive; a node silent for longer than twice this is taken as gone. */
  heartbeatMs: number;
  /** Transitions kept while the database cannot be reached; older ones are dropped beyond this. */
  maxQueued: number;
}

export const defaultRecorderOptions: Omit<RecorderOptions, 'node'> = { flushMs: 1_000, heartbeatMs: 30_000, maxQueued: 10_000 };

export interface SubjectStatus {
  kind: SubjectKind;
  subject: string;
  state: NodeState;
  reason: string | null;
  since: Date;
}

/**
 * The AvailabilityLog of one process (node): `record` stamps the transition with the clock and returns at once;
 * a timer writes what accumulated in one statement, off the send path. A write that fails is kept (up to
 * `maxQueued`) and written with the next, so an outage of the database itself loses no transition — and is itself
 * recorded: while the heartbeat cannot reach the database the node's doors are down (intake needs the database).
 */
export class AvailabilityRecorder implements AvailabilityLog {
  private queue: Transition[] = [];
  private readonly current = new Map<string, SubjectStatus>();
  /** Doors this node opened (up unless the database is unreachable). */
  private readonly openDoors = new Set<string>();
  private databaseProblem: string | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly startedAt: Date;

  constructor(
    private readonly writer: AvailabilityWriter,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: RecorderOptions,
  ) {
    this.startedAt = clock.now();
  }

  get node(): string {
    return this.options.node;
  }

  /** Starts the heartbeat (the first one at once). */
  async start(): Promise<void> {
    await this.beat();
    this.heartbeatTimer = setInterval(() => void this.beat(), this.options.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  record(kind: SubjectKind, subject: string, state: NodeState, reason: string | null = null): void {
    const key = `${kind}:${subject}`;
    if (kind === 'door') {
      if (state === 'up') this.openDoors.add(subject);
      else this.openDoors.delete(subject);
      if (state === 'up' && this.databaseProblem) return this.note(key, kind, subject, 'down', `database unreachable: ${this.databaseProblem}`);
    }
    this.note(key, kind, subject, state, reason);
  }

  /** What this node currently sees of each subject it ever served (for the link-state gauge). */
  states(): SubjectStatus[] {
    return [...this.current.values()];
  }

  /** Writes what is queued now; resolves once written (or kept after a failure). */
  flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  /** Records every subject still served here as stopped, writes everything, and beats a last time. */
  async stop(reason = 'process stopping'): Promise<void> {
    clearInterval(this.heartbeatTimer);
    for (const status of this.current.values()) if (status.state !== 'stopped') this.record(status.kind, status.subject, 'stopped', reason);
    await this.flush();
    await this.writer.heartbeat(this.node, this.startedAt, this.clock.now()).catch(() => undefined);
  }

  private note(key: string, kind: SubjectKind, subject: string, state: NodeState, reason: string | null): void {
    const previous = this.current.get(key);
    if (previous && previous.state === state && previous.reason === reason) return;
    const at = this.clock.now();
    this.current.set(key, { kind, subject, state, reason, since: at });
    this.queue.push({ kind, subject, node: this.node, state, reason, at });
    if (this.queue.length > this.options.maxQueued) {
      const dropped = this.queue.splice(0, this.queue.length - this.options.maxQueued);
      this.log.warn({ dropped: dropped.length }, 'availability transitions dropped: the database has been unreachable too long');
    }
    this.flushTimer ??= setTimeout(() => void this.flush(), this.options.flushMs);
    this.flushTimer.unref?.();
  }

  private async write(): Promise<void> {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      await this.writer.append(batch);
    } catch (error) {
      this.queue = [...batch, ...this.queue];
      this.log.warn({ err: error, queued: this.queue.length }, 'availability transitions not written yet; kept for the next write');
      this.flushTimer ??= setTimeout(() => void this.flush(), this.options.flushMs * 5);
      this.flushTimer.unref?.();
    }
  }

  private async beat(): Promise<void> {
    try {
      await this.writer.heartbeat(this.node, this.startedAt, this.clock.now());
      if (this.databaseProblem) {
        this.databaseProblem = undefined;
        for (const door of this.openDoors) this.note(`door:${door}`, 'door', door, 'up', null);
      }
    } catch (error) {
      const problem = (error as Error).message || String(error);
      if (!this.databaseProblem) {
        this.databaseProblem = problem;
        for (const door of this.openDoors) this.note(`door:${door}`, 'door', door, 'down', `database unreachable: ${problem}`);
      }
    }
  }
}
