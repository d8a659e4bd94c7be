import { createHash, randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { KeywordSet } from '../../core/keywords/index.ts';
import type { Sender } from '../../app/submit-messages.ts';
import type { AccountsTable, Db } from './database.ts';
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
}

type AccountChanges = Partial<Pick<Account, 'defaultShortCode' | 'inDoubtPolicy' | 'brand' | 'capPolicy' | 'contactReply' | 'allowResubscribe' | 'keywords'>>;

const KEY_PREFIX = 'rl_';

/** The account as the intake sees it: whose messages, which short code and brand by default, the cap policy. */
export function senderOf(account: Account): Sender {
  return { accountId: account.id, defaultShortCode: account.defaultShortCode, brand: account.brand, capPolicy: account.capPolicy };
}

/** API keys are shown once; only their SHA-256 is stored (they are 256-bit random, so a fast hash is enough). */
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export class PgAccountStore {
  constructor(private readonly db: Db) {}

  async createAccount(
    input: { name: string } & AccountChanges,
    now: Date,
  ): Promise<Account> {
    const row = await this.db.kysely
      .insertInto('accounts')
      .values({
        id: uuidv7(now.getTime()),
        name: input.name,
        default_short_code: input.defaultShortCode ?? null,
        in_doubt_policy: input.inDoubtPolicy ?? 'hold',
        created_at: now,
        brand: input.brand ?? null,
        contact_reply: input.contactReply ?? null,
        ...(input.capPolicy ? { cap_policy: input.capPolicy } : {}),
        ...(input.allowResubscribe !== undefined ? { allow_resubscribe: input.allowResubscribe } : {}),
        keywords: input.keywords ? JSON.stringify(input.keywords) : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toAccount(row);
  }

  async updateAccount(name: string, changes: AccountChanges): Promise<Account | undefined> {
    const row = await this.db.kysely
      .updateTable('accounts')
      .set({
        ...(changes.defaultShortCode !== undefined ? { default_short_code: changes.defaultShortCode } : {}),
        ...(changes.inDoubtPolicy ? { in_doubt_policy: changes.inDoubtPolicy } : {}),
        ...(changes.brand !== undefined ? { brand: changes.brand } : {}),
        ...(changes.capPolicy ? { cap_policy: changes.capPolicy } : {}),
        ...(changes.contactReply !== undefined ? { contact_reply: changes.contactReply } : {}),
        ...(changes.allowResubscribe !== undefined ? { allow_resubscribe: changes.allowResubscribe } : {}),
        ...(changes.keywords !== undefined ? { keywords: changes.keywords && JSON.stringify(changes.keywords) } : {}),
      })
      .where('name', '=', name)
      .returningAll()
      .executeTakeFirst();
    return row && toAccount(row);
  }

  /** Creates a key and returns it in clear, the only time it exists in clear. */
  async createApiKey(accountId: string, label: string | null, now: Date): Promise<string> {
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    await this.db.kysely
      .insertInto('api_keys')
      .values({
        id: uuidv7(now.getTime()),
        account_id: accountId,
        key_hash: hashApiKey(key),
        key_prefix: key.slice(0, KEY_PREFIX.length + 6),
        label,
        created_at: now,
        revoked_at: null,
      })
      .execute();
    return key;
  }

  async findByApiKey(key: string): Promise<Account | undefined> {
    const row = await this.db.kysely
      .selectFrom('api_keys')
      .innerJoin('accounts', 'accounts.id', 'api_keys.account_id')
      .selectAll('accounts')
      .where('api_keys.key_hash', '=', hashApiKey(key))
      .where('api_keys.revoked_at', 'is', null)
      .executeTakeFirst();
    return row && toAccount(row);
  }

  async findById(id: string): Promise<Account | undefined> {
    const row = await this.db.kysely.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toAccount(row);
  }

  async findByName(name: string): Promise<Account | undefined> {
    const row = await this.db.kysely.selectFrom('accounts').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toAccount(row);
  }

  async listAccounts(): Promise<Account[]> {
    const rows = await this.db.kysely.selectFrom('accounts').selectAll().orderBy('name').execute();
    return rows.map(toAccount);
  }
}

function toAccount(row: Selectable<AccountsTable>): Account {
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
  };
}
