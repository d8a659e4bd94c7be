/**
 * The built-in EMI/UCP SMSC simulator: a well-behaved SMSC (login, submits answered with `AdC:SCTS`,
 * notifications, MOs) and the misbehaviours of real ones, each a small option. Its command line is
 * ucp-cli.ts.
 */
import type { Socket } from 'node:net';
import {
  formatTimeStamp,
  originatorOf,
  readUserData,
  textFields,
  UcpDecodeError,
  type Alphabet,
  type OperationFields,
  type UcpMessage,
  type UcpMessageInput,
  type UcpOperation,
  type UcpResult,
} from '../../protocols/ucp/index.ts';
import { TrnPool } from '../ucp-client/trn-pool.ts';
import { UcpSocket } from '../ucp-client/ucp-socket.ts';
import { handsetRead, smscUserData } from './air-interface.ts';
import { SimulatedSmsc } from './kit.ts';

export interface UcpSimulatorOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one (see `port` on the simulator). */
  port?: number;
  /** The login (OAdC of operation 60) and password a session must present; any are accepted when login is not set. */
  login?: string;
  password?: string;
  /** Refuse every login (07, authentication failure). */
  rejectLogin?: boolean;
  /** Delay between the result of a submit and its notification. */
  notificationDelayMs?: number;
  /** Share of notifications that say delivered (Dst 0); the others say not delivered (Dst 2, Rsn 108). */
  deliveredRatio?: number;
  /** Seed of the generator behind the delivered draw and the garbage: the same seed gives the same sequence. */
  seed?: number;
  /** Delay before a notification or MO refused by the client (or lost with its session) is sent again. */
  redeliveryDelayMs?: number;
  /** Answer 04 (throttling) once an originator has had this many submits accepted in the last second (0: off). */
  throttlePerSecond?: number;
  /** Answer 04 (throttling) to every k-th submit (0: off). */
  throttleEvery?: number;
  /** Delay before each result of a submit (slow acknowledgements). */
  responseDelayMs?: number;
  /** Take submits (and send their notifications) but never answer them. */
  withholdResponses?: boolean;
  /** Close the connection, unanswered, at the n-th submit of each session (0: off); the message is taken. */
  dropAfterSubmits?: number;
  /** Write random octets before every frame the simulator sends. */
  garbageBetweenFrames?: boolean;
  /** Send the notification before the result of its submit. */
  notificationBeforeResponse?: boolean;
  /** Never send notifications, even when asked for. */
  withholdNotifications?: boolean;
  /** Send every notification twice. */
  duplicateNotifications?: boolean;
  /** Leave the client's alerts (31) unanswered: a dead SMSC that keeps the TCP connection. */
  ignoreAlerts?: boolean;
  /** Keep every submit in `stats.submits`; false keeps counters only. */
  keepBodies?: boolean;
  /** Called for each submit received, with its time (epoch ms, sub-millisecond); `source` is OAdC as read. */
  onSubmit?: (event: { source: string; destination: string; at: number }) => void;
}

export const ucpSimulatorDefaults = {
  port: 0,
  rejectLogin: false,
  notificationDelayMs: 100,
  deliveredRatio: 1,
  seed: 1,
  redeliveryDelayMs: 1_000,
  throttlePerSecond: 0,
  throttleEvery: 0,
  responseDelayMs: 0,
  withholdResponses: false,
  dropAfterSubmits: 0,
  garbageBetweenFrames: false,
  notificationBeforeResponse: false,
  withholdNotifications: false,
  duplicateNotifications: false,
  ignoreAlerts: false,
  keepBodies: true,
};

/** One submit as it reached the simulator (kept when `keepBodies`). */
export interface ReceivedUcpSubmit {
  /** `AdC:SCTS`, the key of its positive result; null when it was refused. */
  messageId: string | null;
  /** OAdC as read (an alphanumeric sender decoded). */
  source: string;
  destination: string;
  mt: string;
  alphabet: Alphabet;
  dcs: number | null;
  /** User data header with its length octet (XSer 01), or null. */
  udh: Buffer | null;
  /** gsm7: unpacked septets; ucs2, binary: the octets. */
  body: Buffer;
  /** NRq=1: a notification was asked for. */
  notification: boolean;
}

