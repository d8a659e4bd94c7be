import type pg from 'pg';
import { finalReceiptStates, receiptOutcome } from '../../core/message/receipts.ts';
import { failedOver } from '../../core/routing/index.ts';
import type { AttemptOutcome, ClaimedMessage, ClaimWant, LateAnswer, Logger, MobileOriginated, OutboxStore, Receipt } from '../../app/ports.ts';
import { Coalescer } from './coalescer.ts';
import { consentStateSql } from './consent-sql.ts';
import { decisionColumns, insertDecisionsSql } from './route-decisions.ts';
import type { Db } from './database.ts';
import { uuidv7 } from './ids.ts';
import { settleLateAnswer } from './late-answers.ts';
import { eventsFrom, prepared } from './sql.ts';

type Client = Pick<pg.Pool, 'query'>;
type RoutedReceipt = { route: string; receipt: Receipt };
type Write = { outcomes: AttemptOutcome[]; receipts: RoutedReceipt[]; now: Date };

/**
 * The dispatcher's side of the outbox. Every query here is written out in SQL because each one is a
 * concurrency argument; the comment above each says why it is safe.
 */
export class PgOutboxStore implements OutboxStore {
  /**
   * Outcomes and receipts recorded at the same moment are written together (see Coalescer). A failed write is
   * written again from what is really stored: both statements change nothing the second time (outcomeSql,
   * receiptSql). One record that can never be written is set aside (setAside) and the writer goes on.
   */
  private readonly writer: Coalescer<Write>;

  /**
   * The suspended and closed accounts, and those held by their hard cap, read before each claim, which leaves their messages where they are. (Given
   * to the claim as a list rather than joined: a join made the planner sort every due row of the short code, 13 ms
   * instead of 1.5 ms for 500 of 20,000.)
   */
  private async blockedAccounts(): Promise<string[]> {
    const { rows } = await this.db.pool.query<{ ids: string[] }>(blockedSql([]));
    return rows[0]!.ids;
  }

  constructor(
    private readonly db: Db,
    private readonly log?: Logger,
  ) {
    this.writer = new Coalescer(async (writes) => {
      try {
        await this.write(writes);
      } catch (error) {
        // The Coalescer writes each record of a failed batch on its own: the one that fails alone, for good, is set aside.
        if (writes.length > 1 || !neverWritable(error)) throw error;
        await this.setAside(writes[0]!, error);
      }
    }, 2_000);
  }

  private async write(writes: Write[]): Promise<void> {
    const now = writes.at(-1)!.now;
    const outcomes = writes.flatMap((b) => b.outcomes);
    const newParts = outcomes.length > 0 ? await applyOutcomes(this.db.pool, outcomes, now) : [];
    await applyReceipts(this.db.pool, writes.flatMap((b) => b.receipts), newParts, now);
  }

  /**
   * A record PostgreSQL refuses for its content (an SQLSTATE of class 22 or 23: no retry can change that) is
   * kept in `dead_letters` with the reason, as JSON, which nothing can refuse — and the record counts as stored,
   * so a link acknowledges the receipt instead of having the SMSC send it for ever. A submit outcome set aside
   * leaves the message's fate unknown to Relais: it is put in doubt (the account's policy applies).
   */
  private async setAside(write: Write, error: unknown): Promise<void> {
    const reason = printable(`${(error as { code?: string }).code ?? ''} ${(error as Error).message}`.trim());
    const letters = [
      ...write.outcomes.map((o) => ({ kind: 'outcome', route: o.route, subject: o.messageId, payload: asJson(o) })),
      ...write.receipts.map((r) => ({ kind: 'receipt', route: r.route, subject: r.receipt.smscMessageId, payload: asJson(r.receipt) })),
    ];
    await this.db.pool.query(
      `INSERT INTO dead_letters (kind, route, subject, reason, payload, set_aside_at)
       SELECT kind, route, subject, $4, payload, $5 FROM unnest($1::text[], $2::text[], $3::text[], $6::text[]) AS l(kind, route, subject, payload)`,
      [letters.map((l) => l.kind), letters.map((l) => printable(l.route)), letters.map((l) => printable(l.subject)), reason, write.now, letters.map((l) => l.payload)],
    );
    const inDoubt = write.outcomes.map((o): AttemptOutcome => ({
      messageId: o.messageId,
      route: o.route,
      acceptedParts: [],
      kind: 'in-doubt',
      reason: `in doubt: the outcome of its submit could not be stored (${reason}); kept in dead_letters`,
    }));
    if (inDoubt.length > 0) await applyOutcomes(this.db.pool, inDoubt, write.now);
    this.log?.error({ reason, setAside: letters.map((l) => ({ kind: l.kind, route: l.route, subject: l.subject })) }, 'a write that can never succeed was set aside in dead_letters');
  }

