/**
 * Billing as the API reads and drives it: an account's plan, usage and credit, the aggregator's plans, top-ups and
 * month close, and the invoice documents (docs/billing.md). The PostgreSQL billing store implements these ports.
 */
import type { LegalDocument, LegalSnapshot, LocalisationCount, Payment, PricePlan, UsageCount } from '../../core/billing/index.ts';
import type { InvoiceLine } from '../../core/pricing/index.ts';

export interface CreditView {
  readonly payment: Payment;
  /** µ€ paid in and not yet charged. */
  readonly balance: number;
  /** µ€ held by messages not yet settled. */
  readonly reserved: number;
  /** balance − reserved: what new messages may reserve. */
  readonly available: number;
  /** The worst-case price of one part, reserved per part. */
  readonly partPrice: number;
  readonly movements: readonly { kind: string; amount: number; by: string | null; reason: string | null; at: Date }[];
}

/** An issued invoice: never changed once issued. */
export interface IssuedInvoice {
  readonly number: string;
  readonly accountId: string;
  readonly month: string;
  readonly issuedAt: Date;
  readonly lines: readonly InvoiceLine[];
  readonly total: number;
  readonly vatBasisPoints: number;
  readonly vat: number;
  readonly totalWithVat: number;
  /** `month` (the month close's) or `top-up` (a prepaid account's top-up). */
  readonly kind: 'month' | 'top-up';
}

export interface UsageLine {
  readonly messageId: string;
  readonly part: number;
  readonly brand: string;
  readonly class: string;
  readonly shortCode: string;
  readonly route: string;
  readonly campaignId: string | null;
  readonly parts: number;
  readonly finalState: string;
  readonly settledBy: string;
  readonly settledAt: Date;
}

/** An issued credit note: never changed once issued. */
export interface IssuedCreditNote {
  readonly number: string;
  readonly invoiceNumber: string;
  readonly accountId: string;
  readonly issuedAt: Date;
  readonly reason: string;
  readonly issuedBy: string | null;
  readonly lines: readonly InvoiceLine[];
  readonly total: number;
  readonly vatBasisPoints: number;
  readonly vat: number;
  readonly totalWithVat: number;
  readonly legal: LegalSnapshot;
}

/** A prepaid account's month: the credit at its start and end, its top-ups (with their invoices) and charges. */
export interface Statement {
  readonly month: string;
  readonly opening: number;
  readonly toppedUp: number;
  readonly charged: number;
  readonly adjusted: number;
  readonly closing: number;
  readonly movements: readonly { kind: string; amount: number; by: string | null; reason: string | null; at: Date }[];
  readonly invoices: readonly string[];
}

/** What a month close did. */
export interface MonthClose {
  issued: number;
  alreadyIssued: number;
  nothingDue: number;
}

/** An account's side: its plan, the month's usage, its credit and its invoices. */
export interface AccountBilling {
  planOf(accountId: string): Promise<{ plan: PricePlan; payment: Payment; custom: boolean }>;
  /** The month's usage lines counted by class, short code, final state and settlement. */
  usageCounts(accountId: string, month: string): Promise<UsageCount[]>;
  shortCodesOf(accountId: string): Promise<string[]>;
  /** Numbers the account had looked up (qualified) in the month, or those looked up before `before`. */
  qualifiedIn(accountId: string, month: string, before?: Date): Promise<number>;
  /** The account's localisation hits of the month (Géo Présence), and those that returned a position; only those asked before `before` when given. */
  localisationOf(accountId: string, month: string, before?: Date): Promise<LocalisationCount>;
  /** The month's usage lines, page by page (for the CSV export). */
  usageLines(accountId: string, month: string): AsyncIterable<UsageLine>;
  credit(accountId: string): Promise<CreditView>;
  invoices(filter: { accountId?: string; month?: string; number?: string }): Promise<IssuedInvoice[]>;
}

/** The aggregator's side: plans, top-ups and the month close. */
export interface BillingAdministration {
  /** Sets the plan (checked by the caller); a prepaid account's price per part follows it. */
  setPlan(accountId: string, plan: PricePlan, payment: Payment, by: string | null, now: Date): Promise<void>;
  /** Adds credit, recorded with who and why; a prepaid account gets its invoice in the same transaction. */
  topUp(accountId: string, amount: number, by: string, reason: string, now: Date): Promise<{ balance: number; invoice: string | null }>;
  close(month: string, now: Date): Promise<MonthClose>;
}

/** Invoices and credit notes as documents, credit notes issued, a prepaid account's statements. */
export interface InvoiceDocuments {
  /** The document of an invoice (of the account, when given), ready to render; NotFound otherwise. */
  invoiceDocument(number: string, accountId: string | undefined): Promise<LegalDocument>;
  creditNoteDocument(number: string, accountId: string | undefined): Promise<LegalDocument>;
  creditNotes(filter: { accountId?: string; number?: string; invoiceNumber?: string }): Promise<IssuedCreditNote[]>;
  /**
   * Issues a credit note against an invoice: of `amount` µ€ excluding VAT (whole cents), or of what remains of the
   * invoice when no amount is given; refused when it would credit more than the invoice minus its earlier credit notes.
   */
  issueCreditNote(input: { invoiceNumber: string; amount?: number | undefined; reason: string; by: string | null; now: Date }): Promise<IssuedCreditNote>;
  /** The statement of a month, from the credit movements dated in it in Europe/Paris. */
  statement(accountId: string, month: string): Promise<Statement>;
}

/** Everything billing serves over HTTP. */
export interface Billing extends AccountBilling, BillingAdministration, InvoiceDocuments {}
