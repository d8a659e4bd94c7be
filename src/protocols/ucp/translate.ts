/**
 * Named one-way translations between the port's types (core/message/wire.ts) and UCP operations.
 */
import type { ReceiptState } from '../../core/message/receipts.ts';
import type { MobileOriginated, OutboundPart, Receipt } from '../../core/message/wire.ts';
import { originatorFields, originatorOf, recipientAdC, withoutInternationalPrefix } from './address.ts';
import { dumpMessage } from './codec.ts';
import { reasonCodes } from './errors.ts';
import type { OperationFields, UcpOperation } from './operations.ts';
import { parseTimeStamp } from './time-stamp.ts';
import { readUserData, userDataFields, userDataText } from './user-data.ts';

export interface SubmitSettings {
  /** Written before the digits of an international recipient (AdC has no type of number). */
  internationalPrefix: string;
  /** NT when a notification is wanted: 3 (delivery and non-delivery) or 7 (buffered as well). */
  notificationType: '3' | '7';
  /** NPID and NAdC: where the SMSC sends notifications; empty lets it use the session. */
  notificationPid?: string;
  notificationAddress?: string;
}

export const defaultSubmitSettings: SubmitSettings = { internationalPrefix: '00', notificationType: '3' };

/** PID of a PC application over TCP/IP: what Relais says it is in alerts. */
export const PID_TCP_IP = '0539';

/**
 * One-way translation of a part into an operation 51: AdC the recipient, OAdC/OTOA the part's sender (short
 * code digits, international number, or alphanumeric name), the message as MT=3 or MT=4 (user-data.ts), and
 * NRq/NT/NPID/NAdC when a notification is wanted. Throws UcpEncodeError for a part UCP cannot carry.
 */
export function partToSubmit(part: OutboundPart, settings: SubmitSettings = defaultSubmitSettings): Partial<OperationFields<51>> {
  const notification = part.receipt
    ? { NRq: '1', NT: settings.notificationType, NPID: settings.notificationPid ?? '', NAdC: settings.notificationAddress ?? '' }
    : {};
  return {
    AdC: recipientAdC(part.destination, settings.internationalPrefix),
    ...originatorFields(part.source),
    ...notification,
    ...userDataFields(part),
  };
}

const ackKey = /^[0-9]{1,16}:[0-9]{12}$/;
const timeStampOnly = /^[0-9]{12}$/;

/**
 * The key of an accepted submit, from the SM of its positive result: `AdC:SCTS` as the SMSC wrote it (the
 * recipient and the SMSC's time stamp), which its notifications (53) carry too. An SMSC that gives the time
 * stamp alone gets the recipient written before it. Undefined when SM holds neither: the notifications of that
 * message cannot be matched.
 */
export function submitAckToMessageId(systemMessage: string, adc: string): string | undefined {
  if (ackKey.test(systemMessage)) return systemMessage;
  if (timeStampOnly.test(systemMessage)) return `${adc}:${systemMessage}`;
  return undefined;
}

/** The key a notification reports on: OAdC (the recipient of the message) and SCTS (its time stamp). */
export function notificationMessageId(notification: UcpOperation<53>): string {
  return `${notification.fields.OAdC}:${notification.fields.SCTS}`;
}

export interface NotificationSettings {
  /** Reason codes that mean "validity period expired" on this SMSC (none in the specification's list). */
  expiredReasons: readonly string[];
}

function notificationState(dst: string, rsn: string, settings: NotificationSettings): ReceiptState {
  switch (dst) {
    case '0':
      return 'delivered';
    case '1':
      return 'enroute';
    case '2':
      return settings.expiredReasons.includes(rsn) ? 'expired' : 'undeliverable';
    default:
      return 'unknown';
  }
}

/**
 * One-way translation of a delivery notification into a receipt: Dst 0 delivered, 1 buffered (enroute,
 * intermediate), 2 not delivered (undeliverable, or expired for the reason codes configured as expiry);
 * the reason code as error code; DSCTS as the time of the final state. The raw record is the dump, with the
 * notification's text.
 */
export function notificationToReceipt(notification: UcpOperation<53>, settings: NotificationSettings = { expiredReasons: [] }): Receipt {
  const { Dst, Rsn, DSCTS } = notification.fields;
  const rsn = Rsn ? Rsn.padStart(3, '0') : '';
  const state = notificationState(Dst, rsn, settings);
  const doneAt = state === 'enroute' ? undefined : parseTimeStamp(DSCTS);
  return {
    smscMessageId: notificationMessageId(notification),
    state,
    ...(state !== 'delivered' && rsn ? { errorCode: rsn } : {}),
    ...(doneAt ? { doneAt } : {}),
    raw: Buffer.from(rawNotification(notification, rsn), 'utf8'),
  };
}

function rawNotification(notification: UcpOperation<53>, rsn: string): string {
  const reason = rsn && reasonCodes.get(rsn);
  let text = '';
  try {
    if (notification.fields.Msg) text = ` text="${userDataText(readUserData(notification.fields))}"`;
  } catch {
    // The text is only evidence: an unreadable one is still in the dump, in hex.
  }
  return dumpMessage(notification) + (reason ? ` reason="${reason}"` : '') + text;
}

/**
 * One-way translation of a delivered short message (52, an MO): from the originator (without the
 * international prefix, or the alphanumeric name), to AdC (usually the short code), the text decoded. One part
 * of a concatenated MO is one MobileOriginated: its header is dropped.
 */
export function deliverToMo(deliver: UcpOperation<52>, receivedAt: Date, internationalPrefix = defaultSubmitSettings.internationalPrefix): MobileOriginated {
  const { fields } = deliver;
  const originator = originatorOf(fields);
  return {
    from: fields.OTOA === '5039' ? originator : withoutInternationalPrefix(originator, internationalPrefix),
    to: fields.AdC,
    text: userDataText(readUserData(fields)),
    receivedAt,
  };
}
