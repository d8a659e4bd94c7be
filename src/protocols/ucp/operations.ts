/**
 * EMI/UCP 4.x operations Relais speaks, as one table: for each operation type (OT) its fields in wire order
 * with their type and limits, the fields it cannot go without, and the layout of its positive result. Every
 * negative result has the same layout. The encoder, the decoder, the message types and the dump derive from
 * this table (codec.ts); nothing else lists fields.
 *
 * Directions: 31, 51 and 60 go from Relais (the SMT) to the SMSC; 52 and 53 from the SMSC to Relais; 61 is
 * declared for completeness (list management, a provisioning session's operation).
 */
import { ack, hex, num, text, type FieldSpec } from './fields.ts';

type FieldTable = readonly (readonly [name: string, spec: FieldSpec])[];

const pidMeanings = {
  '0100': 'mobile station',
  '0122': 'fax group 3',
  '0131': 'X.400',
  '0138': 'menu over PSTN',
  '0139': 'PC application over PSTN',
  '0339': 'PC application over X.25',
  '0439': 'PC application over ISDN',
  '0539': 'PC application over TCP/IP',
  '0639': 'PC application via abbreviated number',
};

/** Operation 31, alert: Relais uses it as its keep-alive. */
const alertFields = [
  ['AdC', num(16)],
  ['PID', num(4, 4, { meanings: pidMeanings })],
] as const satisfies FieldTable;

/** Operations 51 (submit), 52 (deliver: an MO) and 53 (delivery notification) share one layout. */
const fiftySeriesFields = [
  ['AdC', num(16)],
  // Digits, or with OTOA 5039 the hex of a packed alphanumeric address with its length prefix (22 characters for 11 letters).
  ['OAdC', hex(22)],
  ['AC', text(16, 4)],
  ['NRq', num(1, 1, { meanings: { '0': 'no notification', '1': 'notification requested' } })],
  ['NAdC', num(16)],
  [
    'NT',
    num(1, 1, {
      meanings: {
        '0': 'default',
        '1': 'delivery',
        '2': 'non-delivery',
        '3': 'delivery and non-delivery',
        '4': 'buffered',
        '5': 'buffered and delivery',
        '6': 'buffered and non-delivery',
        '7': 'all',
      },
    }),
  ],
  ['NPID', num(4, 4, { meanings: pidMeanings })],
  ['LRq', num(1)],
  ['LRAd', num(16)],
  ['LPID', num(4, 4, { meanings: pidMeanings })],
  ['DD', num(1)],
  // DDMMYYhhmm
  ['DDT', num(10, 10)],
  ['VP', num(10, 10)],
  ['RPID', num(4, 4)],
  // DDMMYYhhmmss: the SMSC's time stamp of the message (in a notification: of the message it reports on)
  ['SCTS', num(12, 12)],
  ['Dst', num(1, 1, { meanings: { '0': 'delivered', '1': 'buffered', '2': 'not delivered' } })],
  ['Rsn', num(3)],
  ['DSCTS', num(12, 12)],
  ['MT', num(1, 1, { meanings: { '2': 'numeric', '3': 'alphanumeric', '4': 'transparent data' } })],
  // Number of bits in Msg, with MT=4.
  ['NB', num(4)],
  // NMsg (MT=2, digits), AMsg (MT=3, hex of GSM 03.38 characters) or TMsg (MT=4, hex of the data).
  ['Msg', hex(640)],
  ['MMS', num(1)],
  ['PR', num(1)],
  ['DCs', num(1, 1, { meanings: { '0': 'default alphabet', '1': 'user defined data (8 bit)' } })],
  ['MCLs', num(1, 1, { meanings: { '0': 'class 0', '1': 'class 1', '2': 'class 2', '3': 'class 3' } })],
  ['RPI', num(1, 1, { meanings: { '1': 'request', '2': 'response' } })],
  ['CPg', text(16)],
  ['RPLy', text(16)],
  ['OTOA', num(4, 4, { meanings: { '1139': 'international number', '5039': 'alphanumeric' } })],
  ['HPLMN', num(16)],
  // Extra services: TTLLDD… blocks (xser.ts).
  ['XSer', hex(400)],
  ['RES4', text(16)],
  ['RES5', text(16)],
] as const satisfies FieldTable;

/**
 * Operation 53 has the 50-series layout but for AdC: the address the notification goes to, which Relais never
 * reads (a notification is matched on OAdC and SCTS). An SMSC may echo an alphanumeric originator there, so any
 * printable text is taken rather than refusing the notification.
 */
const notificationFields = [['AdC', text(22)], ...fiftySeriesFields.slice(1)] as const satisfies FieldTable;

const tonMeanings = { '1': 'international', '2': 'national', '6': 'abbreviated' };
const npiMeanings = { '1': 'E.164', '3': 'X.121', '5': 'private' };

