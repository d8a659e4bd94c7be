import { createHash, randomBytes } from 'node:crypto';
import { sql, type Selectable, type Transaction } from 'kysely';
import type { KeywordSet } from '../../core/keywords/index.ts';
import type { Sender } from '../../app/submit-messages.ts';
import type { AccountOption, ComplianceSettings } from '../../app/guard-message.ts';
import { ADMINISTRATOR_GRANT, type Principal, type Right } from '../../core/access/rights.ts';
import type { AccountsTable, Database, Db } from './database.ts';
import { uuidv7 } from './ids.ts';

export interface Account {
  id: string;
  name: string;
  defaultShortCode: string | null;
  inDoubtPolicy: 'hold' | 'retry';
  /** The brand its messages speak for unless they name another (default: the account's name). */
  brand: string;
  /** Over the frequency cap: defer to the next free day, or suppress. */
  capPolicy: 'defer' | 'reject';
  /** The answer to a CONTACT MO: who sends (company, postal address, e-mail or phone). */
  contactReply: string | null;
  /** Whether a START MO re-opens consent after a STOP. */
  allowResubscribe: boolean;
  /** MO keywords the account reads besides the defaults (core/keywords). */
  keywords: Partial<KeywordSet> | null;
  /** The short codes the aggregator assigned to the account: the only ones it may send on. */
  shortCodes: string[];
  /** What the aggregator set for the account's compliance. */
  settings: ComplianceSettings;
}

export type AccountChanges = Partial<
  Pick<Account, 'defaultShortCode' | 'inDoubtPolicy' | 'brand' | 'capPolicy' | 'contactReply' | 'allowResubscribe' | 'keywords' | 'shortCodes'> & ComplianceSettings
>;

const KEY_PREFIX = 'rl_';
const AGGREGATOR_KEY_PREFIX = 'rla_';

/** The account as the intake sees it: whose messages, which short codes and brand, the cap policy, its settings. */
export function senderOf(account: Account): Sender {
  const { id: accountId, defaultShortCode, brand, capPolicy, shortCodes, settings } = account;
  return { accountId, defaultShortCode, brand, capPolicy, shortCodes, settings };
}

/** API keys are shown once; only their SHA-256 is stored (they are 256-bit random, so a fast hash is enough). */
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** A key's first characters, as its listing shows them and the audit trail names it (never enough to use it). */
export function keyPrefixOf(key: string): string {
  return key.slice(0, (key.startsWith(AGGREGATOR_KEY_PREFIX) ? AGGREGATOR_KEY_PREFIX : KEY_PREFIX).length + 6);
}

/** Each account row with its short codes (one array subquery on account_short_codes' primary key). */
const SHORT_CODES = sql<string[]>`array(SELECT s.short_code FROM account_short_codes s WHERE s.account_id = accounts.id ORDER BY s.short_code)`.as('short_codes');

export class PgAccountStore {
  constructor(private readonly db: Db) {}

  /** A new account; its default short code, when given, is assigned to it. */
  async createAccount(input: { name: string } & AccountChanges, now: Date): Promise<Account> {
    const id = uuidv7(now.getTime());
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('accounts')
        .values({ id, name: input.name, default_short_code: null, in_doubt_policy: 'hold', created_at: now, brand: null, contact_reply: null, keywords: null, stop_short_code: null, marketing_per_day: null, rule_set: null, stop_wording: null })
        .execute();
      await writeChanges(trx, id, input);
    });
    return (await this.findById(id))!;
  }

  /** Changes what is given (a list given replaces the list); undefined when there is no such account. */
  async updateAccount(name: string, changes: AccountChanges): Promise<Account | undefined> {
    const found = await this.findByName(name);
    if (!found) return undefined;
    await this.db.kysely.transaction().execute((trx) => writeChanges(trx, found.id, changes));
    return this.findById(found.id);
  }

  /** Creates a key and returns it in clear, the only time it exists in clear. */
  async createApiKey(accountId: string, label: string | null, now: Date): Promise<string> {
    return this.insertKey(KEY_PREFIX, accountId, 'account', label, now);
  }

  /** A key of the aggregator itself (provisioning routes), belonging to no account. */
  async createAggregatorKey(label: string | null, now: Date): Promise<string> {
    return this.insertKey(AGGREGATOR_KEY_PREFIX, null, 'aggregator', label, now);
  }

  private async insertKey(prefix: string, accountId: string | null, role: 'account' | 'aggregator', label: string | null, now: Date): Promise<string> {
    const key = prefix + randomBytes(32).toString('base64url');
    await this.db.kysely
      .insertInto('api_keys')
      .values({ id: uuidv7(now.getTime()), account_id: accountId, role, key_hash: hashApiKey(key), key_prefix: key.slice(0, prefix.length + 6), label, created_at: now, revoked_at: null })
      .execute();
    return key;
  }

  /** The account's keys, oldest first: never the key itself (only its first characters). */
  async listApiKeys(accountId: string): Promise<{ id: string; prefix: string; label: string | null; createdAt: Date; revokedAt: Date | null }[]> {
    const rows = await this.db.kysely.selectFrom('api_keys').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, prefix: r.key_prefix, label: r.label, createdAt: r.created_at, revokedAt: r.revoked_at }));
  }

  /** Revokes the account's key with this id or first characters (unique among its keys); how many were revoked. */
  async revokeApiKey(accountId: string, idOrPrefix: string, now: Date): Promise<number> {
    const matching = (await this.listApiKeys(accountId)).filter((k) => k.id === idOrPrefix || k.prefix.startsWith(idOrPrefix) || idOrPrefix.startsWith(k.prefix));
    if (matching.length !== 1) return matching.length === 0 ? 0 : -matching.length;
    await this.db.kysely.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', matching[0]!.id).where('revoked_at', 'is', null).execute();
    return 1;
  }

  async findByApiKey(key: string): Promise<Account | undefined> {
    const row = await this.db.kysely
      .selectFrom('api_keys')
      .innerJoin('accounts', 'accounts.id', 'api_keys.account_id')
      .selectAll('accounts')
      .select(SHORT_CODES)
      .where('api_keys.key_hash', '=', hashApiKey(key))
      .where('api_keys.revoked_at', 'is', null)
      .where('api_keys.role', '=', 'account')
      .executeTakeFirst();
    return row && toAccount(row);
  }

  /**
   * Who calls with this key: an account's key (its rights and brands; a key made before rights existed holds every
   * right), or an aggregator key (staff, operator-admin). Undefined when unknown or revoked.
   */
  async findCallerByApiKey(key: string): Promise<{ principal: Principal; account: Account | undefined } | undefined> {
    const row = await this.db.kysely
      .selectFrom('api_keys')
      .select(['id', 'account_id', 'role', 'rights', 'brands'])
      .where('key_hash', '=', hashApiKey(key))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.role === 'aggregator') return { principal: { kind: 'staff', id: row.id, role: 'operator-admin', via: 'key' }, account: undefined };
    const account = await this.findById(row.account_id!);
    if (!account) return undefined;
    const grant = row.rights === null ? ADMINISTRATOR_GRANT : { rights: new Set(row.rights as Right[]), brands: row.brands };
    return { principal: { kind: 'key', id: row.id, accountId: account.id, ...grant }, account };
  }

  async isAggregatorKey(key: string): Promise<boolean> {
    const row = await this.db.kysely
      .selectFrom('api_keys')
      .select('id')
      .where('key_hash', '=', hashApiKey(key))
      .where('revoked_at', 'is', null)
      .where('role', '=', 'aggregator')
      .executeTakeFirst();
    return row !== undefined;
  }

  async findById(id: string): Promise<Account | undefined> {
    const row = await this.db.kysely.selectFrom('accounts').selectAll().select(SHORT_CODES).where('id', '=', id).executeTakeFirst();
    return row && toAccount(row);
  }

  async findByName(name: string): Promise<Account | undefined> {
    const row = await this.db.kysely.selectFrom('accounts').selectAll().select(SHORT_CODES).where('name', '=', name).executeTakeFirst();
    return row && toAccount(row);
  }

  async listAccounts(): Promise<Account[]> {
    const rows = await this.db.kysely.selectFrom('accounts').selectAll().select(SHORT_CODES).orderBy('name').execute();
    return rows.map(toAccount);
  }
}

