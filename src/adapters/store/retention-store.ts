import type pg from 'pg';
import { finalStatuses } from '../../core/message/status.ts';
import type { AccountCutoffs, AccountRetention, RetentionPeriods, RuleCounts } from '../../core/retention/index.ts';
import type { Db } from './database.ts';
import { pseudonymSql, type Pseudonyms } from './pseudonym.ts';
import type { RetentionStore } from '../../app/retention.ts';
import type { RetentionRun, RetentionChoices } from '../../app/ports/retention.ts';

/**
 * The retention job's statements (docs/retention.md). Every rule walks its rows in batches (`batch` rows per
 * statement, by a key an index gives in order) and each batch is ONE statement, hence its own short transaction:
 * no lock is held between batches, and the send path only ever waits for one batch's row locks.
 *
 * Each batch statement takes `$apply`: false for a dry run. The dry run walks the same batches with the same
 * predicates and changes nothing, so what it counts is what the run would do (test: dry-run counts = run counts).
 *
 * Pseudonymising keeps every row and every column that counts: status, parts, error codes, dates, campaign,
 * usage lines (a table of their own with no number in it) and invoices are untouched; only the number (replaced by
 * its keyed pseudonym, the same for the same number) and the text (emptied) go.
 */
export class PgRetentionStore implements RetentionStore, RetentionChoices {
  constructor(
    private readonly db: Db,
    private readonly pseudonyms: Pseudonyms,
    private readonly batch = 5_000,
    /** Called between batches (a pause that leaves room to the send path; a progress report). */
    private readonly between: () => Promise<void> = async () => undefined,
  ) {}

