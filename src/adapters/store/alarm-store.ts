import { DateTime } from 'luxon';
import { alarmDays, DEFAULT_PLAN, DEFAULT_SPIKE, rateUsage, billedParts, type Alarm, type AlarmFigures, type AlarmSettings, type PricePlan, type UsageCount } from '../../core/billing/index.ts';
import type { Db } from './database.ts';
import { eventsFrom, transaction } from './sql.ts';
import type { AccountAlarms, RaisedAlarm, SendingHold } from '../../app/ports/alarms.ts';
import type { AlarmStore } from '../../app/billing-alarms.ts';
import { HIT_COUNTS } from './geo-presence-store.ts';

// The alarm types are the app's (app/ports/alarms.ts); kept reachable from here.
export type { RaisedAlarm, SendingHold };

type AlarmRow = { id: string; account_id: string; kind: Alarm['kind']; key: string; period: string; message: string; figures: Record<string, number>; raised_at: Date; notified_at: Date | null };
const toAlarm = (r: AlarmRow): RaisedAlarm => ({ id: String(r.id), accountId: r.account_id, kind: r.kind, key: r.key, period: r.period, message: r.message, figures: r.figures, raisedAt: r.raised_at, notifiedAt: r.notified_at });

/** Alarm settings, the figures they are judged on, the alarms raised and the holds of the hard cap (docs/billing.md, "Alarms"). */
export class PgAlarmStore implements AlarmStore, AccountAlarms {
  constructor(private readonly db: Db) {}

  async settingsOf(accountId: string): Promise<AlarmSettings | undefined> {
    const { rows } = await this.db.pool.query<{ settings: AlarmSettings }>(`SELECT settings FROM alarm_settings WHERE account_id = $1`, [accountId]);
    return rows[0]?.settings;
  }

