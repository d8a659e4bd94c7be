import { DEFAULT_OPERATOR_CONTRACT, DEFAULT_PLAN, marginReport, reconcile, type AccountMonth, type MarginReport, type OperatorContract, type OperatorCount, type PricePlan, type Reconciliation, type UsageCount } from '../../core/billing/index.ts';
import type { Db } from './database.ts';
import { transaction } from './sql.ts';
import type { OperatorCosts } from '../../app/ports/operator-costs.ts';
import { HIT_COUNTS } from './geo-presence-store.ts';

const CONTRACT = 'operator';

/** The aggregator's operator contract, the month's margins, and the operator's counts (docs/billing.md, "The aggregator's side"). */
export class PgOperatorCostStore implements OperatorCosts {
  constructor(private readonly db: Db) {}

  async contract(): Promise<{ contract: OperatorContract; custom: boolean }> {
    const { rows } = await this.db.pool.query<{ contract: OperatorContract }>(`SELECT contract FROM operator_contract WHERE name = $1`, [CONTRACT]);
    return rows[0] ? { contract: rows[0].contract, custom: true } : { contract: DEFAULT_OPERATOR_CONTRACT, custom: false };
  }

  /** Sets the contract (checked by the caller). */
  async setContract(contract: OperatorContract, now: Date): Promise<void> {
    await this.db.pool.query(
      `INSERT INTO operator_contract (name, contract, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET contract = EXCLUDED.contract, updated_at = EXCLUDED.updated_at`,
      [CONTRACT, JSON.stringify(contract), now],
    );
  }

  /**
   * The month's margin report: every account's usage lines of the month (counted once for all), its plan, its short
   * codes and its issued invoice; every short code of the deployment with its throughput and whether an account on
   * it holds the alphanumeric-sender (OADC) option.
   */
  async marginReport(month: string): Promise<MarginReport> {
    const [{ contract }, { rows: accounts }, { rows: counts }, { rows: held }, { rows: codes }, { rows: lookups }, { rows: hits }] = await Promise.all([
      this.contract(),
      this.db.pool.query<{ id: string; name: string; plan: PricePlan | null; invoiced: string | null }>(
        `SELECT a.id, a.name, bp.plan, i.total AS invoiced FROM accounts a
         LEFT JOIN billing_plans bp ON bp.account_id = a.id
         LEFT JOIN invoices i ON i.account_id = a.id AND i.month = $1 AND i.kind = 'month' AND coalesce(bp.payment, 'postpaid') = 'postpaid'
         WHERE EXISTS (SELECT 1 FROM usage_lines u WHERE u.account_id = a.id AND u.month = $1) OR i.number IS NOT NULL OR a.status <> 'closed'
            OR EXISTS (SELECT 1 FROM qualification_lookups q WHERE q.month = $1 AND q.account_id = a.id)
         ORDER BY a.name`,
        [month],
      ),
      this.db.pool.query<{ account_id: string; class: UsageCount['class']; short_code: string; final_state: string; settled_by: UsageCount['settledBy']; parts: number }>(
        `SELECT account_id, class, short_code, final_state, settled_by, sum(parts)::int AS parts FROM usage_lines WHERE month = $1
         GROUP BY account_id, class, short_code, final_state, settled_by`,
        [month],
      ),
      this.db.pool.query<{ account_id: string; short_code: string }>(`SELECT account_id, short_code FROM account_short_codes ORDER BY short_code`),
      this.db.pool.query<{ number: string; rate_per_second: number; oadc: boolean }>(
        `SELECT s.number, s.rate_per_second,
                EXISTS (SELECT 1 FROM account_short_codes h JOIN accounts a ON a.id = h.account_id
                        WHERE h.short_code = s.number AND 'alphanumeric-sender' = ANY (a.options) AND a.status <> 'closed') AS oadc
         FROM short_codes s ORDER BY s.number`,
      ),
      this.db.pool.query<{ account_id: string; n: number }>(`SELECT account_id, count(*)::int AS n FROM qualification_lookups WHERE month = $1 GROUP BY account_id`, [month]),
      this.db.pool.query<{ account_id: string; hits: number; located: number }>(
        `SELECT account_id, ${HIT_COUNTS}
         FROM location_hits WHERE month = $1 GROUP BY account_id`,
        [month],
      ),
    ]);
    const qualified = new Map(lookups.map((r) => [r.account_id, r.n]));
    const localisation = new Map(hits.map((r) => [r.account_id, { hits: r.hits, located: r.located }]));
    const byAccount = <R extends { account_id: string }, T>(rows: readonly R[], map: (r: R) => T) => {
      const out = new Map<string, T[]>();
      for (const r of rows) out.set(r.account_id, [...(out.get(r.account_id) ?? []), map(r)]);
      return out;
    };
    const usage = byAccount(counts, (r): UsageCount => ({ class: r.class, shortCode: r.short_code, finalState: r.final_state, settledBy: r.settled_by, parts: r.parts }));
    const shortCodes = byAccount(held, (r) => r.short_code);
    const months: AccountMonth[] = accounts.map((a) => ({
      accountId: a.id,
      name: a.name,
      plan: a.plan ?? DEFAULT_PLAN,
      counts: usage.get(a.id) ?? [],
      shortCodes: shortCodes.get(a.id) ?? [],
      qualified: qualified.get(a.id) ?? 0,
      localisation: localisation.get(a.id),
      invoiced: a.invoiced === null ? undefined : Number(a.invoiced),
    }));
    return marginReport({
      month,
      contract: await this.withLocalisation(await this.withQualified(contract, month), month),
      // A rate of 0 pauses a short code (docs/architecture.md): it is still held, at the standard rate.
      shortCodes: codes.map((c) => ({ shortCode: c.number, ...(c.rate_per_second > 0 ? { throughputPerSecond: c.rate_per_second } : {}), oadc: c.oadc })),
      accounts: months,
    });
  }

