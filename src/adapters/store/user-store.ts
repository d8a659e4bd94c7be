import { sql, type Selectable } from 'kysely';
import type { Right } from '../../core/access/rights.ts';
import type { Db, UsersTable } from './database.ts';
import { uuidv7 } from './ids.ts';
import { EmailTaken } from '../../app/errors.ts';
import type { NewUser, User, UserChanges, Users } from '../../app/ports/people.ts';

// The user types are the app's (app/ports/people.ts), EmailTaken an app error; kept reachable from here.
export type { NewUser, User, UserChanges };
export { EmailTaken };

/**
 * Inserts a user and gives its id: active when a password hash is given, invited otherwise. An administrator holds
 * every right by that role (no list); duplicates in rights and brands are dropped.
 */
export async function insertUser(db: Db, input: NewUser & { passwordHash?: string | null; phone?: string | null }, now: Date): Promise<string> {
  const id = uuidv7(now.getTime());
  const passwordHash = input.passwordHash ?? null;
  try {
    await db.kysely
      .insertInto('users')
      .values({
        id,
        email: input.email.trim(),
        name: input.name,
        language: input.language ?? 'fr',
        account_id: input.accountId,
        staff_role: input.staffRole ?? null,
        administrator: input.administrator ?? false,
        rights: input.administrator ? [] : [...new Set(input.rights ?? [])],
        brands: input.administrator || !input.brands ? null : [...new Set(input.brands)],
        phone: input.phone ?? null,
        password_hash: passwordHash,
        totp_secret: null,
        second_factor: null,
        status: passwordHash ? 'active' : 'invited',
        created_at: now,
        password_set_at: passwordHash ? now : null,
        disabled_at: null,
      })
      .execute();
  } catch (error) {
    if ((error as { constraint?: string }).constraint === 'users_email') throw new EmailTaken(`a user with the e-mail ${input.email} already exists`);
    throw error;
  }
  return id;
}

/**
 * The users (docs/accounts.md, "Who is who"). Passwords, sessions and invitations are the sign-in's (its own store);
 * this one creates the rows, `invited` until their person sets a password.
 */
export class PgUserStore implements Users {
  constructor(private readonly db: Db) {}

  async createUser(input: NewUser, now: Date): Promise<User> {
    return (await this.findUser(input.accountId, await insertUser(this.db, input, now)))!;
  }

  async listUsers(accountId: string): Promise<User[]> {
    const rows = await this.db.kysely.selectFrom('users').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toUser);
  }

  /** A user of the account (staff: accountId null); undefined for anyone else's. */
  async findUser(accountId: string | null, id: string): Promise<User | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    let query = this.db.kysely.selectFrom('users').selectAll().where('id', '=', id);
    query = accountId === null ? query.where('account_id', 'is', null) : query.where('account_id', '=', accountId);
    const row = await query.executeTakeFirst();
    return row && toUser(row);
  }

  async updateUser(accountId: string, id: string, changes: UserChanges, now: Date): Promise<User | undefined> {
    const set = {
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.language !== undefined ? { language: changes.language } : {}),
      ...(changes.rights !== undefined ? { rights: [...new Set(changes.rights)] } : {}),
      ...(changes.brands !== undefined ? { brands: changes.brands === null ? null : [...new Set(changes.brands)] } : {}),
      ...(changes.status === 'disabled' ? { status: 'disabled' as const, disabled_at: now } : {}),
      ...(changes.status === 'active' ? { status: sql<'invited' | 'active'>`CASE WHEN password_hash IS NULL THEN 'invited' ELSE 'active' END`, disabled_at: null } : {}),
    };
    if (Object.keys(set).length > 0) await this.db.kysely.updateTable('users').set(set as never).where('id', '=', id).where('account_id', '=', accountId).execute();
    return this.findUser(accountId, id);
  }

  /** Makes `toId` the account's administrator, in one transaction: the former one keeps every right, as a user. */
  async transferAdministrator(accountId: string, toId: string): Promise<User | undefined> {
    return this.db.kysely.transaction().execute(async (trx) => {
      const to = await trx.selectFrom('users').select('id').where('id', '=', toId).where('account_id', '=', accountId).executeTakeFirst();
      if (!to) return undefined;
      await trx.updateTable('users').set({ administrator: false, rights: ['messages', 'campaigns', 'contacts', 'consents', 'inbound', 'statistics', 'billing', 'settings', 'api-keys', 'users', 'incidents'], brands: null }).where('account_id', '=', accountId).where('administrator', '=', true).execute();
      await trx.updateTable('users').set({ administrator: true, rights: [], brands: null }).where('id', '=', toId).execute();
      return toUser(await trx.selectFrom('users').selectAll().where('id', '=', toId).executeTakeFirstOrThrow());
    });
  }
}

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    language: row.language,
    accountId: row.account_id,
    staffRole: row.staff_role,
    administrator: row.administrator,
    rights: row.rights as Right[],
    brands: row.brands,
    status: row.status,
    createdAt: row.created_at,
  };
}
