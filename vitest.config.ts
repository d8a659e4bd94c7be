import { defineConfig } from 'vitest/config';
import TurnsSequencer from './test/support/sequencer.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Limits for a hung test, not waits: a loaded 2-core machine runs a property test several times slower.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two workers on two cores; the files that start many processes take turns (test/support/turns.ts).
    maxWorkers: 2,
    minWorkers: 1,
    sequence: { sequencer: TurnsSequencer },
  },
});
