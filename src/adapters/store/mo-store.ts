import type { InboundRecord, InboundView, MarketingReceived, MoStore } from '../../app/ports.ts';
import type { Db } from './database.ts';
import { isUuid, uuidv7 } from './ids.ts';

export class PgMoStore implements MoStore {
  constructor(private readonly db: Db) {}

  /**
   * The MO — a copy per attributed account, with the brand it was attributed to — and one delivery per active
   * webhook of each account that subscribed to "inbound", in one statement: an MO that is stored is also on its
   * way to each client.
   */
  async recordInbound({ route, mo, intent, keyword, attributions }: InboundRecord): Promise<Map<string | null, string>> {
    const copies: { accountId: string | null; brand: string | null }[] = [];
    for (const a of attributions) if (!copies.some((c) => c.accountId === a.accountId)) copies.push(a);
    if (copies.length === 0) copies.push({ accountId: null, brand: null });
    const ids = copies.map(() => uuidv7(mo.receivedAt.getTime()));
    await this.db.pool.query(
      `WITH inbound AS (
         INSERT INTO inbound_messages (id, route, sender, recipient, body, received_at, intent, keyword, account_id, brand)
         SELECT t.id, $2, $3, $4, $5, $6, $7, $8, t.account_id, t.brand FROM unnest($1::uuid[], $9::uuid[], $10::text[]) AS t(id, account_id, brand)
         RETURNING id, account_id, received_at)
       INSERT INTO webhook_deliveries (webhook_id, inbound_id, next_attempt_at, created_at)
       SELECT w.id, i.id, i.received_at, i.received_at FROM inbound i
       JOIN webhooks w ON w.account_id = i.account_id AND w.active AND 'inbound' = ANY (w.events)`,
      [ids, route, mo.from, mo.to, mo.text, mo.receivedAt, intent, keyword, copies.map((c) => c.accountId), copies.map((c) => c.brand)],
    );
    const accountIds = copies.flatMap((c) => (c.accountId ? [c.accountId] : []));
    if (accountIds.length > 0) await this.touchContacts(accountIds, mo.from, mo.receivedAt);
    return new Map(copies.map((c, i) => [c.accountId, ids[i]!]));
  }

  /** A reply is activity: segments on last activity (and the hygiene rules) read it from the contact. */
  private async touchContacts(accountIds: string[], mobile: string, at: Date): Promise<void> {
    await this.db.pool.query(
      `UPDATE contacts c SET last_activity_at = $3 FROM contact_bases b
       WHERE c.base_id = b.id AND b.account_id = ANY ($1::uuid[]) AND c.mobile = $2 AND (c.last_activity_at IS NULL OR c.last_activity_at < $3)`,
      [accountIds, mobile, at],
    );
  }

  /**
   * From the marketing slots on that short code (index marketing_slots_attribution) to their messages: only those
   * handed to the SMSC before `until` count, never a slot of a message still waiting for its day.
   */
  async marketingReceived(shortCode: string, recipient: string, since: Date, until: Date): Promise<MarketingReceived[]> {
    const { rows } = await this.db.pool.query<{ account_id: string; brand: string; sent_at: Date }>(
      `SELECT s.account_id, s.brand, max(m.submitted_at) AS sent_at
       FROM marketing_slots s JOIN messages m ON m.id = s.message_id
       WHERE s.recipient = $1 AND s.short_code = $2 AND s.local_day >= ($3::timestamptz - interval '1 day')::date
         AND m.status IN ('submitted', 'delivered', 'unknown') AND m.submitted_at BETWEEN $3 AND $4
       GROUP BY s.account_id, s.brand ORDER BY sent_at DESC`,
      [recipient, shortCode, since, until],
    );
    return rows.map((r) => ({ accountId: r.account_id, brand: r.brand, sentAt: r.sent_at }));
  }

  async accountsOn(shortCode: string): Promise<string[]> {
    const rows = await this.db.kysely.selectFrom('account_short_codes').select('account_id').where('short_code', '=', shortCode).orderBy('account_id').execute();
    return rows.map((r) => r.account_id);
  }

  async listInbound(accountId: string, limit: number, before?: string, brands?: readonly string[]): Promise<InboundView[]> {
    let query = this.db.kysely.selectFrom('inbound_messages').selectAll().where('account_id', '=', accountId);
    // A STOP for every brand ('*') concerns each of them; an MO attributed to no brand, only who reaches every brand.
    if (brands) query = query.where('brand', 'in', [...brands, '*']);
    if (before && isUuid(before)) query = query.where('id', '<', before);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ id: r.id, from: r.sender, to: r.recipient, text: r.body, intent: r.intent, keyword: r.keyword, brand: r.brand, receivedAt: r.received_at }));
  }

  async marketingInFlight(shortCode: string, recipient: string): Promise<number> {
    // The dispatch index covers (route, short_code, status), each route of the short code one range: only the
    // handful of messages in flight are read.
    const { rows } = await this.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM messages
       WHERE route IN (SELECT route FROM short_code_routes WHERE short_code = $1)
         AND short_code = $1 AND status = 'submitting' AND recipient = $2 AND class = 'marketing'`,
      [shortCode, recipient],
    );
    return rows[0]!.n;
  }
}