export interface UcpSessionStats {
  /** OAdC of the login; '' before it. */
  login: string;
  submits: number;
  /** Highest number of submits received and not yet answered at once. */
  maxOutstanding: number;
  open: boolean;
}

export interface UcpSimulatorStats {
  loginsAccepted: number;
  loginsRefused: number;
  submitsReceived: number;
  submitsAccepted: number;
  throttled: number;
  /** Notifications (53) written, again-sent and duplicate ones included. */
  notificationsSent: number;
  notificationsAcknowledged: number;
  mosSent: number;
  mosAcknowledged: number;
  /** Notifications and MOs the client answered negatively (sent again later). */
  deliveriesRefused: number;
  alertsReceived: number;
  /** Frames from clients that could not be read, and runs of octets outside frames. */
  malformedReceived: number;
  maxOutstanding: number;
  /** Per originator (OAdC as read), the highest number of submits received in any sliding 1-second window. */
  peakPerSecond: Record<string, number>;
  sessions: UcpSessionStats[];
  submits: ReceivedUcpSubmit[];
}

export interface SimulatedMo {
  from: string;
  to: string;
  text: string;
}

export interface UcpSimulator {
  readonly port: number;
  /** A snapshot of the counters (`submits` is the live list). */
  readonly stats: UcpSimulatorStats;
  /**
   * What the person at `destination` (AdC as received) reads: each message once all its parts arrived, decoded as a
   * handset decodes the TP-User-Data the SMSC built from the submits (air-interface.ts). Kept with `keepBodies`.
   */
  handset(destination: string): string[];
  /** Sends an MO (52) to a session logged in as `to`, else any session (queued until one logs in); resolves once acknowledged. */
  sendMo(mo: SimulatedMo): Promise<void>;
  /** Open client connections. */
  connections(): number;
  close(): Promise<void>;
}

export async function startUcpSimulator(options: UcpSimulatorOptions = {}): Promise<UcpSimulator> {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const smsc = new UcpSmsc({ ...ucpSimulatorDefaults, ...defined });
  await smsc.listen();
  return smsc;
}

/** EC the simulator answers with. */
const EC = { syntax: '02', notSupported: '03', throttled: '04', authentication: '07' } as const;
/** Rsn of an undelivered message: "delivery fail". */
const RSN_DELIVERY_FAIL = '108';

type FiftySeries = Partial<OperationFields<53>>;

interface Delivery {
  ot: 52 | 53;
  /** The login it must go to (notifications go back to the login that submitted); MOs prefer it. */
  login: string;
  strict: boolean;
  fields: FiftySeries;
  acknowledged?: () => void;
  abandoned?: (error: Error) => void;
}

interface Session {
  wire: UcpSocket;
  stats: UcpSessionStats;
  loggedIn: boolean;
  unanswered: number;
  /** The simulator's own operations (52, 53) and their TRNs. */
  trns: TrnPool;
  inflight: Map<number, Delivery>;
}

class UcpSmsc extends SimulatedSmsc<Session, UcpSessionStats> implements UcpSimulator {
  /** Deliveries waiting for a session (or a free TRN), by login ('' for MOs any session may take). */
  private readonly queued = new Map<string, Delivery[]>();
  /** Per recipient, the last SCTS given (epoch seconds): AdC:SCTS must name one message. */
  private readonly lastTimeStamp = new Map<string, number>();
  private readonly submits: ReceivedUcpSubmit[] = [];
  /** Per destination: the messages read, and the parts of those not complete yet (by reference and total). */
  private readonly handsets = new Map<string, { read: string[]; parts: Map<string, Map<number, string>> }>();
  private readonly counters = {
    loginsAccepted: 0,
    loginsRefused: 0,
    submitsReceived: 0,
    submitsAccepted: 0,
    throttled: 0,
    notificationsSent: 0,
    notificationsAcknowledged: 0,
    mosSent: 0,
    mosAcknowledged: 0,
    deliveriesRefused: 0,
    alertsReceived: 0,
    malformedReceived: 0,
  };
  constructor(private readonly o: typeof ucpSimulatorDefaults & UcpSimulatorOptions) {
    super(o);
  }

  get stats(): UcpSimulatorStats {
    return { ...this.counters, ...this.sessionCounters(), submits: this.submits };
  }