const json = (value: unknown) => (value === null ? null : JSON.stringify(value));

/** Writes the changes given; the default short code is always one of the account's short codes. */
async function writeChanges(trx: Transaction<Database>, id: string, c: AccountChanges): Promise<void> {
  const set = {
    ...(c.defaultShortCode !== undefined ? { default_short_code: c.defaultShortCode } : {}),
    ...(c.inDoubtPolicy ? { in_doubt_policy: c.inDoubtPolicy } : {}),
    ...(c.brand !== undefined ? { brand: c.brand } : {}),
    ...(c.capPolicy ? { cap_policy: c.capPolicy } : {}),
    ...(c.contactReply !== undefined ? { contact_reply: c.contactReply } : {}),
    ...(c.allowResubscribe !== undefined ? { allow_resubscribe: c.allowResubscribe } : {}),
    ...(c.keywords !== undefined ? { keywords: json(c.keywords) } : {}),
    ...(c.ruleSet !== undefined ? { rule_set: json(c.ruleSet) } : {}),
    ...(c.stopWording !== undefined ? { stop_wording: json(c.stopWording) } : {}),
    ...(c.stopShortCode !== undefined ? { stop_short_code: c.stopShortCode } : {}),
    ...(c.marketingPerDay !== undefined ? { marketing_per_day: c.marketingPerDay } : {}),
    ...(c.options !== undefined ? { options: [...new Set(c.options)] } : {}),
    ...(c.alphanumericSenders !== undefined ? { alphanumeric_senders: [...new Set(c.alphanumericSenders)] } : {}),
  };
  if (Object.keys(set).length > 0) await trx.updateTable('accounts').set(set).where('id', '=', id).execute();
  if (c.shortCodes !== undefined) await trx.deleteFrom('account_short_codes').where('account_id', '=', id).execute();
  const assigned = [...new Set([...(c.shortCodes ?? []), ...(c.defaultShortCode ? [c.defaultShortCode] : [])])];
  if (assigned.length > 0) {
    await trx
      .insertInto('account_short_codes')
      .values(assigned.map((short_code) => ({ account_id: id, short_code })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

function toAccount(row: Selectable<AccountsTable> & { short_codes: string[] }): Account {
  return {
    id: row.id,
    name: row.name,
    defaultShortCode: row.default_short_code,
    inDoubtPolicy: row.in_doubt_policy,
    brand: row.brand ?? row.name,
    capPolicy: row.cap_policy,
    contactReply: row.contact_reply,
    allowResubscribe: row.allow_resubscribe,
    keywords: row.keywords as Partial<KeywordSet> | null,
    shortCodes: row.short_codes,
    settings: {
      ruleSet: row.rule_set,
      stopWording: row.stop_wording,
      stopShortCode: row.stop_short_code,
      marketingPerDay: row.marketing_per_day,
      options: row.options as AccountOption[],
      alphanumericSenders: row.alphanumeric_senders,
    },
  };
}
