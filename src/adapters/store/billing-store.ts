import { finalReceiptStates } from '../../core/message/receipts.ts';
import type { Db } from './database.ts';
import { usageMonth } from './outbox-store.ts';
import { transaction } from './sql.ts';

const NO_RECEIPT = 'no-receipt';

/**
 * Usage lines for parts that never got a final receipt: every part submitted more than `afterMs` ago (and after
 * the last sweep's limit) whose receipt is missing or not final gets a line settled `timeout`, dated the moment the
 * delay ran out. The sweep's limit moves in the same transaction, under a row lock, so two processes sweeping at
 * once do the work once; a line already there (a receipt won the race) is left as it is.
 */
export async function settleNoReceipts(db: Db, now: Date, afterMs: number): Promise<number> {
  const cutoff = new Date(now.getTime() - afterMs);
  return transaction(db.pool, async (client) => {
    await client.query(`INSERT INTO billing_sweeps (name, swept_until) VALUES ($1, '-infinity') ON CONFLICT (name) DO NOTHING`, [NO_RECEIPT]);
    const { rows } = await client.query<{ swept_until: Date | number }>(`SELECT swept_until FROM billing_sweeps WHERE name = $1 FOR UPDATE`, [NO_RECEIPT]);
    const from = rows[0]!.swept_until;
    if (from instanceof Date && from >= cutoff) return 0;
    const settled = await client.query(
      `INSERT INTO usage_lines (message_id, part_index, account_id, brand, class, short_code, route, campaign_id,
                                final_state, settled_by, month, settled_at)
       SELECT p.message_id, p.part_index, m.account_id, m.brand, m.class, m.short_code, p.route, m.campaign_id,
              '${NO_RECEIPT}', 'timeout', ${usageMonth(`(p.submitted_at + $4 * interval '1 millisecond')`)},
              p.submitted_at + $4 * interval '1 millisecond'
       FROM message_parts p JOIN messages m ON m.id = p.message_id
       WHERE p.submitted_at > $1 AND p.submitted_at <= $2 AND (p.receipt_state IS NULL OR NOT p.receipt_state = ANY ($3))
       ON CONFLICT (message_id, part_index) DO NOTHING`,
      [from, cutoff, finalReceiptStates, afterMs],
    );
    await client.query(`UPDATE billing_sweeps SET swept_until = $2 WHERE name = $1`, [NO_RECEIPT, cutoff]);
    return settled.rowCount ?? 0;
  });
}

/** The periodic part of billing: parts without receipts past the delay. */
export async function settleBilling(db: Db, now: Date, noReceiptAfterMs: number): Promise<Record<string, number>> {
  const timedOut = await settleNoReceipts(db, now, noReceiptAfterMs);
  return { timedOut };
}