  /** Sets the settings (checked by the caller); null removes them (and a hold they made). */
  async setSettings(accountId: string, settings: AlarmSettings | null, by: string | null, now: Date): Promise<void> {
    if (settings === null) {
      await this.db.pool.query(`DELETE FROM alarm_settings WHERE account_id = $1`, [accountId]);
      await this.setHolds([accountId], new Map(), '', now);
      return;
    }
    await this.db.pool.query(
      `INSERT INTO alarm_settings (account_id, settings, updated_at, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
      [accountId, JSON.stringify(settings), now, by],
    );
  }

  /** Every account with alarm settings (only those are evaluated). */
  async watched(accountId?: string): Promise<{ accountId: string; settings: AlarmSettings }[]> {
    const { rows } = await this.db.pool.query<{ account_id: string; settings: AlarmSettings }>(
      `SELECT s.account_id, s.settings FROM alarm_settings s JOIN accounts a ON a.id = s.account_id
       WHERE a.status <> 'closed' AND ($1::uuid IS NULL OR s.account_id = $1) ORDER BY s.account_id`,
      [accountId ?? null],
    );
    return rows.map((r) => ({ accountId: r.account_id, settings: r.settings }));
  }

  /**
   * The figures of the given accounts at `now`: the month's running cost and billed parts (their usage lines and
   * MSISDNs qualified rated by their plans, as GET /v1/usage shows them), and the parts accepted per hour
   * (Europe/Paris) today and on the same weekday of each of the last `weeks` weeks (messages by account and creation time: the index messages_account_created).
   */
  async figures(accountIds: readonly string[], month: string, now: Date, weeks: number = DEFAULT_SPIKE.weeks): Promise<Map<string, AlarmFigures>> {
    const days = alarmDays(now, weeks);
    const starts = days.map((day) => DateTime.fromISO(day, { zone: 'Europe/Paris' }));
    const [{ rows: counts }, { rows: plans }, { rows: held }, { rows: hourly }, { rows: lookups }, { rows: hits }] = await Promise.all([
      this.db.pool.query<{ account_id: string; class: UsageCount['class']; short_code: string; final_state: string; settled_by: UsageCount['settledBy']; parts: number }>(
        `SELECT account_id, class, short_code, final_state, settled_by, sum(parts)::int AS parts FROM usage_lines
         WHERE account_id = ANY ($1::uuid[]) AND month = $2 GROUP BY account_id, class, short_code, final_state, settled_by`,
        [accountIds, month],
      ),
      this.db.pool.query<{ account_id: string; plan: PricePlan }>(`SELECT account_id, plan FROM billing_plans WHERE account_id = ANY ($1::uuid[])`, [accountIds]),
      this.db.pool.query<{ account_id: string; short_code: string }>(`SELECT account_id, short_code FROM account_short_codes WHERE account_id = ANY ($1::uuid[]) ORDER BY short_code`, [accountIds]),
      this.db.pool.query<{ account_id: string; day: number; hour: number; parts: number }>(
        `SELECT m.account_id, d.day, extract(hour FROM m.created_at AT TIME ZONE 'Europe/Paris')::int AS hour, sum(m.segments)::int AS parts
         FROM unnest($2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS d(starts, ends, day)
         JOIN messages m ON m.account_id = ANY ($1::uuid[]) AND m.created_at >= d.starts AND m.created_at < d.ends AND m.created_at <= $4
         WHERE m.status <> 'rejected'
         GROUP BY m.account_id, d.day, hour`,
        [accountIds, starts.map((s) => s.toJSDate()), starts.map((s) => s.plus({ days: 1 }).toJSDate()), now],
      ),
      this.db.pool.query<{ account_id: string; n: number }>(
        `SELECT account_id, count(*)::int AS n FROM qualification_lookups WHERE month = $2 AND account_id = ANY ($1::uuid[]) GROUP BY account_id`,
        [accountIds, month],
      ),
      // Localisation hits (Géo Présence), priced when the plan includes a localisation grid.
      this.db.pool.query<{ account_id: string; hits: number; located: number }>(
        `SELECT account_id, ${HIT_COUNTS}
         FROM location_hits WHERE account_id = ANY ($1::uuid[]) AND month = $2 GROUP BY account_id`,
        [accountIds, month],
      ),
    ]);
    const qualified = new Map(lookups.map((r) => [r.account_id, r.n]));
    const localisation = new Map(hits.map((r) => [r.account_id, { hits: r.hits, located: r.located }]));
    const figures = new Map<string, AlarmFigures & { today: number[]; sameWeekdays: number[][] }>();
    for (const id of accountIds) figures.set(id, { spend: 0, volume: 0, today: new Array(24).fill(0), sameWeekdays: Array.from({ length: weeks }, () => new Array(24).fill(0)) });
    for (const r of hourly) {
      const f = figures.get(r.account_id)!;
      const day = Number(r.day) - 1;
      (day === 0 ? f.today : f.sameWeekdays[day - 1]!)[r.hour] = r.parts;
    }
    const planOf = new Map(plans.map((p) => [p.account_id, p.plan]));
    const group = <T>(rows: readonly { account_id: string }[], map: (r: never) => T) => {
      const out = new Map<string, T[]>();
      for (const r of rows) out.set(r.account_id, [...(out.get(r.account_id) ?? []), map(r as never)]);
      return out;
    };
    const usage = group(counts, (r: (typeof counts)[number]): UsageCount => ({ class: r.class, shortCode: r.short_code, finalState: r.final_state, settledBy: r.settled_by, parts: r.parts }));
    const shortCodes = group(held, (r: (typeof held)[number]) => r.short_code);
    for (const id of accountIds) {
      const plan = planOf.get(id) ?? DEFAULT_PLAN;
      const lines = usage.get(id) ?? [];
      const f = figures.get(id)!;
      figures.set(id, { ...f, spend: rateUsage({ plan, month, counts: lines, shortCodes: shortCodes.get(id) ?? [], qualified: qualified.get(id) ?? 0, localisation: localisation.get(id) }).total, volume: billedParts(plan, lines) });
    }
    return figures;
  }

  /**
   * Records the alarms; one already raised (same account, kind, key, period) is left as it is. A new one is handed,
   * in the same statement, to every active webhook of the account when its settings say so. Returns the new ones.
   */
  async raise(accountId: string, alarms: readonly Alarm[], toWebhooks: boolean, now: Date): Promise<RaisedAlarm[]> {
    if (alarms.length === 0) return [];
    const { rows } = await this.db.pool.query<AlarmRow>(
      `WITH raised AS (
         INSERT INTO alarms (account_id, kind, key, period, message, figures, raised_at)
         SELECT $1, kind, key, period, message, figures, $7 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[]) AS a(kind, key, period, message, figures)
         ON CONFLICT (account_id, kind, key, period) DO NOTHING
         RETURNING *),
       hooks AS (
         INSERT INTO webhook_deliveries (webhook_id, alarm_id, next_attempt_at, created_at)
         SELECT w.id, r.id, $7, $7 FROM raised r JOIN webhooks w ON w.account_id = r.account_id AND w.active WHERE $8)
       SELECT * FROM raised ORDER BY id`,
      [accountId, alarms.map((a) => a.kind), alarms.map((a) => a.key), alarms.map((a) => a.period), alarms.map((a) => a.message), alarms.map((a) => JSON.stringify(a.figures)), now, toWebhooks],
    );
    return rows.map(toAlarm);
  }

  /**
   * Takes the alarms of these accounts whose e-mails and SMS are not sent yet, marking them sent (SKIP LOCKED: two sweeping processes
   * never take the same one); `unsent` gives back those whose sending failed, for the next sweep.
   */
  async claimToNotify(now: Date, accountIds: readonly string[], limit = 100): Promise<RaisedAlarm[]> {
    const { rows } = await this.db.pool.query<AlarmRow>(
      `UPDATE alarms SET notified_at = $1
       WHERE id IN (SELECT id FROM alarms WHERE notified_at IS NULL AND account_id = ANY ($3::uuid[]) ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now, limit, accountIds],
    );
    return rows.map(toAlarm).sort((a, b) => Number(a.id) - Number(b.id));
  }

