import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { ReceiptState } from '../../app/ports.ts';
import {
  decodeText,
  ESME_RALYBND,
  ESME_RBINDFAIL,
  ESME_RINVBNDSTS,
  ESME_RINVCMDID,
  ESME_ROK,
  ESME_RTHROTTLED,
  formatReceiptText,
  messageStateOf,
  splitUdh,
  userDataOf,
  type CommandName,
  type Pdu,
  type PduOf,
  type PduParams,
} from '../../protocols/smpp/index.ts';
import { PduSocket } from '../smpp-client/pdu-socket.ts';
import { SimulatedSmsc } from './kit.ts';

export type ReceiptFormat = 'text' | 'tlv' | 'both';
export type ReceiptText = 'printable' | 'octets';

export interface SmppSimulatorOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one (see `port` on the simulator). */
  port?: number;
  /** Credentials a bind must present; any are accepted when systemId is not set. */
  systemId?: string;
  password?: string;
  /** Refuse every bind (ESME_RBINDFAIL). */
  rejectBind?: boolean;
  /** Delay between the submit_sm_resp and the delivery receipt. */
  receiptDelayMs?: number;
  /** Share of receipts that say DELIVRD; the others say UNDELIV. */
  deliveredRatio?: number;
  /** Receipt as `id:… stat:…` text, as TLVs (receipted_message_id, message_state, network_error_code), or both. */
  receiptFormat?: ReceiptFormat;
  /**
   * What `text:` holds: the first 20 characters with the unprintable ones as '.', or the first 20 octets of the
   * short message as they are (what many SMSCs write: NULs for UCS-2 text or a user data header).
   */
  receiptText?: ReceiptText;
  /** Seed of the generator that picks delivered or undelivered: the same seed gives the same sequence. */
  seed?: number;
  /** Delay before a receipt or MO refused by the client (or lost with its session) is sent again. */
  redeliveryDelayMs?: number;
  /** Answer ESME_RTHROTTLED once a source address has had this many submits accepted in the last second (0: off). */
  throttlePerSecond?: number;
  /** Answer ESME_RTHROTTLED to every k-th submit_sm (0: off). */
  throttleEvery?: number;
  /** Delay before each submit_sm_resp. */
  responseDelayMs?: number;
  /** Take submits (and send their receipts) but never answer them: every answer is lost. */
  withholdResponses?: boolean;
  /** Close the connection, unanswered, at the N-th submit_sm of each session (0: off); the message is taken. */
  dropAfterSubmits?: number;
  /** Send the receipt before the submit_sm_resp. */
  receiptBeforeResponse?: boolean;
  /** Send every receipt twice. */
  duplicateReceipts?: boolean;
  /** Leave the client's enquire_link unanswered (a dead SMSC that keeps the TCP connection). */
  ignoreEnquireLink?: boolean;
  /** Keep every submit's addresses and bytes in `stats.submits`; false keeps counters only. */
  keepBodies?: boolean;
  /** Called for each submit_sm received, with its time (epoch ms, sub-millisecond). */
  onSubmit?: (event: { source: string; destination: string; at: number }) => void;
}

export const simulatorDefaults = {
  port: 0,
  rejectBind: false,
  receiptDelayMs: 100,
  deliveredRatio: 1,
  receiptFormat: 'text' as ReceiptFormat,
  receiptText: 'printable' as ReceiptText,
  seed: 1,
  redeliveryDelayMs: 1_000,
  throttlePerSecond: 0,
  throttleEvery: 0,
  responseDelayMs: 0,
  withholdResponses: false,
  dropAfterSubmits: 0,
  receiptBeforeResponse: false,
  duplicateReceipts: false,
  ignoreEnquireLink: false,
  keepBodies: true,
};

/** One submit_sm as it reached the simulator (kept when `keepBodies`). */
export interface ReceivedSubmit {
  /** The id it was given; null when it was throttled. */
  messageId: string | null;
  source: string;
  destination: string;
  dataCoding: number;
  esmClass: number;
  registeredDelivery: number;
  /** User data header with its length octet, as received; null without one. */
  udh: Buffer | null;
  body: Buffer;
}

