import { sql } from 'kysely';
import type { Right, StaffRole } from '../../core/access/rights.ts';
import type { NewUser, SignInStore, SignInUser, StoredSession, TokenPurpose } from '../../app/sign-in.ts';
import type { Db } from './database.ts';
import { insertUser } from './user-store.ts';

/** Users, sessions, single-use tokens and sign-in failures in PostgreSQL. Secrets arrive here already hashed. */
export class PgSignInStore implements SignInStore {
  constructor(private readonly db: Db) {}

  private users() {
    return this.db.kysely
      .selectFrom('users')
      .leftJoin('accounts', 'accounts.id', 'users.account_id')
      .select([
        'users.id',
        'users.email',
        'users.name',
        'users.language',
        'users.account_id',
        'accounts.name as account_name',
        'accounts.status as account_status',
        'accounts.require_second_factor',
        'users.staff_role',
        'users.administrator',
        'users.rights',
        'users.brands',
        'users.phone',
        'users.password_hash',
        'users.totp_secret',
        'users.totp_pending_secret',
        'users.totp_last_step',
        'users.second_factor',
        'users.status',
      ]);
  }

  async findUserByEmail(email: string): Promise<SignInUser | undefined> {
    const row = await this.users().where(sql<string>`lower(users.email)`, '=', email.trim().toLowerCase()).executeTakeFirst();
    return row && toUser(row);
  }

