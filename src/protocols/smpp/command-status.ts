import type { LinkFailure } from '../../core/message/wire.ts';

/**
 * command_status values (SMPP 3.4 §5.1.3, plus the SMPP 5.0 codes SMSCs send in 3.4 sessions) and what each
 * means for a refused submit:
 * - throttled: the SMSC is over its rate or queue limit; slow down and send again — nothing is wrong with the message;
 * - transient: the SMSC or the session is in trouble; the same message may pass later (retry with backoff);
 * - permanent: the message itself is refused (address, format, parameters); sending it again fails again.
 * Codes not in the table (vendor codes 0x400–0x4FF included) are transient: a bounded number of retries costs
 * little, and a refusal never means the message was taken, so retrying cannot duplicate it.
 */
export type FailureKind = LinkFailure['kind'];

export interface CommandStatus {
  name: string;
  description: string;
  kind: FailureKind;
}

const entry = (name: string, kind: FailureKind, description: string): CommandStatus => ({ name, kind, description });

export const ESME_ROK = 0x00000000;
export const ESME_RINVCMDLEN = 0x00000002;
export const ESME_RINVCMDID = 0x00000003;
export const ESME_RINVBNDSTS = 0x00000004;
export const ESME_RALYBND = 0x00000005;
export const ESME_RBINDFAIL = 0x0000000d;
export const ESME_RTHROTTLED = 0x00000058;
export const ESME_RX_T_APPN = 0x00000064;
export const ESME_RX_P_APPN = 0x00000065;