type BindMode = 'transmitter' | 'receiver' | 'transceiver';

export interface SessionStats {
  systemId: string;
  mode: BindMode | null;
  submits: number;
  /** Highest number of submit_sm received and not yet answered at once. */
  maxOutstanding: number;
  open: boolean;
}

export interface SimulatorStats {
  bindsAccepted: number;
  bindsRefused: number;
  submitsReceived: number;
  submitsAccepted: number;
  throttled: number;
  /** deliver_sm receipts written, again-sent and duplicate ones included. */
  receiptsSent: number;
  receiptsAcknowledged: number;
  mosSent: number;
  mosAcknowledged: number;
  /** deliver_sm the client answered with an error (sent again later). */
  deliveriesRefused: number;
  /** enquire_link received from clients. */
  enquireLinksReceived: number;
  maxOutstanding: number;
  /** Per source address, the highest number of submit_sm received in any sliding 1-second window. */
  peakPerSecond: Record<string, number>;
  sessions: SessionStats[];
  submits: ReceivedSubmit[];
}

export interface SimulatedMo {
  from: string;
  to: string;
  text: string;
}

export interface SmppSimulator {
  readonly port: number;
  /** A snapshot of the counters (`submits` is the live list). */
  readonly stats: SimulatorStats;
  /** Sends an MO to a bound receiver or transceiver (queued until one binds); resolves once acknowledged. */
  sendMo(mo: SimulatedMo): Promise<void>;
  /** Sends enquire_link on every bound session; resolves when each has answered or closed. */
  probe(): Promise<void>;
  /** Sends unbind on every bound session; resolves when they have closed. */
  unbindAll(): Promise<void>;
  /** Open client connections. */
  connections(): number;
  close(): Promise<void>;
}

