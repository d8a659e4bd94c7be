import type { NewMessage } from '../../app/ports.ts';
import type { Campaign, CampaignDraft, CampaignDrafts, CampaignFigures, CampaignLife, CampaignSending, CampaignStats, CampaignStatus } from '../../app/ports/campaigns.ts';
import type { Db } from './database.ts';
import { isUuid, uuidv7 } from './ids.ts';
import { insertRows, takeCapSlots } from './message-store.ts';
import { eventsFrom, transaction } from './sql.ts';

interface CampaignRow {
  id: string;
  account_id: string;
  name: string;
  status: CampaignStatus;
  class: Campaign['class'];
  brand: string;
  short_code: string;
  sender: string;
  template: string;
  audience: Campaign['audience'];
  send_at: Date | null;
  cursor: string;
  queued: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** Campaigns in PostgreSQL; their messages are rows of `messages` carrying the campaign's id. */
export class PgCampaignStore implements CampaignDrafts, CampaignLife, CampaignFigures, CampaignSending {
  constructor(private readonly db: Db) {}

  async create(accountId: string, draft: CampaignDraft, now: Date): Promise<Campaign> {
    const { rows } = await this.db.pool.query<CampaignRow>(
      `INSERT INTO campaigns (id, account_id, name, status, class, brand, short_code, sender, template, audience, send_at, created_at, updated_at)
       VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING *`,
      [uuidv7(now.getTime()), accountId, draft.name, draft.class, draft.brand, draft.shortCode, draft.sender, draft.template, JSON.stringify(draft.audience), draft.sendAt, now],
    );
    return toCampaign(rows[0]!);
  }

  async get(accountId: string, id: string): Promise<Campaign | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await this.db.pool.query<CampaignRow>('SELECT * FROM campaigns WHERE account_id = $1 AND id = $2', [accountId, id]);
    return rows[0] && toCampaign(rows[0]);
  }

  async list(accountId: string): Promise<Campaign[]> {
    const { rows } = await this.db.pool.query<CampaignRow>('SELECT * FROM campaigns WHERE account_id = $1 ORDER BY created_at DESC', [accountId]);
    return rows.map(toCampaign);
  }

  async update(campaign: Campaign, draft: CampaignDraft, now: Date): Promise<Campaign | undefined> {
    const { rows } = await this.db.pool.query<CampaignRow>(
      `UPDATE campaigns SET name = $3, class = $4, brand = $5, short_code = $6, sender = $7, template = $8, audience = $9, send_at = $10,
         updated_at = $11
       WHERE id = $1 AND status = $2 RETURNING *`,
      [campaign.id, campaign.status, draft.name, draft.class, draft.brand, draft.shortCode, draft.sender, draft.template, JSON.stringify(draft.audience), draft.sendAt, now],
    );
    return rows[0] && toCampaign(rows[0]);
  }

  async move(campaign: Campaign, to: CampaignStatus, now: Date): Promise<Campaign | undefined> {
    const { rows } = await this.db.pool.query<CampaignRow>(
      `UPDATE campaigns SET status = $3, updated_at = $4,
         started_at = CASE WHEN $3 = 'running' THEN COALESCE(started_at, $4) ELSE started_at END,
         finished_at = CASE WHEN $3 IN ('completed', 'cancelled') THEN $4 ELSE finished_at END
       WHERE id = $1 AND status = $2 RETURNING *`,
      [campaign.id, campaign.status, to, now],
    );
    return rows[0] && toCampaign(rows[0]);
  }

  async active(now: Date): Promise<Campaign[]> {
    const { rows } = await this.db.pool.query<CampaignRow>(
      `SELECT * FROM campaigns WHERE status = 'running' OR (status = 'scheduled' AND send_at <= $1) ORDER BY created_at`,
      [now],
    );
    return rows.map(toCampaign);
  }

  /**
   * The cursor moves from where the caller read it, in the transaction that inserts the messages and takes
   * their cap slots: a crash before the commit leaves neither, a concurrent runner (or a pause) makes the update
   * match no row and nothing is written. The unique index (campaign_id, recipient) backs it up.
   */
  queueChunk(campaign: Campaign, toCursor: string, messages: NewMessage[], now: Date): Promise<boolean> {
    return transaction(this.db.pool, async (client) => {
      const moved = await client.query(
        `UPDATE campaigns SET cursor = $3, updated_at = $4 WHERE id = $1 AND cursor = $2 AND status = 'running'`,
        [campaign.id, campaign.cursor, toCursor, now],
      );
      if (moved.rowCount === 0) return false;
      const { rows: seen } = await client.query<{ recipient: string }>(
        'SELECT recipient FROM messages WHERE campaign_id = $1 AND recipient = ANY($2::text[])',
        [campaign.id, messages.map((m) => m.recipient)],
      );
      const skip = new Set(seen.map((r) => r.recipient));
      const rows = messages.flatMap((message) => {
        if (skip.has(message.recipient)) return [];
        skip.add(message.recipient);
        return [{ id: uuidv7(now.getTime()), message: { ...message, campaignId: campaign.id } }];
      });
      await insertRows(client, await takeCapSlots(client, rows), now);
      await client.query('UPDATE campaigns SET queued = queued + $2 WHERE id = $1', [campaign.id, rows.length]);
      return true;
    });
  }

