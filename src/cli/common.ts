/** What every admin command shares: the configuration option, loading it, the store, failing with a message. */
import { userInfo } from 'node:os';
import { Option } from 'commander';
import { createLogger } from '../adapters/log.ts';
import { keyPrefixOf, PgAccountStore } from '../adapters/store/account-store.ts';
import { PgAuditStore } from '../adapters/store/audit-store.ts';
import type { AuditEntry } from '../app/ports.ts';
import type { Db } from '../adapters/store/database.ts';
import { ConfigError, loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { systemClock } from '../adapters/clock.ts';
import { openStore } from '../adapters/store/open-store.ts';

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


/** Records what a command changed (or the personal data it read in bulk) on the account's audit trail. */
export type CliAudit = (action: string, object?: AuditEntry['object'], detail?: Record<string, unknown>) => Promise<void>;

/**
 * The audit trail of the command line on the server (docs/accounts.md, "Audit trail"): the actor is the system
 * user who ran it; the command line is kept, passwords and API keys masked. Refused commands change nothing and
 * are only told on the terminal.
 */
export function cliAudit(db: Db, accountId: string | null): CliAudit {
  return (action, object = null, detail = {}) =>
    new PgAuditStore(db).record({
      at: systemClock.now(),
      accountId,
      actor: { kind: 'cli', id: null, label: systemUser() },
      ip: null,
      action,
      object,
      result: 'ok',
      status: null,
      detail: { command: maskedCommandLine(process.argv.slice(2)), ...detail },
    });
}

function systemUser(): string | null {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? null; // no entry for this uid (some containers)
  }
}

/** The command's arguments, a password or a whole API key replaced by what the trail may keep. */
export function maskedCommandLine(args: readonly string[]): string {
  const masked = (arg: string, previous: string | undefined) => {
    if (previous === '--password') return '***';
    if (arg.startsWith('--password=')) return '--password=***';
    if (/^rla?_[\w-]{20,}$/.test(arg)) return `${keyPrefixOf(arg)}…`;
    return arg;
  };
  return args.map((arg, i) => masked(arg, args[i - 1])).join(' ');
}
