/**
 * The order test files are handed to the two workers: the files that take turns (test/support/turns.ts) spread
 * evenly among the others, each followed by a share of lighter files — so that while one worker runs a heavy
 * file the other goes on with light ones, instead of waiting for its own heavy file's turn.
 */
import { readFileSync } from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export default class TurnsSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const heavy = sorted.filter((file) => readFileSync(file.moduleId, 'utf8').includes('\ntakeTurns();'));
    const light = sorted.filter((file) => !heavy.includes(file));
    const share = Math.ceil(light.length / Math.max(heavy.length, 1));
    return [...heavy.flatMap((file, i) => [file, ...light.slice(i * share, (i + 1) * share)]), ...light.slice(heavy.length * share)];
  }
}
