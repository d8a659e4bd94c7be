import type pg from 'pg';
import { standingOptOut, type ConsentEvent } from '../../core/consent/index.ts';
import { finalStatuses } from '../../core/message/status.ts';
import type { Db } from './database.ts';
import { uuidv7 } from './ids.ts';
import type { Pseudonyms } from './pseudonym.ts';
import { eventsFrom, transaction } from './sql.ts';
import type { PersonalDataStore } from '../../app/retention.ts';
import type { Erasure, PersonalData } from '../../app/ports/retention.ts';

// The personal data types are the app's (app/ports/retention.ts); kept reachable from here.
export type { Erasure, PersonalData };

/**
 * The rights of the person behind one number (docs/retention.md, "The rights of a person"): what Relais holds about
 * it, and its erasure. Scoped to one account, or to every account (the aggregator: `accountId` null).
 *
 * These are rare requests: messages and MOs are found by reading their tables (no index on the number, which
 * would cost every message of the send path), each account's erasure in one transaction.
 */
export class PgGdprStore implements PersonalDataStore<PersonalData, Erasure> {
  constructor(
    private readonly db: Db,
    private readonly pseudonyms: Pseudonyms,
  ) {}

  async export(msisdn: string, accountId: string | null): Promise<PersonalData> {
    const q = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await this.db.pool.query<T>(text, [msisdn, accountId, ...values])).rows;
    const [contacts, messages, inbound, consents, removals, qualifications, lookups, geolocationConsents, localisationHits] = await Promise.all([
      q(`SELECT b.account_id, b.name AS base, c.mobile, c.last_name, c.first_name, c.landline, c.email, c.birthday, c.custom, c.created_at, c.updated_at, c.last_activity_at
         FROM contacts c JOIN contact_bases b ON b.id = c.base_id WHERE c.mobile = $1 AND ($2::uuid IS NULL OR b.account_id = $2) ORDER BY b.account_id, c.id`),
      q(`SELECT id, account_id, sender, short_code, class, brand, body, status, segments, error_code, client_reference, campaign_id, created_at, submitted_at, done_at
         FROM messages WHERE recipient = $1 AND ($2::uuid IS NULL OR account_id = $2) ORDER BY created_at, id`),
      q(`SELECT id, account_id, route, recipient AS short_code, body, intent, keyword, brand, received_at
         FROM inbound_messages WHERE sender = $1 AND ($2::uuid IS NULL OR account_id = $2 OR account_id IS NULL) ORDER BY received_at, id`),
      q(`SELECT e.id, e.account_id, e.brand, e.recipient = $3 AS pseudonymised, e.kind, e.source, e.channel, e.wording, e.reference, e.ip, e.occurred_at, e.recorded_at,
                r.at AS retracted_at, r.reason AS retracted_reason
         FROM consent_events e LEFT JOIN consent_retractions r ON r.event_id = e.id
         WHERE e.recipient IN ($1, $3) AND ($2::uuid IS NULL OR e.account_id = $2) ORDER BY e.account_id, e.occurred_at, e.id`, [this.pseudonyms.of(msisdn)]),
      q(`SELECT account_id, base_id, reason, at FROM contact_removals WHERE mobile IN ($1, $3) AND ($2::uuid IS NULL OR account_id = $2) ORDER BY at, id`, [this.pseudonyms.of(msisdn)]),
      q(`SELECT account_id, operator, state, checked_at FROM qualifications WHERE msisdn = $1 AND ($2::uuid IS NULL OR account_id = $2) ORDER BY account_id`),
      // Lookups are read whole (no index on the number, which every lookup would pay for), as messages are.
      q(`SELECT id::text, account_id, msisdn = $3 AS pseudonymised, state, looked_up_at, month FROM qualification_lookups
         WHERE msisdn IN ($1, $3) AND ($2::uuid IS NULL OR account_id = $2) ORDER BY looked_up_at, id`, [this.pseudonyms.of(msisdn)]),
      q(`SELECT id::text, account_id, brand, accepted, channel, wording, reference, occurred_at, recorded_at
         FROM geolocation_consents WHERE recipient = $1 AND ($2::uuid IS NULL OR account_id = $2) ORDER BY account_id, occurred_at, id`),
      q(`SELECT id::text, account_id, outcome, campaign_id, asked_at, month FROM location_hits WHERE msisdn = $1 AND ($2::uuid IS NULL OR account_id = $2) ORDER BY asked_at, id`),
    ]);
    const ids = messages.map((m) => m.id as string);
    const usage = ids.length === 0 ? [] : (
      await this.db.pool.query(
        `SELECT message_id, part_index, account_id, brand, class, short_code, route, campaign_id, parts, final_state, settled_by, month, settled_at
         FROM usage_lines WHERE message_id = ANY($1::uuid[]) ORDER BY settled_at, message_id, part_index`,
        [ids],
      )
    ).rows;
    return { msisdn, contacts, messages, inbound, consents, removals, usage, qualifications, qualificationLookups: lookups, geolocationConsents, localisationHits };
  }

  /** The accounts that hold something about the number (for an erasure across every account). */
  async accountsHolding(msisdn: string): Promise<string[]> {
    const { rows } = await this.db.pool.query<{ account_id: string }>(
      `SELECT account_id FROM messages WHERE recipient = $1
       UNION SELECT account_id FROM inbound_messages WHERE sender = $1 AND account_id IS NOT NULL
       UNION SELECT account_id FROM consent_events WHERE recipient = $1
       UNION SELECT b.account_id FROM contacts c JOIN contact_bases b ON b.id = c.base_id WHERE c.mobile = $1
       UNION SELECT account_id FROM marketing_slots WHERE recipient = $1
       UNION SELECT account_id FROM qualifications WHERE msisdn = $1
       UNION SELECT account_id FROM qualification_lookups WHERE msisdn = $1
       UNION SELECT account_id FROM geolocation_consents WHERE recipient = $1
       UNION SELECT account_id FROM location_hits WHERE msisdn = $1`,
      [msisdn],
    );
    return rows.map((r) => r.account_id);
  }

  /**
   * Erases the number from one account: its contacts leave the bases, its messages and MOs keep their counts under
   * the pseudonym with their texts erased (messages still queued are cancelled; those in flight keep the number until
   * they end, and are counted in `inFlight`), its consent events and acceptances of geolocated marketing are deleted
   * (its localisation hits stay, billed, under the pseudonym) — except each opposition still standing,
   * kept as one opt-out under the pseudonym, which the intake reads (consent-store.ts `states`).
   */
  async erase(msisdn: string, accountId: string, now: Date): Promise<Erasure> {
    const pseudonym = this.pseudonyms.of(msisdn);
    return transaction(this.db.pool, async (client) => {
      const q = async (text: string, values: unknown[] = []) => client.query(text, [accountId, msisdn, pseudonym, ...values].slice(0, highestPlaceholder(text)));
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`consent:${accountId}:${msisdn}`]);
      const oppositionsKept = await keepOppositions(client, accountId, msisdn, pseudonym, now);
      await client.query(`SET LOCAL relais.erase_consent = 'on'`);
      // Acceptances of geolocated marketing go with the consent events (counted with them); hits billed stay, under the pseudonym.
      const consents =
        ((await q('DELETE FROM consent_events WHERE account_id = $1 AND recipient = $2')).rowCount ?? 0) +
        ((await q('DELETE FROM geolocation_consents WHERE account_id = $1 AND recipient = $2')).rowCount ?? 0);
      await q(`UPDATE location_hits SET msisdn = $3 WHERE account_id = $1 AND msisdn = $2`);
      const cancelled = (await client.query(
        `WITH cancelled AS (
           UPDATE messages SET status = 'cancelled', done_at = $3, updated_at = $3, error_reason = 'erased at the request of the recipient'
           WHERE account_id = $1 AND recipient = $2 AND status IN ('queued', 'held')
           RETURNING id, account_id, status, 'erasure'::text AS reason, $3::timestamptz AS at)
         ${eventsFrom('cancelled')}
         SELECT 1 FROM cancelled`,
        [accountId, msisdn, now],
      )).rowCount ?? 0;
      const messages = (await q(
        `WITH erased AS (
           UPDATE messages SET recipient = $3, body = '' WHERE account_id = $1 AND recipient = $2 AND status = ANY($4::text[]) RETURNING id),
         parts AS (UPDATE message_parts p SET receipt_raw = NULL FROM erased e WHERE p.message_id = e.id AND p.receipt_raw IS NOT NULL)
         SELECT count(*)::int AS n FROM erased`,
        [[...finalStatuses]],
      )).rows[0].n as number;
      const inFlight = (await q(`SELECT count(*)::int AS n FROM messages WHERE account_id = $1 AND recipient = $2`)).rows[0].n as number;
      const inbound = (await q(`UPDATE inbound_messages SET sender = $3, body = '' WHERE account_id = $1 AND sender = $2`)).rowCount ?? 0;
      const contacts = (await q(
        `WITH removed AS (
           DELETE FROM contacts c USING contact_bases b WHERE b.account_id = $1 AND c.base_id = b.id AND c.mobile = $2 RETURNING c.base_id)
         INSERT INTO contact_removals (account_id, base_id, mobile, reason, at) SELECT $1, base_id, $3, 'erased at the request of the person', $4 FROM removed`,
        [now],
      )).rowCount ?? 0;
      await q(`UPDATE contact_removals SET mobile = $3 WHERE account_id = $1 AND mobile = $2`);
      await q(`UPDATE marketing_slots SET recipient = $3 WHERE account_id = $1 AND recipient = $2`);
      // The number's qualification goes; the lookups billed stay, counted under the pseudonym.
      const qualifications = (await q(`DELETE FROM qualifications WHERE account_id = $1 AND msisdn = $2`)).rowCount ?? 0;
      await q(`UPDATE qualification_lookups SET msisdn = $3 WHERE account_id = $1 AND msisdn = $2`);
      return { accountId, contacts, messages, cancelled, inFlight, inbound, consents, oppositionsKept, qualifications };
    });
  }

  /** MOs attributed to no account (aggregator-wide erasure only). */
  async eraseUnattributed(msisdn: string): Promise<number> {
    const { rowCount } = await this.db.pool.query(`UPDATE inbound_messages SET sender = $2, body = '' WHERE account_id IS NULL AND sender = $1`, [msisdn, this.pseudonyms.of(msisdn)]);
    return rowCount ?? 0;
  }
}

