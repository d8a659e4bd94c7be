import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { finalStatuses } from '../../core/message/status.ts';
import type { DueMo, DueReceipt, SmppCredential, SmppCredentialInput, SmppDeliveries, SmppLogins, SmppLoginSettings } from '../../app/ports/smpp.ts';
import { ipAllowed, parseCidr } from '../allowlist.ts';
import { Coalescer } from './coalescer.ts';
import type { Db } from './database.ts';

// The SMPP types are the app's (app/ports/smpp.ts), the allowlist rule the core's; kept reachable from here.
export type { DueMo, DueReceipt, SmppCredential, SmppCredentialInput };
export { ipAllowed, parseCidr };

/**
 * SMPP credentials of the accounts (the SMPP server's logins) and the receipts owed to SMPP clients.
 * Passwords are kept as `scrypt$<N>$<salt>$<hash>` (salt and hash base64url): a leaked table gives no password.
 */
const SCRYPT_N = 16_384;
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { N: n, r: 8, p: 1 }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashSmppPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, SCRYPT_N);
  return `scrypt$${SCRYPT_N}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** A hash nobody's password matches: checked against when the system_id is unknown, so timing tells nothing. */
const NOBODY = `scrypt$${SCRYPT_N}$${randomBytes(16).toString('base64url')}$${randomBytes(KEY_LENGTH).toString('base64url')}`;

export async function verifySmppPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), Number(n));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const FINAL = [...finalStatuses];

/** MOs older than this are no longer offered to the SMPP client (the HTTP API still lists them). */
const MO_HORIZON_DAYS = 7;

export class PgSmppAccountStore implements SmppLogins, SmppDeliveries, SmppLoginSettings {
  private readonly acks: Coalescer<{ receiptId: string; at: Date }>;
  private readonly moAcks: Coalescer<{ id: string; accountId: string; at: Date }>;

  constructor(private readonly db: Db) {
    this.acks = new Coalescer(async (rows) => {
      await this.db.pool.query(`UPDATE smpp_submissions SET receipt_acked_at = $2 WHERE receipt_id = ANY($1::text[]) AND receipt_acked_at IS NULL`, [
        rows.map((r) => r.receiptId),
        rows[0]!.at,
      ]);
    }, 1_000);
    this.moAcks = new Coalescer(async (rows) => {
      await this.db.pool.query(
        `INSERT INTO smpp_mo_acks (inbound_id, account_id, acked_at)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) ON CONFLICT (inbound_id) DO NOTHING`,
        [rows.map((r) => r.id), rows.map((r) => r.accountId), rows.map((r) => r.at)],
      );
    }, 1_000);
  }

  /** Creates or replaces the SMPP login of an account. */
  async setCredential(accountId: string, input: SmppCredentialInput, now: Date): Promise<SmppCredential> {
    for (const block of input.allowedIps ?? []) parseCidr(block);
    const passwordHash = await hashSmppPassword(input.password);
    const row = await this.db.kysely
      .insertInto('smpp_credentials')
      .values({
        account_id: accountId,
        system_id: input.systemId,
        password_hash: passwordHash,
        allowed_ips: input.allowedIps ?? [],
        max_binds: input.maxBinds ?? null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.column('account_id').doUpdateSet({
          system_id: input.systemId,
          password_hash: passwordHash,
          allowed_ips: input.allowedIps ?? [],
          max_binds: input.maxBinds ?? null,
          updated_at: now,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return { accountId: row.account_id, systemId: row.system_id, allowedIps: row.allowed_ips, maxBinds: row.max_binds };
  }

  /** The account's SMPP logins (one today), with when each was created and last changed; never the password. */
  async credentials(accountId: string): Promise<(SmppCredential & { createdAt: Date; updatedAt: Date })[]> {
    const rows = await this.db.kysely.selectFrom('smpp_credentials').selectAll().where('account_id', '=', accountId).orderBy('system_id').execute();
    return rows.map((row) => ({ accountId: row.account_id, systemId: row.system_id, allowedIps: row.allowed_ips, maxBinds: row.max_binds, createdAt: row.created_at, updatedAt: row.updated_at }));
  }

  /** Replaces the password of the account's login `systemId`; false when the account has no such login. */
  async setPassword(accountId: string, systemId: string, password: string, now: Date): Promise<boolean> {
    const passwordHash = await hashSmppPassword(password);
    const result = await this.db.kysely
      .updateTable('smpp_credentials')
      .set({ password_hash: passwordHash, updated_at: now })
      .where('account_id', '=', accountId)
      .where('system_id', '=', systemId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Replaces the addresses the login `systemId` may bind from (checked by the caller); false when the account has no such login. */
  async setAllowedIps(accountId: string, systemId: string, allowedIps: readonly string[], now: Date): Promise<boolean> {
    for (const block of allowedIps) parseCidr(block);
    const result = await this.db.kysely
      .updateTable('smpp_credentials')
      .set({ allowed_ips: [...allowedIps], updated_at: now })
      .where('account_id', '=', accountId)
      .where('system_id', '=', systemId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** The credential whose system_id and password match; undefined otherwise (the same time is spent either way). */
  async authenticate(systemId: string, password: string): Promise<SmppCredential | undefined> {
    const row = await this.db.kysely.selectFrom('smpp_credentials').selectAll().where('system_id', '=', systemId).executeTakeFirst();
    const matches = await verifySmppPassword(password, row?.password_hash ?? NOBODY);
    if (!row || !matches) return undefined;
    return { accountId: row.account_id, systemId: row.system_id, allowedIps: row.allowed_ips, maxBinds: row.max_binds };
  }

  /** Receipts of final messages of the account not acknowledged yet, oldest first, except the receipt ids in `skip`. */
  async dueReceipts(accountId: string, skip: readonly string[], limit: number): Promise<DueReceipt[]> {
    const { rows } = await this.db.pool.query<{
      receipt_id: string;
      message_id: string;
      account_id: string;
      registered_delivery: number;
      source_addr: string;
      source_addr_ton: number;
      source_addr_npi: number;
      submitted_at: Date;
      recipient: string;
      body: string;
      status: string;
      error_code: string | null;
      done_at: Date | null;
      updated_at: Date;
    }>(
      `SELECT s.*, m.recipient, m.body, m.status, m.error_code, m.done_at, m.updated_at
         FROM smpp_submissions s JOIN messages m ON m.id = s.message_id
        WHERE s.account_id = $1 AND s.receipt_acked_at IS NULL AND m.status = ANY($2::text[]) AND NOT (s.receipt_id = ANY($3::text[]))
        ORDER BY s.submitted_at, s.receipt_id
        LIMIT $4`,
      [accountId, FINAL, skip, limit],
    );
    return rows.map((r) => ({
      receiptId: r.receipt_id,
      messageId: r.message_id,
      accountId: r.account_id,
      registeredDelivery: r.registered_delivery,
      sourceAddr: r.source_addr,
      sourceAddrTon: r.source_addr_ton,
      sourceAddrNpi: r.source_addr_npi,
      submittedAt: r.submitted_at,
      recipient: r.recipient,
      body: r.body,
      status: r.status,
      errorCode: r.error_code,
      doneAt: r.done_at ?? r.updated_at,
    }));
  }

  /** The client acknowledged (or did not ask for) this receipt: it is not sent again. */
  acknowledge(receiptId: string, at: Date): Promise<void> {
    return this.acks.submit({ receiptId, at });
  }

  /**
   * MOs attributed to the account, received since its SMPP login was created (and within the last
   * MO_HORIZON_DAYS days), not acknowledged by its SMPP client, oldest first, except those in `skip`.
   */
  async dueMos(accountId: string, skip: readonly string[], limit: number): Promise<DueMo[]> {
    const { rows } = await this.db.pool.query<{ id: string; sender: string; recipient: string; body: string; received_at: Date }>(
      `SELECT i.id, i.sender, i.recipient, i.body, i.received_at
         FROM inbound_messages i JOIN smpp_credentials c ON c.account_id = i.account_id
        WHERE i.account_id = $1 AND i.received_at >= c.created_at AND i.received_at >= now() - make_interval(days => $4)
          AND NOT (i.id::text = ANY($2::text[]))
          AND NOT EXISTS (SELECT 1 FROM smpp_mo_acks a WHERE a.inbound_id = i.id)
        ORDER BY i.received_at, i.id
        LIMIT $3`,
      [accountId, skip, limit, MO_HORIZON_DAYS],
    );
    return rows.map((r) => ({ id: r.id, sender: r.sender, recipient: r.recipient, body: r.body, receivedAt: r.received_at }));
  }

  /** The client acknowledged this MO: it is not delivered again. */
  acknowledgeMo(id: string, accountId: string, at: Date): Promise<void> {
    return this.moAcks.submit({ id, accountId, at });
  }
}
