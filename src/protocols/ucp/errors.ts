/**
 * Typed errors of the UCP codec, the error codes (EC) of negative results and how a refused submit is
 * classified, and the reason codes (Rsn) of delivery notifications (EMI/UCP 4.x §8 and appendix A).
 */
import type { LinkFailure } from '../../core/message/wire.ts';

/** Where an unreadable frame came from, when its header could be read: enough to answer it. */
export interface FrameHeader {
  trn: number;
  kind: 'O' | 'R';
  ot: number;
}

/**
 * Why a frame cannot be read. `code` is the error code a negative result gives back for it: 01 checksum error,
 * 02 syntax error, 03 operation not supported. `header` is there when the header could be read: enough to
 * answer the frame.
 */
export interface DecodeFailure {
  reason: string;
  code: '01' | '02' | '03';
  header?: FrameHeader;
}

export function isDecodeFailure(value: object): value is DecodeFailure {
  return 'reason' in value;
}

/** A frame, or a part of a message, that cannot be read (thrown; the hot paths return a DecodeFailure instead). */
export class UcpDecodeError extends Error implements DecodeFailure {
  override readonly name = 'UcpDecodeError';
  constructor(
    readonly reason: string,
    readonly code: DecodeFailure['code'] = '02',
    readonly header?: FrameHeader,
  ) {
    super(reason);
  }
}

/** A message that cannot be written: a value that does not fit its field, a body too long. */
export class UcpEncodeError extends Error {
  override readonly name = 'UcpEncodeError';
}

type FailureKind = LinkFailure['kind'];

interface ErrorCode {
  description: string;
  kind: FailureKind;
}

const code = (description: string, kind: FailureKind): ErrorCode => ({ description, kind });

/**
 * Error codes of negative results and what each means for a refused submit (51):
 * - throttled: 04 "operation not allowed" is what operator SMSCs answer beyond the contracted rate (and to an
 *   operation sent at the wrong moment): slow down and send again;
 * - transient: the session or the SMSC is in trouble, the same message may pass later;
 * - permanent: the message itself is refused; sending it again fails again.
 * A code not in the table is transient: a refusal never means the SMSC took the message, so a bounded number
 * of retries cannot send it twice.
 */
export const errorCodes: ReadonlyMap<string, ErrorCode> = new Map([
  ['01', code('checksum error', 'transient')],
  ['02', code('syntax error', 'permanent')],
  ['03', code('operation not supported by system', 'permanent')],
  ['04', code('operation not allowed (throughput exceeded)', 'throttled')],
  ['05', code('call barring active', 'permanent')],
  ['06', code('AdC invalid', 'permanent')],
  ['07', code('authentication failure', 'transient')],
  ['08', code('legitimisation code for all calls, failure', 'permanent')],
  ['09', code('GA not valid', 'permanent')],
  ['10', code('repetition not allowed', 'permanent')],
  ['11', code('legitimisation code for repetition, failure', 'permanent')],
  ['12', code('priority call not allowed', 'permanent')],
  ['13', code('legitimisation code for priority call, failure', 'permanent')],
  ['14', code('urgent message not allowed', 'permanent')],
  ['15', code('legitimisation code for urgent message, failure', 'permanent')],
  ['16', code('reverse charging not allowed', 'permanent')],
  ['17', code('legitimisation code for reverse charging, failure', 'permanent')],
  ['18', code('deferred delivery not allowed', 'permanent')],
  ['19', code('new AC not valid', 'permanent')],
  ['20', code('new legitimisation code not valid', 'permanent')],
  ['21', code('standard text not valid', 'permanent')],
  ['22', code('time period not valid', 'permanent')],
  ['23', code('message type not supported by system', 'permanent')],
  ['24', code('message too long', 'permanent')],
  ['25', code('requested standard text not valid', 'permanent')],
  ['26', code('message type not valid for the pager type', 'permanent')],
  ['27', code('message not found in SMSC', 'permanent')],
  ['28', code('invalid character set', 'permanent')],
  ['30', code('subscriber hang-up', 'transient')],
  ['31', code('fax group not supported', 'permanent')],
  ['32', code('fax message type not supported', 'permanent')],
  ['33', code('address already in list', 'permanent')],
  ['34', code('address not in list', 'permanent')],
  ['35', code('list full, cannot add address to list', 'permanent')],
  ['36', code('RPID already in use', 'permanent')],
  ['37', code('delivery in progress', 'transient')],
  ['38', code('message forwarded', 'transient')],
]);

export function describeErrorCode(ec: string): ErrorCode {
  return errorCodes.get(ec) ?? code('error code not defined by EMI/UCP 4.x', 'transient');
}

/** One-way translation of a negative result into the port's classified failure; the code stays as written. */
export function ucpErrorToFailure(ec: string, systemMessage = ''): LinkFailure {
  const { description, kind } = describeErrorCode(ec);
  return { kind, code: ec, reason: systemMessage ? `${description}: ${systemMessage}` : description };
}

/**
 * Reason codes of notifications (Rsn, appendix A). The specification lets each operator change them in its
 * SMSC's configuration; none of the listed ones means "validity period expired", so which codes mean expiry
 * is a link setting (`expiredReasons`).
 */
export const reasonCodes: ReadonlyMap<string, string> = new Map([
  ['000', 'unknown subscriber'],
  ...['001', '002', '003', '004', '005', '006', '007', '008'].map((rsn) => [rsn, 'service temporarily not available'] as [string, string]),
  ['009', 'illegal error code'],
  ['010', 'network time-out'],
  ['100', 'facility not supported'],
  ['101', 'unknown subscriber'],
  ['102', 'facility not provided'],
  ['103', 'call barred'],
  ['104', 'operation barred'],
  ['105', 'SC congestion'],
  ['106', 'facility not supported'],
  ['107', 'absent subscriber'],
  ['108', 'delivery fail'],
  ['109', 'SC congestion'],
  ['110', 'protocol error'],
  ['111', 'MS not equipped'],
  ['112', 'unknown SC'],
  ['113', 'SC congestion'],
  ['114', 'illegal MS'],
  ['115', 'MS not a subscriber'],
  ['116', 'error in MS'],
  ['117', 'SMS lower layer not provisioned'],
  ['118', 'system fail'],
  ['119', 'PLMN system failure'],
  ['120', 'HLR system failure'],
  ['121', 'VLR system failure'],
  ['122', 'previous VLR system failure'],
  ['123', 'controlling MSC system failure'],
  ['124', 'VMSC system failure'],
  ['125', 'EIR system failure'],
  ['126', 'system failure'],
  ['127', 'unexpected data value'],
  ['200', 'error in address service centre'],
  ['201', 'invalid absolute validity period'],
  ['202', 'short message exceeds maximum'],
  ['203', 'unable to unpack GSM message'],
  ['204', 'unable to convert to IRA alphabet'],
  ['205', 'invalid validity period format'],
  ['206', 'invalid destination address'],
  ['207', 'duplicate message submit'],
  ['208', 'invalid message type indicator'],
]);
