/** What both SMSC simulators (SMPP and UCP) are built from: repeatable draws, rate counters, a loopback server. */
import type { Server } from 'node:net';
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
export function countIn(counts: Map<string, SlidingCount>, key: string): SlidingCount {
  let count = counts.get(key);
  if (!count) counts.set(key, (count = new SlidingCount()));
  return count;
}

/** Per key, the highest number of events any sliding second held. */
export function peaksOf(counts: Map<string, SlidingCount>): Record<string, number> {
  return Object.fromEntries([...counts].map(([key, count]) => [key, count.peak]));
}

/** Listens on 127.0.0.1 (port 0: any free one); resolves with the port. */
export function listenOnLoopback(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}
