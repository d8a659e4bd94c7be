import type pg from 'pg';
import {
  IncidentNotFound,
  type AttachmentInfo,
  type Incident,
  type IncidentChange,
  type IncidentDetail,
  type IncidentEvent,
  type IncidentStore,
  type NewIncident,
  type Scope,
} from '../../app/incidents.ts';
import { incidentReference, referenceYear, type ClosedTicket, type IncidentStatus } from '../../core/incidents/index.ts';
import type { Db } from './database.ts';
import { uuidv7 } from './ids.ts';
import { transaction } from './sql.ts';

/** A ticket's row with its account's name and its status history (one array subquery on the history's key). */
const TICKET = `
  SELECT i.*, a.name AS account_name,
         coalesce((SELECT json_agg(json_build_object('at', h.at, 'status', h.status, 'side', h.side, 'author', h.author, 'note', h.note) ORDER BY h.seq)
                   FROM incident_status_changes h WHERE h.incident_id = i.id), '[]') AS history
  FROM incidents i JOIN accounts a ON a.id = i.account_id`;

/** Incident tickets in PostgreSQL (migration 0015-incidents). */
export class PgIncidentStore implements IncidentStore {
  constructor(private readonly db: Db) {}

  /**
   * The reference's number comes from incident_counters, incremented in the opening's transaction: the row lock
   * orders concurrent openings and a rolled-back opening gives its number back, so numbers run without gaps.
   */
  async open(input: NewIncident, event: (incident: Incident) => IncidentEvent): Promise<Incident> {
    return transaction(this.db.pool, async (client) => {
      const year = referenceYear(input.at);
      const { rows: counter } = await client.query<{ last: number }>(
        `INSERT INTO incident_counters (year, last) VALUES ($1, 1)
         ON CONFLICT (year) DO UPDATE SET last = incident_counters.last + 1 RETURNING last`,
        [year],
      );
      const id = uuidv7(input.at.getTime());
      await client.query(
        `INSERT INTO incidents (id, reference, account_id, title, description, severity, category, status, opened_by, opened_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9)`,
        [id, incidentReference(year, counter[0]!.last), input.accountId, input.title, input.description, input.severity, input.category, input.openedBy.name, input.at],
      );
      await client.query(`INSERT INTO incident_status_changes (incident_id, seq, at, status, side, author) VALUES ($1, 1, $2, 'open', $3, $4)`, [
        id,
        input.at,
        input.openedBy.side,
        input.openedBy.name,
      ]);
      const incident = await this.ticket(client, `WHERE i.id = $1`, [id]);
      await queueEvent(client, incident!.accountId, event(incident!), input.at);
      return incident!;
    });
  }

  async find(scope: Scope, reference: string): Promise<IncidentDetail | undefined> {
    const client = this.db.pool;
    const incident = await this.ticket(client, ...where(scope, reference));
    return incident && this.detail(client, incident);
  }

  async list(scope: Scope, filter: { status?: IncidentStatus | undefined; limit: number }): Promise<Incident[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    if (scope) conditions.push(`i.account_id = $${values.push(scope.accountId)}`);
    if (filter.status) conditions.push(`i.status = $${values.push(filter.status)}`);
    const { rows } = await this.db.pool.query(
      `${TICKET} ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY i.opened_at DESC, i.reference DESC LIMIT $${values.push(filter.limit)}`,
      values,
    );
    return rows.map(toIncident);
  }

  async change(scope: Scope, reference: string, decide: Parameters<IncidentStore['change']>[2]): Promise<IncidentDetail> {
    return transaction(this.db.pool, async (client) => {
      const [condition, values] = where(scope, reference);
      const { rows: locked } = await client.query(`SELECT i.id FROM incidents i ${condition} FOR UPDATE OF i`, values);
      if (locked.length === 0) throw new IncidentNotFound(reference);
      const before = await this.detail(client, (await this.ticket(client, ...where(scope, reference)))!);
      const { change, event } = decide(before);
      await write(client, before, change);
      const after = await this.detail(client, (await this.ticket(client, `WHERE i.id = $1`, [before.id]))!);
      await queueEvent(client, after.accountId, event(after), change.status?.at ?? change.comment?.at ?? change.qualification?.at ?? new Date());
      return after;
    });
  }

  async attachment(scope: Scope, reference: string, id: string): Promise<(AttachmentInfo & { content: Buffer }) | undefined> {
    const [condition, values] = where(scope, reference);
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const { rows } = await this.db.pool.query(
      `SELECT f.* FROM incident_attachments f JOIN incidents i ON i.id = f.incident_id ${condition} AND f.id = $${values.length + 1}`,
      [...values, id],
    );
    const r = rows[0];
    return r && { ...toAttachment(r), content: r.content };
  }

  async closedBetween(from: Date, to: Date): Promise<ClosedTicket[]> {
    const { rows } = await this.db.pool.query(
      `SELECT i.reference, a.name AS account, i.severity, i.category, i.opened_at, i.resolved_at, i.closed_at, i.business_ms, i.cause
       FROM incidents i JOIN accounts a ON a.id = i.account_id
       WHERE i.closed_at >= $1 AND i.closed_at < $2 ORDER BY i.closed_at, i.reference`,
      [from, to],
    );
    return rows.map((r) => ({
      reference: r.reference,
      account: r.account,
      severity: r.severity,
      category: r.category,
      openedAt: r.opened_at,
      resolvedAt: r.resolved_at,
      closedAt: r.closed_at,
      businessMs: Number(r.business_ms),
      cause: r.cause,
    }));
  }

