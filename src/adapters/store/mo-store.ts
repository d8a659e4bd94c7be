import { sql } from 'kysely';
import type { Attribution, InboundRecord, InboundView, MoStore } from '../../app/ports.ts';
import { ALL_BRANDS } from '../../core/consent/index.ts';
import type { Db } from './database.ts';
import { isUuid, uuidv7 } from './ids.ts';

export class PgMoStore implements MoStore {
  constructor(private readonly db: Db) {}

  async recordInbound({ route, mo, intent, keyword, attribution }: InboundRecord): Promise<string> {
    const id = uuidv7(mo.receivedAt.getTime());
    await this.db.kysely
      .insertInto('inbound_messages')
      .values({
        id,
        route,
        sender: mo.from,
        recipient: mo.to,
        body: mo.text,
        received_at: mo.receivedAt,
        intent,
        keyword,
        account_id: attribution?.accountId ?? null,
        brand: attribution?.brand ?? null,
      })
      .execute();
    return id;
  }

  async attribute(shortCode: string, recipient: string, sinceDays: number): Promise<Attribution[]> {
    const recent = await this.db.kysely
      .selectFrom('marketing_slots')
      .select(['account_id', 'brand'])
      .where('recipient', '=', recipient)
      .where('short_code', '=', shortCode)
      .where('local_day', '>=', sql<string>`current_date - ${sinceDays}::int`)
      .orderBy('local_day', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (recent) return [{ accountId: recent.account_id, brand: recent.brand }];
    const owners = await this.db.kysely.selectFrom('accounts').select('id').where('default_short_code', '=', shortCode).execute();
    return owners.map((o) => ({ accountId: o.id, brand: ALL_BRANDS }));
  }

  async listInbound(accountId: string, limit: number, before?: string): Promise<InboundView[]> {
    let query = this.db.kysely.selectFrom('inbound_messages').selectAll().where('account_id', '=', accountId);
    if (before && isUuid(before)) query = query.where('id', '<', before);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ id: r.id, from: r.sender, to: r.recipient, text: r.body, intent: r.intent, keyword: r.keyword, brand: r.brand, receivedAt: r.received_at }));
  }

  async marketingInFlight(shortCode: string, recipient: string): Promise<number> {
    // The dispatch index covers (short_code, status): only the handful of messages in flight are read.
    const { rows } = await this.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM messages WHERE short_code = $1 AND status = 'submitting' AND recipient = $2 AND class = 'marketing'`,
      [shortCode, recipient],
    );
    return rows[0]!.n;
  }
}