/** The highest $n of a statement: PostgreSQL refuses parameters a statement does not use. */
function highestPlaceholder(text: string): number {
  return Math.max(0, ...[...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
}

/**
 * For each brand whose opposition still stands (core/consent `standingOptOut`), one opt-out under the pseudonym,
 * dated when the person objected: the intake keeps refusing marketing to the number, and only a new opt-in that
 * re-opens consent (a START, dated evidence with its channel) can lift it, exactly as before the erasure.
 */
async function keepOppositions(client: pg.PoolClient, accountId: string, msisdn: string, pseudonym: string, now: Date): Promise<number> {
  const { rows } = await client.query<{ id: string; brand: string; kind: ConsentEvent['kind']; source: string; channel: string | null; dated: boolean; occurred_at: Date; retracted: boolean }>(
    `SELECT e.id, e.brand, e.kind, e.source, e.channel, e.dated, e.occurred_at, r.event_id IS NOT NULL AS retracted
     FROM consent_events e LEFT JOIN consent_retractions r ON r.event_id = e.id WHERE e.account_id = $1 AND e.recipient = $2`,
    [accountId, msisdn],
  );
  const events: ConsentEvent[] = rows.map((r) => ({
    id: r.id,
    accountId,
    brand: r.brand,
    recipient: msisdn,
    kind: r.kind,
    source: r.source as ConsentEvent['source'],
    channel: r.channel,
    wording: null,
    reference: null,
    ip: null,
    occurredAt: r.occurred_at,
    dated: r.dated,
    recordedAt: now,
    retracted: r.retracted ? { at: now, reason: '' } : null,
  }));
  const standing = new Map<string, ConsentEvent>();
  for (const brand of new Set(events.map((e) => e.brand))) {
    const optOut = standingOptOut(events, brand);
    if (optOut) standing.set(optOut.id, optOut);
  }
  for (const optOut of standing.values()) {
    await client.query(
      `INSERT INTO consent_events (id, account_id, brand, recipient, kind, source, channel, wording, reference, ip, occurred_at, dated, recorded_at)
       VALUES ($1, $2, $3, $4, 'opt-out', $5, NULL, NULL, 'kept at the erasure of the number', NULL, $6, true, $7)`,
      [uuidv7(now.getTime()), accountId, optOut.brand, pseudonym, optOut.source, optOut.occurredAt, now],
    );
  }
  return standing.size;
}
