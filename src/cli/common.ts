/** What every admin command shares: the configuration option, loading it, the store, failing with a message. */
import { Option } from 'commander';
import { createLogger } from '../adapters/log.ts';
import { PgAccountStore } from '../adapters/store/account-store.ts';
import type { Db } from '../adapters/store/database.ts';
import { ConfigError, loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { openStore } from '../main.ts';

export const configOption = () => new Option('-c, --config <file>', 'configuration file (JSON); default relais.config.json when present');

export function load(file: string | undefined): Config {
  try {
    return loadConfig(file ? { file } : {});
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

/** Runs an admin command on the store; beside a running Relais it shares its embedded PostgreSQL. */
export async function withStore(config: Config, work: (accounts: PgAccountStore, db: Db) => Promise<void>): Promise<void> {
  const log = createLogger(config.log.level === 'info' ? 'warn' : config.log.level);
  const { db, embedded } = await openStore(config, log, 'share');
  try {
    await work(new PgAccountStore(db), db);
  } finally {
    await db.close();
    await embedded?.stop();
  }
}

export function fail(message: string): never {
  console.error(`relais: ${message}`);
  process.exit(1);
}