  async backlog(campaign: Campaign, dueBefore: Date): Promise<number> {
    const { rows } = await this.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM messages WHERE campaign_id = $1 AND status = 'queued' AND due_at < $2`,
      [campaign.id, dueBefore],
    );
    return rows[0]!.n;
  }

  async unsettled(campaign: Campaign): Promise<number> {
    return this.count(campaign, ['queued', 'held', 'submitting']);
  }

  private async count(campaign: Campaign, statuses: string[]): Promise<number> {
    const { rows } = await this.db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM messages WHERE campaign_id = $1 AND status = ANY($2::text[])',
      [campaign.id, statuses],
    );
    return rows[0]!.n;
  }

  holdMessages(campaign: Campaign, now: Date): Promise<number> {
    return this.moveMessages(campaign, ['queued'], 'held', 'campaign paused', now);
  }

  releaseMessages(campaign: Campaign, now: Date): Promise<number> {
    return this.moveMessages(campaign, ['held'], 'queued', 'campaign resumed', now);
  }

  cancelMessages(campaign: Campaign, now: Date): Promise<number> {
    return this.moveMessages(campaign, ['queued', 'held'], 'cancelled', 'campaign cancelled', now);
  }

  /** A status change of the campaign's waiting messages, with their events (and webhooks), in one statement. */
  private async moveMessages(campaign: Campaign, from: string[], to: string, reason: string, now: Date): Promise<number> {
    const { rows } = await this.db.pool.query<{ n: number }>(
      `WITH moved AS (
         UPDATE messages SET status = $3, updated_at = $4, done_at = CASE WHEN $3 = 'cancelled' THEN $4 END
         WHERE campaign_id = $1 AND status = ANY($2::text[])
         RETURNING id, account_id, status, $5::text AS reason, $4::timestamptz AS at)
       ${eventsFrom('moved')}
       SELECT count(*)::int AS n FROM moved`,
      [campaign.id, from, to, now, reason],
    );
    return rows[0]!.n;
  }

  async stats(campaign: Campaign): Promise<CampaignStats> {
    const [byStatus, stops] = await Promise.all([
      this.db.pool.query<{ status: string; reason: string | null; n: number; parts: number }>(
        `SELECT status, error_code AS reason, count(*)::int AS n, sum(segments)::int AS parts
         FROM messages WHERE campaign_id = $1 GROUP BY status, error_code`,
        [campaign.id],
      ),
      this.db.pool.query<{ n: number }>(
        // Once the retention job erased the campaign's exchanges, the count it kept then (docs/retention.md).
        `SELECT coalesce((SELECT stops_after FROM campaign_erasures WHERE campaign_id = $1), (
           SELECT count(DISTINCT i.sender) FROM inbound_messages i
           WHERE i.account_id = $2 AND i.intent = 'stop' AND i.received_at >= $3
             AND EXISTS (SELECT 1 FROM messages m WHERE m.campaign_id = $1 AND m.recipient = i.sender)))::int AS n`,
        [campaign.id, campaign.accountId, campaign.startedAt ?? campaign.createdAt],
      ),
    ]);
    const stats: CampaignStats = { byStatus: {}, partsByStatus: {}, failedByReason: {}, stopsAfter: stops.rows[0]!.n };
    for (const row of byStatus.rows) {
      stats.byStatus[row.status] = (stats.byStatus[row.status] ?? 0) + row.n;
      stats.partsByStatus[row.status] = (stats.partsByStatus[row.status] ?? 0) + row.parts;
      if (NOT_DELIVERED.has(row.status)) {
        const reason = row.reason ?? row.status;
        stats.failedByReason[reason] = (stats.failedByReason[reason] ?? 0) + row.n;
      }
    }
    return stats;
  }

  /** Read through the account's index (messages_account_created): every message of the account is looked at once. */
  async partsSince(accountId: string, since: Date, statuses: readonly string[]): Promise<number> {
    const { rows } = await this.db.pool.query<{ parts: number }>(
      `SELECT coalesce(sum(segments), 0)::int AS parts FROM messages WHERE account_id = $1 AND submitted_at >= $2 AND status = ANY($3::text[])`,
      [accountId, since, statuses],
    );
    return rows[0]!.parts;
  }
}

const NOT_DELIVERED = new Set(['undeliverable', 'expired', 'rejected', 'unknown', 'failed', 'suppressed', 'in_doubt']);

function toCampaign(row: CampaignRow): Campaign {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    status: row.status,
    class: row.class,
    brand: row.brand,
    shortCode: row.short_code,
    sender: row.sender,
    template: row.template,
    audience: row.audience,
    sendAt: row.send_at,
    cursor: row.cursor,
    queued: row.queued,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