  handset(destination: string): string[] {
    return [...(this.handsets.get(destination)?.read ?? [])];
  }

  sendMo(mo: SimulatedMo): Promise<void> {
    const international = mo.from.startsWith('+');
    const fields: FiftySeries = {
      AdC: mo.to,
      OAdC: mo.from.replace(/^\+/, ''),
      OTOA: international ? '1139' : '',
      SCTS: formatTimeStamp(new Date()),
      ...textFields(mo.text),
    };
    return new Promise((acknowledged, abandoned) => this.deliver({ ot: 52, login: mo.to, strict: false, fields, acknowledged, abandoned }));
  }

  async close(): Promise<void> {
    const closed = this.closeAll();
    for (const deliveries of this.queued.values()) for (const delivery of deliveries) delivery.abandoned?.(new Error('simulator closed'));
    this.queued.clear();
    await closed;
  }

  // --- sessions -----------------------------------------------------------------------------------

  protected accept(socket: Socket): void {
    const stats: UcpSessionStats = { login: '', submits: 0, maxOutstanding: 0, open: true };
    const session: Session = {
      wire: new UcpSocket(
        socket,
        (message) => this.receive(session, message),
        () => this.counters.malformedReceived++,
      ),
      stats,
      loggedIn: false,
      unanswered: 0,
      trns: new TrnPool(),
      inflight: new Map(),
    };
    this.sessions.add(session);
    this.sessionStats.push(stats);
    socket.once('close', () => this.closed(session));
  }

  private closed(session: Session): void {
    this.sessions.delete(session);
    session.stats.open = false;
    const unanswered = [...session.inflight.values()];
    session.inflight.clear();
    for (const delivery of unanswered) this.deliver(delivery);
  }

  /** Writes a message, after some random octets when the simulator writes garbage between frames. */
  private send(session: Session, message: UcpMessageInput): void {
    if (this.o.garbageBetweenFrames) session.wire.write(this.garbage());
    session.wire.send(message);
  }

  private garbage(): Buffer {
    return Buffer.from(Array.from({ length: 1 + Math.floor(this.random() * 16) }, () => Math.floor(this.random() * 256)));
  }

  private receive(session: Session, message: UcpMessage): void {
    if (message.kind === 'R') return this.answered(session, message);
    switch (message.ot) {
      case 60:
        return this.login(session, message);
      case 51:
        return this.submit(session, message);
      case 31:
        this.counters.alertsReceived++;
        if (!this.o.ignoreAlerts) this.send(session, { kind: 'R', ot: 31, trn: message.trn, ack: true, fields: {} });
        return;
      default:
        this.send(session, { kind: 'R', ot: message.ot, trn: message.trn, ack: false, fields: { EC: EC.notSupported } });
    }
  }

  private login(session: Session, operation: UcpOperation<60>): void {
    const { OAdC, PWD, STYP } = operation.fields;
    if (STYP !== '1') return this.send(session, { kind: 'R', ot: 60, trn: operation.trn, ack: false, fields: { EC: EC.notSupported, SM: 'only STYP 1' } });
    const password = Buffer.from(PWD, 'hex').toString('latin1');
    const refused = this.o.rejectLogin || (this.o.login !== undefined && (OAdC !== this.o.login || password !== this.o.password));
    if (refused) {
      this.counters.loginsRefused++;
      return this.send(session, { kind: 'R', ot: 60, trn: operation.trn, ack: false, fields: { EC: EC.authentication } });
    }
    this.counters.loginsAccepted++;
    session.loggedIn = true;
    session.stats.login = OAdC;
    this.send(session, { kind: 'R', ot: 60, trn: operation.trn, ack: true, fields: {} });
    this.flushQueued(session);
  }

  // --- submits ------------------------------------------------------------------------------------

