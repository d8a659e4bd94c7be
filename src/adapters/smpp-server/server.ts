import { LoginGuard } from '../login-guard.ts';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Logger } from 'pino';
import { InsufficientCredit, InvalidRequest } from '../../app/errors.ts';
import type { Clock, SmppReceiptRequest } from '../../app/ports.ts';
import { submitMessages, type SendRequest, type SubmitDeps } from '../../app/submit-messages.ts';
import {
  ESME_RALYBND,
  ESME_RBINDFAIL,
  ESME_RINVBNDSTS,
  ESME_RINVCMDID,
  ESME_ROK,
  ESME_RTHROTTLED,
  formatCommandStatus,
  type CommandName,
  type Pdu,
  type PduOf,
  type PduParams,
} from '../../protocols/smpp/index.ts';
import { SlidingCount } from '../simulator/sliding-count.ts';
import { PduSocket } from '../smpp-client/pdu-socket.ts';
import { senderOf } from '../../app/accounts.ts';
import type { Account } from '../../app/ports/accounts.ts';
import { RecentlyRead } from '../recently-read.ts';
import type { SmppDeliveries, SmppLogins } from '../../app/ports/smpp.ts';
import { ipAllowed } from '../allowlist.ts';
import { moDeliverSm } from './mo.ts';
import { ESME_RCANCELFAIL, queryAnswer } from './query-cancel.ts';
import { receiptDeliverSm, receiptWanted } from './receipt.ts';
import {
  decodeBody,
  ESME_RINVPASWD,
  ESME_RMSGQFUL,
  ESME_RSUBMITFAIL,
  ESME_RSYSERR,
  problemsByPosition,
  readSubmitSm,
  statusOfProblems,
  type Concatenation,
  type ReadSubmit,
} from './submit-sm.ts';

/**
 * The SMPP 3.4 server clients (ESMEs) bind to: binds checked against the accounts' SMPP credentials, each
 * submit_sm taken by the same intake use case as the HTTP API (concatenated parts reassembled first), receipts
 * and the account's MOs sent as deliver_sm to its receiver binds until the client acknowledges them; plain TCP,
 * TLS, or both on two ports (the same sessions either way).
 * docs/smpp-server.md describes the behaviour a client sees.
 */
export interface SmppServerOptions {
  host: string;
  /** 0 picks a free port (see `port` once listening). SMPP over TLS when the TLS files are given without `tlsPort`. */
  port: number;
  /** PEM private key and certificate chain (both or neither): SMPP over TLS. */
  tlsKeyFile?: string | undefined;
  tlsCertFile?: string | undefined;
  /** With the TLS files: TLS on this port (0: any free one, see `tlsPort` once listening), plain SMPP staying on `port`. */
  tlsPort?: number | undefined;
  /** Binds at once per account unless its credential says otherwise (default 10). */
  maxBindsPerAccount?: number | undefined;
  /** submit_sm per second per account (parts count one each); over it: ESME_RTHROTTLED. undefined = no limit. */
  throughputPerSecond?: number | undefined;
  /** How often final messages are looked for, per account with a receiver bound. */
  pollIntervalMs?: number;
  /** Parts of a concatenated message must all arrive within this time after the first one. */
  reassemblyTimeoutMs?: number;
  /**
   * Failed binds of one system_id from one address within `bindFailureWindowMs` before that system_id is refused
   * from that address for `bindBlockMs`; `bindFailureAddressLimit` failures of any system_id block the address
   * (login-guard.ts).
   */
  bindFailureLimit?: number;
  bindFailureAddressLimit?: number;
  bindFailureWindowMs?: number;
  bindBlockMs?: number;
  /** A connection that has not bound after this long is closed. */
  bindTimeoutMs?: number;
  /** A bound session that sends nothing (not even enquire_link) for this long is unbound and closed. */
  inactivityTimeoutMs?: number;
  /** A PDU begun must arrive whole within this time, or the connection is closed. */
  pduTimeoutMs?: number;
  /** submit_sm being processed at once per session; more: ESME_RMSGQFUL. */
  maxOutstandingSubmits?: number;
  /** deliver_sm sent and unanswered at once per session. */
  deliverWindow?: number;
  /** Concatenated messages being reassembled at once per session. */
  maxPendingConcatenations?: number;
}

export interface SmppServerDeps {
  credentials: SmppLogins & SmppDeliveries;
  findAccount: (id: string) => Promise<Account | undefined>;
  submit: SubmitDeps;
  clock: Clock;
  log: Logger;
}