  async unsent(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.db.pool.query(`UPDATE alarms SET notified_at = NULL WHERE id = ANY ($1::bigint[])`, [ids]);
  }

  /** The account's alarms, newest first. */
  async list(accountId: string, filter: { period?: string; limit?: number } = {}): Promise<RaisedAlarm[]> {
    const { rows } = await this.db.pool.query<AlarmRow>(
      `SELECT * FROM alarms WHERE account_id = $1 AND ($2::text IS NULL OR period LIKE $2 || '%') ORDER BY id DESC LIMIT $3`,
      [accountId, filter.period ?? null, filter.limit ?? 100],
    );
    return rows.map(toAlarm);
  }

  /**
   * Sets which of the given accounts are held: those in `capped` get (or keep) a hold for `month`, the others lose
   * theirs. Returns the accounts released (their held messages may leave: ring the dispatcher).
   */
  async setHolds(accountIds: readonly string[], capped: ReadonlyMap<string, string>, month: string, now: Date): Promise<{ held: string[]; released: string[] }> {
    return transaction(this.db.pool, async (client) => {
      const ids = [...capped.keys()];
      const { rows: held } = await client.query<{ account_id: string }>(
        `INSERT INTO sending_holds (account_id, month, reason, since) SELECT id, $3, reason, $4 FROM unnest($1::uuid[], $2::text[]) AS h(id, reason)
         ON CONFLICT (account_id) DO UPDATE SET month = EXCLUDED.month, reason = EXCLUDED.reason
           WHERE sending_holds.month <> EXCLUDED.month OR sending_holds.reason <> EXCLUDED.reason
         RETURNING account_id`,
        [ids, ids.map((id) => capped.get(id)!), month, now],
      );
      const { rows: released } = await client.query<{ account_id: string }>(
        `DELETE FROM sending_holds WHERE account_id = ANY ($1::uuid[]) AND NOT account_id = ANY ($2::uuid[]) RETURNING account_id`,
        [accountIds, ids],
      );
      // What waits says so: the queued messages of a held account are `held` (an event each, with the reason);
      // released, they are queued again (those of a campaign paused meanwhile wait for its resume, as after a
      // suspension). The claim skips a held account's messages whatever their status: this is what a reader sees.
      await client.query(
        `WITH moved AS (
           UPDATE messages m SET status = 'held', updated_at = $3
           FROM unnest($1::uuid[], $2::text[]) AS h(id, reason)
           WHERE m.account_id = h.id AND m.status = 'queued'
           RETURNING m.id, m.account_id, m.status, h.reason, $3::timestamptz AS at)
         ${eventsFrom('moved')}
         SELECT 1`,
        [ids, ids.map((id) => capped.get(id)!), now],
      );
      const freed = released.map((r) => r.account_id);
      if (freed.length > 0) {
        await client.query(
          `WITH moved AS (
             UPDATE messages m SET status = 'queued', updated_at = $2
             FROM accounts a
             WHERE a.id = m.account_id AND m.account_id = ANY ($1::uuid[]) AND a.status = 'active' AND m.status = 'held'
               AND (m.campaign_id IS NULL OR NOT EXISTS (SELECT 1 FROM campaigns c WHERE c.id = m.campaign_id AND c.status = 'paused'))
             RETURNING m.id, m.account_id, m.status, 'the hard cap no longer holds the account''s sending' AS reason, $2::timestamptz AS at)
           ${eventsFrom('moved')}
           SELECT 1`,
          [freed, now],
        );
      }
      return { held: held.map((r) => r.account_id), released: freed };
    });
  }

  async holdOf(accountId: string): Promise<SendingHold | undefined> {
    const { rows } = await this.db.pool.query<{ account_id: string; month: string; reason: string; since: Date }>(`SELECT * FROM sending_holds WHERE account_id = $1`, [accountId]);
    return rows[0] && { accountId: rows[0].account_id, month: rows[0].month, reason: rows[0].reason, since: rows[0].since };
  }
}
