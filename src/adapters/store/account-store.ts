import { createHash, randomBytes } from 'node:crypto';
import { sql, type Selectable, type Transaction } from 'kysely';
import type { KeywordSet } from '../../core/keywords/index.ts';
import type { AccountOption } from '../../app/guard-message.ts';
import { ADMINISTRATOR_GRANT, type Right, type StaffRole } from '../../core/access/rights.ts';
import type { AccountsTable, Database, Db } from './database.ts';
import { uuidv7 } from './ids.ts';
import { eventsFrom, transaction } from './sql.ts';
import { AGGREGATOR_KEY_PREFIX, KEY_PREFIX, keyPrefixOf } from '../../core/access/api-keys.ts';
import type { Account, AccountAdministration, AccountChanges, AccountIdentity, AccountStatus, Caller } from '../../app/ports/accounts.ts';
import type { ApiKeys, ApiKeyView } from '../../app/ports/people.ts';

// The account types are the app's (app/ports); kept reachable from here for the store's own users.
export type { Account, AccountChanges, AccountIdentity, AccountStatus, ApiKeyView };
export { senderOf } from '../../app/accounts.ts';
export { keyPrefixOf };

/** A key's last use is known to the minute (writing it on every request would weigh on the hot path). */
const KEY_USE_PRECISION_MS = 60_000;