  /**
   * Claim: for each (route, short code), lock its due rows with SKIP LOCKED (two dispatchers never get the same row,
   * and neither waits for the other), mark them `submitting` and record the event, all in one statement, so
   * "submitting" is durable before any PDU leaves. Transactional rows (priority 0) come first.
   */
  async claimDue(wants: ClaimWant[], now: Date): Promise<ClaimedMessage[]> {
    const blocked = await this.blockedAccounts();
    const { rows } = await this.db.pool.query(claimSql([wants.map((w) => w.shortCode), wants.map((w) => w.limit), now, blocked, wants.map((w) => w.route)]));
    return rows.map((r) => ({
      id: r.id,
      accountId: r.account_id,
      recipient: r.recipient,
      sender: r.sender,
      shortCode: r.short_code,
      body: r.body,
      encoding: r.encoding,
      segments: r.segments,
      partsAccepted: r.parts_accepted,
      attempts: r.attempts,
    }));
  }

  /**
   * Two statements, each atomic on its own: the outcomes (parts accepted, status changes), then the
   * receipts — this batch's and those that were waiting for the parts just recorded. The promise resolves
   * once both are committed, which is when a link may acknowledge the receipts.
   */
  async record(batch: { outcomes: AttemptOutcome[]; receipts: RoutedReceipt[] }, now: Date): Promise<void> {
    if (batch.outcomes.length === 0 && batch.receipts.length === 0) return;
    await this.writer.submit({ ...batch, now });
  }

  async recordInbound(route: string, mo: MobileOriginated): Promise<void> {
    await this.db.kysely
      .insertInto('inbound_messages')
      .values({ id: uuidv7(mo.receivedAt.getTime()), route, sender: mo.from, recipient: mo.to, body: mo.text, received_at: mo.receivedAt })
      .execute();
  }

  /** For ids recorded by another process after their receipt arrived here (or the reverse). */
  async matchPendingReceipts(now: Date): Promise<number> {
    const { rows } = await this.db.pool.query<{ route: string; smsc_message_id: string }>(
      `SELECT pr.route, pr.smsc_message_id FROM pending_receipts pr
       JOIN message_parts p ON p.route = pr.route AND p.smsc_message_id = pr.smsc_message_id`,
    );
    if (rows.length > 0) await applyReceipts(this.db.pool, [], rows.map((r) => ({ route: r.route, smscMessageId: r.smsc_message_id })), now);
    return rows.length;
  }

  /** A late answer settles a message in doubt (late-answers.ts); a receipt already waiting for the part's id is matched. */
  async settleLateAnswer({ messageId, route, partIndex, answer }: { messageId: string; route: string; partIndex: number; answer: LateAnswer }, now: Date): Promise<boolean> {
    const settled = await settleLateAnswer(this.db, messageId, route, partIndex, answer, now);
    if (settled && answer.kind === 'accepted') await this.matchPendingReceipts(now);
    return settled;
  }

  /** Take or renew the lease; succeeds when free, expired, or already ours. */
  async acquireLease(route: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    const result = await this.db.pool.query(
      `INSERT INTO route_leases (route, owner, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (route) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
       WHERE route_leases.owner = EXCLUDED.owner OR route_leases.expires_at < $4`,
      [route, owner, new Date(now.getTime() + ttlMs), now],
    );
    return result.rowCount === 1;
  }

  async releaseLease(route: string, owner: string): Promise<void> {
    await this.db.pool.query('DELETE FROM route_leases WHERE route = $1 AND owner = $2', [route, owner]);
  }

