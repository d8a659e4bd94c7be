/**
 * Ports: the small interfaces the use cases and the dispatcher need from the outside world.
 * The consumer declares them; adapters in src/adapters implement them. Each port documents its
 * contract as MUST / SHOULD; the contract test suites in test/contracts check every implementation.
 */

/** Time source. Everything that needs "now" gets it from here, so tests can drive time. */
export interface Clock {
  now(): Date;
}

// ---------------------------------------------------------------------------------------------
// Operator link: one session (SMPP, UCP…) to an operator SMSC, as the dispatcher sees it.
// ---------------------------------------------------------------------------------------------

/** Address as carried on the wire. `ton`/`npi` follow SMPP numbering (international = 1/1, alphanumeric = 5/0). */
export interface LinkAddress {
  ton: number;
  npi: number;
  /** Digits without '+' for numbers; the sender text for alphanumeric addresses. */
  value: string;
}

/**
 * One submit on the wire: a whole short message or one part of a concatenated one.
 * The body is already encoded by core/text, so every protocol receives the same bytes.
 */
export interface OutboundPart {
  source: LinkAddress;
  destination: LinkAddress;
  /** gsm7: body holds unpacked septets, one per byte (escape 0x1B included); ucs2: UTF-16BE bytes. */
  encoding: 'gsm7' | 'ucs2';
  body: Uint8Array;
  /** User data header (concatenation) or null for a single-part message. */
  udh: Uint8Array | null;
  /** Ask the SMSC for a delivery receipt. */
  receipt: boolean;
  /** GSM message class 0 ("flash"); undefined means no class. */
  flash?: boolean;
}

/** Why an SMSC refused a submit, already classified; the raw code stays for the record. */
export interface LinkFailure {
  /** throttled: slow down and retry later; transient: retry with backoff; permanent: fail the message. */
  kind: 'throttled' | 'transient' | 'permanent';
  /** Protocol error code as text, e.g. "0x00000058" for SMPP or "04" for UCP. */
  code: string;
  reason: string;
}

export type SubmitOutcome =
  /** The SMSC took it; smscMessageId is opaque and case-sensitive. */
  | { kind: 'accepted'; smscMessageId: string }
  /** The SMSC answered with an error. */
  | { kind: 'refused'; failure: LinkFailure }
  /** The PDU may have left and no answer came (response timeout, link lost after the write): fate unknown. */
  | { kind: 'in-doubt'; reason: string }
  /** The PDU certainly did not leave (link down, not bound): safe to send again. */
  | { kind: 'not-sent'; reason: string };

/** Final or intermediate state reported by an SMSC for one submitted part. */
export type ReceiptState =
  | 'delivered'
  | 'undeliverable'
  | 'expired'
  | 'rejected'
  | 'deleted'
  | 'accepted'
  | 'enroute'
  | 'unknown';

export interface Receipt {
  smscMessageId: string;
  state: ReceiptState;
  /** Network/SMSC error code from the receipt (SMPP `err:` or network_error_code, UCP reason code), if any. */
  errorCode?: string;
  /** When the SMSC says the final state was reached. */
  doneAt?: Date;
  /** The receipt as received (text or a dump), kept for evidence. */
  raw: string;
}

export interface MobileOriginated {
  /** Sender MSISDN as received (digits, possibly without '+'). */
  from: string;
  /** Destination (usually the short code). */
  to: string;
  text: string;
  receivedAt: Date;
}

export interface LinkHandlers {
  /**
   * Called for each receipt. The link MUST acknowledge the receipt to the SMSC only after the returned
   * promise resolves (the receipt is then stored), and MUST NOT acknowledge it if the promise rejects.
   */
  onReceipt(receipt: Receipt): Promise<void>;
  /** Same contract as onReceipt, for mobile-originated messages. */
  onMobileOriginated(mo: MobileOriginated): Promise<void>;
  /** Link state changes, for logs and metrics. */
  onStateChange?(state: LinkState, detail?: string): void;
}

export type LinkState = 'connecting' | 'bound' | 'down' | 'stopped';

/**
 * Contract (checked by test/contracts/operator-link.contract.ts for every implementation):
 * - MUST keep at most `window` submits unanswered; `freeWindow()` says how many more may be written now
 *   (0 while the link is not bound).
 * - MUST settle every `submit` promise: on response, on response timeout (`in-doubt`), or when the link drops
 *   (`in-doubt` if the PDU was written, `not-sent` otherwise). It never rejects.
 * - MUST keep the link alive when idle (enquire_link / UCP 31) and reconnect with backoff after a failure,
 *   until `stop()`.
 * - MUST answer receipts and MOs only after their handler resolved (see LinkHandlers).
 * - SHOULD report state changes.
 */
export interface OperatorLink {
  readonly name: string;
  start(handlers: LinkHandlers): void;
  /** Waits for outstanding submits to settle (or time out), then closes the session. */
  stop(): Promise<void>;
  state(): LinkState;
  freeWindow(): number;
  /** Resolves as soon as freeWindow() may have become positive, or after `maxWaitMs`. */
  waitForCapacity(maxWaitMs: number): Promise<void>;
  submit(part: OutboundPart): Promise<SubmitOutcome>;
}
