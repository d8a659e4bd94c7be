/**
 * The availability recorder (docs/monitoring.md): transitions stamped when they happen and written later in one batch;
 * a write that fails loses nothing; while the database cannot be reached, this node's doors are down.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AvailabilityRecorder, type AvailabilityWriter } from '../../../src/adapters/monitoring/availability-recorder.ts';
import type { Transition } from '../../../src/core/reports/availability.ts';

const log = pino({ level: 'silent' });
let now = new Date('2026-11-10T08:00:00Z');
const clock = { now: () => now };
const later = (ms: number) => (now = new Date(now.getTime() + ms));

function fakeWriter() {
  const written: Transition[] = [];
  const state = { databaseDown: false, batches: 0 };
  const writer: AvailabilityWriter = {
    append: async (batch) => {
      if (state.databaseDown) throw new Error('connect ECONNREFUSED');
      state.batches++;
      written.push(...batch);
    },
    heartbeat: async () => {
      if (state.databaseDown) throw new Error('connect ECONNREFUSED');
    },
  };
  return { writer, written, state };
}

const summary = (written: Transition[]) => written.map((t) => `${t.kind}:${t.subject} ${t.state}${t.reason ? ` (${t.reason})` : ''} @${t.at.toISOString().slice(11, 19)}`);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('availability recorder', () => {
  it('stamps each transition when it happens, writes them together, and skips a repeat', async () => {
    const { writer, written, state } = fakeWriter();
    const recorder = new AvailabilityRecorder(writer, clock, log, { node: 'n1', flushMs: 1_000, heartbeatMs: 30_000, maxQueued: 100 });
    await recorder.start();
    recorder.record('route', 'orange', 'up');
    later(500);
    recorder.record('route', 'orange', 'down', 'keep-alive: no answer');
    recorder.record('route', 'orange', 'down', 'keep-alive: no answer');
    expect(written).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(summary(written)).toEqual(['route:orange up @08:00:00', 'route:orange down (keep-alive: no answer) @08:00:00']);
    expect(state.batches).toBe(1);
    await recorder.stop();
  });

  it('keeps what it could not write, and records the doors down while the database is unreachable', async () => {
    const { writer, written, state } = fakeWriter();
    const recorder = new AvailabilityRecorder(writer, clock, log, { node: 'n1', flushMs: 1_000, heartbeatMs: 30_000, maxQueued: 100 });
    now = new Date('2026-11-10T08:00:00Z');
    await recorder.start();
    recorder.record('door', 'http', 'up');
    state.databaseDown = true;
    later(30_000);
    await vi.advanceTimersByTimeAsync(30_000); // the heartbeat fails
    expect(recorder.states().find((s) => s.subject === 'http')).toMatchObject({ state: 'down', reason: 'database unreachable: connect ECONNREFUSED' });
    state.databaseDown = false;
    later(30_000);
    await vi.advanceTimersByTimeAsync(30_000); // it succeeds again
    await recorder.flush();
    expect(summary(written)).toEqual([
      'door:http up @08:00:00',
      'door:http down (database unreachable: connect ECONNREFUSED) @08:00:30',
      'door:http up @08:01:00',
    ]);
    later(1_000);
    await recorder.stop('deploying');
    expect(summary(written).at(-1)).toBe('door:http stopped (deploying) @08:01:01');
  });
});