  /**
   * Called by a new lease owner before it claims anything: every row still `submitting` on these routes
   * belongs to an owner that is gone, and nobody knows whether its PDU left. Account policy decides:
   * `hold` marks it in doubt for a person to decide; `retry` queues it again, flagged as a possible duplicate.
   */
  async recoverOrphans(routes: string[], now: Date): Promise<{ inDoubt: number; requeued: number }> {
    const reason = 'in doubt: the dispatcher stopped while this message was being submitted';
    const { rows } = await this.db.pool.query(
      `WITH orphans AS (
         UPDATE messages m SET
           status = CASE a.in_doubt_policy WHEN 'retry' THEN 'queued' ELSE 'in_doubt' END,
           possible_duplicate = m.possible_duplicate OR a.in_doubt_policy = 'retry',
           due_at = $2, error_reason = $3, updated_at = $2
         FROM accounts a
         WHERE a.id = m.account_id AND m.status = 'submitting' AND m.route = ANY ($1)
         RETURNING m.id, m.account_id, m.status,
                   $3 || CASE a.in_doubt_policy WHEN 'retry' THEN '; queued again per account policy (possible duplicate)' ELSE '' END AS reason,
                   $2::timestamptz AS at)
       ${eventsFrom('orphans')}
       SELECT count(*) FILTER (WHERE status = 'in_doubt')::int AS in_doubt, count(*) FILTER (WHERE status = 'queued')::int AS requeued
       FROM orphans`,
      [routes, now, reason],
    );
    return { inDoubt: rows[0].in_doubt, requeued: rows[0].requeued };
  }

  /**
   * Failover: the queued messages of `from` whose fallbacks name a usable route move to the first such route, each
   * with a `queued` event saying why. SKIP LOCKED leaves a message being claimed to its claim (it is then no longer
   * queued), so a message is never on two routes at once; it keeps its remaining fallbacks.
   */
  async failOver(from: string, usable: readonly string[], reason: string, limit: number, now: Date): Promise<number> {
    // The decisions on `from` with a usable fallback (a small table), each with where failover takes it.
    const { rows: decided } = await this.db.pool.query<{ id: string; fallbacks: string[] }>(
      'SELECT id, fallbacks FROM route_decisions WHERE route = $1 AND fallbacks && $2::text[]',
      [from, [...usable]],
    );
    const moves = decided.map((d) => {
      const to = failedOver({ route: from, fallbacks: d.fallbacks }, usable, reason)!;
      return { from: d.id, to: { name: to.route, reason: to.reason, fallbacks: to.fallbacks } };
    });
    if (moves.length === 0) return 0;
    const { decisions, positions } = decisionColumns(moves, (move) => move.to);
    const { rows } = await this.db.pool.query<{ moved: number }>(failOverSql([from, moves.map((m) => m.from), positions, limit, now, ...decisions]));
    return rows[0]!.moved;
  }
}

// An account held by its hard cap (sending_holds, docs/billing.md "Alarms") waits like a suspended one: a read of a small table.
const blockedSql = prepared('relais_blocked_accounts_v2', `SELECT array(SELECT id FROM accounts WHERE status <> 'active' UNION SELECT account_id FROM sending_holds) AS ids`);

/** Why a queued message was suppressed at the claim. */
const OPTED_OUT_REASON = 'the recipient opted out (STOP) for this brand after the message was accepted';

/**
 * The claim is the last gate before the SMSC: a marketing message whose recipient opted out since it was
 * accepted (a STOP on any door, at any moment) is suppressed here instead of being handed out. Nothing of a
 * suspended or closed account leaves.
 */
const claimSql = prepared(
  'relais_claim_v5',
  `WITH due AS (
     SELECT d.id, d.opted_out FROM unnest($1::text[], $2::int[], $5::text[]) AS w(short_code, lim, route)
     CROSS JOIN LATERAL (
       SELECT m.id, (m.class = 'marketing' AND ${consentStateSql({ account: 'm.account_id', brand: 'm.brand', recipient: 'm.recipient' })} = 'opt-out') IS TRUE AS opted_out
       FROM messages m
       WHERE m.route = w.route AND m.short_code = w.short_code AND m.status = 'queued' AND m.due_at <= $3
         -- A suspended or closed account's messages wait (its queued ones are held when it is suspended).
         AND m.account_id <> ALL ($4::uuid[])
       ORDER BY m.priority, m.due_at
       LIMIT w.lim
       FOR UPDATE OF m SKIP LOCKED) d),
   claimed AS (
     UPDATE messages m
     SET status = CASE WHEN due.opted_out THEN 'suppressed' ELSE 'submitting' END, updated_at = $3,
         error_code = CASE WHEN due.opted_out THEN 'opposition' ELSE m.error_code END,
         error_reason = CASE WHEN due.opted_out THEN '${OPTED_OUT_REASON}' ELSE m.error_reason END,
         done_at = CASE WHEN due.opted_out THEN $3 ELSE m.done_at END
     FROM due WHERE m.id = due.id
     RETURNING m.id, m.account_id, m.recipient, m.sender, m.short_code, m.body, m.encoding, m.segments,
               m.parts_accepted, m.attempts, m.priority, m.due_at, m.status,
               CASE WHEN due.opted_out THEN '${OPTED_OUT_REASON}' END AS reason, $3::timestamptz AS at)
   ${eventsFrom('claimed')}
   SELECT id, account_id, recipient, sender, short_code, body, encoding, segments, parts_accepted, attempts
   FROM claimed WHERE status = 'submitting' ORDER BY priority, due_at`,
);

