/**
 * What crosses an operator link, whatever the protocol: the parts Relais submits, the answers, the receipts
 * and mobile-originated messages it receives. Protocol codecs (src/protocols) translate these to and from
 * their wire formats; the dispatcher and the store only ever see these.
 */
import type { ReceiptState } from './receipts.ts';

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
  /**
   * The PDU may have left and no answer came (response timeout, link lost after the write): fate unknown.
   * `late`, after a time-out, resolves with the answer should it still come on the same session (undefined when
   * the session ends without it): it settles the message.
   */
  | { kind: 'in-doubt'; reason: string; late?: Promise<LateAnswer | undefined> }
  /** The PDU certainly did not leave (link down, not bound): safe to send again. */
  | { kind: 'not-sent'; reason: string };

/** An answer that came after its submit was given up as in doubt. */
export type LateAnswer = { kind: 'accepted'; smscMessageId: string } | { kind: 'refused'; failure: LinkFailure };

export interface Receipt {
  smscMessageId: string;
  state: ReceiptState;
  /** Network/SMSC error code from the receipt (SMPP `err:` or network_error_code, UCP reason code), if any. */
  errorCode?: string;
  /** When the SMSC says the final state was reached. */
  doneAt?: Date;
  /**
   * The receipt as received, kept for evidence as octets (NULs and all): SMPP, the short_message octets as
   * the SMSC wrote them, then " | " and a dump of the optional parameters; UCP, a dump of the notification.
   */
  raw: Uint8Array;
}

export interface MobileOriginated {
  /** Sender MSISDN as received (digits, possibly without '+'). */
  from: string;
  /** Destination (usually the short code). */
  to: string;
  text: string;
  receivedAt: Date;
}

