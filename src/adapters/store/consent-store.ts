import type { Selectable } from 'kysely';
import type pg from 'pg';
import type { ConsentStore, NewConsentEvent } from '../../app/ports.ts';
import { consentFor, type ConsentEvent, type RecipientConsent } from '../../core/consent/index.ts';
import type { ConsentEventsTable, Db } from './database.ts';
import { copyRows } from './copy.ts';
import { uuidv7 } from './ids.ts';

type Row = Selectable<ConsentEventsTable>;

/** The consent ledger in PostgreSQL: appended to, never updated (a trigger refuses it), states derived in core. */
export class PgConsentStore implements ConsentStore {
  constructor(private readonly db: Db) {}

  async record(events: NewConsentEvent[], now: Date): Promise<ConsentEvent[]> {
    return (await insertConsentRows(this.db.pool, events, now)).map(toEvent);
  }

  async history(accountId: string, recipient: string): Promise<ConsentEvent[]> {
    const rows = await this.db.kysely
      .selectFrom('consent_events')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('recipient', '=', recipient)
      .orderBy('occurred_at')
      .orderBy('id')
      .execute();
    return rows.map(toEvent);
  }

  async states(accountId: string, brand: string, recipients: readonly string[]): Promise<Map<string, RecipientConsent>> {
    const unique = [...new Set(recipients)];
    const byRecipient = new Map<string, ConsentEvent[]>(unique.map((r) => [r, []]));
    if (unique.length > 0) {
      const { rows } = await this.db.pool.query<Row>(
        `SELECT * FROM consent_events e WHERE account_id = $1 AND recipient = ANY($2::text[]) AND brand IN ($3, '*')
           AND NOT EXISTS (SELECT 1 FROM consent_retractions r WHERE r.event_id = e.id)`,
        [accountId, unique, brand],
      );
      for (const row of rows) byRecipient.get(row.recipient)!.push(toEvent(row));
    }
    return new Map([...byRecipient].map(([recipient, events]) => [recipient, consentFor(events, brand)]));
  }
}

/** What every event of one batch shares (an import's brand, channel, wording, reference). */
export type SharedConsentFields = Omit<NewConsentEvent, 'recipient' | 'kind' | 'occurredAt'>;
export type OwnConsentFields = Pick<NewConsentEvent, 'recipient' | 'kind' | 'occurredAt'>;

/**
 * Appends events to the ledger inside the caller's transaction, by COPY (an import's thousands at once), the
 * fields they share written once; how many.
 */
export async function copyConsentEvents(client: pg.PoolClient, shared: SharedConsentFields, events: readonly OwnConsentFields[], now: Date): Promise<number> {
  if (events.length === 0) return 0;
  const rows = events.map((e) => [uuidv7(now.getTime()), e.recipient, e.kind, e.occurredAt]);
  const { accountId, brand, source, channel, wording, reference, ip } = shared;
  await copyRows(client, 'consent_events', ['id', 'recipient', 'kind', 'occurred_at'], rows, {
    account_id: accountId,
    brand,
    source,
    channel: channel ?? null,
    wording: wording ?? null,
    reference: reference ?? null,
    ip: ip ?? null,
    recorded_at: now,
  });
  return rows.length;
}

/**
 * One statement whatever the number of events (arrays, not one parameter per value: PostgreSQL takes at most
 * 65,535 parameters), hence all the events or none.
 */
async function insertConsentRows(pool: pg.Pool, events: NewConsentEvent[], now: Date): Promise<Row[]> {
  if (events.length === 0) return [];
  const rows: Row[] = events.map((e) => ({
    id: uuidv7(now.getTime()),
    account_id: e.accountId,
    brand: e.brand,
    recipient: e.recipient,
    kind: e.kind,
    source: e.source,
    channel: e.channel ?? null,
    wording: e.wording ?? null,
    reference: e.reference ?? null,
    ip: e.ip ?? null,
    occurred_at: e.occurredAt,
    recorded_at: now,
  }));
  const column = <K extends keyof Row>(key: K) => rows.map((r) => r[key]);
  await pool.query(
    `INSERT INTO consent_events (id, account_id, brand, recipient, kind, source, channel, wording, reference, ip, occurred_at, recorded_at)
     SELECT t.*, $12::timestamptz
     FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                 $10::text[], $11::timestamptz[])
       AS t(id, account_id, brand, recipient, kind, source, channel, wording, reference, ip, occurred_at)`,
    [
      column('id'),
      column('account_id'),
      column('brand'),
      column('recipient'),
      column('kind'),
      column('source'),
      column('channel'),
      column('wording'),
      column('reference'),
      column('ip'),
      column('occurred_at'),
      now,
    ],
  );
  return rows;
}

function toEvent(row: Row): ConsentEvent {
  return {
    id: row.id,
    accountId: row.account_id,
    brand: row.brand,
    recipient: row.recipient,
    kind: row.kind,
    source: row.source as ConsentEvent['source'],
    channel: row.channel,
    wording: row.wording,
    reference: row.reference,
    ip: row.ip,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
  };
}