  async contacts(accountId: string): Promise<string[]> {
    const { rows } = await this.db.pool.query<{ email: string }>(
      `SELECT email FROM users WHERE account_id = $1 AND status = 'active' AND (administrator OR 'incidents' = ANY (rights)) ORDER BY email`,
      [accountId],
    );
    return rows.map((r) => r.email);
  }

  private async ticket(client: pg.Pool | pg.PoolClient, condition: string, values: unknown[]): Promise<Incident | undefined> {
    const { rows } = await client.query(`${TICKET} ${condition}`, values);
    return rows[0] && toIncident(rows[0]);
  }

  private async detail(client: pg.Pool | pg.PoolClient, incident: Incident): Promise<IncidentDetail> {
    const [comments, attachments] = await Promise.all([
      client.query(`SELECT id, at, side, author, text FROM incident_comments WHERE incident_id = $1 ORDER BY id`, [incident.id]),
      client.query(`SELECT id, at, side, author, filename, content_type, size FROM incident_attachments WHERE incident_id = $1 ORDER BY at, id`, [incident.id]),
    ]);
    return {
      ...incident,
      comments: comments.rows.map((c) => ({ id: String(c.id), at: c.at, side: c.side, author: c.author, text: c.text })),
      attachments: attachments.rows.map(toAttachment),
    };
  }
}

/** The ticket named by its reference, within the scope. */
function where(scope: Scope, reference: string): [string, unknown[]] {
  return scope ? [`WHERE i.reference = $1 AND i.account_id = $2`, [reference, scope.accountId]] : [`WHERE i.reference = $1`, [reference]];
}

async function write(client: pg.PoolClient, before: IncidentDetail, change: IncidentChange): Promise<void> {
  const sets: string[] = [];
  const values: unknown[] = [before.id];
  const set = (column: string, value: unknown) => sets.push(`${column} = $${values.push(value)}`);
  if (change.status) {
    set('status', change.status.status);
    const { at, status, side, author, note } = change.status;
    await client.query(
      `INSERT INTO incident_status_changes (incident_id, seq, at, status, side, author, note)
       VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM incident_status_changes WHERE incident_id = $1), $2, $3, $4, $5, $6)`,
      [before.id, at, status, side, author, note],
    );
  }
  if (change.resolvedAt !== undefined) set('resolved_at', change.resolvedAt);
  if (change.closedAt) set('closed_at', change.closedAt);
  if (change.cause !== undefined) set('cause', change.cause);
  if (change.businessMs !== undefined) set('business_ms', change.businessMs);
  if (change.qualification) {
    set('severity', change.qualification.severity);
    set('category', change.qualification.category);
    set('qualified_at', change.qualification.at);
  }
  if (sets.length > 0) await client.query(`UPDATE incidents SET ${sets.join(', ')} WHERE id = $1`, values);
  if (change.attachment) {
    const { id, at, side, author, filename, contentType, content } = change.attachment;
    await client.query(
      `INSERT INTO incident_attachments (id, incident_id, at, side, author, filename, content_type, size, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, before.id, at, side, author, filename, contentType, content.length, content],
    );
  }
  if (change.comment) {
    const { at, side, author, text } = change.comment;
    await client.query(`INSERT INTO incident_comments (incident_id, at, side, author, text) VALUES ($1, $2, $3, $4, $5)`, [before.id, at, side, author, text]);
  }
}

/** One delivery per active webhook of the account subscribed to "incident", in the change's transaction. */
async function queueEvent(client: pg.PoolClient, accountId: string, event: IncidentEvent, at: Date): Promise<void> {
  await client.query(
    `INSERT INTO webhook_deliveries (webhook_id, payload, next_attempt_at, created_at)
     SELECT w.id, $2::jsonb, $3, $3 FROM webhooks w WHERE w.account_id = $1 AND w.active AND 'incident' = ANY (w.events)`,
    [accountId, JSON.stringify(event), at],
  );
}

function toIncident(r: Record<string, any>): Incident {
  return {
    id: r.id,
    reference: r.reference,
    accountId: r.account_id,
    accountName: r.account_name,
    title: r.title,
    description: r.description,
    severity: r.severity,
    category: r.category,
    qualifiedAt: r.qualified_at,
    status: r.status,
    openedBy: r.opened_by,
    openedAt: r.opened_at,
    resolvedAt: r.resolved_at,
    closedAt: r.closed_at,
    cause: r.cause,
    businessMs: r.business_ms === null ? null : Number(r.business_ms),
    history: (r.history as { at: string; status: IncidentStatus; side: 'client' | 'provider'; author: string; note: string | null }[]).map((h) => ({ ...h, at: new Date(h.at) })),
  };
}

function toAttachment(r: Record<string, any>): AttachmentInfo {
  return { id: r.id, at: r.at, side: r.side, author: r.author, filename: r.filename, contentType: r.content_type, size: r.size };
}