/**
 * $2: the decisions that fail over, $3: the position of each one's new decision among $6–$9 (route-decisions.ts).
 * Only the new decisions of messages moved are stored: a route down for minutes is checked every second, each time
 * with a reason of its own ("route down for 42 s").
 */
const failOverSql = prepared(
  'relais_fail_over_v3',
  `WITH candidates AS (
     SELECT m.id, ($6::bigint[])[v.position] AS decision, ($7::text[])[v.position] AS target, ($8::text[])[v.position] AS reason
     FROM messages m JOIN unnest($2::bigint[], $3::int[]) AS v(decision, position) ON v.decision = m.route_decision
     WHERE m.route = $1 AND m.status = 'queued'
     ORDER BY m.priority, m.due_at
     LIMIT $4
     FOR UPDATE OF m SKIP LOCKED),
   decisions AS (${insertDecisionsSql('$6', '$7', '$8', '$9', 'SELECT decision FROM candidates')}),
   moved AS (
     UPDATE messages m SET route = c.target, route_decision = c.decision, updated_at = $5
     FROM candidates c WHERE m.id = c.id
     RETURNING m.id, m.account_id, m.status, c.reason, $5::timestamptz AS at)
   ${eventsFrom('moved')}
   SELECT count(*)::int AS moved FROM moved`,
);

/**
 * Outcomes: the parts the SMSC accepted and the status changes, in one statement. Only rows still
 * `submitting` change, so a late outcome can never undo a recovery. Written again after it committed (a flush
 * whose receipts failed is retried whole), it changes nothing: a part already recorded is left as it is, and
 * the message is no longer `submitting`.
 */
const outcomeSql = prepared(
  'relais_outcomes_v2',
  `WITH parts AS (
     INSERT INTO message_parts (message_id, part_index, route, smsc_message_id, submitted_at)
     SELECT * FROM unnest($9::uuid[], $10::smallint[], $11::text[], $12::text[], $13::timestamptz[])
     ON CONFLICT (message_id, part_index) DO NOTHING),
   o AS (
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::int[], $7::int[])
       AS o(id, kind, due_at, reason, code, attempt, accepted)),
   changed AS (
     UPDATE messages m SET
       status = CASE o.kind WHEN 'submitted' THEN 'submitted' WHEN 'retry' THEN 'queued' WHEN 'failed' THEN 'failed'
                            ELSE CASE a.in_doubt_policy WHEN 'retry' THEN 'queued' ELSE 'in_doubt' END END,
       due_at = coalesce(o.due_at, m.due_at),
       attempts = m.attempts + o.attempt,
       parts_accepted = m.parts_accepted + o.accepted,
       possible_duplicate = m.possible_duplicate OR (o.kind = 'in-doubt' AND a.in_doubt_policy = 'retry'),
       submitted_at = CASE o.kind WHEN 'submitted' THEN $8 ELSE m.submitted_at END,
       done_at = CASE o.kind WHEN 'failed' THEN $8 ELSE m.done_at END,
       error_code = o.code,
       error_reason = o.reason,
       updated_at = $8
     FROM o, accounts a
     WHERE m.id = o.id AND a.id = m.account_id AND m.status = 'submitting'
     RETURNING m.id, m.account_id, m.status,
               CASE WHEN o.kind = 'in-doubt' AND a.in_doubt_policy = 'retry'
                    THEN o.reason || '; queued again per account policy (possible duplicate)' ELSE o.reason END AS reason,
               $8::timestamptz AS at)
   ${eventsFrom('changed')}
   SELECT 1`,
);

type PartKey = { route: string; smscMessageId: string };