export const commandStatuses: ReadonlyMap<number, CommandStatus> = new Map([
  [ESME_ROK, entry('ESME_ROK', 'transient', 'no error')],
  [0x01, entry('ESME_RINVMSGLEN', 'permanent', 'message length is invalid')],
  [ESME_RINVCMDLEN, entry('ESME_RINVCMDLEN', 'permanent', 'command length is invalid')],
  [ESME_RINVCMDID, entry('ESME_RINVCMDID', 'permanent', 'invalid command id')],
  [ESME_RINVBNDSTS, entry('ESME_RINVBNDSTS', 'transient', 'incorrect bind status for this command (the session is not bound as it should be)')],
  [ESME_RALYBND, entry('ESME_RALYBND', 'transient', 'already bound')],
  [0x06, entry('ESME_RINVPRTFLG', 'permanent', 'invalid priority flag')],
  [0x07, entry('ESME_RINVREGDLVFLG', 'permanent', 'invalid registered delivery flag')],
  [0x08, entry('ESME_RSYSERR', 'transient', 'system error at the SMSC')],
  [0x0a, entry('ESME_RINVSRCADR', 'permanent', 'invalid source address')],
  [0x0b, entry('ESME_RINVDSTADR', 'permanent', 'invalid destination address')],
  [0x0c, entry('ESME_RINVMSGID', 'permanent', 'message id is invalid')],
  [ESME_RBINDFAIL, entry('ESME_RBINDFAIL', 'transient', 'bind failed')],
  [0x0e, entry('ESME_RINVPASWD', 'permanent', 'invalid password')],
  [0x0f, entry('ESME_RINVSYSID', 'permanent', 'invalid system id')],
  [0x11, entry('ESME_RCANCELFAIL', 'permanent', 'cancel_sm failed')],
  [0x13, entry('ESME_RREPLACEFAIL', 'permanent', 'replace_sm failed')],
  [0x14, entry('ESME_RMSGQFUL', 'throttled', 'message queue full at the SMSC')],
  [0x15, entry('ESME_RINVSERTYP', 'permanent', 'invalid service type')],
  [0x33, entry('ESME_RINVNUMDESTS', 'permanent', 'invalid number of destinations')],
  [0x34, entry('ESME_RINVDLNAME', 'permanent', 'invalid distribution list name')],
  [0x40, entry('ESME_RINVDESTFLAG', 'permanent', 'invalid destination flag')],
  [0x42, entry('ESME_RINVSUBREP', 'permanent', "invalid 'submit with replace' request")],
  [0x43, entry('ESME_RINVESMCLASS', 'permanent', 'invalid esm_class')],
  [0x44, entry('ESME_RCNTSUBDL', 'permanent', 'cannot submit to a distribution list')],
  [0x45, entry('ESME_RSUBMITFAIL', 'permanent', 'submit_sm failed')],
  [0x48, entry('ESME_RINVSRCTON', 'permanent', 'invalid source address TON')],
  [0x49, entry('ESME_RINVSRCNPI', 'permanent', 'invalid source address NPI')],
  [0x50, entry('ESME_RINVDSTTON', 'permanent', 'invalid destination address TON')],
  [0x51, entry('ESME_RINVDSTNPI', 'permanent', 'invalid destination address NPI')],
  [0x53, entry('ESME_RINVSYSTYP', 'permanent', 'invalid system_type')],
  [0x54, entry('ESME_RINVREPFLAG', 'permanent', 'invalid replace_if_present flag')],
  [0x55, entry('ESME_RINVNUMMSGS', 'permanent', 'invalid number of messages')],
  [ESME_RTHROTTLED, entry('ESME_RTHROTTLED', 'throttled', 'throttling error: the SMSC rate limit was exceeded')],
  [0x61, entry('ESME_RINVSCHED', 'permanent', 'invalid scheduled delivery time')],
  [0x62, entry('ESME_RINVEXPIRY', 'permanent', 'invalid validity period')],
  [0x63, entry('ESME_RINVDFTMSGID', 'permanent', 'predefined message not found')],
  [ESME_RX_T_APPN, entry('ESME_RX_T_APPN', 'transient', 'temporary application error: try again later')],
  [ESME_RX_P_APPN, entry('ESME_RX_P_APPN', 'permanent', 'permanent application error')],
  [0x66, entry('ESME_RX_R_APPN', 'permanent', 'application rejected the message')],
  [0x67, entry('ESME_RQUERYFAIL', 'permanent', 'query_sm failed')],
  [0xc0, entry('ESME_RINVTLVSTREAM', 'permanent', 'error in the optional part of the PDU')],
  [0xc1, entry('ESME_RTLVNOTALLWD', 'permanent', 'optional parameter not allowed')],
  [0xc2, entry('ESME_RINVTLVLEN', 'permanent', 'invalid optional parameter length')],
  [0xc3, entry('ESME_RMISSINGTLV', 'permanent', 'expected optional parameter missing')],
  [0xc4, entry('ESME_RINVTLVVAL', 'permanent', 'invalid optional parameter value')],
  [0xfe, entry('ESME_RDELIVERYFAILURE', 'transient', 'delivery failure')],
  [0xff, entry('ESME_RUNKNOWNERR', 'transient', 'unknown error at the SMSC')],
  [0x100, entry('ESME_RSERTYPUNAUTH', 'permanent', 'not authorised to use this service type')],
  [0x101, entry('ESME_RPROHIBITED', 'permanent', 'prohibited from using this operation')],
  [0x102, entry('ESME_RSERTYPUNAVAIL', 'transient', 'service type unavailable')],
  [0x103, entry('ESME_RSERTYPDENIED', 'permanent', 'service type denied')],
  [0x104, entry('ESME_RINVDCS', 'permanent', 'invalid data coding scheme')],
]);

/** "0x00000058": how SMPP codes are written in records and logs. */
export function formatCommandStatus(status: number): string {
  return '0x' + status.toString(16).toUpperCase().padStart(8, '0');
}

export function describeCommandStatus(status: number): CommandStatus {
  return (
    commandStatuses.get(status) ??
    (status >= 0x400 && status <= 0x4ff
      ? entry('vendor-specific', 'transient', 'SMSC vendor-specific error')
      : entry('unknown', 'transient', 'error code not defined by SMPP 3.4'))
  );
}

/** One-way translation of a refusal into the port's classified failure. */
export function smppStatusToFailure(status: number): LinkFailure {
  const { name, description, kind } = describeCommandStatus(status);
  return { kind, code: formatCommandStatus(status), reason: `${name}: ${description}` };
}
