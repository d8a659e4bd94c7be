import type { LateAnswer } from '../../app/ports.ts';
import type { Db } from './database.ts';
import { eventsFrom, prepared } from './sql.ts';

/**
 * A late answer settles a message in doubt. Only a message still `in_doubt` about exactly this part changes
 * (`parts_accepted` = the part's index: the parts before it were accepted, none after it was sent), so an answer
 * that comes after a person retried the message, or after another settlement, changes nothing.
 */
const acceptedSql = prepared(
  'relais_late_accepted',
  `WITH doubt AS (
     SELECT id FROM messages WHERE id = $1 AND status = 'in_doubt' AND parts_accepted = $3 FOR UPDATE),
   part AS (
     INSERT INTO message_parts (message_id, part_index, route, smsc_message_id, submitted_at)
     SELECT id, $3, $2, $4, $5 FROM doubt),
   changed AS (
     UPDATE messages m SET
       parts_accepted = m.parts_accepted + 1,
       status = CASE WHEN m.parts_accepted + 1 = m.segments THEN 'submitted' ELSE 'queued' END,
       submitted_at = CASE WHEN m.parts_accepted + 1 = m.segments THEN $5 ELSE m.submitted_at END,
       due_at = $5, error_code = NULL, error_reason = NULL, updated_at = $5
     FROM doubt WHERE m.id = doubt.id
     RETURNING m.id, m.account_id, m.status,
               'the SMSC answered late: part ' || ($3 + 1) || ' accepted (' || $4 || ')' AS reason, $5::timestamptz AS at)
   ${eventsFrom('changed')}
   SELECT count(*)::int AS settled FROM changed`,
);

const refusedSql = prepared(
  'relais_late_refused',
  `WITH changed AS (
     UPDATE messages m SET
       status = CASE WHEN $3 THEN 'failed' ELSE 'queued' END,
       done_at = CASE WHEN $3 THEN $5 ELSE m.done_at END,
       error_code = CASE WHEN $3 THEN $4 ELSE NULL END,
       error_reason = $6, due_at = $5, updated_at = $5
     WHERE m.id = $1 AND m.status = 'in_doubt' AND m.parts_accepted = $2
     RETURNING m.id, m.account_id, m.status, $6::text AS reason, $5::timestamptz AS at)
   ${eventsFrom('changed')}
   SELECT count(*)::int AS settled FROM changed`,
);

export async function settleLateAnswer(db: Db, messageId: string, route: string, partIndex: number, answer: LateAnswer, now: Date): Promise<boolean> {
  if (answer.kind === 'accepted') {
    const { rows } = await db.pool.query<{ settled: number }>(acceptedSql([messageId, route, partIndex, answer.smscMessageId, now]));
    return rows[0]!.settled > 0;
  }
  const { failure } = answer;
  const permanent = failure.kind === 'permanent';
  const reason = `the SMSC answered late: refused, ${failure.reason} (${failure.code})${permanent ? '' : '; not sent, so queued again'}`;
  const { rows } = await db.pool.query<{ settled: number }>(refusedSql([messageId, partIndex, permanent, failure.code, now, reason]));
  return rows[0]!.settled > 0;
}