/** API keys are shown once; only their SHA-256 is stored (they are 256-bit random, so a fast hash is enough). */
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** Each account row with its short codes (one array subquery on account_short_codes' primary key). */
const SHORT_CODES = sql<string[]>`array(SELECT s.short_code FROM account_short_codes s WHERE s.account_id = accounts.id ORDER BY s.short_code)`.as('short_codes');
/** Each account row with its brands, oldest first. */
const BRANDS = sql<string[]>`array(SELECT b.brand FROM account_brands b WHERE b.account_id = accounts.id ORDER BY b.created_at, b.brand)`.as('brands');

export class PgAccountStore implements AccountAdministration, ApiKeys {
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

  /** Suspends, reactivates or closes an account (a closed account stays closed); undefined when there is no such account. */
  async setStatus(name: string, status: AccountStatus, reason: string | null, now: Date): Promise<Account | undefined> {
    const found = await this.findByName(name);
    if (!found) return undefined;
    await transaction(this.db.pool, async (client) => {
      await client.query('UPDATE accounts SET status = $2, status_reason = $3, status_changed_at = $4 WHERE id = $1', [found.id, status, status === 'active' ? null : reason, now]);
      // Suspended or closed: its queued messages are held, not lost (and the claim skips the account meanwhile).
      // Reactivated: they are queued again, except those of a campaign paused meanwhile, which its resume releases.
      const [from, to, why] = status === 'active' ? ['held', 'queued', 'the account was reactivated'] : ['queued', 'held', `the account was ${status}${reason ? `: ${reason}` : ''}`];
      await client.query(
        `WITH moved AS (
           UPDATE messages m SET status = $3, updated_at = $4
           WHERE m.account_id = $1 AND m.status = $2
             AND ($3 = 'held' OR m.campaign_id IS NULL OR NOT EXISTS (SELECT 1 FROM campaigns c WHERE c.id = m.campaign_id AND c.status = 'paused'))
           RETURNING m.id, m.account_id, m.status, $5::text AS reason, $4::timestamptz AS at)
         ${eventsFrom('moved')}
         SELECT count(*)::int AS n FROM moved`,
        [found.id, from, to, now, why],
      );
    });
    return this.findById(found.id);
  }

  /**
   * Creates a key and returns it in clear, the only time it exists in clear. Without a grant it holds every right
   * and every brand (as keys made before rights existed); with one, those rights, limited to those brands.
   */
  async createApiKey(accountId: string, label: string | null, now: Date, grant?: { rights: readonly Right[]; brands: readonly string[] | null; createdBy?: string | null }): Promise<string> {
    return (await this.insertKey(KEY_PREFIX, accountId, 'account', label, now, grant)).key;
  }

  /** The same, with the key's id (the API answers both). */
  async createApiKeyWithId(accountId: string, label: string | null, now: Date, grant: { rights: readonly Right[]; brands: readonly string[] | null; createdBy?: string | null }): Promise<{ id: string; key: string }> {
    return this.insertKey(KEY_PREFIX, accountId, 'account', label, now, grant);
  }

  /** A key of the aggregator itself (provisioning routes, every account), belonging to no account. */
  async createAggregatorKey(label: string | null, now: Date, staffRole: StaffRole = 'operator-admin'): Promise<string> {
    return (await this.insertKey(AGGREGATOR_KEY_PREFIX, null, 'aggregator', label, now, undefined, staffRole)).key;
  }

  private async insertKey(
    prefix: string,
    accountId: string | null,
    role: 'account' | 'aggregator',
    label: string | null,
    now: Date,
    grant?: { rights: readonly Right[]; brands: readonly string[] | null; createdBy?: string | null },
    staffRole: StaffRole | null = null,
  ): Promise<{ id: string; key: string }> {
    const key = prefix + randomBytes(32).toString('base64url');
    const id = uuidv7(now.getTime());
    await this.db.kysely
      .insertInto('api_keys')
      .values({
        id,
        account_id: accountId,
        role,
        key_hash: hashApiKey(key),
        key_prefix: key.slice(0, prefix.length + 6),
        label,
        created_at: now,
        revoked_at: null,
        rights: grant ? [...new Set(grant.rights)] : null,
        brands: grant?.brands ? [...new Set(grant.brands)] : null,
        created_by: grant?.createdBy ?? null,
        staff_role: staffRole,
      })
      .execute();
    return { id, key };
  }

  /** The account's keys, oldest first: never the key itself (only its first characters). */
  async listApiKeys(accountId: string): Promise<ApiKeyView[]> {
    const rows = await this.db.kysely.selectFrom('api_keys').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      prefix: r.key_prefix,
      label: r.label,
      rights: r.rights === null ? null : (r.rights as Right[]),
      brands: r.brands,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      revokedAt: r.revoked_at,
    }));
  }

  /** Revokes one key of the account by its id; false when it has no such key still valid. */
  async revokeApiKeyById(accountId: string, id: string, now: Date): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
    const result = await this.db.kysely.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', id).where('account_id', '=', accountId).where('revoked_at', 'is', null).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Revokes the account's key with this id or first characters (unique among its keys); how many were revoked. */
  async revokeApiKey(accountId: string, idOrPrefix: string, now: Date): Promise<number> {
    const matching = (await this.listApiKeys(accountId)).filter((k) => k.id === idOrPrefix || k.prefix.startsWith(idOrPrefix) || idOrPrefix.startsWith(k.prefix));
    if (matching.length !== 1) return matching.length === 0 ? 0 : -matching.length;
    await this.db.kysely.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', matching[0]!.id).where('revoked_at', 'is', null).execute();
    return 1;
  }

  /**
   * The account of a key that may send messages as the account's own brand (the e-mail door speaks for it): a key
   * without the "messages" right, or limited to other brands, is not one. Its last use is recorded.
   */
  async findByApiKey(key: string): Promise<Account | undefined> {
    const row = await this.db.kysely
      .selectFrom('api_keys')
      .innerJoin('accounts', 'accounts.id', 'api_keys.account_id')
      .selectAll('accounts')
      .select([SHORT_CODES, BRANDS, 'api_keys.id as key_id', 'api_keys.rights as key_rights', 'api_keys.brands as key_brands'])
      .where('api_keys.key_hash', '=', hashApiKey(key))
      .where('api_keys.revoked_at', 'is', null)
      .where('api_keys.role', '=', 'account')
      .executeTakeFirst();
    if (!row) return undefined;
    const account = toAccount(row);
    if (row.key_rights !== null && !row.key_rights.includes('messages')) return undefined;
    if (row.key_brands !== null && !row.key_brands.includes(account.brand)) return undefined;
    this.noteUse(row.key_id, new Date());
    return account;
  }

  /**
   * Who calls with this key: an account's key (its rights and brands; a key made before rights existed holds every
   * right), or an aggregator key (staff, operator-admin). Undefined when unknown or revoked.
   */
  async findCallerByApiKey(key: string): Promise<Caller | undefined> {
    const row = await this.db.kysely
      .selectFrom('api_keys')
      .select(['id', 'account_id', 'role', 'rights', 'brands', 'staff_role'])
      .where('key_hash', '=', hashApiKey(key))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    this.noteUse(row.id, new Date());
    if (row.role === 'aggregator') return { principal: { kind: 'staff', id: row.id, role: row.staff_role ?? 'operator-admin', via: 'key' }, account: undefined };
    const account = await this.findById(row.account_id!);
    if (!account) return undefined;
    const grant = row.rights === null ? ADMINISTRATOR_GRANT : { rights: new Set(row.rights as Right[]), brands: row.brands };
    return { principal: { kind: 'key', id: row.id, accountId: account.id, ...grant }, account };
  }

  /** When each key was last written as used, by this process: the write happens at most once a minute per key. */
  private readonly usesWritten = new Map<string, number>();

  /**
   * Records that a key was used, cheaply: the doors ask for a key's caller at most once a second (they keep the
   * answer), and this writes `last_used_at` at most once a minute per key, without waiting for the write.
   */
  noteUse(keyId: string, now: Date): void {
    const last = this.usesWritten.get(keyId);
    if (last !== undefined && now.getTime() - last < KEY_USE_PRECISION_MS) return;
    if (this.usesWritten.size > 100_000) this.usesWritten.clear();
    this.usesWritten.set(keyId, now.getTime());
    this.db.kysely
      .updateTable('api_keys')
      .set({ last_used_at: now })
      .where('id', '=', keyId)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(now.getTime() - KEY_USE_PRECISION_MS))]))
      .execute()
      .catch(() => this.usesWritten.delete(keyId));
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
    const row = await this.db.kysely.selectFrom('accounts').selectAll().select([SHORT_CODES, BRANDS]).where('id', '=', id).executeTakeFirst();
    return row && toAccount(row);
  }

  async findByName(name: string): Promise<Account | undefined> {
    const row = await this.db.kysely.selectFrom('accounts').selectAll().select([SHORT_CODES, BRANDS]).where('name', '=', name).executeTakeFirst();
    return row && toAccount(row);
  }

  async listAccounts(): Promise<Account[]> {
    const rows = await this.db.kysely.selectFrom('accounts').selectAll().select([SHORT_CODES, BRANDS]).orderBy('name').execute();
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
    ...(c.legalName !== undefined ? { legal_name: c.legalName } : {}),
    ...(c.siren !== undefined ? { siren: c.siren } : {}),
    ...(c.siret !== undefined ? { siret: c.siret } : {}),
    ...(c.vatNumber !== undefined ? { vat_number: c.vatNumber } : {}),
    ...(c.postalAddress !== undefined ? { postal_address: c.postalAddress } : {}),
    ...(c.contactEmail !== undefined ? { contact_email: c.contactEmail } : {}),
    ...(c.contactPhone !== undefined ? { contact_phone: c.contactPhone } : {}),
  };
  if (Object.keys(set).length > 0) await trx.updateTable('accounts').set(set).where('id', '=', id).execute();
  // The account's own brand is always one of its brands; a list given replaces the others.
  if (c.brands !== undefined) await trx.deleteFrom('account_brands').where('account_id', '=', id).where('brand', 'not in', [...c.brands, ...(c.brand ? [c.brand] : [])]).execute();
  const account = await trx.selectFrom('accounts').select(['name', 'brand', 'created_at']).where('id', '=', id).executeTakeFirstOrThrow();
  const brands = [...new Set([account.brand ?? account.name, ...(c.brands ?? [])])];
  await trx
    .insertInto('account_brands')
    .values(brands.map((brand, i) => ({ account_id: id, brand, created_at: new Date(account.created_at.getTime() + i) })))
    .onConflict((oc) => oc.doNothing())
    .execute();
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

function toAccount(row: Selectable<AccountsTable> & { short_codes: string[]; brands: string[] }): Account {
  const brand = row.brand ?? row.name;
  return {
    id: row.id,
    name: row.name,
    defaultShortCode: row.default_short_code,
    inDoubtPolicy: row.in_doubt_policy,
    brand,
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
    brands: [brand, ...row.brands.filter((b) => b !== brand)],
    identity: {
      legalName: row.legal_name,
      siren: row.siren,
      siret: row.siret,
      vatNumber: row.vat_number,
      postalAddress: row.postal_address,
      contactEmail: row.contact_email,
      contactPhone: row.contact_phone,
    },
    status: row.status,
    statusReason: row.status_reason,
  };
}