  /**
   * Runs `work` holding the job's session-level advisory lock on one connection; undefined when another process
   * holds it (two runs at once would walk the same rows twice).
   */
  async exclusive<T>(work: () => Promise<T>): Promise<T | undefined> {
    const client = await this.db.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RETENTION_LOCK]);
      if (!rows[0]!.locked) return undefined;
      try {
        return await work();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK]);
      }
    } finally {
      client.release();
    }
  }

  // --- settings and runs -------------------------------------------------------------------------------------------

  async settings(accountId: string): Promise<AccountRetention | undefined> {
    const { rows } = await this.db.pool.query<{ ceiling: Partial<RetentionPeriods> | null; chosen: Partial<RetentionPeriods> | null }>(
      'SELECT ceiling, chosen FROM retention_settings WHERE account_id = $1',
      [accountId],
    );
    return rows[0];
  }

  async saveSettings(accountId: string, change: { ceiling?: Partial<RetentionPeriods> | null; chosen?: Partial<RetentionPeriods> | null }, by: string, now: Date): Promise<void> {
    await this.db.pool.query(
      `INSERT INTO retention_settings (account_id, ceiling, chosen, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (account_id) DO UPDATE SET
         ceiling = CASE WHEN $6 THEN EXCLUDED.ceiling ELSE retention_settings.ceiling END,
         chosen = CASE WHEN $7 THEN EXCLUDED.chosen ELSE retention_settings.chosen END,
         updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
      [accountId, JSON.stringify(change.ceiling ?? null), JSON.stringify(change.chosen ?? null), now, by, 'ceiling' in change, 'chosen' in change],
    );
  }

  /** Every account with its stored settings. */
  async accounts(): Promise<{ id: string; settings: AccountRetention | undefined }[]> {
    const { rows } = await this.db.pool.query<{ id: string; ceiling: Partial<RetentionPeriods> | null; chosen: Partial<RetentionPeriods> | null; stored: boolean }>(
      `SELECT a.id, s.ceiling, s.chosen, s.account_id IS NOT NULL AS stored FROM accounts a LEFT JOIN retention_settings s ON s.account_id = a.id ORDER BY a.id`,
    );
    return rows.map((r) => ({ id: r.id, settings: r.stored ? { ceiling: r.ceiling, chosen: r.chosen } : undefined }));
  }

  async startRun(dryRun: boolean, requestedBy: string, now: Date): Promise<string> {
    const { rows } = await this.db.pool.query<{ id: string }>('INSERT INTO retention_runs (dry_run, requested_by, started_at) VALUES ($1, $2, $3) RETURNING id', [dryRun, requestedBy, now]);
    return String(rows[0]!.id);
  }

  async finishRun(id: string, counts: RuleCounts, now: Date, error?: string): Promise<void> {
    await this.db.pool.query('UPDATE retention_runs SET finished_at = $2, counts = $3, error = $4 WHERE id = $1', [id, now, JSON.stringify(counts), error ?? null]);
  }

  async runs(limit: number): Promise<RetentionRun[]> {
    const { rows } = await this.db.pool.query<{ id: string; dry_run: boolean; requested_by: string; started_at: Date; finished_at: Date | null; counts: RuleCounts; error: string | null }>(
      'SELECT * FROM retention_runs ORDER BY started_at DESC, id DESC LIMIT $1',
      [limit],
    );
    return rows.map((r) => ({ id: String(r.id), dryRun: r.dry_run, requestedBy: r.requested_by, startedAt: r.started_at, finishedAt: r.finished_at, counts: r.counts, error: r.error }));
  }

  // --- individual exchanges ----------------------------------------------------------------------------------------

  /**
   * The messages of the account's campaigns ended before the cut-off (completed or cancelled) and not erased yet:
   * each campaign walked by its (campaign_id, recipient) index. A campaign is marked erased (with its count of STOPs
   * at that moment, which its statistics keep) once no message of it is still in flight. Returns the count and the
   * campaigns erased (or that a dry run would erase), which the MO rule needs.
   */
  async campaignExchanges(accountId: string, cutoffs: AccountCutoffs, apply: boolean, now: Date): Promise<{ count: number; campaigns: string[] }> {
    const { rows: campaigns } = await this.db.pool.query<{ id: string; started: Date }>(
      `SELECT k.id, coalesce(k.started_at, k.created_at) AS started FROM campaigns k
       WHERE k.account_id = $1 AND k.status IN ('completed', 'cancelled') AND k.finished_at < $2
         AND NOT EXISTS (SELECT 1 FROM campaign_erasures e WHERE e.campaign_id = k.id)
       ORDER BY k.finished_at`,
      [accountId, cutoffs.exchanges],
    );
    let count = 0;
    const erased: string[] = [];
    for (const campaign of campaigns) {
      let after = '';
      let inFlight = 0;
      for (;;) {
        const { rows } = await this.db.pool.query<{ walked: number; eligible: number; in_flight: number; last: string | null }>(
          `WITH batch AS (
             SELECT id, recipient, status = ANY($5::text[]) AS in_flight, left(recipient, 1) <> '#' AND NOT status = ANY($5::text[]) AS eligible
             FROM messages WHERE campaign_id = $1 AND recipient > $2 ORDER BY recipient LIMIT $3),
           changed AS (
             UPDATE messages m SET recipient = ${this.pseudo('m.recipient', 6)}, body = ''
             FROM batch b WHERE $4 AND b.eligible AND m.id = b.id RETURNING m.id),
           parts AS (
             UPDATE message_parts p SET receipt_raw = NULL FROM changed c WHERE p.message_id = c.id AND p.receipt_raw IS NOT NULL)
           SELECT count(*)::int AS walked, (count(*) FILTER (WHERE eligible))::int AS eligible,
                  (count(*) FILTER (WHERE in_flight))::int AS in_flight, max(recipient) AS last FROM batch`,
          [campaign.id, after, this.batch, apply, IN_FLIGHT, ...this.pads()],
        );
        const row = rows[0]!;
        count += row.eligible;
        inFlight += row.in_flight;
        if (row.walked < this.batch || row.last === null) break;
        after = row.last;
        await this.between();
      }
      if (inFlight > 0) continue;
      erased.push(campaign.id);
      if (apply) await this.markCampaignErased(campaign.id, accountId, campaign.started, now);
    }
    return { count, campaigns: erased };
  }

  /** Records the campaign as erased with its STOPs counted as its statistics count them (campaign-store.ts). */
  private async markCampaignErased(campaignId: string, accountId: string, started: Date, now: Date): Promise<void> {
    await this.db.pool.query(
      `INSERT INTO campaign_erasures (campaign_id, stops_after, at)
       SELECT $1, count(DISTINCT i.sender)::int, $4 FROM inbound_messages i
       WHERE i.account_id = $2 AND i.intent = 'stop' AND i.received_at >= $3
         AND EXISTS (SELECT 1 FROM messages m WHERE m.campaign_id = $1 AND m.recipient = ${this.pseudo('i.sender', 5)})
       ON CONFLICT (campaign_id) DO NOTHING`,
      [campaignId, accountId, started, now, ...this.pads()],
    );
  }

  /**
   * Messages outside campaigns whose final state is older than the cut-off, walked by (account_id, created_at, id)
   * from the account's mark: the creation time before which every such message is already erased.
   */
  async exchanges(accountId: string, cutoffs: AccountCutoffs, apply: boolean): Promise<number> {
    return this.walkByTime({
      rule: 'exchanges',
      scope: accountId,
      apply,
      statement: (from) => ({
        text: `WITH batch AS (
                 SELECT id, created_at AS t,
                        campaign_id IS NULL AND left(recipient, 1) <> '#' AND status = ANY($6::text[]) AND coalesce(done_at, updated_at) < $4 AS eligible,
                        campaign_id IS NULL AND left(recipient, 1) <> '#' AND NOT (status = ANY($6::text[]) AND coalesce(done_at, updated_at) < $4) AS waiting
                 FROM messages WHERE account_id = $1 AND (created_at, id) > ($2::timestamptz, $3::uuid) AND created_at < $4
                 ORDER BY created_at, id LIMIT $5),
               changed AS (
                 UPDATE messages m SET recipient = ${this.pseudo('m.recipient', 8)}, body = ''
                 FROM batch b WHERE $7 AND b.eligible AND m.id = b.id RETURNING m.id),
               parts AS (
                 UPDATE message_parts p SET receipt_raw = NULL FROM changed c WHERE p.message_id = c.id AND p.receipt_raw IS NOT NULL)
               ${BATCH_SUMMARY}`,
        values: [accountId, from.t, from.id, cutoffs.exchanges, this.batch, FINAL, apply, ...this.pads()],
      }),
    });
  }

  /**
   * MOs received before the cut-off, walked by (account_id, received_at, id). An MO waits while a campaign of its
   * account that started before it is not erased (`erasedCampaigns`: those this run erases or would erase), so that
   * the campaign's statistics still find the STOPs it caused; unattributed MOs (no account) wait for nothing.
   */
  async inbound(accountId: string | null, cutoffs: AccountCutoffs, apply: boolean, erasedCampaigns: readonly string[]): Promise<number> {
    return this.walkByTime({
      rule: 'inbound',
      scope: accountId ?? 'unattributed',
      apply,
      statement: (from) => ({
        text: `WITH batch AS (
                 SELECT i.id, i.received_at AS t, left(i.sender, 1) <> '#' AS fresh,
                        NOT EXISTS (SELECT 1 FROM campaigns k WHERE k.account_id = i.account_id AND coalesce(k.started_at, k.created_at) <= i.received_at
                                      AND NOT k.id = ANY($6::uuid[]) AND NOT EXISTS (SELECT 1 FROM campaign_erasures e WHERE e.campaign_id = k.id)) AS free
                 FROM inbound_messages i WHERE ${accountId === null ? 'i.account_id IS NULL AND $1::uuid IS NULL' : 'i.account_id = $1::uuid'} AND (i.received_at, i.id) > ($2::timestamptz, $3::uuid) AND i.received_at < $4
                 ORDER BY i.received_at, i.id LIMIT $5),
               judged AS (SELECT id, t, fresh AND free AS eligible, fresh AND NOT free AS waiting FROM batch),
               changed AS (
                 UPDATE inbound_messages i SET sender = ${this.pseudo('i.sender', 8)}, body = ''
                 FROM judged b WHERE $7 AND b.eligible AND i.id = b.id RETURNING i.id)
               ${BATCH_SUMMARY.replace('FROM batch', 'FROM judged')}`,
        values: [accountId, from.t, from.id, cutoffs.exchanges, this.batch, erasedCampaigns, apply, ...this.pads()],
      }),
    });
  }

  /** The accounts MOs were attributed to, and null for the unattributed ones. */
  async inboundScopes(): Promise<(string | null)[]> {
    const { rows } = await this.db.pool.query<{ account_id: string | null }>(
      // A loose index scan: one probe per distinct account instead of reading every MO.
      `WITH RECURSIVE a AS (
         (SELECT account_id FROM inbound_messages WHERE account_id IS NOT NULL ORDER BY account_id LIMIT 1)
         UNION ALL
         SELECT (SELECT account_id FROM inbound_messages WHERE account_id > a.account_id ORDER BY account_id LIMIT 1) FROM a WHERE a.account_id IS NOT NULL)
       SELECT account_id FROM a WHERE account_id IS NOT NULL`,
    );
    return [...rows.map((r) => r.account_id), null];
  }

  /**
   * Walks a table by time from the scope's mark: each batch erases what is eligible; the new mark is the time of
   * the first row still waiting (its final state, its campaigns), or the last row walked when none waits.
   */
  private async walkByTime(walk: { rule: string; scope: string; apply: boolean; statement: (from: { t: Date | string; id: string }) => pg.QueryConfig }): Promise<number> {
    const mark = await this.mark(walk.rule, walk.scope);
    let from: { t: Date | string; id: string } = { t: mark ?? '-infinity', id: ZERO_UUID };
    let count = 0;
    let firstWaiting: Date | null = null;
    let last: Date | null = null;
    for (;;) {
      const { rows } = await this.db.pool.query<{ walked: number; eligible: number; first_waiting: Date | null; last_t: Date | null; last_id: string | null }>(walk.statement(from));
      const row = rows[0]!;
      count += row.eligible;
      firstWaiting ??= row.first_waiting;
      if (row.last_t) last = row.last_t;
      if (row.walked < this.batch || row.last_t === null || row.last_id === null) break;
      from = { t: row.last_t, id: row.last_id };
      await this.between();
    }
    const next = firstWaiting ?? last;
    // The mark moves to just before the first waiting row (rows at the same instant are walked again).
    if (walk.apply && next) await this.setMark(walk.rule, walk.scope, firstWaiting ? new Date(firstWaiting.getTime() - 1) : next);
    return count;
  }

  private async mark(rule: string, scope: string): Promise<Date | undefined> {
    const { rows } = await this.db.pool.query<{ mark: Date }>('SELECT mark FROM retention_marks WHERE rule = $1 AND scope = $2', [rule, scope]);
    return rows[0]?.mark;
  }

  private async setMark(rule: string, scope: string, mark: Date): Promise<void> {
    await this.db.pool.query(
      `INSERT INTO retention_marks (rule, scope, mark) VALUES ($1, $2, $3) ON CONFLICT (rule, scope) DO UPDATE SET mark = EXCLUDED.mark`,
      [rule, scope, mark],
    );
  }

  /** Receipts never matched to a message (their raw text may quote the message), older than the cut-off. */
  async unmatchedReceipts(cutoff: Date, apply: boolean): Promise<number> {
    return this.deleteInBatches('pending_receipts', 'received_at < $1', [cutoff], apply);
  }

  /** The frequency cap's day slots of the account (they name the recipient) for days before the cut-off. */
  async capSlots(accountId: string, cutoffs: AccountCutoffs, apply: boolean): Promise<number> {
    return this.deleteInBatches('marketing_slots', 'account_id = $1 AND local_day < $2::timestamptz::date', [accountId, cutoffs.exchanges], apply);
  }

  // --- qualification ------------------------------------------------------------------------------------------------

  /**
   * The account's qualifications checked before the cut-off: its answers (the number's operator and line state)
   * are deleted; its billed lookups keep their row, account, state, time and month under the number's pseudonym, so
   * billing still counts them per account and month (docs/operators.md, "Qualification").
   */
  async qualifications(accountId: string, cutoffs: AccountCutoffs, apply: boolean): Promise<{ answers: number; lookups: number }> {
    const answers = await this.deleteInBatches('qualifications', 'account_id = $1 AND checked_at < $2', [accountId, cutoffs.exchanges], apply);
    return { answers, lookups: await this.pseudonymiseBilled('qualification_lookups', 'looked_up_at', accountId, cutoffs.exchanges, apply) };
  }

  /**
   * The account's localisation hits (Géo Présence) before the cut-off: each keeps its row, outcome, campaign, time
   * and month under the number's pseudonym, so billing still counts them (docs/operators.md, "Géo Présence").
   */
  async localisationHits(accountId: string, cutoffs: AccountCutoffs, apply: boolean): Promise<number> {
    return this.pseudonymiseBilled('location_hits', 'asked_at', accountId, cutoffs.exchanges, apply);
  }

  /**
   * Billed rows (lookups, hits) before the cut-off still holding a number, `batch` at a time in the order of their
   * partial index on the rows not pseudonymised yet (`qualification_lookups_numbered`, `location_hits_numbered`: a
   * pseudonymised row leaves it, so each batch and each run start where work is left).
   */
  private async pseudonymiseBilled(table: 'qualification_lookups' | 'location_hits', at: 'looked_up_at' | 'asked_at', accountId: string, cutoff: Date, apply: boolean): Promise<number> {
    const numbered = `account_id = $1 AND ${at} < $2 AND left(msisdn, 1) <> '#'`;
    if (!apply) {
      const { rows } = await this.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${numbered}`, [accountId, cutoff]);
      return rows[0]!.n;
    }
    let count = 0;
    for (;;) {
      const { rowCount } = await this.db.pool.query(
        `UPDATE ${table} q SET msisdn = ${this.pseudo('q.msisdn', 4)}
         WHERE q.ctid = ANY (ARRAY(SELECT ctid FROM ${table} WHERE ${numbered} ORDER BY ${at} LIMIT $3))`,
        [accountId, cutoff, this.batch, ...this.pads()],
      );
      count += rowCount ?? 0;
      if ((rowCount ?? 0) < this.batch) return count;
      await this.between();
    }
  }

  // --- prospects ----------------------------------------------------------------------------------------------------

  /**
   * Contacts of the account's bases no longer to be solicited (PROJETCOM deontology annex, Part I Art. 4): their last
   * contact (added or changed in the base, an answer, a campaign message, pseudonymised or not) is older than the
   * cut-off; or their last N campaign messages (N = unansweredSolicitations, marketing handed to the SMSC) got no
   * answer after the first of them. They leave the base; the removal is recorded under the number's pseudonym.
   */
  async prospects(accountId: string, cutoffs: AccountCutoffs, apply: boolean, now: Date): Promise<{ inactive: number; unanswered: number }> {
    // Periods of a year or of solicitations do not need an hourly look at every contact: once a day per account
    // (a dry run says the same: nothing, when the next run will not look).
    const lastLook = await this.mark('prospects', accountId);
    if (lastLook && now.getTime() - lastLook.getTime() < PROSPECTS_EVERY_MS) return { inactive: 0, unanswered: 0 };
    if (apply) await this.setMark('prospects', accountId, now);
    const { rows: bases } = await this.db.pool.query<{ id: string }>('SELECT id FROM contact_bases WHERE account_id = $1 ORDER BY id', [accountId]);
    const counts = { inactive: 0, unanswered: 0 };
    for (const base of bases) {
      let after = '0';
      for (;;) {
        const { rows } = await this.db.pool.query<{ walked: number; inactive: number; unanswered: number; last: string | null }>(
          `WITH batch AS (
             SELECT c.id, c.base_id, c.mobile,
                    greatest(c.created_at, c.updated_at, c.last_activity_at, s.last_sent) < $4 AS inactive,
                    s.n >= $6 AND (c.last_activity_at IS NULL OR c.last_activity_at < s.first_of_n) AS unanswered
             FROM contacts c
             CROSS JOIN LATERAL (
               SELECT max(x.created_at) AS last_sent, count(*) AS n, min(x.created_at) AS first_of_n FROM (
                 SELECT m.created_at FROM campaigns k JOIN messages m ON m.campaign_id = k.id AND m.recipient IN (c.mobile, ${this.pseudo('c.mobile', 9)})
                 WHERE k.account_id = $1 AND k.class = 'marketing' AND m.status IN ('submitted', 'delivered', 'unknown')
                 ORDER BY m.created_at DESC LIMIT $6) x) s
             WHERE c.base_id = $2 AND c.id > $3 ORDER BY c.id LIMIT $5),
           removed AS (
             DELETE FROM contacts c USING batch b WHERE $7 AND (b.inactive OR b.unanswered) AND c.id = b.id
             RETURNING c.id, c.base_id, c.mobile),
           recorded AS (
             INSERT INTO contact_removals (account_id, base_id, mobile, reason, at)
             SELECT $1, r.base_id, ${this.pseudo('r.mobile', 9)}, CASE WHEN b.inactive THEN 'retention: not contacted for a year' ELSE 'retention: solicitations unanswered' END, $8
             FROM removed r JOIN batch b ON b.id = r.id)
           SELECT count(*)::int AS walked, (count(*) FILTER (WHERE inactive))::int AS inactive,
                  (count(*) FILTER (WHERE unanswered AND NOT inactive))::int AS unanswered, max(id)::text AS last FROM batch`,
          [accountId, base.id, after, cutoffs.prospects, this.batch, cutoffs.unansweredSolicitations, apply, now, ...this.pads()],
        );
        const row = rows[0]!;
        counts.inactive += row.inactive;
        counts.unanswered += row.unanswered;
        if (row.walked < this.batch || row.last === null) break;
        after = row.last;
        await this.between();
      }
    }
    return counts;
  }

  // --- the platform's data ------------------------------------------------------------------------------------------

  /** Sessions, sign-in failures and one-time tokens older than the cut-off. */
  async connections(cutoff: Date, apply: boolean): Promise<number> {
    return (
      (await this.deleteInBatches('sessions', 'greatest(last_seen_at, coalesce(revoked_at, last_seen_at)) < $1 AND expires_at < $1', [cutoff], apply)) +
      (await this.deleteInBatches('sign_in_failures', 'at < $1', [cutoff], apply)) +
      (await this.deleteInBatches('user_tokens', 'created_at < $1 AND expires_at < $1', [cutoff], apply))
    );
  }

  /** Audit entries older than the cut-off, through the trail's one door for deletions (migration 0012). */
  async audit(cutoff: Date, apply: boolean): Promise<number> {
    // The trigger counts a calendar year (366 days after a 29 February): never ask it for a younger entry.
    return this.deleteInBatches('audit_events', `at < $1 AND at < now() - interval '1 year'`, [cutoff], apply, `SET LOCAL relais.purge_audit = 'on'`);
  }

  /** The users of accounts closed before the cut-off, and the contact fields of those accounts. */
  async contractContacts(cutoff: Date, apply: boolean): Promise<number> {
    const closed = `SELECT id FROM accounts WHERE status = 'closed' AND status_changed_at < $1`;
    const users = await this.deleteInBatches('users', `account_id IN (${closed})`, [cutoff], apply);
    if (apply) await this.db.pool.query(`UPDATE accounts SET contact_email = NULL, contact_phone = NULL WHERE id IN (${closed}) AND (contact_email IS NOT NULL OR contact_phone IS NOT NULL)`, [cutoff]);
    return users;
  }

  /** Deletes matching rows `batch` at a time, each batch one short transaction; a dry run counts them. */
  private async deleteInBatches(table: string, where: string, values: unknown[], apply: boolean, setting?: string): Promise<number> {
    if (!apply) {
      const { rows } = await this.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, values);
      return rows[0]!.n;
    }
    let count = 0;
    const n = values.length + 1;
    for (;;) {
      const statement = `DELETE FROM ${table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table} WHERE ${where} LIMIT $${n}))`;
      const deleted = setting
        ? await inTransaction(this.db.pool, setting, statement, [...values, this.batch])
        : (await this.db.pool.query(statement, [...values, this.batch])).rowCount ?? 0;
      count += deleted;
      if (deleted < this.batch) return count;
      await this.between();
    }
  }

  /** The pseudonym of `expression` in SQL, the pads being parameters `$at` and `$at + 1` (see `pads`). */
  private pseudo(expression: string, at: number): string {
    return pseudonymSql(expression, `$${at}`, `$${at + 1}`);
  }

  private pads(): [Buffer, Buffer] {
    return [this.pseudonyms.ipad, this.pseudonyms.opad];
  }
}

// The retention types are the app's (app/ports/retention.ts); kept reachable from here.
export type { RetentionRun };

const FINAL = [...finalStatuses];
/** A campaign's messages that may still be sent or answered by the SMSC with a retry: their number is needed. */
const IN_FLIGHT = ['queued', 'held', 'submitting', 'in_doubt'];
/** The advisory lock key of the retention job ('RTNT'). */
const RETENTION_LOCK = 0x52544e54;
/** How often the prospect rules look at an account's contacts. */
const PROSPECTS_EVERY_MS = 86_400_000 - 60_000;
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/** The summary every time-walked batch ends with: counts, the first row still waiting, the last key walked. */
const BATCH_SUMMARY = `SELECT count(*)::int AS walked, (count(*) FILTER (WHERE eligible))::int AS eligible,
         min(t) FILTER (WHERE waiting) AS first_waiting,
         (array_agg(t ORDER BY t DESC, id DESC))[1] AS last_t, (array_agg(id::text ORDER BY t DESC, id DESC))[1] AS last_id
       FROM batch`;

async function inTransaction(pool: pg.Pool, setting: string, statement: string, values: unknown[]): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(setting);
    const result = await client.query(statement, values);
    await client.query('COMMIT');
    return result.rowCount ?? 0;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