  private submit(session: Session, operation: UcpOperation<51>): void {
    const { trn, fields } = operation;
    if (!session.loggedIn) return this.send(session, { kind: 'R', ot: 51, trn, ack: false, fields: { EC: EC.authentication, SM: 'not logged in' } });
    const now = performance.now();
    const source = readableOriginator(fields);
    this.counters.submitsReceived++;
    session.stats.submits++;
    session.unanswered++;
    session.stats.maxOutstanding = Math.max(session.stats.maxOutstanding, session.unanswered);
    this.o.onSubmit?.({ source, destination: fields.AdC, at: performance.timeOrigin + now });

    if (this.arrive(source, now, this.counters.submitsReceived)) {
      this.counters.throttled++;
      this.record(operation, source, null);
      return this.respond(session, { kind: 'R', ot: 51, trn, ack: false, fields: { EC: EC.throttled, SM: 'throughput exceeded' } });
    }
    let userData: ReturnType<typeof readUserData>;
    try {
      userData = readUserData(fields);
    } catch (error) {
      if (!(error instanceof UcpDecodeError)) throw error;
      return this.respond(session, { kind: 'R', ot: 51, trn, ack: false, fields: { EC: EC.syntax, SM: error.reason.replaceAll('/', ' ') } });
    }
    const scts = this.timeStampFor(fields.AdC);
    const messageId = `${fields.AdC}:${scts}`;
    this.counters.submitsAccepted++;
    this.accepted(source, now);
    this.record(operation, source, messageId, userData);
    if (this.o.keepBodies) this.reachHandset(fields);
    const notification = this.notificationFor(session, operation, scts);

    if (this.o.dropAfterSubmits > 0 && session.stats.submits % this.o.dropAfterSubmits === 0) {
      if (notification) this.later(this.o.notificationDelayMs, () => this.sendNotification(notification));
      return session.wire.destroy(`dropped after ${session.stats.submits} submits`);
    }
    if (notification && this.o.notificationBeforeResponse) this.sendNotification(notification);
    if (this.o.withholdResponses) {
      if (notification) this.later(this.o.notificationDelayMs, () => this.sendNotification(notification));
      return;
    }
    this.respond(session, { kind: 'R', ot: 51, trn, ack: true, fields: { SM: messageId } }, notification && !this.o.notificationBeforeResponse ? notification : undefined);
  }

  /** An SCTS for this recipient, one second after the last one given to it if need be: AdC:SCTS names one message. */
  private timeStampFor(adc: string): string {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const seconds = Math.max(nowSeconds, (this.lastTimeStamp.get(adc) ?? 0) + 1);
    this.lastTimeStamp.set(adc, seconds);
    if (this.lastTimeStamp.size > 10_000) {
      for (const [key, last] of this.lastTimeStamp) if (last < nowSeconds) this.lastTimeStamp.delete(key);
    }
    return formatTimeStamp(new Date(seconds * 1000));
  }

  private record(operation: UcpOperation<51>, source: string, messageId: string | null, userData?: ReturnType<typeof readUserData>): void {
    if (!this.o.keepBodies) return;
    const { fields } = operation;
    this.submits.push({
      messageId,
      source,
      destination: fields.AdC,
      mt: fields.MT,
      alphabet: userData?.alphabet ?? 'binary',
      dcs: userData?.dcs ?? null,
      udh: userData?.udh ? Buffer.from(userData.udh) : null,
      body: Buffer.from(userData?.body ?? []),
      notification: fields.NRq === '1',
    });
  }

  /** The SMS the SMSC builds from an accepted submit, as the recipient's handset shows it (parts joined once all came). */
  private reachHandset(fields: OperationFields<51>): void {
    let shown: ReturnType<typeof handsetRead>;
    try {
      shown = handsetRead(smscUserData(fields));
    } catch {
      shown = { text: '\ufffd', concatenation: null }; // what a handset shows of user data it cannot read
    }
    const handset = this.handsets.get(fields.AdC) ?? { read: [] as string[], parts: new Map<string, Map<number, string>>() };
    this.handsets.set(fields.AdC, handset);
    const c = shown.concatenation;
    if (!c) return void handset.read.push(shown.text);
    const key = `${c.reference}/${c.total}`;
    const parts = handset.parts.get(key) ?? new Map<number, string>();
    handset.parts.set(key, parts.set(c.index, shown.text));
    if (parts.size < c.total) return;
    handset.parts.delete(key);
    handset.read.push([...parts].sort(([a], [b]) => a - b).map(([, text]) => text).join(''));
  }

