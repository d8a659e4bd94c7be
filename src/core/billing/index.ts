/**
 * core/billing: price plans per account and the rating of their usage (docs/billing.md). Every amount is an integer
 * number of micro-euros, excluding VAT. Pure functions, no I/O; time is given.
 */
export { beyondCreditPlan, builtInGrid, DEFAULT_PLAN, planGrids, planProblems, smsCharge, worstCasePartPrice, type Payment, type PlanProblem, type PricePlan } from './plan.ts';
export { billedParts, billingMonth, isBilled, nextTiers, rateUsage, usageReport, type LocalisationCount, type MonthActivity, type NextTier, type UsageCount, type UsageReport } from './usage.ts';
export { creditNoteSeries, invoiceNumber, invoiceSeries, monthInvoice, STANDARD_VAT_BASIS_POINTS, type MonthInvoice } from './invoice.ts';
export { centAmounts, DEFAULT_LATE_PENALTY, dueDateOf, formatEuros, legalDocument, monthPeriod, parisDate, type LegalDocument, type LegalSnapshot, type PaymentTerms, type SellerIdentity } from './legal.ts';
export { roundToCent, VAT_CHOICES, vatAmount, vatTreatment, type VatCategory, type VatChoice, type VatTreatment } from './vat.ts';
export { alarmDays, alarmId, alarmSettingsProblems, capReached, DEFAULT_SPIKE, DEFAULT_THRESHOLDS, evaluateAlarms, holdReason, newAlarms, spikeOf, type Alarm, type AlarmFigures, type AlarmKind, type AlarmSettings } from './alarms.ts';
export { DEFAULT_OPERATOR_CONTRACT, marginReport, operatorContractProblems, operatorCost, operatorCountsOf, reconcile, split, type AccountMonth, type MarginReport, type OperatorContract, type OperatorCost, type OperatorCount, type Reconciliation, type RejectedRow, type ShortCodeMonth } from './operator-cost.ts';
