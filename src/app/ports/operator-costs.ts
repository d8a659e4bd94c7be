/** The aggregator's side of billing (docs/billing.md, "The aggregator's side"): its operator contract, margins, reconciliation. */
import type { MarginReport, OperatorContract, OperatorCount, Reconciliation } from '../../core/billing/index.ts';

export interface OperatorCosts {
  contract(): Promise<{ contract: OperatorContract; custom: boolean }>;
  /** Sets the contract (checked by the caller). */
  setContract(contract: OperatorContract, now: Date): Promise<void>;
  marginReport(month: string): Promise<MarginReport>;
  /** Replaces the operator's counts of the month by those imported (a second import of the month is a correction). */
  importCounts(month: string, counts: readonly OperatorCount[], source: string | null, now: Date): Promise<void>;
  /** The month's reconciliation against the counts imported (none imported: every short code only on Relais's side). */
  reconciliation(month: string): Promise<Reconciliation & { imported: boolean }>;
}