/** Records accepted parts and status changes; returns the new parts, whose receipts may be waiting. */
async function applyOutcomes(client: Client, outcomes: AttemptOutcome[], now: Date): Promise<PartKey[]> {
  const parts = outcomes.flatMap((o) => o.acceptedParts.map((p) => ({ ...p, messageId: o.messageId, route: o.route })));
  await client.query(
    outcomeSql([
      outcomes.map((o) => o.messageId),
      outcomes.map((o) => o.kind),
      outcomes.map((o) => (o.kind === 'retry' ? o.dueAt : o.kind === 'in-doubt' ? now : null)),
      outcomes.map((o) => (o.kind === 'submitted' ? null : o.reason)),
      outcomes.map((o) => (o.kind === 'failed' ? o.code : null)),
      outcomes.map((o) => (o.kind === 'submitted' || o.kind === 'failed' || o.kind === 'in-doubt' || o.countsAsAttempt ? 1 : 0)),
      outcomes.map((o) => o.acceptedParts.length),
      now,
      parts.map((p) => p.messageId),
      parts.map((p) => p.index),
      parts.map((p) => p.route),
      parts.map((p) => p.smscMessageId),
      parts.map((p) => p.at),
    ]),
  );
  return parts;
}

// The receipt → message status table lives in core; the SQL below is derived from it.
const finalStates = finalReceiptStates;
/** SQL: the billing month (YYYY-MM, Europe/Paris) of a moment. */
export const usageMonth = (at: string) => `to_char(${at}::timestamptz AT TIME ZONE 'Europe/Paris', 'YYYY-MM')`;
/** SQL: the message status a final receipt state gives. */
const statusFor = (state: string) => `CASE ${state} ${finalStates.map((s) => `WHEN '${s}' THEN '${receiptOutcome[s]}'`).join(' ')} END`;
/** SQL: the reason recorded when a receipt says the message was not delivered. */
const failureReason = (state: string, code: string) =>
  `CASE WHEN ${state} = 'delivered' THEN NULL ELSE 'receipt: ' || ${state} || coalesce(' (error ' || ${code} || ')', '') END`;

/**
 * Receipts: those received now, plus those kept waiting for parts just recorded ($9, $10: taken from
 * pending_receipts in the same statement, so a crash cannot lose them). Update the parts (a final state is
 * never overwritten), keep the ones whose id is not known yet, and settle single-part messages on the spot.
 * The receipt as received is kept as octets. A part whose receipt is final gets its usage line (usage_lines: once
 * per part, whatever arrives twice) in the same statement. Returns the multi-part messages the receipts are about — those
 * whose part was updated now and those updated by an earlier write whose next statement failed, so that
 * writing the same receipts again finishes what that write left undone.
 */
const receiptSql = prepared('relais_receipts_v3', `
  WITH waiting AS (
    DELETE FROM pending_receipts pr USING unnest($9::text[], $10::text[]) AS np(route, smsc_message_id)
    WHERE pr.route = np.route AND pr.smsc_message_id = np.smsc_message_id
    RETURNING pr.route, pr.smsc_message_id, pr.state, pr.error_code, pr.done_at, pr.raw),
  r AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::bytea[])
      AS r(route, smsc_message_id, state, error_code, done_at, raw)
    UNION ALL SELECT * FROM waiting),
  updated AS (
    UPDATE message_parts p SET receipt_state = r.state, receipt_error = r.error_code,
                               receipt_at = coalesce(r.done_at, $7), receipt_raw = r.raw
    FROM r
    WHERE p.route = r.route AND p.smsc_message_id = r.smsc_message_id
      AND (p.receipt_state IS NULL OR NOT p.receipt_state = ANY ($8))
    RETURNING p.message_id, p.part_index, p.route, p.receipt_state, p.receipt_error),
  usage AS (
    INSERT INTO usage_lines (message_id, part_index, account_id, brand, class, short_code, route, campaign_id,
                             final_state, settled_by, month, settled_at)
    SELECT u.message_id, u.part_index, m.account_id, m.brand, m.class, m.short_code, u.route, m.campaign_id,
           u.receipt_state, 'receipt', ${usageMonth('$7')}, $7
    FROM updated u JOIN messages m ON m.id = u.message_id
    WHERE u.receipt_state = ANY ($8)
    ON CONFLICT (message_id, part_index) DO NOTHING),
  unmatched AS (
    INSERT INTO pending_receipts (route, smsc_message_id, state, error_code, done_at, raw, received_at)
    SELECT r.route, r.smsc_message_id, r.state, r.error_code, r.done_at, r.raw, $7 FROM r
    WHERE NOT EXISTS (SELECT 1 FROM message_parts p WHERE p.route = r.route AND p.smsc_message_id = r.smsc_message_id)),
  finished AS (
    UPDATE messages m SET
      status = ${statusFor('u.receipt_state')},
      error_code = CASE WHEN u.receipt_state = 'delivered' THEN NULL ELSE u.receipt_error END,
      error_reason = ${failureReason('u.receipt_state', 'u.receipt_error')},
      done_at = $7, updated_at = $7
    FROM updated u
    WHERE m.id = u.message_id AND m.segments = 1 AND m.status = 'submitted' AND u.receipt_state = ANY ($8)
    RETURNING m.id, m.account_id, m.status, m.error_reason AS reason, $7::timestamptz AS at)
  ${eventsFrom('finished')}
  SELECT DISTINCT p.message_id FROM r
  JOIN message_parts p ON p.route = r.route AND p.smsc_message_id = r.smsc_message_id
  JOIN messages m ON m.id = p.message_id
  WHERE m.segments > 1 AND m.status = 'submitted'`);

