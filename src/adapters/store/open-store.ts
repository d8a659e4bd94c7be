import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../../config/schema.ts';
import { migrate, openDatabase, type Db } from './database.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.ts';

/** Opens the store the configuration names: the external PostgreSQL, or the embedded one. */
export async function openStore(config: Config, log: Logger, adopt: 'own' | 'share' = 'own'): Promise<{ db: Db; embedded?: EmbeddedPostgres }> {
  let url = config.database.url;
  let embedded: EmbeddedPostgres | undefined;
  if (!url) {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(config.database.dataDir, 'postgres'),
      adopt,
      log: (line) => log.debug({ postgres: line }, 'embedded PostgreSQL'),
      onRestart: () => log.warn('embedded PostgreSQL is not running: starting it again'),
    });
    url = embedded.url;
    log.info({ dataDir: config.database.dataDir, adopted: !embedded.started }, 'embedded PostgreSQL running');
  }
  const db = openDatabase(url, { maxConnections: config.database.maxConnections });
  try {
    const applied = await migrate(db);
    if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');
  } catch (error) {
    await db.close();
    await embedded?.stop();
    throw error;
  }
  return { db, ...(embedded ? { embedded } : {}) };
}

