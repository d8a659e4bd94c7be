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
  const pauseMs = config.retention.pauseMs;
  const between = async () => {
    onBatch?.();
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  };
  return { pseudonyms, store: new PgRetentionStore(db, pseudonyms, config.retention.batch, between), gdpr: new PgGdprStore(db, pseudonyms) };
}