const defaults = {
  pollIntervalMs: 200,
  reassemblyTimeoutMs: 60_000,
  maxBindsPerAccount: 10,
  bindFailureLimit: 5,
  bindFailureAddressLimit: 20,
  bindFailureWindowMs: 60_000,
  bindBlockMs: 60_000,
  bindTimeoutMs: 30_000,
  inactivityTimeoutMs: 120_000,
  pduTimeoutMs: 10_000,
  maxOutstandingSubmits: 1_000,
  deliverWindow: 100,
  maxPendingConcatenations: 100,
};

/** A receipt the client refused (deliver_sm_resp with an error) is offered again after this. */
const REFUSED_RETRY_MS = 5_000;
/** Receipts and MOs read ahead per account, beyond what the windows of its receiver binds hold. */
const READ_AHEAD = 500;
/**
 * At most this many submit_sm of a session in one intake call: the message store merges requests up to 500
 * messages with concurrent ones into one INSERT.
 */
const MAX_SUBMITS_PER_INTAKE = 500;

type BindMode = 'transmitter' | 'receiver' | 'transceiver';
const bindModes = { bind_transmitter: 'transmitter', bind_receiver: 'receiver', bind_transceiver: 'transceiver' } as const;
type BindCommand = keyof typeof bindModes;

interface PendingConcatenation {
  /** By part number: the part read, and its receipt request naming the id it was answered with. */
  parts: Map<number, { read: ReadSubmit; receipt: SmppReceiptRequest }>;
  total: number;
  timer: NodeJS.Timeout;
}

/** A submit_sm read and checked, waiting for its session's next intake call. */
interface QueuedSubmit {
  sequence: number;
  request: SendRequest;
}

interface Session {
  wire: PduSocket;
  ip: string;
  state: 'open' | 'binding' | 'bound' | 'closed';
  mode: BindMode | null;
  account: Account | null;
  /** deliver_sm written and not answered: sequence → what it carries (a receipt id or an MO id). */
  inflight: Map<number, Delivery>;
  /** submit_sm taken and not answered yet (queued or being stored). */
  outstanding: number;
  queued: QueuedSubmit[];
  /** Set while queued submits wait for the end of this turn of the event loop. */
  takeQueued: NodeJS.Immediate | undefined;
  concatenations: Map<string, PendingConcatenation>;
  /** Concatenations that ran out of time: key → until when their late parts are refused. */
  expired: Map<string, number>;
  bindTimer: NodeJS.Timeout | undefined;
}

interface Delivery {
  kind: 'receipt' | 'mo';
  /** A receipt's id (the message id, or a part's: DueReceipt.receiptId), or an MO's. */
  id: string;
}

interface AccountState {
  sessions: Set<Session>;
  rate: SlidingCount;
  /** Receipts and MOs read and not yet acknowledged and recorded (waiting in `ready`, or on the wire), by id. */
  inflight: Set<string>;
  /** Read ahead, waiting for room in a receiver's window: written as soon as a deliver_sm_resp frees some. */
  ready: { delivery: Delivery; params: PduParams<'deliver_sm'> }[];
  refusedUntil: Map<string, number>;
  polling: boolean;
  /** The last read of MOs, of receipts, filled the window: read them again as soon as acknowledgements free room. */
  moreMos: boolean;
  moreReceipts: boolean;
  next: number;
}

export class SmppServer {
  private readonly o: SmppServerOptions & typeof defaults;
  /** What listens: plain TCP and/or TLS, each on its port. */
  private readonly listeners: { server: Server; tls: boolean; port: number }[] = [];
  /** Sockets of the TLS listener, from their first byte (a handshake that never ends is closed by close()). */
  private readonly tlsSockets = new Set<Socket>();
  private readonly sessions = new Set<Session>();
  private readonly accounts = new Map<string, AccountState>();
  private readonly bindGuard: LoginGuard;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly log: Logger;
  private readonly accountsById = new RecentlyRead((id) => this.deps.findAccount(id));
  private poller: NodeJS.Timeout | undefined;
  private closing = false;
  /** The listening port of `port` (plain SMPP, or TLS when TLS has no port of its own). */
  port = 0;
  /** The port SMPP over TLS listens on (the same as `port` when it has no port of its own); undefined without TLS. */
  tlsPort: number | undefined;

