/**
 * The consent ledger's rule (core/consent/ledger.ts) as one SQL expression, for the statements that must decide
 * in the database: the claim (the last gate before the SMSC) and the audience of a campaign. It is the only SQL
 * copy of the rule; test/adapters/store/consent-sql.test.ts checks it against the core for random ledgers.
 *
 * For a recipient, a brand and the account, over the events not retracted for that brand or '*':
 * - o: the latest opt-out (ledger order: occurred_at, then id);
 * - without o: the latest event's kind (an opt-in or a soft opt-in), or NULL when there is none;
 * - with o: 'opt-out', unless an event after o re-opens consent (an opt-in from a START, or dated with its
 *   channel): then the latest opt-in's kind after o.
 * Each step is a probe of consent_events_recipient (account_id, recipient, occurred_at, id).
 */

/** SQL expressions (columns or placeholders) naming whose consent is read. */
export interface ConsentOf {
  account: string;
  brand: string;
  recipient: string;
  /** The recipient's pseudonym, when its events may also be kept under it (an opposition kept after an erasure). */
  alias?: string;
}

/** 'opt-in' | 'soft-opt-in' | 'opt-out' | NULL (no consent event). */
export function consentStateSql({ account, brand, recipient, alias }: ConsentOf): string {
  const who = alias ? `IN (${recipient}, ${alias})` : `= ${recipient}`;
  const counts = (e: string) =>
    `${e}.account_id = ${account} AND ${e}.recipient ${who} AND ${e}.brand IN (${brand}, '*')
       AND NOT EXISTS (SELECT 1 FROM consent_retractions r WHERE r.event_id = ${e}.id)`;
  const after = (e: string) => `(${e}.occurred_at, ${e}.id) > (o.occurred_at, o.id)`;
  return `(SELECT CASE
      WHEN o.id IS NULL THEN
        (SELECT l.kind FROM consent_events l WHERE ${counts('l')} ORDER BY l.occurred_at DESC, l.id DESC LIMIT 1)
      WHEN EXISTS (SELECT 1 FROM consent_events q WHERE ${counts('q')} AND ${after('q')}
                     AND q.kind = 'opt-in' AND (q.source = 'start-mo' OR (q.dated AND q.channel IS NOT NULL))) THEN
        (SELECT l.kind FROM consent_events l WHERE ${counts('l')} AND ${after('l')} AND l.kind <> 'opt-out'
         ORDER BY l.occurred_at DESC, l.id DESC LIMIT 1)
      ELSE 'opt-out' END
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (SELECT e.id, e.occurred_at FROM consent_events e WHERE ${counts('e')} AND e.kind = 'opt-out'
                       ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1) o ON true)`;
}
