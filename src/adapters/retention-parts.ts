import path from 'node:path';
import type { Config } from '../config/schema.ts';
import type { Db } from './store/database.ts';
import { PgGdprStore } from './store/gdpr-store.ts';
import { loadPseudonymKey, Pseudonyms } from './store/pseudonym.ts';
import { PgRetentionStore } from './store/retention-store.ts';

/** The pseudonyms (from the configured key), the retention job's store and the rights' store, for main.ts and the CLI. */
export function retentionParts(config: Config, db: Db, onBatch?: () => void): { pseudonyms: Pseudonyms; store: PgRetentionStore; gdpr: PgGdprStore } {
  const key = loadPseudonymKey({ hex: config.retention.pseudonymKey, file: config.retention.pseudonymKeyFile ?? path.join(config.database.dataDir, 'pseudonym.key') });
  const pseudonyms = new Pseudonyms(key);
  const between = restingBetweenBatches(config.retention, onBatch);
  return { pseudonyms, store: new PgRetentionStore(db, pseudonyms, config.retention.batch, between), gdpr: new PgGdprStore(db, pseudonyms) };
}

/**
 * The pause between two retention batches: `rest` times as long as the batch just done took, and at least `pauseMs`.
 * The job then holds the database at most 1 / (1 + rest) of the time, whatever the machine, and the send path keeps
 * the rest (docs/retention.md, "Benchmark"). A batch's time is counted from the end of the previous pause, at most
 * 10 s (the first batch of a run follows an idle hour).
 */
export function restingBetweenBatches({ pauseMs, rest }: { pauseMs: number; rest: number }, onBatch?: () => void): () => Promise<void> {
  let resumed = performance.now();
  return async () => {
    onBatch?.();
    const worked = Math.min(performance.now() - resumed, 10_000);
    const pause = Math.max(pauseMs, worked * rest);
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    resumed = performance.now();
  };
}