  constructor(
    options: SmppServerOptions,
    private readonly deps: SmppServerDeps,
  ) {
    this.o = { ...defaults, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as SmppServerOptions & typeof defaults;
    this.log = deps.log.child({ component: 'smpp-server' });
    const { bindFailureLimit: perAccount, bindFailureAddressLimit: perAddress, bindFailureWindowMs: windowMs, bindBlockMs: blockMs } = this.o;
    this.bindGuard = new LoginGuard({ perAccount, perAddress, windowMs, blockMs });
    const tls = tlsFiles(options);
    if (!tls || options.tlsPort !== undefined) this.listeners.push({ server: createServer((socket) => this.accept(socket)), tls: false, port: this.o.port });
    if (tls) {
      const server = createTlsServer({ key: tls.key, cert: tls.cert, handshakeTimeout: this.o.bindTimeoutMs }, (socket) => this.accept(socket));
      server.on('connection', (socket: Socket) => {
        this.tlsSockets.add(socket);
        socket.once('close', () => this.tlsSockets.delete(socket));
      });
      server.on('tlsClientError', (error, socket) => this.log.debug({ ip: socket.remoteAddress, err: error.message }, 'TLS handshake failed'));
      this.listeners.push({ server, tls: true, port: options.tlsPort ?? this.o.port });
    }
    for (const { server } of this.listeners) server.on('error', (error) => this.log.error({ err: error }, 'SMPP server error'));
  }

  /** Starts listening (both ports when TLS has its own); resolves with `port`. */
  async listen(): Promise<number> {
    try {
      for (const listener of this.listeners) {
        const port = await listenOn(listener.server, listener.port, this.o.host);
        if (listener === this.listeners[0]) this.port = port;
        if (listener.tls) this.tlsPort = port;
      }
    } catch (error) {
      for (const { server } of this.listeners) if (server.listening) server.close();
      throw error;
    }
    this.poller = setInterval(() => this.pollReceipts(), this.o.pollIntervalMs);
    this.poller.unref();
    this.watchdog = setInterval(() => this.closeStalled(), Math.max(20, Math.min(this.o.inactivityTimeoutMs, this.o.pduTimeoutMs) / 4));
    this.watchdog.unref();
    return this.port;
  }

  /** Open client connections. */
  connections(): number {
    return this.sessions.size;
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.poller) clearInterval(this.poller);
    if (this.watchdog) clearInterval(this.watchdog);
    const closed = Promise.all(this.listeners.map(({ server }) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()))));
    for (const session of this.sessions) {
      if (session.state === 'bound') session.wire.send('unbind', session.wire.nextSequence());
      session.wire.end('server stopping');
    }
    const force = setTimeout(() => {
      for (const session of this.sessions) session.wire.destroy('server stopping');
      for (const socket of this.tlsSockets) socket.destroy();
    }, 1_000);
    await closed;
    clearTimeout(force);
  }

  // --- sessions -----------------------------------------------------------------------------------

  private accept(socket: Socket): void {
    if (this.closing) return void socket.destroy();
    const session: Session = {
      wire: new PduSocket(
        socket,
        (pdu) => this.receive(session, pdu),
        (error) => this.log.debug({ ip: session.ip, err: error.message }, 'undecodable PDU answered with generic_nack'),
      ),
      ip: socket.remoteAddress ?? '',
      state: 'open',
      mode: null,
      account: null,
      inflight: new Map(),
      outstanding: 0,
      queued: [],
      takeQueued: undefined,
      concatenations: new Map(),
      expired: new Map(),
      bindTimer: setTimeout(() => session.wire.destroy('no bind in time'), this.o.bindTimeoutMs),
    };
    this.sessions.add(session);
    socket.once('close', () => this.closed(session));
  }

  /** Sessions idle too long, or stuck in the middle of a PDU, are closed (the bind time-out covers sessions not bound). */
  private closeStalled(): void {
    const now = Date.now();
    for (const session of this.sessions) {
      const partial = session.wire.partialSince;
      if (partial !== undefined && now - partial > this.o.pduTimeoutMs) {
        this.log.info({ account: session.account?.name, ip: session.ip }, 'SMPP session closed: a PDU did not arrive whole in time');
        session.wire.destroy(`a PDU did not arrive whole within ${this.o.pduTimeoutMs} ms`);
      } else if (session.state === 'bound' && now - session.wire.lastReceivedAt > this.o.inactivityTimeoutMs) {
        session.wire.send('unbind', session.wire.nextSequence());
        session.wire.end(`nothing received for ${this.o.inactivityTimeoutMs} ms`);
      }
    }
    this.bindGuard.sweep();
  }

  private closed(session: Session): void {
    if (session.state === 'closed') return;
    const wasBound = session.state === 'bound';
    session.state = 'closed';
    this.sessions.delete(session);
    clearTimeout(session.bindTimer);
    for (const pending of session.concatenations.values()) clearTimeout(pending.timer);
    if (session.concatenations.size > 0) {
      this.log.warn({ account: session.account?.name, pending: session.concatenations.size }, 'session closed with concatenated messages incomplete: their parts are dropped');
    }
    session.concatenations.clear();
    const state = session.account && this.accounts.get(session.account.id);
    if (state) {
      // Receipts sent on this session and not acknowledged go again on the next receiving bind.
      for (const { id } of session.inflight.values()) state.inflight.delete(id);
      state.sessions.delete(session);
      if (this.receivers(state).length === 0) this.dropReady(state);
    }
    session.inflight.clear();
    if (wasBound) this.log.info({ account: session.account?.name, mode: session.mode, ip: session.ip, reason: session.wire.closeReason }, 'SMPP session closed');
  }

  private receive(session: Session, pdu: Pdu): void {
    const handle = this.handlers[pdu.command as CommandName] as ((session: Session, pdu: Pdu) => void) | undefined;
    if (handle) return handle(session, pdu);
    // Responses nobody waits for are dropped; requests Relais does not serve get generic_nack.
    if (pdu.commandId & 0x80000000) return;
    session.wire.send('generic_nack', pdu.sequence, undefined, ESME_RINVCMDID);
  }

  private readonly handlers: { [C in CommandName]?: (session: Session, pdu: PduOf<C>) => void } = {
    bind_transmitter: (s, pdu) => void this.bind(s, pdu),
    bind_receiver: (s, pdu) => void this.bind(s, pdu),
    bind_transceiver: (s, pdu) => void this.bind(s, pdu),
    submit_sm: (s, pdu) => this.submit(s, pdu),
    query_sm: (s, pdu) => void this.query(s, pdu).catch((error: unknown) => this.storeFailed(s, 'query_sm_resp', pdu.sequence, error)),
    cancel_sm: (s, pdu) => void this.cancel(s, pdu).catch((error: unknown) => this.storeFailed(s, 'cancel_sm_resp', pdu.sequence, error)),
    enquire_link: (s, pdu) => void s.wire.send('enquire_link_resp', pdu.sequence),
    unbind: (s, pdu) => {
      s.wire.send('unbind_resp', pdu.sequence);
      s.wire.end('client unbound');
    },
    unbind_resp: (s) => s.wire.end('unbound'),
    deliver_sm_resp: (s, pdu) => this.delivered(s, pdu.sequence, pdu.status),
    generic_nack: (s, pdu) => this.delivered(s, pdu.sequence, pdu.status || ESME_RINVCMDID),
    enquire_link_resp: () => undefined,
  };

  // --- query_sm, cancel_sm -------------------------------------------------------------------------------

  /** The state of a message of the account (any door), as a receipt would give it once final. */
  private async query(session: Session, pdu: PduOf<'query_sm'>): Promise<void> {
    if (session.state !== 'bound' || session.mode === 'receiver' || !session.account) return void session.wire.send('query_sm_resp', pdu.sequence, undefined, ESME_RINVBNDSTS);
    const message = await this.deps.submit.store.getMessage(session.account.id, pdu.fields.message_id);
    const { status, params } = queryAnswer(pdu.fields.message_id, message);
    session.wire.send('query_sm_resp', pdu.sequence, params, status);
  }

  /** The store could not answer: a system error the client may try again. */
  private storeFailed(session: Session, response: 'query_sm_resp' | 'cancel_sm_resp', sequence: number, error: unknown): void {
    this.log.error({ account: session.account?.name, err: error }, `${response.replace('_resp', '')} failed`);
    session.wire.send(response, sequence, undefined, ESME_RSYSERR);
  }

  /** Cancels a message of the account that has not left yet (queued); ESME_RCANCELFAIL otherwise. */
  private async cancel(session: Session, pdu: PduOf<'cancel_sm'>): Promise<void> {
    if (session.state !== 'bound' || session.mode === 'receiver' || !session.account) return void session.wire.send('cancel_sm_resp', pdu.sequence, undefined, ESME_RINVBNDSTS);
    const cancelled = await this.deps.submit.store.cancelMessage(session.account.id, pdu.fields.message_id, this.deps.clock.now());
    session.wire.send('cancel_sm_resp', pdu.sequence, undefined, cancelled ? ESME_ROK : ESME_RCANCELFAIL);
  }

  // --- binds ------------------------------------------------------------------------------------------

  private async bind(session: Session, pdu: PduOf<BindCommand>): Promise<void> {
    const response = `${pdu.command}_resp` as const;
    if (session.state !== 'open') return void session.wire.send(response, pdu.sequence, undefined, session.state === 'bound' ? ESME_RALYBND : ESME_RINVBNDSTS);
    const { system_id: systemId, password } = pdu.fields;
    const attempt = this.bindGuard.begin(session.ip, systemId);
    const refuse = (status: number, reason: string, counts: boolean): void => {
      if ('end' in attempt) attempt.end(counts);
      this.log.warn({ systemId, ip: session.ip, status: formatCommandStatus(status), reason }, 'SMPP bind refused');
      if (session.state === 'binding') session.state = 'open';
      session.wire.send(response, pdu.sequence, undefined, status);
      session.wire.end(`bind refused: ${reason}`);
    };
    if ('refused' in attempt) return refuse(ESME_RBINDFAIL, attempt.refused, false);
    session.state = 'binding';
    try {
      const credential = await this.deps.credentials.authenticate(systemId, password);
      if (session.state !== 'binding') return attempt.end(!credential); // closed meanwhile
      if (!credential) return refuse(ESME_RINVPASWD, 'unknown system_id or wrong password', true);
      if (!ipAllowed(session.ip, credential.allowedIps)) return refuse(ESME_RBINDFAIL, `address ${session.ip} is not in the allowlist of ${systemId}`, true);
      const account = await this.deps.findAccount(credential.accountId);
      if (session.state !== 'binding') return attempt.end(false);
      if (!account) return refuse(ESME_RBINDFAIL, 'the account of this system_id does not exist', true);
      if (account.status !== 'active') return refuse(ESME_RBINDFAIL, notActive(account), false);
      const state = this.accountState(account.id);
      const maxBinds = credential.maxBinds ?? this.o.maxBindsPerAccount;
      if (maxBinds !== undefined && state.sessions.size >= maxBinds) return refuse(ESME_RBINDFAIL, `the account already has ${state.sessions.size} binds (at most ${maxBinds})`, false);
      attempt.end(false);
      session.state = 'bound';
      session.mode = bindModes[pdu.command];
      session.account = account;
      clearTimeout(session.bindTimer);
      state.sessions.add(session);
      session.wire.send(response, pdu.sequence, { system_id: 'relais', sc_interface_version: 0x34 });
      this.log.info({ account: account.name, systemId, mode: session.mode, ip: session.ip }, 'SMPP client bound');
    } catch (error) {
      attempt.end(false);
      this.log.error({ err: error, systemId }, 'SMPP bind failed on an internal error');
      if (session.state === 'binding') {
        session.state = 'open';
        session.wire.send(response, pdu.sequence, undefined, ESME_RSYSERR);
      }
    }
  }

  private accountState(accountId: string): AccountState {
    let state = this.accounts.get(accountId);
    if (!state) {
      state = { sessions: new Set(), rate: new SlidingCount(), inflight: new Set(), ready: [], refusedUntil: new Map(), polling: false, moreMos: false, moreReceipts: false, next: 0 };
      this.accounts.set(accountId, state);
    }
    return state;
  }

  // --- submits ----------------------------------------------------------------------------------------

  /**
   * Checks a submit_sm at once (bind, window, throughput, fields, concatenation) and answers a refusal at once;
   * a message to take joins the session's queue, taken at the end of this turn of the event loop together with
   * the other submit_sm that arrived in it (one intake call for them all).
   */
  private submit(session: Session, pdu: PduOf<'submit_sm'>): void {
    const sequence = pdu.sequence;
    if (session.state !== 'bound' || session.mode === 'receiver' || !session.account) return this.answer(session, sequence, ESME_RINVBNDSTS);
    if (session.outstanding >= this.o.maxOutstandingSubmits) return this.refuse(session, sequence, ESME_RMSGQFUL, `more than ${this.o.maxOutstandingSubmits} submit_sm in progress on this session`);
    const limit = this.o.throughputPerSecond;
    if (limit !== undefined) {
      const state = this.accountState(session.account.id);
      const tick = performance.now();
      if (state.rate.count(tick) >= limit) return this.refuse(session, sequence, ESME_RTHROTTLED, `over ${limit} submit_sm per second for this account`);
      state.rate.add(tick);
    }
    const read = readSubmitSm(pdu, this.deps.clock.now());
    if ('status' in read) return this.refuse(session, sequence, read.status, read.reason);

    const f = pdu.fields;
    const own: SmppReceiptRequest = { receiptId: null, registeredDelivery: read.registeredDelivery, sourceAddr: f.source_addr, sourceAddrTon: f.source_addr_ton, sourceAddrNpi: f.source_addr_npi };
    let whole: ReadSubmit = read;
    let receipts = [own];
    if (read.concatenation) {
      const assembled = this.reassemble(session, pdu, read, own, read.concatenation);
      if (assembled.kind === 'refused') return this.refuse(session, sequence, assembled.status, assembled.reason);
      if (assembled.kind === 'waiting') return this.answer(session, sequence, ESME_ROK, assembled.partId);
      ({ message: whole, receipts } = assembled);
    }
    if (whole.dataCoding === 0x08 && whole.body.length % 2 !== 0) return this.refuse(session, sequence, 0x01, 'UCS-2 text with an odd number of octets');
    let text: string;
    try {
      text = decodeBody(whole.dataCoding, whole.body);
    } catch (error) {
      this.log.error({ err: error, account: session.account.name }, 'submit_sm text could not be decoded');
      return this.answer(session, sequence, ESME_RSYSERR);
    }
    session.outstanding++;
    const smppReceipts = receipts.filter((r) => r.registeredDelivery !== 0);
    session.queued.push({ sequence, request: { ...whole.request, text, ...(smppReceipts.length > 0 ? { smppReceipts } : {}) } });
    session.takeQueued ??= setImmediate(this.takeQueued, session);
  }

  private readonly takeQueued = (session: Session): void => {
    session.takeQueued = undefined;
    while (session.queued.length > 0) {
      this.take(session, session.queued.splice(0, MAX_SUBMITS_PER_INTAKE)).catch((error: unknown) => this.log.error({ err: error }, 'submit_sm batch failed'));
    }
  };

  /**
   * One intake call for submit_sm queued together (one message each, in order). Each is answered once its
   * message and its receipt request are stored (one statement), with its own id; a refusal of the batch (all
   * or none) is answered for the refused ones only, and the others are taken again without them. The answers
   * are written in the turn of the event loop that reads the insert's commit. A receipt cannot overtake them:
   * it is due only once the message was claimed, sent and its receipt recorded, round trips that all start
   * after that commit.
   */
  private async take(session: Session, batch: QueuedSubmit[]): Promise<void> {
    const now = this.deps.clock.now();
    let ids: string[];
    try {
      // The account as it is now (read at most a second ago): a setting changed while bound applies at once.
      const account = await this.accountsById.get(session.account!.id);
      if (!account) throw new InvalidRequest(batch.map((_, i) => ({ field: `/messages/${i}`, reason: 'the account of this bind no longer exists' })));
      if (account.status !== 'active') {
        this.log.warn({ account: account.name, submits: batch.length, reason: notActive(account) }, 'submit_sm refused: the account is not active');
        for (const q of batch) this.settle(session, q.sequence, ESME_RSUBMITFAIL);
        return;
      }
      ids = (await submitMessages(this.deps.submit, senderOf(account), batch.map((q) => q.request), now)).ids;
    } catch (error) {
      if (error instanceof InvalidRequest) return this.takeValid(session, batch, error);
      if (error instanceof InsufficientCredit) return this.takeWithinCredit(session, batch, error);
      this.log.error({ err: error, account: session.account?.name, submits: batch.length }, 'submit_sm failed on an internal error');
      for (const q of batch) this.settle(session, q.sequence, ESME_RSYSERR);
      return;
    }
    for (const [i, q] of batch.entries()) this.settle(session, q.sequence, ESME_ROK, ids[i]);
  }

  /** The batch was refused: answer the refused submit_sm with their own status, take the others again. */
  private async takeValid(session: Session, batch: QueuedSubmit[], refusal: InvalidRequest): Promise<void> {
    const byPosition = problemsByPosition(refusal.problems, batch.length);
    if (!byPosition) {
      await Promise.all(batch.map((q) => this.take(session, [q])));
      return;
    }
    for (const [position, problems] of byPosition) {
      session.outstanding--;
      this.refuse(session, batch[position]!.sequence, statusOfProblems(problems), new InvalidRequest(problems).message);
    }
    const rest = batch.filter((_, i) => !byPosition.has(i));
    if (rest.length > 0) await this.take(session, rest);
  }

  /**
   * The account's prepaid credit could not cover the batch: each submit_sm is taken again alone, in order; one
   * the credit cannot cover alone is refused with ESME_RSUBMITFAIL, the reason in the logs (docs/billing.md).
   */
  private async takeWithinCredit(session: Session, batch: QueuedSubmit[], refusal: InsufficientCredit): Promise<void> {
    if (batch.length > 1) {
      for (const q of batch) await this.take(session, [q]);
      return;
    }
    session.outstanding--;
    this.log.warn({ account: session.account?.name, needed: refusal.needed, available: refusal.available }, refusal.message);
    this.refuse(session, batch[0]!.sequence, ESME_RSUBMITFAIL, refusal.message);
  }

  /** Answers a queued submit_sm: it no longer counts as in progress. */
  private settle(session: Session, sequence: number, status: number, messageId = ''): void {
    session.outstanding--;
    this.answer(session, sequence, status, messageId);
  }

  private answer(session: Session, sequence: number, status: number, messageId = ''): void {
    session.wire.send('submit_sm_resp', sequence, { message_id: messageId }, status);
  }

  private refuse(session: Session, sequence: number, status: number, reason: string): void {
    this.log.info({ account: session.account?.name, sequence, status: formatCommandStatus(status), reason }, 'submit_sm refused');
    this.answer(session, sequence, status);
  }

  /**
   * Keeps the parts of a concatenated message until all have arrived; refuses parts of a message whose first part
   * arrived more than reassemblyTimeoutMs ago. Each part is answered at once with an id of its own: the part that
   * completes the message with the message id (once stored), the others with a part id given now. Each part's
   * receipt request names the id it was answered with, so a client that asked a receipt for one part (often the
   * first only) gets it under the id it knows.
   */
  private reassemble(
    session: Session,
    pdu: PduOf<'submit_sm'>,
    part: ReadSubmit,
    receipt: SmppReceiptRequest,
    c: Concatenation,
  ):
    | { kind: 'waiting'; partId: string }
    | { kind: 'complete'; message: ReadSubmit; receipts: SmppReceiptRequest[] }
    | { kind: 'refused'; status: number; reason: string } {
    const key = `${pdu.fields.source_addr}|${pdu.fields.destination_addr}|${c.reference}|${c.total}`;
    const now = Date.now();
    const expiredUntil = session.expired.get(key);
    if (expiredUntil !== undefined) {
      if (expiredUntil > now) return { kind: 'refused', status: ESME_RSUBMITFAIL, reason: `concatenated message ${c.reference}: its parts did not all arrive within ${this.o.reassemblyTimeoutMs} ms` };
      session.expired.delete(key);
    }
    let pending = session.concatenations.get(key);
    if (!pending) {
      if (session.concatenations.size >= this.o.maxPendingConcatenations) {
        return { kind: 'refused', status: ESME_RMSGQFUL, reason: `more than ${this.o.maxPendingConcatenations} concatenated messages incomplete on this session` };
      }
      const timer = setTimeout(() => {
        session.concatenations.delete(key);
        session.expired.set(key, Date.now() + this.o.reassemblyTimeoutMs);
        this.log.warn({ account: session.account?.name, reference: c.reference, received: pending!.parts.size, total: c.total }, 'concatenated message incomplete in time: its parts are dropped');
      }, this.o.reassemblyTimeoutMs);
      timer.unref();
      pending = { parts: new Map(), total: c.total, timer };
      session.concatenations.set(key, pending);
    }
    if (pending.parts.has(c.index)) return { kind: 'refused', status: ESME_RSUBMITFAIL, reason: `part ${c.index} of concatenated message ${c.reference} was already received` };
    const first = pending.parts.values().next().value;
    if (first && first.read.dataCoding !== part.dataCoding) return { kind: 'refused', status: ESME_RSUBMITFAIL, reason: `part ${c.index} of concatenated message ${c.reference} has another data_coding than the others` };
    if (pending.parts.size + 1 < pending.total) {
      const partId = `part-${randomBytes(8).toString('hex')}`;
      pending.parts.set(c.index, { read: part, receipt: { ...receipt, receiptId: partId } });
      return { kind: 'waiting', partId };
    }
    pending.parts.set(c.index, { read: part, receipt });
    clearTimeout(pending.timer);
    session.concatenations.delete(key);
    const ordered = [...pending.parts].sort(([a], [b]) => a - b).map(([, p]) => p);
    return {
      kind: 'complete',
      message: { ...ordered[0]!.read, body: Buffer.concat(ordered.map((p) => p.read.body)), concatenation: null },
      receipts: ordered.map((p) => p.receipt),
    };
  }

  // --- receipts ---------------------------------------------------------------------------------------

  private pollReceipts(): void {
    const now = Date.now();
    for (const [accountId, state] of this.accounts) {
      if (state.sessions.size === 0 && state.inflight.size === 0) this.accounts.delete(accountId);
      else this.pollOne(accountId, state);
    }
  }

  /**
   * Reads what is due for the account, up to READ_AHEAD ahead of the windows, and writes what the windows take:
   * MOs and receipts on the timer; on a refill (the read-ahead ran low) only what the last read left behind,
   * so a stream of receipts costs no read of MOs.
   */
  private pollOne(accountId: string, state: AccountState, refill = false): void {
    if (state.polling || this.closing || this.receivers(state).length === 0) return;
    const mos = !refill || state.moreMos;
    const receipts = !refill || state.moreReceipts;
    if (!mos && !receipts) return;
    state.polling = true;
    this.pollAccount(accountId, state, mos, receipts)
      .catch((error) => this.log.error({ err: error }, 'could not read the receipts and MOs due'))
      .finally(() => {
        state.polling = false;
        // Whatever the read found, and what was read before (a receiver that bound since has room for it).
        this.pump(state);
      });
  }

  private async pollAccount(accountId: string, state: AccountState, readMos: boolean, readReceipts: boolean): Promise<void> {
    const room = (): number => READ_AHEAD - state.ready.length;
    if (room() <= 0) return;
    const now = Date.now();
    for (const [id, until] of state.refusedUntil) if (until <= now) state.refusedUntil.delete(id);
    const skip = [...state.inflight, ...state.refusedUntil.keys()];
    const taken = (id: string) => state.inflight.has(id) || state.refusedUntil.has(id);
    if (readMos) {
      const limit = room();
      const mos = await this.deps.credentials.dueMos(accountId, skip, limit);
      state.moreMos = mos.length >= limit;
      for (const mo of mos) if (!taken(mo.id)) this.ready(state, { kind: 'mo', id: mo.id }, moDeliverSm(mo));
    }
    if (readReceipts) {
      const limit = room();
      if (limit <= 0) return void (state.moreReceipts = true); // the MOs filled the read-ahead
      const due = await this.deps.credentials.dueReceipts(accountId, skip, limit);
      state.moreReceipts = due.length >= limit;
      for (const receipt of due) {
        const id = receipt.receiptId;
        if (taken(id)) continue;
        if (receiptWanted(receipt.registeredDelivery, receipt.status)) {
          this.ready(state, { kind: 'receipt', id }, receiptDeliverSm(receipt));
          continue;
        }
        state.inflight.add(id);
        this.deps.credentials.acknowledge(id, new Date()).finally(() => state.inflight.delete(id)).catch(() => undefined);
      }
    }
  }

  private ready(state: AccountState, delivery: Delivery, params: PduParams<'deliver_sm'>): void {
    state.inflight.add(delivery.id);
    state.ready.push({ delivery, params });
  }

  /** Writes what was read ahead while a receiver bind of the account has room in its window. */
  private pump(state: AccountState): void {
    while (state.ready.length > 0) {
      const session = this.receiverWithRoom(state);
      if (!session) return;
      const { delivery, params } = state.ready.shift()!;
      const sequence = session.wire.nextSequence();
      session.inflight.set(sequence, delivery);
      session.wire.send('deliver_sm', sequence, params);
    }
  }

  /** No receiver left: what was read ahead is forgotten, and read again on the next receiving bind. */
  private dropReady(state: AccountState): void {
    for (const { delivery } of state.ready) state.inflight.delete(delivery.id);
    state.ready = [];
  }

  private receivers(state: AccountState): Session[] {
    return [...state.sessions].filter((s) => s.mode !== 'transmitter' && s.wire.writable);
  }

  private receiverWithRoom(state: AccountState): Session | undefined {
    const receivers = this.receivers(state).filter((s) => s.inflight.size < this.o.deliverWindow);
    if (receivers.length === 0) return undefined;
    return receivers[state.next++ % receivers.length];
  }

  /** The answer to a deliver_sm: acknowledged receipts and MOs are recorded, refused ones offered again later. */
  private delivered(session: Session, sequence: number, status: number): void {
    const delivery = session.inflight.get(sequence);
    if (delivery === undefined || !session.account) return;
    session.inflight.delete(sequence);
    const { id, kind } = delivery;
    const state = this.accountState(session.account.id);
    this.pump(state);
    // Read more once half the read-ahead is gone: fewer, larger reads than one per acknowledgement.
    if ((state.moreMos || state.moreReceipts) && state.ready.length <= READ_AHEAD / 2) this.pollOne(session.account.id, state, true);
    if (status !== ESME_ROK) {
      this.log.info({ account: session.account.name, kind, id, status: formatCommandStatus(status) }, 'deliver_sm refused by the client; offered again later');
      state.refusedUntil.set(id, Date.now() + REFUSED_RETRY_MS);
      state.inflight.delete(id);
      return;
    }
    const now = this.deps.clock.now();
    const recorded = kind === 'receipt' ? this.deps.credentials.acknowledge(id, now) : this.deps.credentials.acknowledgeMo(id, session.account.id, now);
    recorded
      .catch((error) => this.log.error({ err: error, kind, id }, 'could not record a deliver_sm acknowledgement; it will be sent again'))
      .finally(() => state.inflight.delete(id));
  }
}

/** The TLS key and certificate, read at start (both files or none). */
function tlsFiles(options: SmppServerOptions): { key: Buffer; cert: Buffer } | undefined {
  const { tlsKeyFile, tlsCertFile, tlsPort } = options;
  if (!tlsKeyFile && !tlsCertFile) {
    if (tlsPort !== undefined) throw new Error('smppServer.tlsPort needs smppServer.tlsKeyFile and smppServer.tlsCertFile');
    return undefined;
  }
  if (!tlsKeyFile || !tlsCertFile) throw new Error('smppServer.tlsKeyFile and smppServer.tlsCertFile go together: give both PEM files, or neither');
  return { key: readFileSync(tlsKeyFile), cert: readFileSync(tlsCertFile) };
}

function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Why a suspended or closed account's bind or submit is refused, for the logs. */
function notActive(account: Account): string {
  return `the account "${account.name}" is ${account.status}${account.statusReason ? `: ${account.statusReason}` : ''}`;
}
