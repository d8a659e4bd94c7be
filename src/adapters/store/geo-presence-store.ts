/**
 * Localisation hits and geolocation acceptances (docs/operators.md, "Géo Présence"). Hits are appended, one row per
 * number asked, with their billing month; acceptances are an append-only ledger beside the consent ledger.
 */
import type { GeolocationConsent, GeolocationConsentEvidence, GeoPresenceStore, LocationHit } from '../../app/geo-presence.ts';
import { billingMonth } from '../../core/billing/index.ts';
import type { Db } from './database.ts';

/** SQL: a set of location_hits counted as billing reads it: every hit, and those that returned a position. */
export const HIT_COUNTS = `count(*)::int AS hits, (count(*) FILTER (WHERE outcome IN ('located', 'inside', 'outside')))::int AS located`;

interface ConsentRow {
  account_id: string;
  brand: string;
  recipient: string;
  accepted: boolean;
  channel: string | null;
  wording: string | null;
  reference: string | null;
  occurred_at: Date;
  recorded_at: Date;
  /** An opt-out of the consent ledger for the brand (or every brand) came after this event. */
  opted_out_since: boolean;
}

/**
 * Each number's latest geolocation event for the brand (ledger order: occurred_at, then id), and whether an opt-out
 * of the consent ledger (not retracted) for the brand or '*' came after it. $1 account, $2 brand, $3 numbers.
 */
const LATEST = `
  SELECT DISTINCT ON (g.recipient) g.*,
    EXISTS (SELECT 1 FROM consent_events e
            WHERE e.account_id = g.account_id AND e.recipient = g.recipient AND e.brand IN (g.brand, '*') AND e.kind = 'opt-out'
              AND e.occurred_at >= g.occurred_at
              AND NOT EXISTS (SELECT 1 FROM consent_retractions r WHERE r.event_id = e.id)) AS opted_out_since
  FROM geolocation_consents g
  WHERE g.account_id = $1 AND g.brand = $2 AND g.recipient = ANY($3::text[])
  ORDER BY g.recipient, g.occurred_at DESC, g.id DESC`;

export class PgGeoPresenceStore implements GeoPresenceStore {
  constructor(private readonly db: Db) {}

  async recordHits(accountId: string, hits: readonly LocationHit[]): Promise<void> {
    if (hits.length === 0) return;
    await this.db.pool.query(
      `INSERT INTO location_hits (account_id, msisdn, outcome, campaign_id, asked_at, month)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::uuid[], $5::timestamptz[], $6::text[])`,
      [accountId, hits.map((h) => h.msisdn), hits.map((h) => h.outcome), hits.map((h) => h.campaignId), hits.map((h) => h.at), hits.map((h) => billingMonth(h.at))],
    );
  }

  async hitsIn(month: string, accountId?: string): Promise<{ hits: number; located: number }> {
    const { rows } = await this.db.pool.query<{ hits: number; located: number }>(
      `SELECT ${HIT_COUNTS}
       FROM location_hits WHERE month = $1 AND ($2::uuid IS NULL OR account_id = $2::uuid)`,
      [month, accountId ?? null],
    );
    return rows[0]!;
  }

  async campaignHits(campaignId: string): Promise<number> {
    const { rows } = await this.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM location_hits WHERE campaign_id = $1`, [campaignId]);
    return rows[0]!.n;
  }

  async recordConsent(evidence: GeolocationConsentEvidence, now: Date): Promise<void> {
    await this.db.pool.query(
      `INSERT INTO geolocation_consents (account_id, brand, recipient, accepted, channel, wording, reference, occurred_at, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [evidence.accountId, evidence.brand, evidence.recipient, evidence.accepted, evidence.channel, evidence.wording, evidence.reference, evidence.occurredAt, now],
    );
  }

  async acceptedAmong(accountId: string, brand: string, msisdns: readonly string[]): Promise<Set<string>> {
    if (msisdns.length === 0) return new Set();
    const { rows } = await this.db.pool.query<ConsentRow>(LATEST, [accountId, brand, msisdns]);
    return new Set(rows.filter((r) => r.accepted && !r.opted_out_since).map((r) => r.recipient));
  }

  async consentOf(accountId: string, brand: string, msisdn: string): Promise<GeolocationConsent> {
    const { rows } = await this.db.pool.query<ConsentRow>(LATEST, [accountId, brand, [msisdn]]);
    const row = rows[0];
    if (!row) return { accepted: false, latest: null };
    return {
      accepted: row.accepted && !row.opted_out_since,
      latest: {
        accountId: row.account_id,
        brand: row.brand,
        recipient: row.recipient,
        accepted: row.accepted,
        channel: row.channel,
        wording: row.wording,
        reference: row.reference,
        occurredAt: row.occurred_at,
        recordedAt: row.recorded_at,
      },
    };
  }
}
