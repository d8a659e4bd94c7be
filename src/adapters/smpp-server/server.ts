import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { InvalidRequest } from '../../app/errors.ts';
import type { Clock } from '../../app/ports.ts';
import { submitMessages, type Sender, type SubmitDeps } from '../../app/submit-messages.ts';
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
import type { Account } from '../store/account-store.ts';
import { ipAllowed, type PgSmppAccountStore } from '../store/smpp-account-store.ts';
import { moDeliverSm } from './mo.ts';
import { ESME_RCANCELFAIL, queryAnswer } from './query-cancel.ts';
import { receiptDeliverSm, receiptWanted } from './receipt.ts';
import {
  decodeBody,
  ESME_RINVPASWD,
  ESME_RMSGQFUL,
  ESME_RSUBMITFAIL,
  ESME_RSYSERR,
  readSubmitSm,
  statusOfProblems,
  type Concatenation,
  type ReadSubmit,
} from './submit-sm.ts';

/**
 * The SMPP 3.4 server clients (ESMEs) bind to: binds checked against the accounts' SMPP credentials, each
 * submit_sm taken by the same intake use case as the HTTP API (concatenated parts reassembled first), receipts
 * and the account's MOs sent as deliver_sm to its receiver binds until the client acknowledges them.
 * docs/smpp-server.md describes the behaviour a client sees.
 */
export interface SmppServerOptions {
  host: string;
  /** 0 picks a free port (see `port` once listening). */
  port: number;
  /** Binds at once per account unless its credential says otherwise; undefined = no limit. */
  maxBindsPerAccount?: number | undefined;
  /** submit_sm per second per account (parts count one each); over it: ESME_RTHROTTLED. undefined = no limit. */
  throughputPerSecond?: number | undefined;
  /** How often final messages are looked for, per account with a receiver bound. */
  pollIntervalMs?: number;
  /** Parts of a concatenated message must all arrive within this time after the first one. */
  reassemblyTimeoutMs?: number;
  /** Failed binds from one address within `bindFailureWindowMs` before its binds are refused for `bindBlockMs`. */
  bindFailureLimit?: number;
  bindFailureWindowMs?: number;
  bindBlockMs?: number;
  /** A connection that has not bound after this long is closed. */
  bindTimeoutMs?: number;
  /** submit_sm being processed at once per session; more: ESME_RMSGQFUL. */
  maxOutstandingSubmits?: number;
  /** deliver_sm sent and unanswered at once per session. */
  deliverWindow?: number;
  /** Concatenated messages being reassembled at once per session. */
  maxPendingConcatenations?: number;
}

export interface SmppServerDeps {
  credentials: PgSmppAccountStore;
  findAccount: (id: string) => Promise<Account | undefined>;
  submit: SubmitDeps;
  clock: Clock;
  log: Logger;
}

const defaults = {
  pollIntervalMs: 200,
  reassemblyTimeoutMs: 60_000,
  bindFailureLimit: 5,
  bindFailureWindowMs: 60_000,
  bindBlockMs: 60_000,
  bindTimeoutMs: 30_000,
  maxOutstandingSubmits: 1_000,
  deliverWindow: 100,
  maxPendingConcatenations: 100,
};

/** A receipt the client refused (deliver_sm_resp with an error) is offered again after this. */
const REFUSED_RETRY_MS = 5_000;
const DELIVERIES_PER_POLL = 500;

type BindMode = 'transmitter' | 'receiver' | 'transceiver';
const bindModes = { bind_transmitter: 'transmitter', bind_receiver: 'receiver', bind_transceiver: 'transceiver' } as const;
type BindCommand = keyof typeof bindModes;

interface PendingConcatenation {
  parts: Map<number, ReadSubmit>;
  total: number;
  timer: NodeJS.Timeout;
}

interface Session {
  wire: PduSocket;
  ip: string;
  state: 'open' | 'binding' | 'bound' | 'closed';
  mode: BindMode | null;
  account: Account | null;
  sender: Sender | null;
  /** deliver_sm written and not answered: sequence → what it carries (a message id or an MO id). */
  inflight: Map<number, Delivery>;
  outstanding: number;
  concatenations: Map<string, PendingConcatenation>;
  /** Concatenations that ran out of time: key → until when their late parts are refused. */
  expired: Map<string, number>;
  bindTimer: NodeJS.Timeout | undefined;
}

interface Delivery {
  kind: 'receipt' | 'mo';
  id: string;
}