/** Operation 60, session management: the login. */
const sessionFields = [
  ['OAdC', num(16)],
  ['OTON', num(1, 1, { meanings: tonMeanings })],
  ['ONPI', num(1, 1, { meanings: npiMeanings })],
  [
    'STYP',
    num(1, 1, {
      meanings: { '1': 'open session', '2': 'reserved', '3': 'change password', '4': 'open provisioning session', '5': 'reserved', '6': 'change provisioning password' },
    }),
  ],
  // Passwords travel as the hex of their IRA characters.
  ['PWD', hex(32, { secret: true })],
  ['NPWD', hex(32, { secret: true })],
  ['VERS', num(4, 4)],
  ['LAdC', num(16)],
  ['LTON', num(1, 1, { meanings: tonMeanings })],
  ['LNPI', num(1, 1, { meanings: npiMeanings })],
  ['OPID', num(2, 2, { meanings: { '00': 'mobile station', '39': 'PC application' } })],
  ['RES1', text(16)],
] as const satisfies FieldTable;

/** Operation 61, list management (provisioning session). */
const listFields = [
  ['OAdC', num(16)],
  ['OTON', num(1, 1, { meanings: tonMeanings })],
  ['ONPI', num(1, 1, { meanings: npiMeanings })],
  [
    'STYP',
    num(1, 1, {
      meanings: { '1': 'add to MO list', '2': 'remove from MO list', '3': 'verify MO list', '4': 'add to MT list', '5': 'remove from MT list', '6': 'verify MT list' },
    }),
  ],
  ['PWD', hex(32, { secret: true })],
  ['NPWD', hex(32, { secret: true })],
  ['VERS', num(4, 4)],
  ['LAdC', num(16)],
  ['LTON', num(1, 1, { meanings: tonMeanings })],
  ['LNPI', num(1, 1, { meanings: npiMeanings })],
  ['RES1', text(16)],
  ['RES2', text(16)],
] as const satisfies FieldTable;

/** System message: free text, or for 51/52 `AdC:SCTS`, the key of the message. */
const systemMessage = ['SM', text(512)] as const;

/** Positive result of 31, 60 and 61. */
const shortAckFields = [['ACK', ack('A')], systemMessage] as const satisfies FieldTable;
/** Positive result of the 50 series, MVP being the validity period the SMSC modified. */
const fiftySeriesAckFields = [['ACK', ack('A')], ['MVP', num(10, 10)], systemMessage] as const satisfies FieldTable;
/** Negative result of every operation. */
export const nackFields = [['NAck', ack('N')], ['EC', num(2, 2)], systemMessage] as const satisfies FieldTable;

export const operationTable = {
  31: { name: 'alert', fields: alertFields, required: ['AdC', 'PID'], ackFields: shortAckFields },
  51: { name: 'submit short message', fields: fiftySeriesFields, required: ['AdC', 'OAdC', 'MT'], ackFields: fiftySeriesAckFields },
  52: { name: 'deliver short message', fields: fiftySeriesFields, required: ['AdC', 'OAdC', 'MT'], ackFields: fiftySeriesAckFields },
  53: { name: 'delivery notification', fields: notificationFields, required: ['AdC', 'OAdC', 'SCTS', 'Dst'], ackFields: fiftySeriesAckFields },
  60: { name: 'session management', fields: sessionFields, required: ['OAdC', 'STYP'], ackFields: shortAckFields },
  61: { name: 'list management', fields: listFields, required: ['OAdC', 'STYP'], ackFields: shortAckFields },
} as const satisfies Record<number, { name: string; fields: FieldTable; required: readonly string[]; ackFields: FieldTable }>;

type Table = typeof operationTable;
export type OperationType = keyof Table;

export const operationTypes = Object.keys(operationTable).map(Number) as OperationType[];

export function isOperationType(ot: number): ot is OperationType {
  return Object.hasOwn(operationTable, ot);
}

/** Field values by name, as on the wire: strings, '' for an empty field. */
export type Fields<T extends FieldTable> = { [F in T[number] as F[0]]: string };

export type OperationFields<K extends OperationType> = Fields<Table[K]['fields']>;
export type AckFields<K extends OperationType> = Fields<Table[K]['ackFields']>;
export type NackFields = Fields<typeof nackFields>;

/** A decoded message: an operation (O), or its positive or negative result (R). TRN is 0–99. */
export type UcpOperation<K extends OperationType = OperationType> = { [P in K]: { kind: 'O'; ot: P; trn: number; fields: OperationFields<P> } }[K];
export type UcpAck<K extends OperationType = OperationType> = { [P in K]: { kind: 'R'; ot: P; trn: number; ack: true; fields: AckFields<P> } }[K];
export type UcpNack<K extends OperationType = OperationType> = { [P in K]: { kind: 'R'; ot: P; trn: number; ack: false; fields: NackFields } }[K];
export type UcpResult<K extends OperationType = OperationType> = UcpAck<K> | UcpNack<K>;
export type UcpMessage = UcpOperation | UcpResult;

/** What the encoder takes: the same shapes, every field optional (absent means empty). */
export type UcpMessageInput =
  | { [P in OperationType]: { kind: 'O'; ot: P; trn: number; fields: Partial<OperationFields<P>> } }[OperationType]
  | { [P in OperationType]: { kind: 'R'; ot: P; trn: number; ack: true; fields: Partial<AckFields<P>> } }[OperationType]
  | { [P in OperationType]: { kind: 'R'; ot: P; trn: number; ack: false; fields: Partial<NackFields> } }[OperationType];

/** The field layout of a message of this kind. */
export function layoutOf(kind: 'O' | 'R', ot: OperationType, positive: boolean): FieldTable {
  const entry = operationTable[ot];
  if (kind === 'O') return entry.fields;
  return positive ? entry.ackFields : nackFields;
}