/**
 * A multi-part message becomes final when each of its parts has a final receipt: delivered when all were,
 * otherwise the outcome of the first part that was not (core/message/receipts.ts).
 */
const finishMultipartSql = prepared('relais_finish_multipart', `
  WITH agg AS (
    SELECT p.message_id,
           count(*) FILTER (WHERE p.receipt_state = ANY ($2)) AS final_parts,
           coalesce((array_agg(p.receipt_state ORDER BY p.part_index) FILTER (WHERE p.receipt_state <> 'delivered'))[1], 'delivered') AS outcome,
           (array_agg(p.receipt_error ORDER BY p.part_index) FILTER (WHERE p.receipt_state <> 'delivered'))[1] AS failure_code
    FROM message_parts p WHERE p.message_id = ANY ($1::uuid[])
    GROUP BY p.message_id),
  finished AS (
    UPDATE messages m SET
      status = ${statusFor('agg.outcome')},
      error_code = agg.failure_code,
      error_reason = ${failureReason('agg.outcome', 'agg.failure_code')},
      done_at = $3, updated_at = $3
    FROM agg
    WHERE m.id = agg.message_id AND m.status = 'submitted' AND agg.final_parts = m.segments
    RETURNING m.id, m.account_id, m.status, m.error_reason AS reason, $3::timestamptz AS at)
  ${eventsFrom('finished')}
  SELECT 1`);

async function applyReceipts(client: Client, receipts: RoutedReceipt[], newParts: PartKey[], now: Date): Promise<void> {
  if (receipts.length === 0 && newParts.length === 0) return;
  const unique = lastWordPerPart(receipts);
  const column = <T>(f: (r: RoutedReceipt) => T) => unique.map(f);
  const { rows } = await client.query<{ message_id: string }>(
    receiptSql([
      column((r) => r.route),
      column((r) => r.receipt.smscMessageId),
      column((r) => r.receipt.state),
      column((r) => r.receipt.errorCode ?? null),
      column((r) => r.receipt.doneAt ?? null),
      column((r) => r.receipt.raw),
      now,
      finalStates,
      newParts.map((p) => p.route),
      newParts.map((p) => p.smscMessageId),
    ]),
  );
  if (rows.length > 0) await client.query(finishMultipartSql([rows.map((r) => r.message_id), finalStates, now]));
}

/** Several receipts for one part in a batch: a final one wins over an intermediate one, then the latest. */
function lastWordPerPart(receipts: RoutedReceipt[]): RoutedReceipt[] {
  const byPart = new Map<string, RoutedReceipt>();
  for (const r of receipts) {
    const key = `${r.route}\u0000${r.receipt.smscMessageId}`;
    const seen = byPart.get(key);
    if (!seen || finalStates.includes(r.receipt.state) || !finalStates.includes(seen.receipt.state)) byPart.set(key, r);
  }
  return [...byPart.values()];
}

/**
 * Whether PostgreSQL refused a statement for the data it was given (SQLSTATE class 22, data exception, e.g. a NUL
 * in text; class 23, integrity constraint): writing the same data again can never succeed. Anything else (the
 * connection, a lock, resources, the server shutting down) may pass on a later try.
 */
export function neverWritable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

/** JSON of a record for dead_letters: octets in base64, so that any content can be kept. */
function asJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const original = this[key]; // before toJSON: a Buffer would otherwise come as a list of numbers
    return original instanceof Uint8Array ? { base64: Buffer.from(original).toString('base64') } : v;
  });
}

/** A NUL is the one character a text column refuses. */
function printable(text: string): string {
  return text.replaceAll('\0', '\\0');
}
