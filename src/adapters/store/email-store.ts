import type { EmailDoorSettings, EmailSenders, TextFrom } from '../../app/ports/email.ts';
import type { Db } from './database.ts';

export type { TextFrom };

/** The e-mail door's own tables (migration 0004): allowlisted sender addresses and each account's text source. */
export class PgEmailStore implements EmailSenders, EmailDoorSettings {
  constructor(private readonly db: Db) {}

  /** The account a sender address is allowlisted for. */
  async accountOfSender(address: string): Promise<string | undefined> {
    const row = await this.db.kysely.selectFrom('email_senders').select('account_id').where('address', '=', address.toLowerCase()).executeTakeFirst();
    return row?.account_id;
  }

  /** Allowlists addresses for an account; an address already taken by another account is returned, not moved. */
  async allowSenders(accountId: string, addresses: readonly string[], now: Date): Promise<{ taken: string[] }> {
    const taken: string[] = [];
    for (const address of addresses.map((a) => a.toLowerCase())) {
      const row = await this.db.kysely
        .insertInto('email_senders')
        .values({ address, account_id: accountId, created_at: now })
        .onConflict((oc) => oc.column('address').doNothing())
        .returning('account_id')
        .executeTakeFirst();
      if (!row && (await this.accountOfSender(address)) !== accountId) taken.push(address);
    }
    return { taken };
  }

  async revokeSenders(accountId: string, addresses: readonly string[]): Promise<void> {
    if (addresses.length === 0) return;
    await this.db.kysely
      .deleteFrom('email_senders')
      .where('account_id', '=', accountId)
      .where('address', 'in', addresses.map((a) => a.toLowerCase()))
      .execute();
  }

  async senders(accountId: string): Promise<string[]> {
    const rows = await this.db.kysely.selectFrom('email_senders').select('address').where('account_id', '=', accountId).orderBy('address').execute();
    return rows.map((r) => r.address);
  }

  async textFrom(accountId: string): Promise<TextFrom> {
    const row = await this.db.kysely.selectFrom('email_settings').select('text_from').where('account_id', '=', accountId).executeTakeFirst();
    return row?.text_from ?? 'body';
  }

  async setTextFrom(accountId: string, textFrom: TextFrom, now: Date): Promise<void> {
    await this.db.kysely
      .insertInto('email_settings')
      .values({ account_id: accountId, text_from: textFrom, updated_at: now })
      .onConflict((oc) => oc.column('account_id').doUpdateSet({ text_from: textFrom, updated_at: now }))
      .execute();
  }
}