export async function startSmppSimulator(options: SmppSimulatorOptions = {}): Promise<SmppSimulator> {
  const smsc = new Smsc({ ...simulatorDefaults, ...withoutUndefined(options) });
  await smsc.listen();
  return smsc;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Unique opaque ids: a random prefix (ids stay unique across restarts) and a counter written with an alphabet
 * where each letter is followed by its capital, so ids that differ only by case come early and often.
 */
function messageIds(): () => string {
  const alphabet = '0123456789' + [...'abcdefghijklmnopqrstuvwxyz'].map((c) => c + c.toUpperCase()).join('');
  const write = (n: number, width: number): string => {
    let out = '';
    do {
      out = alphabet[n % 62] + out;
      n = Math.floor(n / 62);
    } while (n > 0);
    return out.padStart(width, '0');
  };
  const prefix = write(randomBytes(4).readUInt32BE(0), 6);
  let next = 0;
  return () => prefix + write(next++, 5);
}

/** Characters whose GSM 03.38 code is their ASCII code: such a text goes as data_coding 0 without a table. */
const gsmSafe = /^[A-Za-z0-9 .,!?'"()*+\-/:;<=>%&#\n\r]*$/;

interface Session {
  wire: PduSocket;
  stats: SessionStats;
  unanswered: number;
  /** deliver_sm written and not yet answered, by sequence number. */
  inflight: Map<number, Delivery>;
  /** enquire_link / unbind sent by the simulator, by sequence number. */
  waiting: Map<number, () => void>;
}

interface Delivery {
  kind: 'receipt' | 'mo';
  params: PduParams<'deliver_sm'>;
  acknowledged?: () => void;
  abandoned?: (error: Error) => void;
}

const bindModes = { bind_transmitter: 'transmitter', bind_receiver: 'receiver', bind_transceiver: 'transceiver' } as const;
type BindCommand = keyof typeof bindModes;

class Smsc extends SimulatedSmsc<Session, SessionStats> implements SmppSimulator {
  /** Deliveries with no receiving session bound yet. */
  private queued: Delivery[] = [];
  private readonly nextId = messageIds();
  private readonly submits: ReceivedSubmit[] = [];
  private readonly counters = {
    bindsAccepted: 0,
    bindsRefused: 0,
    submitsReceived: 0,
    submitsAccepted: 0,
    throttled: 0,
    receiptsSent: 0,
    receiptsAcknowledged: 0,
    mosSent: 0,
    mosAcknowledged: 0,
    deliveriesRefused: 0,
    enquireLinksReceived: 0,
  };
  constructor(private readonly o: typeof simulatorDefaults & SmppSimulatorOptions) {
    super(o);
  }

  get stats(): SimulatorStats {
    return { ...this.counters, ...this.sessionCounters(), submits: this.submits };
  }

  sendMo(mo: SimulatedMo): Promise<void> {
    const ascii = gsmSafe.test(mo.text);
    const params: PduParams<'deliver_sm'> = {
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: mo.from.replace(/^\+/, ''),
      dest_addr_ton: 0,
      dest_addr_npi: 1,
      destination_addr: mo.to,
      esm_class: 0,
      data_coding: ascii ? 0x00 : 0x08,
      short_message: ascii ? Buffer.from(mo.text, 'latin1') : Buffer.from(mo.text, 'utf16le').swap16(),
    };
    return new Promise((acknowledged, abandoned) => this.deliver({ kind: 'mo', params, acknowledged, abandoned }));
  }

  probe(): Promise<void> {
    return this.askEverySession('enquire_link');
  }

  async unbindAll(): Promise<void> {
    const closing = [...this.sessions].filter((s) => s.stats.mode).map((s) => new Promise((resolve) => s.wire.socket.once('close', resolve)));
    await this.askEverySession('unbind');
    await Promise.all(closing);
  }

  async close(): Promise<void> {
    const closed = this.closeAll();
    for (const delivery of this.queued) delivery.abandoned?.(new Error('simulator closed'));
    this.queued = [];
    await closed;
  }

  // --- sessions -----------------------------------------------------------------------------------

  protected accept(socket: Socket): void {
    const stats: SessionStats = { systemId: '', mode: null, submits: 0, maxOutstanding: 0, open: true };
    const session: Session = { wire: new PduSocket(socket, (pdu) => this.receive(session, pdu)), stats, unanswered: 0, inflight: new Map(), waiting: new Map() };
    this.sessions.add(session);
    this.sessionStats.push(stats);
    socket.once('close', () => this.closed(session));
  }

  private closed(session: Session): void {
    this.sessions.delete(session);
    session.stats.open = false;
    for (const done of session.waiting.values()) done();
    const unacknowledged = [...session.inflight.values()];
    session.inflight.clear();
    for (const delivery of unacknowledged) this.deliver(delivery);
  }

  private receive(session: Session, pdu: Pdu): void {
    const handle = this.handlers[pdu.command as CommandName] as ((session: Session, pdu: Pdu) => void) | undefined;
    if (handle) handle(session, pdu);
    else session.wire.send('generic_nack', pdu.sequence, undefined, ESME_RINVCMDID);
  }

  private readonly handlers: { [C in CommandName]?: (session: Session, pdu: PduOf<C>) => void } = {
    bind_transmitter: (s, pdu) => this.bind(s, pdu),
    bind_receiver: (s, pdu) => this.bind(s, pdu),
    bind_transceiver: (s, pdu) => this.bind(s, pdu),
    submit_sm: (s, pdu) => this.submit(s, pdu),
    enquire_link: (s, pdu) => {
      this.counters.enquireLinksReceived++;
      if (!this.o.ignoreEnquireLink) s.wire.send('enquire_link_resp', pdu.sequence);
    },
    unbind: (s, pdu) => {
      s.wire.send('unbind_resp', pdu.sequence);
      s.wire.end('client unbound');
    },
    deliver_sm_resp: (s, pdu) => this.answered(s, pdu.sequence, pdu.status),
    generic_nack: (s, pdu) => this.answered(s, pdu.sequence, pdu.status || ESME_RINVCMDID),
    enquire_link_resp: (s, pdu) => this.answered(s, pdu.sequence, pdu.status),
    unbind_resp: (s, pdu) => {
      this.answered(s, pdu.sequence, pdu.status);
      s.wire.end('unbound');
    },
  };

  private bind(session: Session, pdu: PduOf<BindCommand>): void {
    const response = `${pdu.command}_resp` as const;
    if (session.stats.mode) return void session.wire.send(response, pdu.sequence, undefined, ESME_RALYBND);
    const { system_id, password } = pdu.fields;
    const refused = this.o.rejectBind || (this.o.systemId !== undefined && (system_id !== this.o.systemId || password !== this.o.password));
    if (refused) {
      this.counters.bindsRefused++;
      return void session.wire.send(response, pdu.sequence, undefined, ESME_RBINDFAIL);
    }
    this.counters.bindsAccepted++;
    session.stats.mode = bindModes[pdu.command];
    session.stats.systemId = system_id;
    session.wire.send(response, pdu.sequence, { system_id: 'relais-sim' });
    if (session.stats.mode !== 'transmitter') this.flushQueued();
  }

  // --- submits ------------------------------------------------------------------------------------

  private submit(session: Session, pdu: PduOf<'submit_sm'>): void {
    if (session.stats.mode !== 'transmitter' && session.stats.mode !== 'transceiver') {
      return void session.wire.send('submit_sm_resp', pdu.sequence, undefined, ESME_RINVBNDSTS);
    }
    const now = performance.now();
    const { source_addr: source, destination_addr: destination } = pdu.fields;
    this.counters.submitsReceived++;
    session.stats.submits++;
    session.unanswered++;
    session.stats.maxOutstanding = Math.max(session.stats.maxOutstanding, session.unanswered);
    this.o.onSubmit?.({ source, destination, at: performance.timeOrigin + now });

    if (this.arrive(source, now, this.counters.submitsReceived)) {
      this.counters.throttled++;
      this.record(pdu, null);
      return this.respond(session, pdu.sequence, '', ESME_RTHROTTLED);
    }
    const messageId = this.nextId();
    this.counters.submitsAccepted++;
    this.accepted(source, now);
    this.record(pdu, messageId);
    const receipt = pdu.fields.registered_delivery & 0x03 ? this.receiptFor(pdu, messageId) : undefined;

    if (this.o.dropAfterSubmits > 0 && session.stats.submits % this.o.dropAfterSubmits === 0) {
      if (receipt) this.later(this.o.receiptDelayMs, () => this.sendReceipt(receipt));
      return session.wire.destroy(`dropped after ${session.stats.submits} submits`);
    }
    if (receipt && this.o.receiptBeforeResponse) this.sendReceipt(receipt);
    if (this.o.withholdResponses) {
      if (receipt) this.later(this.o.receiptDelayMs, () => this.sendReceipt(receipt));
      return;
    }
    this.respond(session, pdu.sequence, messageId, ESME_ROK, receipt && !this.o.receiptBeforeResponse ? receipt : undefined);
  }

  private record(pdu: PduOf<'submit_sm'>, messageId: string | null): void {
    if (!this.o.keepBodies) return;
    const f = pdu.fields;
    const { udh, body } = splitUdh(userDataOf(pdu), f.esm_class);
    this.submits.push({
      messageId,
      source: f.source_addr,
      destination: f.destination_addr,
      dataCoding: f.data_coding,
      esmClass: f.esm_class,
      registeredDelivery: f.registered_delivery,
      udh: udh && Buffer.from(udh),
      body: Buffer.from(body),
    });
  }

  /** Answers a submit (after the configured delay), then sends its receipt after the receipt delay. */
  private respond(session: Session, sequence: number, messageId: string, status: number, receipt?: Delivery): void {
    const answer = (): void => {
      session.unanswered--;
      session.wire.send('submit_sm_resp', sequence, { message_id: messageId }, status);
      if (receipt) this.later(this.o.receiptDelayMs, () => this.sendReceipt(receipt));
    };
    if (this.o.responseDelayMs > 0) this.later(this.o.responseDelayMs, answer);
    else answer();
  }

  private receiptFor(pdu: PduOf<'submit_sm'>, id: string): Delivery {
    const f = pdu.fields;
    const delivered = this.random() < this.o.deliveredRatio;
    const state: ReceiptState = delivered ? 'delivered' : 'undeliverable';
    const format = this.o.receiptFormat;
    const start = splitUdh(userDataOf(pdu), f.esm_class).body.subarray(0, 40); // `text:` shows 20 characters at most
    const octets = this.o.receiptText === 'octets';
    const preview = octets ? '' : decodeText(f.data_coding, start).replace(/[^\x20-\x7e]/g, '.');
    const now = new Date();
    const words = formatReceiptText({ id, state, submitDate: now, doneDate: now, err: delivered ? '000' : '001', text: preview });
    const text = Buffer.concat([Buffer.from(words, 'latin1'), octets ? start.subarray(0, 20) : Buffer.alloc(0)]);
    const params: PduParams<'deliver_sm'> = {
      source_addr_ton: f.dest_addr_ton,
      source_addr_npi: f.dest_addr_npi,
      source_addr: f.destination_addr,
      dest_addr_ton: f.source_addr_ton,
      dest_addr_npi: f.source_addr_npi,
      destination_addr: f.source_addr,
      esm_class: 0x04,
      data_coding: 0,
      short_message: format === 'tlv' ? Buffer.alloc(0) : text,
      ...(format === 'text' ? {} : { receipted_message_id: id, message_state: messageStateOf[state], network_error_code: Buffer.from([3, 0, delivered ? 0 : 1]) }),
    };
    return { kind: 'receipt', params };
  }

  private sendReceipt(receipt: Delivery): void {
    this.deliver({ ...receipt });
    if (this.o.duplicateReceipts) this.deliver({ ...receipt });
  }

  // --- deliveries (receipts and MOs) ------------------------------------------------------------------

  /** Writes a deliver_sm on a receiving session, or queues it until one binds. */
  private deliver(delivery: Delivery): void {
    if (this.closing) return delivery.abandoned?.(new Error('simulator closed'));
    const session = this.receivingSession();
    if (!session) return void this.queued.push(delivery);
    const sequence = session.wire.nextSequence();
    session.inflight.set(sequence, delivery);
    session.wire.send('deliver_sm', sequence, delivery.params);
    this.counters[delivery.kind === 'receipt' ? 'receiptsSent' : 'mosSent']++;
  }

  private receivingSession(): Session | undefined {
    for (const session of this.sessions) if (session.stats.mode && session.stats.mode !== 'transmitter' && session.wire.writable) return session;
    return undefined;
  }

  private flushQueued(): void {
    const queued = this.queued;
    this.queued = [];
    for (const delivery of queued) this.deliver(delivery);
  }

  /** A response to something the simulator sent: a deliver_sm (acknowledged or to send again), enquire_link, unbind. */
  private answered(session: Session, sequence: number, status: number): void {
    const waiting = session.waiting.get(sequence);
    if (waiting) {
      session.waiting.delete(sequence);
      return waiting();
    }
    const delivery = session.inflight.get(sequence);
    if (!delivery) return;
    session.inflight.delete(sequence);
    if (status !== ESME_ROK) {
      this.counters.deliveriesRefused++;
      return this.later(this.o.redeliveryDelayMs, () => this.deliver(delivery));
    }
    this.counters[delivery.kind === 'receipt' ? 'receiptsAcknowledged' : 'mosAcknowledged']++;
    delivery.acknowledged?.();
  }

  private askEverySession(command: 'enquire_link' | 'unbind'): Promise<void> {
    const bound = [...this.sessions].filter((s) => s.stats.mode && s.wire.writable);
    return Promise.all(
      bound.map(
        (session) =>
          new Promise<void>((resolve) => {
            const sequence = session.wire.nextSequence();
            session.waiting.set(sequence, resolve);
            session.wire.send(command, sequence);
          }),
      ),
    ).then(() => undefined);
  }
}
