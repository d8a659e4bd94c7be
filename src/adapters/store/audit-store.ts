import { sql, type Selectable } from 'kysely';
import type { AuditCursor, AuditEntry, AuditFilter, AuditTrail } from '../../app/ports.ts';
import type { AuditEventsTable, Db } from './database.ts';

/** How many entries an export reads at a time. */
const EXPORT_PAGE = 1_000;

/**
 * The audit trail in `audit_events` (migrations 0009 and 0012): append-only, read newest first by (at, id).
 * Entries name their account by id and carry no foreign key: the trail outlives what it speaks of.
 */
export class PgAuditStore implements AuditTrail {
  constructor(private readonly db: Db) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.db.kysely
      .insertInto('audit_events')
      .values({
        at: entry.at,
        account_id: entry.accountId,
        actor_kind: entry.actor.kind,
        actor_id: entry.actor.id,
        actor_label: entry.actor.label,
        ip: entry.ip,
        action: entry.action,
        object_type: entry.object?.type ?? null,
        object_id: entry.object?.id ?? null,
        result: entry.result,
        status: entry.status,
        detail: entry.detail === null ? null : JSON.stringify(entry.detail),
      })
      .execute();
  }

  async list(filter: AuditFilter, after: AuditCursor | undefined, limit: number): Promise<(AuditEntry & { id: string })[]> {
    let query = this.db.kysely.selectFrom('audit_events').selectAll();
    if (filter.accountId !== undefined) query = query.where('account_id', '=', filter.accountId);
    if (filter.from) query = query.where('at', '>=', filter.from);
    if (filter.to) query = query.where('at', '<', filter.to);
    if (filter.result) query = query.where('result', '=', filter.result);
    if (filter.actor) {
      const actor = filter.actor;
      query = query.where((eb) => eb.or([eb('actor_id', '=', actor), eb('actor_label', '=', actor), eb('actor_kind', '=', actor as never)]));
    }
    if (filter.action) {
      // An action, or every action under it: `campaigns` matches `campaigns.launch` (LIKE's own wildcards escaped).
      const under = `${filter.action.replace(/[\\%_]/g, '\\$&')}.%`;
      query = query.where((eb) => eb.or([eb('action', '=', filter.action!), eb('action', 'like', under)]));
    }
    if (filter.object) {
      const [type, id] = filter.object.includes(':') ? [filter.object.slice(0, filter.object.indexOf(':')), filter.object.slice(filter.object.indexOf(':') + 1)] : [undefined, filter.object];
      query = query.where('object_id', '=', id);
      if (type !== undefined) query = query.where('object_type', '=', type);
    }
    if (after) query = query.where(sql<boolean>`(at, id) < (${after.at}, ${after.id}::bigint)`);
    const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toEntry);
  }

  async *all(filter: AuditFilter): AsyncIterable<AuditEntry & { id: string }> {
    let after: AuditCursor | undefined;
    for (;;) {
      const page = await this.list(filter, after, EXPORT_PAGE);
      yield* page;
      if (page.length < EXPORT_PAGE) return;
      const last = page.at(-1)!;
      after = { at: last.at, id: last.id };
    }
  }

  /**
   * The retention purge: removes the entries older than `cutoff`. The append-only trigger lets this transaction
   * delete (it sets relais.purge_audit) and still refuses any entry younger than a year, whatever the cutoff.
   */
  async purgeBefore(cutoff: Date): Promise<number> {
    return this.db.kysely.transaction().execute(async (trx) => {
      await sql`SET LOCAL relais.purge_audit = 'on'`.execute(trx);
      const result = await trx.deleteFrom('audit_events').where('at', '<', cutoff).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }
}

function toEntry(row: Selectable<AuditEventsTable>): AuditEntry & { id: string } {
  return {
    id: String(row.id),
    at: row.at,
    accountId: row.account_id,
    actor: { kind: row.actor_kind, id: row.actor_id, label: row.actor_label },
    ip: row.ip,
    action: row.action,
    object: row.object_type !== null && row.object_id !== null ? { type: row.object_type, id: row.object_id } : null,
    result: row.result,
    status: row.status,
    detail: (row.detail as Record<string, unknown> | null) ?? null,
  };
}