  async findUserById(id: string): Promise<SignInUser | undefined> {
    const row = await this.users().where('users.id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async listUsers(accountId?: string | null): Promise<SignInUser[]> {
    let query = this.users();
    if (accountId === null) query = query.where('users.account_id', 'is', null);
    else if (accountId !== undefined) query = query.where('users.account_id', '=', accountId);
    const rows = await query.orderBy('users.email').execute();
    return rows.map(toUser);
  }

  /** A new user: active when a password is given, invited otherwise. */
  async createUser(user: NewUser, now: Date): Promise<SignInUser> {
    return (await this.findUserById(await insertUser(this.db, { ...user, rights: user.rights as Right[] }, now)))!;
  }

  /** Sets the password; an invited user becomes active (a disabled one stays disabled). */
  async setPassword(userId: string, passwordHash: string, now: Date): Promise<void> {
    await this.db.kysely
      .updateTable('users')
      .set({ password_hash: passwordHash, password_set_at: now, status: sql`CASE WHEN status = 'invited' THEN 'active' ELSE status END` })
      .where('id', '=', userId)
      .execute();
  }

  /** Disables the user and ends their sessions; false when there is no such user. */
  async disableUser(userId: string, now: Date): Promise<boolean> {
    const { numUpdatedRows } = await this.db.kysely.updateTable('users').set({ status: 'disabled', disabled_at: now }).where('id', '=', userId).executeTakeFirst();
    await this.revokeAllSessions(userId, now);
    return numUpdatedRows > 0n;
  }

  async setRequireSecondFactor(accountId: string, required: boolean): Promise<void> {
    await this.db.kysely.updateTable('accounts').set({ require_second_factor: required }).where('id', '=', accountId).execute();
  }

  /** The TOTP secret being enrolled (the enrolled one, if any, stays the second factor until a code confirms this one). */
  async setPendingTotp(userId: string, secret: string): Promise<void> {
    await this.db.kysely.updateTable('users').set({ totp_pending_secret: secret }).where('id', '=', userId).execute();
  }

  /** The secret being enrolled becomes the user's second factor, `step` the last one accepted; false when none was pending. */
  async enrolTotp(userId: string, secret: string, step: number): Promise<boolean> {
    const { numUpdatedRows } = await this.db.kysely
      .updateTable('users')
      .set({ totp_secret: secret, totp_pending_secret: null, totp_last_step: step, second_factor: 'totp' })
      .where('id', '=', userId)
      .where('totp_pending_secret', '=', secret)
      .executeTakeFirst();
    return numUpdatedRows > 0n;
  }

  async setSecondFactor(userId: string, method: 'totp' | 'sms' | null, phone?: string): Promise<void> {
    await this.db.kysely
      .updateTable('users')
      .set({ second_factor: method, ...(phone !== undefined ? { phone } : {}) })
      .where('id', '=', userId)
      .execute();
  }

  /** Records the TOTP step accepted; false when it is not later than the last one accepted (a replay). */
  async acceptTotpStep(userId: string, step: number): Promise<boolean> {
    const { numUpdatedRows } = await this.db.kysely
      .updateTable('users')
      .set({ totp_last_step: step })
      .where('id', '=', userId)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', String(step))]))
      .executeTakeFirst();
    return numUpdatedRows > 0n;
  }

  /** A new session; the user's sessions ended more than a day ago are forgotten (a cookie without its row is refused as well). */
  async createSession(
    tokenHash: Buffer,
    session: { userId: string; csrfToken: string; secondFactorPending: boolean; ip: string | null; userAgent: string | null; expiresAt: Date },
    now: Date,
  ): Promise<void> {
    const dayAgo = new Date(now.getTime() - 86_400_000);
    await this.db.kysely
      .deleteFrom('sessions')
      .where('user_id', '=', session.userId)
      .where((eb) => eb.or([eb('expires_at', '<', dayAgo), eb('revoked_at', '<', dayAgo)]))
      .execute();
    await this.db.kysely
      .insertInto('sessions')
      .values({
        token_hash: tokenHash,
        user_id: session.userId,
        csrf_token: session.csrfToken,
        second_factor_pending: session.secondFactorPending,
        ip: session.ip,
        user_agent: session.userAgent?.slice(0, 500) ?? null,
        created_at: now,
        last_seen_at: now,
        expires_at: session.expiresAt,
        revoked_at: null,
      })
      .execute();
  }

  async findSession(tokenHash: Buffer): Promise<StoredSession | undefined> {
    const row = await this.db.kysely.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return (
      row && {
        userId: row.user_id,
        csrfToken: row.csrf_token,
        secondFactorPending: row.second_factor_pending,
        createdAt: row.created_at,
        lastSeenAt: row.last_seen_at,
        expiresAt: row.expires_at,
        revokedAt: row.revoked_at,
      }
    );
  }

  async touchSession(tokenHash: Buffer, now: Date): Promise<void> {
    await this.db.kysely.updateTable('sessions').set({ last_seen_at: now }).where('token_hash', '=', tokenHash).execute();
  }

  async completeSecondFactor(tokenHash: Buffer, now: Date): Promise<void> {
    await this.db.kysely.updateTable('sessions').set({ second_factor_pending: false, last_seen_at: now }).where('token_hash', '=', tokenHash).execute();
  }

  async revokeSession(tokenHash: Buffer, now: Date): Promise<void> {
    await this.db.kysely.updateTable('sessions').set({ revoked_at: now }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).execute();
  }

  /** Ends every session of the user but `keep`; how many were live. */
  async revokeAllSessions(userId: string, now: Date, keep?: Buffer): Promise<number> {
    let query = this.db.kysely.updateTable('sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null);
    if (keep) query = query.where('token_hash', '<>', keep);
    const { numUpdatedRows } = await query.executeTakeFirst();
    return Number(numUpdatedRows);
  }

  async lastTokenAt(userId: string, purpose: TokenPurpose): Promise<Date | undefined> {
    const row = await this.db.kysely
      .selectFrom('user_tokens')
      .select((eb) => eb.fn.max('created_at').as('at'))
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .executeTakeFirst();
    return row?.at ?? undefined;
  }

  /** A new single-use token; the user's earlier unused tokens of the same purpose die with it. */
  async createToken(userId: string, purpose: TokenPurpose, tokenHash: Buffer, now: Date, expiresAt: Date): Promise<void> {
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.deleteFrom('user_tokens').where('user_id', '=', userId).where('expires_at', '<', new Date(now.getTime() - 86_400_000)).execute();
      await trx.updateTable('user_tokens').set({ used_at: now }).where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null).execute();
      await trx.insertInto('user_tokens').values({ token_hash: tokenHash, user_id: userId, purpose, created_at: now, expires_at: expiresAt, used_at: null }).execute();
    });
  }

  /** Uses a token once: the user it belongs to, or undefined when it is unknown, used, expired or for another purpose. */
  async useToken(tokenHash: Buffer, purpose: TokenPurpose, now: Date): Promise<string | undefined> {
    const row = await this.db.kysely
      .updateTable('user_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('user_id')
      .executeTakeFirst();
    return row?.user_id;
  }

  /** Whether a token is still usable (the link is shown before the password is typed). */
  async tokenUser(tokenHash: Buffer, purpose: TokenPurpose, now: Date): Promise<string | undefined> {
    const row = await this.db.kysely
      .selectFrom('user_tokens')
      .select('user_id')
      .where('token_hash', '=', tokenHash)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row?.user_id;
  }

  /**
   * Checks a one-time code sent by SMS: 'ok' (now used), 'wrong' (one try more), or 'none' (no live code: none sent,
   * expired, used, or `maxAttempts` wrong tries).
   */
  async tryCode(userId: string, codeHash: Buffer, now: Date, maxAttempts: number): Promise<'ok' | 'wrong' | 'none'> {
    return this.db.kysely.transaction().execute(async (trx) => {
      const live = await trx
        .selectFrom('user_tokens')
        .select(['token_hash', 'attempts'])
        .where('user_id', '=', userId)
        .where('purpose', '=', 'sms-code')
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .where('attempts', '<', maxAttempts)
        .orderBy('created_at', 'desc')
        .limit(1)
        .forUpdate()
        .executeTakeFirst();
      if (!live) return 'none';
      if (live.token_hash.equals(codeHash)) {
        await trx.updateTable('user_tokens').set({ used_at: now }).where('token_hash', '=', live.token_hash).execute();
        return 'ok';
      }
      await trx.updateTable('user_tokens').set({ attempts: live.attempts + 1 }).where('token_hash', '=', live.token_hash).execute();
      return 'wrong';
    });
  }

  /** A failed try; the failures of this address and this IP address older than a day, which decide nothing, are forgotten. */
  async recordFailure(emailKey: string, ip: string, at: Date): Promise<void> {
    const dayAgo = new Date(at.getTime() - 86_400_000);
    await this.db.kysely.deleteFrom('sign_in_failures').where('email_key', '=', emailKey).where('at', '<', dayAgo).execute();
    await this.db.kysely.deleteFrom('sign_in_failures').where('ip', '=', ip).where('at', '<', dayAgo).execute();
    await this.db.kysely.insertInto('sign_in_failures').values({ email_key: emailKey, ip, at }).execute();
  }

  /** The latest failures of an e-mail address or an IP address since `since`, at most `limit`. */
  async failures(by: { emailKey: string } | { ip: string }, since: Date, limit: number): Promise<Date[]> {
    let query = this.db.kysely.selectFrom('sign_in_failures').select('at').where('at', '>', since);
    query = 'emailKey' in by ? query.where('email_key', '=', by.emailKey).where('forgiven', '=', false) : query.where('ip', '=', by.ip);
    const rows = await query.orderBy('at', 'desc').limit(limit).execute();
    return rows.map((r) => r.at);
  }

  /** A successful sign-in forgets the failures of its e-mail address (not those of the IP address). */
  async clearFailures(emailKey: string): Promise<void> {
    await this.db.kysely.updateTable('sign_in_failures').set({ forgiven: true }).where('email_key', '=', emailKey).where('forgiven', '=', false).execute();
  }
}

type UserRow = {
  id: string;
  email: string;
  name: string;
  language: 'fr' | 'en';
  account_id: string | null;
  account_name: string | null;
  account_status: 'active' | 'suspended' | 'closed' | null;
  require_second_factor: boolean | null;
  staff_role: StaffRole | null;
  administrator: boolean;
  rights: string[];
  brands: string[] | null;
  phone: string | null;
  password_hash: string | null;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_last_step: string | null;
  second_factor: 'totp' | 'sms' | null;
  status: 'invited' | 'active' | 'disabled';
};

function toUser(row: UserRow): SignInUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    language: row.language,
    accountId: row.account_id,
    accountName: row.account_name,
    accountStatus: row.account_status,
    requireSecondFactor: row.require_second_factor ?? false,
    staffRole: row.staff_role,
    administrator: row.administrator,
    rights: row.rights,
    brands: row.brands,
    phone: row.phone,
    passwordHash: row.password_hash,
    totpSecret: row.totp_secret,
    totpPendingSecret: row.totp_pending_secret,
    totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
    secondFactor: row.second_factor,
    status: row.status,
  };
}