  /**
   * The contract with the month's qualified MSISDNs: the count it gives for the month when it gives one (the
   * operator's figure), else the numbers Relais looked up that month (docs/operators.md, "Qualification").
   */
  async withQualified(contract: OperatorContract, month: string): Promise<OperatorContract> {
    if (contract.qualifiedMsisdns?.some((q) => q.month === month)) return contract;
    const { rows } = await this.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM qualification_lookups WHERE month = $1`, [month]);
    return rows[0]!.n === 0 ? contract : { ...contract, qualifiedMsisdns: [...(contract.qualifiedMsisdns ?? []), { month, count: rows[0]!.n }] };
  }

  /**
   * The contract with the month's localisation hits: the count it gives for the month when it gives one (the
   * operator's figure), else the numbers Relais asked the location provider that month (docs/operators.md, "Géo Présence").
   */
  async withLocalisation(contract: OperatorContract, month: string): Promise<OperatorContract> {
    if (contract.localisationHits?.some((q) => q.month === month)) return contract;
    const { rows } = await this.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM location_hits WHERE month = $1`, [month]);
    return rows[0]!.n === 0 ? contract : { ...contract, localisationHits: [...(contract.localisationHits ?? []), { month, count: rows[0]!.n }] };
  }

  /** Relais's delivered SMS-MT of the month per short code (every account). */
  async deliveredPerShortCode(month: string): Promise<Map<string, number>> {
    const { rows } = await this.db.pool.query<{ short_code: string; parts: string }>(
      `SELECT short_code, sum(parts) AS parts FROM usage_lines WHERE month = $1 AND final_state = 'delivered' GROUP BY short_code`,
      [month],
    );
    return new Map(rows.map((r) => [r.short_code, Number(r.parts)]));
  }

  /** Replaces the operator's counts of the month by those imported (a second import of the month is a correction). */
  async importCounts(month: string, counts: readonly OperatorCount[], source: string | null, now: Date): Promise<void> {
    await transaction(this.db.pool, async (client) => {
      await client.query(`DELETE FROM operator_counts WHERE month = $1`, [month]);
      await client.query(
        `INSERT INTO operator_counts (month, short_code, delivered, imported_at, source)
         SELECT $1, short_code, delivered, $4, $5 FROM unnest($2::text[], $3::bigint[]) AS c(short_code, delivered)`,
        [month, counts.map((c) => c.shortCode), counts.map((c) => c.delivered), now, source],
      );
    });
  }

  /** The operator's imported counts of the month, or undefined when none were imported. */
  async operatorCounts(month: string): Promise<Map<string, number> | undefined> {
    const { rows } = await this.db.pool.query<{ short_code: string; delivered: string }>(`SELECT short_code, delivered FROM operator_counts WHERE month = $1`, [month]);
    if (rows.length === 0) return undefined;
    return new Map(rows.map((r) => [r.short_code, Number(r.delivered)]));
  }

  /** The month's reconciliation against the counts imported (none imported: every short code only on Relais's side). */
  async reconciliation(month: string): Promise<Reconciliation & { imported: boolean }> {
    const [ours, theirs] = await Promise.all([this.deliveredPerShortCode(month), this.operatorCounts(month)]);
    return { ...reconcile(month, ours, theirs ?? new Map()), imported: theirs !== undefined };
  }
}
