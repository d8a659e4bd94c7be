/**
 * Qualifications and their billable lookups (docs/operators.md, "Qualification"). `record` is one statement: the
 * answers replace the account's older ones and each is a billable line, both or neither.
 */
import type { LineState, Qualification, QualificationStore } from '../../app/qualification.ts';
import { billingMonth } from '../../core/billing/index.ts';
import type { Db } from './database.ts';

interface Row {
  msisdn: string;
  operator: string | null;
  state: LineState;
  checked_at: Date;
}

const qualificationOf = (row: Row): Qualification => ({ msisdn: row.msisdn, operator: row.operator, state: row.state, checkedAt: row.checked_at });

export class PgQualificationStore implements QualificationStore {
  constructor(private readonly db: Db) {}

  async fresh(accountId: string, msisdns: readonly string[], since: Date): Promise<Qualification[]> {
    if (msisdns.length === 0) return [];
    const { rows } = await this.db.pool.query<Row>(
      `SELECT msisdn, operator, state, checked_at FROM qualifications WHERE account_id = $1 AND msisdn = ANY($2::text[]) AND checked_at >= $3`,
      [accountId, msisdns, since],
    );
    return rows.map(qualificationOf);
  }

  async latest(accountId: string, msisdn: string): Promise<Qualification | undefined> {
    const { rows } = await this.db.pool.query<Row>(`SELECT msisdn, operator, state, checked_at FROM qualifications WHERE account_id = $1 AND msisdn = $2`, [accountId, msisdn]);
    return rows[0] ? qualificationOf(rows[0]) : undefined;
  }

  async record(accountId: string, looked: readonly Qualification[]): Promise<void> {
    if (looked.length === 0) return;
    await this.db.pool.query(
      `WITH answers AS (
         SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[]) AS a(msisdn, operator, state, checked_at, month)),
       kept AS (
         INSERT INTO qualifications (account_id, msisdn, operator, state, checked_at)
         SELECT $1, msisdn, operator, state, checked_at FROM answers
         ON CONFLICT (account_id, msisdn) DO UPDATE SET operator = EXCLUDED.operator, state = EXCLUDED.state, checked_at = EXCLUDED.checked_at)
       INSERT INTO qualification_lookups (account_id, msisdn, state, looked_up_at, month)
       SELECT $1, msisdn, state, checked_at, month FROM answers`,
      [
        accountId,
        looked.map((q) => q.msisdn),
        looked.map((q) => q.operator),
        looked.map((q) => q.state),
        looked.map((q) => q.checkedAt),
        looked.map((q) => billingMonth(q.checkedAt)),
      ],
    );
  }

  async lookupsIn(month: string, accountId?: string): Promise<number> {
    const { rows } = await this.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM qualification_lookups WHERE month = $1 AND ($2::uuid IS NULL OR account_id = $2::uuid)`,
      [month, accountId ?? null],
    );
    return rows[0]!.n;
  }
}