interface AccountState {
  sessions: Set<Session>;
  rate: SlidingCount;
  /** Receipts and MOs on the wire (sent, not yet acknowledged and recorded), by id. */
  inflight: Set<string>;
  refusedUntil: Map<string, number>;
  polling: boolean;
  /** The last poll filled the window: poll again as soon as an acknowledgement frees room. */
  more: boolean;
  next: number;
}

export class SmppServer {
  private readonly o: SmppServerOptions & typeof defaults;
  private readonly server: Server;
  private readonly sessions = new Set<Session>();
  private readonly accounts = new Map<string, AccountState>();
  /** Messages whose submit_sm_resp is not written yet: no receipt may go before it. */
  private readonly unanswered = new Set<string>();
  private readonly bindFailures = new Map<string, number[]>();
  private readonly blocked = new Map<string, number>();
  private readonly log: Logger;
  private poller: NodeJS.Timeout | undefined;
  private closing = false;
  port = 0;

  constructor(
    options: SmppServerOptions,
    private readonly deps: SmppServerDeps,
  ) {
    this.o = { ...defaults, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as SmppServerOptions & typeof defaults;
    this.log = deps.log.child({ component: 'smpp-server' });
    this.server = createServer((socket) => this.accept(socket));
    this.server.on('error', (error) => this.log.error({ err: error }, 'SMPP server error'));
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.port, this.o.host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        this.port = typeof address === 'object' && address ? address.port : this.o.port;
        this.poller = setInterval(() => this.pollReceipts(), this.o.pollIntervalMs);
        this.poller.unref();
        resolve(this.port);
      });
    });
  }

  /** Open client connections. */
  connections(): number {
    return this.sessions.size;
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.poller) clearInterval(this.poller);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const session of this.sessions) {
      if (session.state === 'bound') session.wire.send('unbind', session.wire.nextSequence());
      session.wire.end('server stopping');
    }
    const force = setTimeout(() => {
      for (const session of this.sessions) session.wire.destroy('server stopping');
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
      sender: null,
      inflight: new Map(),
      outstanding: 0,
      concatenations: new Map(),
      expired: new Map(),
      bindTimer: setTimeout(() => session.wire.destroy('no bind in time'), this.o.bindTimeoutMs),
    };
    this.sessions.add(session);
    socket.once('close', () => this.closed(session));
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
    submit_sm: (s, pdu) => void this.submit(s, pdu),
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
    const refuse = (status: number, reason: string, counts: boolean): void => {
      if (counts) this.bindFailed(session.ip);
      this.log.warn({ systemId, ip: session.ip, status: formatCommandStatus(status), reason }, 'SMPP bind refused');
      if (session.state === 'binding') session.state = 'open';
      session.wire.send(response, pdu.sequence, undefined, status);
      session.wire.end(`bind refused: ${reason}`);
    };
    const now = Date.now();
    if ((this.blocked.get(session.ip) ?? 0) > now) return refuse(ESME_RBINDFAIL, 'too many failed binds from this address; try again later', false);
    session.state = 'binding';
    try {
      const credential = await this.deps.credentials.authenticate(systemId, password);
      if (session.state !== 'binding') return; // closed meanwhile
      if (!credential) return refuse(ESME_RINVPASWD, 'unknown system_id or wrong password', true);
      if (!ipAllowed(session.ip, credential.allowedIps)) return refuse(ESME_RBINDFAIL, `address ${session.ip} is not in the allowlist of ${systemId}`, true);
      const account = await this.deps.findAccount(credential.accountId);
      if (session.state !== 'binding') return;
      if (!account) return refuse(ESME_RBINDFAIL, 'the account of this system_id does not exist', true);
      const state = this.accountState(account.id);
      const maxBinds = credential.maxBinds ?? this.o.maxBindsPerAccount;
      if (maxBinds !== undefined && state.sessions.size >= maxBinds) return refuse(ESME_RBINDFAIL, `the account already has ${state.sessions.size} binds (at most ${maxBinds})`, false);
      session.state = 'bound';
      session.mode = bindModes[pdu.command];
      session.account = account;
      session.sender = { accountId: account.id, defaultShortCode: account.defaultShortCode, brand: account.brand, capPolicy: account.capPolicy };
      clearTimeout(session.bindTimer);
      state.sessions.add(session);
      session.wire.send(response, pdu.sequence, { system_id: 'relais', sc_interface_version: 0x34 });
      this.log.info({ account: account.name, systemId, mode: session.mode, ip: session.ip }, 'SMPP client bound');
    } catch (error) {
      this.log.error({ err: error, systemId }, 'SMPP bind failed on an internal error');
      if (session.state === 'binding') {
        session.state = 'open';
        session.wire.send(response, pdu.sequence, undefined, ESME_RSYSERR);
      }
    }
  }

  private bindFailed(ip: string): void {
    const now = Date.now();
    const recent = (this.bindFailures.get(ip) ?? []).filter((at) => at > now - this.o.bindFailureWindowMs);
    recent.push(now);
    if (recent.length >= this.o.bindFailureLimit) {
      this.bindFailures.delete(ip);
      this.blocked.set(ip, now + this.o.bindBlockMs);
      this.log.warn({ ip, failures: recent.length }, 'SMPP binds from this address refused for a while');
    } else {
      this.bindFailures.set(ip, recent);
    }
  }

  private accountState(accountId: string): AccountState {
    let state = this.accounts.get(accountId);
    if (!state) {
      state = { sessions: new Set(), rate: new SlidingCount(), inflight: new Set(), refusedUntil: new Map(), polling: false, more: false, next: 0 };
      this.accounts.set(accountId, state);
    }
    return state;
  }

  // --- submits ----------------------------------------------------------------------------------------

  private async submit(session: Session, pdu: PduOf<'submit_sm'>): Promise<void> {
    const answer = (status: number, messageId = ''): void => void session.wire.send('submit_sm_resp', pdu.sequence, { message_id: messageId }, status);
    if (session.state !== 'bound' || session.mode === 'receiver' || !session.account || !session.sender) return answer(ESME_RINVBNDSTS);
    const refuse = (status: number, reason: string): void => {
      this.log.info({ account: session.account?.name, sequence: pdu.sequence, status: formatCommandStatus(status), reason }, 'submit_sm refused');
      answer(status);
    };
    if (session.outstanding >= this.o.maxOutstandingSubmits) return refuse(ESME_RMSGQFUL, `more than ${this.o.maxOutstandingSubmits} submit_sm in progress on this session`);
    const state = this.accountState(session.account.id);
    const limit = this.o.throughputPerSecond;
    const tick = performance.now();
    if (limit !== undefined) {
      if (state.rate.count(tick) >= limit) return refuse(ESME_RTHROTTLED, `over ${limit} submit_sm per second for this account`);
      state.rate.add(tick);
    }
    const now = this.deps.clock.now();
    const read = readSubmitSm(pdu, new Set(this.deps.submit.shortCodes().keys()), now);
    if ('status' in read) return refuse(read.status, read.reason);

    let whole: ReadSubmit = read;
    if (read.concatenation) {
      const assembled = this.reassemble(session, pdu, read, read.concatenation);
      if (assembled.kind === 'refused') return refuse(assembled.status, assembled.reason);
      if (assembled.kind === 'waiting') return answer(ESME_ROK, assembled.provisionalId);
      whole = assembled.message;
    }
    if (whole.dataCoding === 0x08 && whole.body.length % 2 !== 0) return refuse(0x01, 'UCS-2 text with an odd number of octets');

    session.outstanding++;
    try {
      const text = decodeBody(whole.dataCoding, whole.body);
      const result = await submitMessages(this.deps.submit, session.sender, [{ ...whole.request, text }], now);
      const id = result.ids[0]!;
      if (whole.registeredDelivery !== 0) {
        this.unanswered.add(id);
        try {
          const f = pdu.fields;
          await this.deps.credentials.recordSubmission({
            messageId: id,
            accountId: session.account.id,
            registeredDelivery: whole.registeredDelivery,
            sourceAddr: f.source_addr,
            sourceAddrTon: f.source_addr_ton,
            sourceAddrNpi: f.source_addr_npi,
            submittedAt: now,
          });
        } catch (error) {
          this.log.error({ err: error, messageId: id }, 'could not record the receipt request of an SMPP submit; the message is queued but no receipt will be sent');
        }
      }
      answer(ESME_ROK, id);
      this.unanswered.delete(id);
    } catch (error) {
      if (error instanceof InvalidRequest) return refuse(statusOfProblems(error.problems), error.message);
      this.log.error({ err: error, account: session.account.name }, 'submit_sm failed on an internal error');
      answer(ESME_RSYSERR);
    } finally {
      session.outstanding--;
    }
  }

  /**
   * Keeps the parts of a concatenated message until all have arrived (each part answered at once, the part
   * that completes the message with the message id, the others with a provisional id); refuses parts of a
   * message whose first part arrived more than reassemblyTimeoutMs ago.
   */
  private reassemble(
    session: Session,
    pdu: PduOf<'submit_sm'>,
    part: ReadSubmit,
    c: Concatenation,
  ): { kind: 'waiting'; provisionalId: string } | { kind: 'complete'; message: ReadSubmit } | { kind: 'refused'; status: number; reason: string } {
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
    if (first && first.dataCoding !== part.dataCoding) return { kind: 'refused', status: ESME_RSUBMITFAIL, reason: `part ${c.index} of concatenated message ${c.reference} has another data_coding than the others` };
    pending.parts.set(c.index, part);
    if (pending.parts.size < pending.total) return { kind: 'waiting', provisionalId: `part-${randomBytes(8).toString('hex')}` };
    clearTimeout(pending.timer);
    session.concatenations.delete(key);
    const ordered = [...pending.parts].sort(([a], [b]) => a - b).map(([, p]) => p);
    const head = ordered[0]!;
    return {
      kind: 'complete',
      message: {
        ...head,
        body: Buffer.concat(ordered.map((p) => p.body)),
        concatenation: null,
        registeredDelivery: Math.max(...ordered.map((p) => p.registeredDelivery)),
      },
    };
  }

  // --- receipts ---------------------------------------------------------------------------------------

  private pollReceipts(): void {
    const now = Date.now();
    for (const [ip, until] of this.blocked) if (until <= now) this.blocked.delete(ip);
    for (const [ip, times] of this.bindFailures) if (times.at(-1)! <= now - this.o.bindFailureWindowMs) this.bindFailures.delete(ip);
    for (const [accountId, state] of this.accounts) {
      if (state.sessions.size === 0 && state.inflight.size === 0) this.accounts.delete(accountId);
      else this.pollOne(accountId, state);
    }
  }

  private pollOne(accountId: string, state: AccountState): void {
    if (state.polling || this.closing) return;
    const receivers = [...state.sessions].filter((s) => s.mode !== 'transmitter' && s.wire.writable);
    if (receivers.length === 0) return;
    state.polling = true;
    state.more = false;
    this.pollAccount(accountId, state, receivers)
      .catch((error) => this.log.error({ err: error }, 'could not read the receipts and MOs due'))
      .finally(() => (state.polling = false));
  }

  private async pollAccount(accountId: string, state: AccountState, receivers: Session[]): Promise<void> {
    const room = (): number => receivers.reduce((sum, s) => sum + (s.wire.writable ? Math.max(0, this.o.deliverWindow - s.inflight.size) : 0), 0);
    if (room() === 0) return;
    const now = Date.now();
    for (const [id, until] of state.refusedUntil) if (until <= now) state.refusedUntil.delete(id);
    const skip = [...state.inflight, ...state.refusedUntil.keys()];
    const mos = await this.deps.credentials.dueMos(accountId, skip, Math.min(room(), DELIVERIES_PER_POLL));
    if (mos.length >= Math.min(room(), DELIVERIES_PER_POLL)) state.more = true;
    for (const mo of mos) {
      if (state.inflight.has(mo.id) || state.refusedUntil.has(mo.id)) continue;
      if (!this.send(state, { kind: 'mo', id: mo.id }, moDeliverSm(mo))) return;
    }
    if (room() === 0) return;
    const limit = Math.min(room(), DELIVERIES_PER_POLL);
    const due = await this.deps.credentials.dueReceipts(accountId, skip, limit);
    if (due.length >= limit) state.more = true;
    for (const receipt of due) {
      const id = receipt.messageId;
      if (this.unanswered.has(id) || state.inflight.has(id) || state.refusedUntil.has(id)) continue;
      if (!receiptWanted(receipt.registeredDelivery, receipt.status)) {
        state.inflight.add(id);
        this.deps.credentials.acknowledge(id, new Date()).finally(() => state.inflight.delete(id)).catch(() => undefined);
        continue;
      }
      if (!this.send(state, { kind: 'receipt', id }, receiptDeliverSm(receipt))) return;
    }
  }

  /** Writes a deliver_sm on a receiver bind of the account with room; false when none has. */
  private send(state: AccountState, delivery: Delivery, params: PduParams<'deliver_sm'>): boolean {
    const session = this.receiverWithRoom(state);
    if (!session) return false;
    const sequence = session.wire.nextSequence();
    session.inflight.set(sequence, delivery);
    state.inflight.add(delivery.id);
    session.wire.send('deliver_sm', sequence, params);
    return true;
  }

  private receiverWithRoom(state: AccountState): Session | undefined {
    const receivers = [...state.sessions].filter((s) => s.mode !== 'transmitter' && s.wire.writable && s.inflight.size < this.o.deliverWindow);
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
      .finally(() => {
        state.inflight.delete(id);
        // Refill once half the window is free: fewer, larger reads than one per acknowledgement.
        if (state.more && session.inflight.size <= this.o.deliverWindow / 2) this.pollOne(session.account!.id, state);
      });
  }
}
