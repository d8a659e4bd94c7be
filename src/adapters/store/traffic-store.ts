import type { TrafficCounts } from '../../core/reports/traffic.ts';
import { monthRange } from '../../core/reports/months.ts';
import type { Db } from './database.ts';

/**
 * Traffic per short code and month (docs/monitoring.md, "Traffic report"). A month in progress is counted afresh at
 * each read; a month that is over is counted once and frozen in traffic_months, so that purging old messages later
 * changes neither its report nor the forecasts made from it.
 */
export class PgTrafficStore {
  constructor(private readonly db: Db) {}

  /** Every short code with its subscribed rate (null for those no longer configured but seen in the traffic). */
  async subscribedRates(): Promise<Map<string, number>> {
    const { rows } = await this.db.pool.query<{ number: string; rate_per_second: number }>('SELECT number, rate_per_second FROM short_codes ORDER BY number');
    return new Map(rows.map((r) => [r.number, r.rate_per_second]));
  }

  /** The month's counts per short code (short codes configured but silent get a line of zeros). */
  async month(month: string, now: Date): Promise<TrafficCounts[]> {
    const { from, to } = monthRange(month);
    if (to <= now) {
      const frozen = await this.frozen([month]);
      if (frozen.length > 0) return frozen;
      const counted = await this.count(month);
      await this.freeze(counted, now);
      return counted;
    }
    return from <= now ? this.count(month) : this.zeros(month);
  }

  /** The counts of several months (for the forecast), each frozen or counted as `month` does. */
  async months(months: readonly string[], now: Date): Promise<TrafficCounts[]> {
    const out: TrafficCounts[] = [];
    for (const m of months) out.push(...(await this.month(m, now)));
    return out;
  }

  private async frozen(months: readonly string[]): Promise<TrafficCounts[]> {
    const { rows } = await this.db.pool.query<{ short_code: string; month: string; mt_submitted: string; mt_delivered: string; mo_received: string; stops: string; peak_per_second: number }>(
      'SELECT * FROM traffic_months WHERE month = ANY ($1::text[]) ORDER BY month, short_code',
      [months],
    );
    return rows.map((r) => ({
      shortCode: r.short_code,
      month: r.month,
      mtSubmitted: Number(r.mt_submitted),
      mtDelivered: Number(r.mt_delivered),
      moReceived: Number(r.mo_received),
      stops: Number(r.stops),
      peakPerSecond: r.peak_per_second,
    }));
  }

  private async freeze(counts: readonly TrafficCounts[], now: Date): Promise<void> {
    if (counts.length === 0) return;
    await this.db.pool.query(
      `INSERT INTO traffic_months (short_code, month, mt_submitted, mt_delivered, mo_received, stops, peak_per_second, computed_at)
       SELECT *, $8::timestamptz FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::int[])
       ON CONFLICT (short_code, month) DO NOTHING`,
      [counts.map((c) => c.shortCode), counts.map((c) => c.month), counts.map((c) => c.mtSubmitted), counts.map((c) => c.mtDelivered), counts.map((c) => c.moReceived), counts.map((c) => c.stops), counts.map((c) => c.peakPerSecond), now],
    );
  }

  private async zeros(month: string): Promise<TrafficCounts[]> {
    return [...(await this.subscribedRates()).keys()].map((shortCode) => ({ shortCode, month, mtSubmitted: 0, mtDelivered: 0, moReceived: 0, stops: 0, peakPerSecond: 0 }));
  }

  /**
   * One pass per source over the month's range:
   * - MT submitted and the busiest second: the parts the SMSC accepted (message_parts.submitted_at, indexed), with
   *   their message's short code; the busiest second is the largest count in one calendar second.
   * - MT delivered: usage lines (they outlive the messages) whose final state, recorded in the month, is delivered.
   * - MO and STOPs: inbound messages to the short code; an MO attributed to several accounts is stored once per
   *   account, so copies (same route, sender and instant) count once.
   */
  private async count(month: string): Promise<TrafficCounts[]> {
    const { from, to } = monthRange(month);
    const { rows } = await this.db.pool.query<{ short_code: string; mt_submitted: string; mt_delivered: string; mo_received: string; stops: string; peak_per_second: number }>(
      `WITH parts AS (
         SELECT m.short_code, date_trunc('second', p.submitted_at) AS second, count(*) AS n
         FROM message_parts p JOIN messages m ON m.id = p.message_id
         WHERE p.submitted_at >= $1 AND p.submitted_at < $2
         GROUP BY 1, 2),
       mt AS (SELECT short_code, sum(n) AS submitted, max(n) AS peak FROM parts GROUP BY 1),
       delivered AS (SELECT short_code, sum(parts) AS delivered FROM usage_lines WHERE month = $3 AND final_state = 'delivered' GROUP BY 1),
       mo AS (SELECT recipient AS short_code, count(*) AS received, count(*) FILTER (WHERE intent = 'stop') AS stops
              FROM (SELECT DISTINCT ON (route, sender, received_at) recipient, intent FROM inbound_messages
                    WHERE received_at >= $1 AND received_at < $2) one GROUP BY 1),
       codes AS (SELECT number AS short_code FROM short_codes UNION SELECT short_code FROM mt UNION SELECT short_code FROM delivered UNION SELECT short_code FROM mo)
       SELECT c.short_code, coalesce(mt.submitted, 0) AS mt_submitted, coalesce(d.delivered, 0) AS mt_delivered,
              coalesce(mo.received, 0) AS mo_received, coalesce(mo.stops, 0) AS stops, coalesce(mt.peak, 0)::int AS peak_per_second
       FROM codes c LEFT JOIN mt USING (short_code) LEFT JOIN delivered d USING (short_code) LEFT JOIN mo USING (short_code)
       ORDER BY c.short_code`,
      [from, to, month],
    );
    return rows.map((r) => ({
      shortCode: r.short_code,
      month,
      mtSubmitted: Number(r.mt_submitted),
      mtDelivered: Number(r.mt_delivered),
      moReceived: Number(r.mo_received),
      stops: Number(r.stops),
      peakPerSecond: r.peak_per_second,
    }));
  }
}
