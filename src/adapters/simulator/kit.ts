/** What both SMSC simulators (SMPP and UCP) are built from: repeatable draws, rate counters, a loopback server. */
import { createServer, type Server, type Socket } from 'node:net';
import { SlidingCount } from './sliding-count.ts';

/** Small seeded generator (mulberry32): repeatable draws in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The counter of `key`, created on first use. */
function countIn(counts: Map<string, SlidingCount>, key: string): SlidingCount {
  let count = counts.get(key);
  if (!count) counts.set(key, (count = new SlidingCount()));
  return count;
}

/** Per key, the highest number of events any sliding second held. */
function peaksOf(counts: Map<string, SlidingCount>): Record<string, number> {
  return Object.fromEntries([...counts].map(([key, count]) => [key, count.peak]));
}

/** Listens on 127.0.0.1 (port 0: any free one); resolves with the port. */
function listenOnLoopback(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

/** What every simulated SMSC is configured with, whatever its protocol. */
export interface SmscBasics {
  port: number;
  seed: number;
  /** Answer "throttled" to every k-th submit (0: off). */
  throttleEvery: number;
  /** Answer "throttled" beyond n accepted submits per second and source (0: off). */
  throttlePerSecond: number;
}

/**
 * The plumbing both simulated SMSCs (SMPP and UCP) share: a loopback server and its sessions, a seeded
 * generator, per-source arrival and acceptance counters (peaks and throttling), timers that die with it.
 */
export abstract class SimulatedSmsc<S extends { wire: { destroy(reason: string): void } }, T extends { maxOutstanding: number }> {
  protected readonly server: Server;
  protected readonly sessions = new Set<S>();
  protected readonly sessionStats: T[] = [];
  protected readonly random: () => number;
  protected closing = false;
  private readonly arrivals = new Map<string, SlidingCount>();
  private readonly acceptedPerSource = new Map<string, SlidingCount>();
  private readonly timers = new Set<NodeJS.Timeout>();
  port = 0;

  constructor(private readonly basics: SmscBasics) {
    this.random = seededRandom(basics.seed);
    this.server = createServer((socket) => this.accept(socket));
  }

  protected abstract accept(socket: Socket): void;

  async listen(): Promise<void> {
    this.port = await listenOnLoopback(this.server, this.basics.port);
  }

  connections(): number {
    return this.sessions.size;
  }

  /** The per-session part of the counters: highest outstanding, peaks per source, each session's counters. */
  protected sessionCounters(): { maxOutstanding: number; peakPerSecond: Record<string, number>; sessions: T[] } {
    const maxOutstanding = Math.max(0, ...this.sessionStats.map((s) => s.maxOutstanding));
    return { maxOutstanding, peakPerSecond: peaksOf(this.arrivals), sessions: this.sessionStats.map((s) => ({ ...s })) };
  }

  /** Counts a submit arriving from `source`; says whether to answer it "throttled" (`received` counts this one). */
  protected arrive(source: string, now: number, received: number): boolean {
    countIn(this.arrivals, source).add(now);
    const { throttleEvery, throttlePerSecond } = this.basics;
    if (throttleEvery > 0 && received % throttleEvery === 0) return true;
    return throttlePerSecond > 0 && countIn(this.acceptedPerSource, source).count(now) >= throttlePerSecond;
  }

  /** Counts a submit accepted from `source`, for the per-second throttle. */
  protected accepted(source: string, now: number): void {
    if (this.basics.throttlePerSecond > 0) countIn(this.acceptedPerSource, source).add(now);
  }

  protected later(ms: number, run: () => void): void {
    if (this.closing) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  /** Stops the timers, the server and every session; resolves once the server is closed. */
  protected closeAll(): Promise<void> {
    this.closing = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const session of this.sessions) session.wire.destroy('simulator closed');
    return closed;
  }
}
