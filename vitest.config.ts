import { defineConfig } from 'vitest/config';
import TurnsSequencer from './test/support/sequencer.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two workers on two cores; the files that start many processes take turns (test/support/turns.ts).
    maxWorkers: 2,
    minWorkers: 1,
    sequence: { sequencer: TurnsSequencer },
  },
});
