/**
 * The SMPP server's side of the accounts: their logins (checked at bind), and the receipts and MOs owed to their
 * SMPP clients. The PostgreSQL SMPP account store implements these ports.
 */
import type { SmppReceiptRequest } from '../ports.ts';

export interface SmppCredential {
  accountId: string;
  systemId: string;
  /** CIDR blocks (or single addresses) a bind may come from; empty = anywhere. */
  allowedIps: string[];
  /** Binds at once for this account; null = the server's default. */
  maxBinds: number | null;
}

export interface SmppCredentialInput {
  systemId: string;
  password: string;
  allowedIps?: string[];
  maxBinds?: number | null;
}

/** A final message, submitted over SMPP asking for a receipt, whose receipt the client has not acknowledged yet. */
export interface DueReceipt extends SmppReceiptRequest {
  /** The id the receipt names: the message id, or the id the client was given for one part. */
  receiptId: string;
  messageId: string;
  accountId: string;
  submittedAt: Date;
  recipient: string;
  body: string;
  status: string;
  errorCode: string | null;
  doneAt: Date;
}

/** An MO of the account its SMPP client has not acknowledged yet. */
export interface DueMo {
  id: string;
  sender: string;
  recipient: string;
  body: string;
  receivedAt: Date;
}

/** Checking a bind. */
export interface SmppLogins {
  /** The credential whose system_id and password match; undefined otherwise (the same time is spent either way). */
  authenticate(systemId: string, password: string): Promise<SmppCredential | undefined>;
}

/** What the SMPP server delivers to a receiver bind, and the acknowledgements it notes. */
export interface SmppDeliveries {
  /** Receipts of final messages of the account not acknowledged yet, oldest first, except the receipt ids in `skip`. */
  dueReceipts(accountId: string, skip: readonly string[], limit: number): Promise<DueReceipt[]>;
  /** The client acknowledged (or did not ask for) this receipt: it is not sent again. */
  acknowledge(receiptId: string, at: Date): Promise<void>;
  /** MOs attributed to the account its SMPP client has not acknowledged, oldest first, except those in `skip`. */
  dueMos(accountId: string, skip: readonly string[], limit: number): Promise<DueMo[]>;
  /** The client acknowledged this MO: it is not delivered again. */
  acknowledgeMo(id: string, accountId: string, at: Date): Promise<void>;
}

/** The account's own SMPP logins, as it reads and changes them over the API. */
export interface SmppLoginSettings {
  /** The account's SMPP logins, with when each was created and last changed; never the password. */
  credentials(accountId: string): Promise<(SmppCredential & { createdAt: Date; updatedAt: Date })[]>;
  /** Replaces the password of the account's login `systemId`; false when the account has no such login. */
  setPassword(accountId: string, systemId: string, password: string, now: Date): Promise<boolean>;
  /** Replaces the addresses the login `systemId` may bind from (checked by the caller); false when the account has no such login. */
  setAllowedIps(accountId: string, systemId: string, allowedIps: readonly string[], now: Date): Promise<boolean>;
}