  /** Answers a submit (after the configured delay), then sends its notification after the notification delay. */
  private respond(session: Session, result: UcpMessageInput, notification?: Delivery): void {
    const answer = (): void => {
      session.unanswered--;
      this.send(session, result);
      if (notification) this.later(this.o.notificationDelayMs, () => this.sendNotification(notification));
    };
    if (this.o.responseDelayMs > 0) this.later(this.o.responseDelayMs, answer);
    else answer();
  }

  /**
   * The notification (53) of an accepted submit, when it asked for one (NRq=1) and NT covers the outcome: AdC
   * the notification address or the originator, OAdC the recipient, SCTS the submit's, Dst 0 or 2.
   */
  private notificationFor(session: Session, operation: UcpOperation<51>, scts: string): Delivery | undefined {
    const { NRq, NT, NAdC, OAdC, OTOA, AdC } = operation.fields;
    if (NRq !== '1' || this.o.withholdNotifications) return undefined;
    const delivered = this.random() < this.o.deliveredRatio;
    const types = Number(NT || '3') || 3;
    if (!(types & (delivered ? 1 : 2))) return undefined;
    const now = new Date();
    const identification = scts.slice(4, 6) + scts.slice(2, 4) + scts.slice(0, 2) + scts.slice(6);
    const fields: FiftySeries = {
      AdC: NAdC || (OTOA === '5039' ? session.stats.login : OAdC),
      OAdC: AdC,
      SCTS: scts,
      Dst: delivered ? '0' : '2',
      Rsn: delivered ? '000' : RSN_DELIVERY_FAIL,
      DSCTS: formatTimeStamp(now),
      ...textFields(`Message for ${AdC}, with identification ${identification} has ${delivered ? 'been delivered' : 'not been delivered'}`),
    };
    return { ot: 53, login: session.stats.login, strict: true, fields };
  }

  private sendNotification(notification: Delivery): void {
    this.deliver({ ...notification });
    if (this.o.duplicateNotifications) this.deliver({ ...notification });
  }

  // --- deliveries (notifications and MOs) ------------------------------------------------------------

  /** Writes a 52 or 53 on a session logged in for it, or queues it until one logs in (or has a free TRN). */
  private deliver(delivery: Delivery): void {
    if (this.closing) return delivery.abandoned?.(new Error('simulator closed'));
    const session = this.sessionFor(delivery);
    const trn = session?.trns.take();
    if (!session || trn === undefined) {
      const key = delivery.strict ? delivery.login : '';
      const queue = this.queued.get(key) ?? [];
      queue.push(delivery);
      this.queued.set(key, queue);
      return;
    }
    session.inflight.set(trn, delivery);
    this.send(session, { kind: 'O', ot: delivery.ot, trn, fields: delivery.fields });
    this.counters[delivery.ot === 53 ? 'notificationsSent' : 'mosSent']++;
  }

  private sessionFor(delivery: Delivery): Session | undefined {
    let fallback: Session | undefined;
    for (const session of this.sessions) {
      if (!session.loggedIn || !session.wire.writable) continue;
      if (session.stats.login === delivery.login) return session;
      fallback ??= session;
    }
    return delivery.strict ? undefined : fallback;
  }

  private flushQueued(session: Session): void {
    for (const key of [session.stats.login, '']) {
      const queue = this.queued.get(key);
      while (queue && queue.length > 0 && session.trns.free > 0 && session.wire.writable) this.deliver(queue.shift()!);
      if (queue?.length === 0) this.queued.delete(key);
    }
  }

  /** A result from the client: to a notification or MO (acknowledged, or to send again later). */
  private answered(session: Session, result: UcpResult): void {
    const delivery = session.inflight.get(result.trn);
    if (!delivery || delivery.ot !== result.ot) return;
    session.inflight.delete(result.trn);
    session.trns.release(result.trn);
    if (!result.ack) {
      this.counters.deliveriesRefused++;
      this.later(this.o.redeliveryDelayMs, () => this.deliver(delivery));
    } else {
      this.counters[delivery.ot === 53 ? 'notificationsAcknowledged' : 'mosAcknowledged']++;
      delivery.acknowledged?.();
    }
    this.flushQueued(session);
  }
}

/** OAdC as a person reads it: an alphanumeric sender decoded, else the digits (raw when unreadable). */
function readableOriginator(fields: { OAdC: string; OTOA: string }): string {
  try {
    return originatorOf(fields);
  } catch {
    return fields.OAdC;
  }
}
