import { connect } from 'node:net';
import { ChangeSignal } from '../change-signal.ts';
import type { LinkHandlers, LinkState, Logger, OperatorLink, OutboundPart, SubmitOutcome } from '../../app/ports.ts';
import {
  deliverSmToMo,
  describeCommandStatus,
  encodePdu,
  esmMessageType,
  ESME_RINVCMDID,
  ESME_ROK,
  ESME_RX_P_APPN,
  ESME_RX_T_APPN,
  formatCommandStatus,
  isResponse,
  partToSubmitSm,
  receiptFromDeliverSm,
  smppStatusToFailure,
  type CommandName,
  type Pdu,
  type PduOf,
  type PduParams,
} from '../../protocols/smpp/index.ts';
import { PduSocket } from './pdu-socket.ts';

export interface ReconnectPolicy {
  /** First delay after a failure, doubled at each further failure… */
  minMs: number;
  /** …up to this. */
  maxMs: number;
  /** At least this long after the SMSC refused the bind: hammering it with wrong credentials can lock the account. */
  afterBindRefusalMs: number;
  /** Each delay is shortened by a random share up to this fraction, so links do not reconnect in step. */
  jitter: number;
}

export const defaultReconnectPolicy: ReconnectPolicy = { minMs: 1_000, maxMs: 60_000, afterBindRefusalMs: 60_000, jitter: 0.3 };

/** Delay before the next connection attempt, after `failures` consecutive failures (1 for the first). */
export function reconnectDelay(failures: number, bindRefused: boolean, policy: ReconnectPolicy, random: () => number = Math.random): number {
  const backoff = Math.min(policy.maxMs, policy.minMs * 2 ** Math.max(0, failures - 1));
  const base = bindRefused ? Math.max(backoff, policy.afterBindRefusalMs) : backoff;
  return Math.round(base * (1 - policy.jitter * random()));
}

export interface SmppLinkOptions {
  name: string;
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType?: string;
  /** Submits that may be unanswered at once; 1 is stop-and-wait. Default 10. */
  window?: number;
  /** How long to wait for any response (bind, submit, enquire_link, unbind). Default 10 s. */
  responseTimeoutMs?: number;
  /** An enquire_link is sent when nothing was received for this long. Default 30 s. */
  enquireLinkIntervalMs?: number;
  reconnect?: Partial<ReconnectPolicy>;
  logger?: Logger;
}

export const defaultLinkSettings = { window: 10, responseTimeoutMs: 10_000, enquireLinkIntervalMs: 30_000 };

type PendingKind = 'bind' | 'submit' | 'enquire_link' | 'unbind';

/** A request waiting for its response; `settle` gets the response, or undefined and the reason there is none. */
interface Pending {
  kind: PendingKind;
  timer: NodeJS.Timeout;
  settle(response: Pdu | undefined, reason: string): void;
}

function submitOutcome(response: Pdu): SubmitOutcome {
  if (response.command === 'submit_sm_resp' && response.status === ESME_ROK) {
    return { kind: 'accepted', smscMessageId: response.fields.message_id ?? '' };
  }
  return { kind: 'refused', failure: smppStatusToFailure(response.status) };
}

/**
 * The operator link over SMPP 3.4, bound as a transceiver. The `smpp` package encodes the PDUs; this session
 * layer owns what the package lacks: the window, response time-outs, keep-alive, answering the SMSC's
 * enquire_link and unbind, reconnection with backoff, and acknowledging receipts only once they are stored.
 * See the OperatorLink contract in app/ports.ts.
 */
export class SmppLink implements OperatorLink {
  readonly name: string;
  private readonly settings: typeof defaultLinkSettings;
  private readonly policy: ReconnectPolicy;
  private readonly log: Logger | undefined;
  private handlers: LinkHandlers | undefined;
  private current: LinkState = 'down';
  private wire: PduSocket | undefined;
  private readonly pending = new Map<number, Pending>();
  private submitsOutstanding = 0;
  private enquiring = false;
  private lastHeardAt = 0;
  private failures = 0;
  private bindRefused = false;
  private dropReason: string | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  /** Receipts and MOs handed to the handlers and not yet answered. */
  private readonly inbound = new Set<Promise<void>>();
  private readonly changes = new ChangeSignal();
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: SmppLinkOptions) {
    this.name = options.name;
    this.settings = {
      window: options.window ?? defaultLinkSettings.window,
      responseTimeoutMs: options.responseTimeoutMs ?? defaultLinkSettings.responseTimeoutMs,
      enquireLinkIntervalMs: options.enquireLinkIntervalMs ?? defaultLinkSettings.enquireLinkIntervalMs,
    };
    if (!(this.settings.window >= 1)) throw new RangeError(`link ${this.name}: window must be at least 1`);
    this.policy = { ...defaultReconnectPolicy, ...options.reconnect };
    this.log = options.logger;
  }

  start(handlers: LinkHandlers): void {
    if (this.handlers || this.stopping) throw new Error(`link ${this.name} is started once and stopped once`);
    this.handlers = handlers;
    this.connect();
  }

  state(): LinkState {
    return this.current;
  }

  freeWindow(): number {
    return this.current === 'bound' && !this.stopping && this.wire?.writable ? this.settings.window - this.submitsOutstanding : 0;
  }

  waitForCapacity(maxWaitMs: number): Promise<void> {
    return this.freeWindow() > 0 ? Promise.resolve() : this.changes.next(maxWaitMs);
  }

  submit(part: OutboundPart): Promise<SubmitOutcome> {
    if (this.current !== 'bound' || this.stopping || !this.wire?.writable) {
      return Promise.resolve({ kind: 'not-sent', reason: this.stopping ? 'link stopping' : `link ${this.current}` });
    }
    if (this.submitsOutstanding >= this.settings.window) return Promise.resolve({ kind: 'not-sent', reason: 'window full' });
    return new Promise((resolve) => {
      try {
        this.request('submit_sm', partToSubmitSm(part), 'submit', (response, reason) => {
          this.submitsOutstanding--;
          resolve(response ? submitOutcome(response) : { kind: 'in-doubt', reason });
          this.changes.notify();
        });
        this.submitsOutstanding++;
      } catch (error) {
        resolve({ kind: 'refused', failure: { kind: 'permanent', code: 'encoding', reason: (error as Error).message } });
      }
    });
  }

  stop(): Promise<void> {
    return (this.stopping ??= this.shutdown());
  }

  // --- session ------------------------------------------------------------------------------------

  private connect(): void {
    this.bindRefused = false;
    this.setState('connecting');
    const socket = connect({ host: this.options.host, port: this.options.port });
    const wire = new PduSocket(
      socket,
      (pdu) => this.receive(pdu),
      (error) => this.log?.warn({ link: this.name, err: error }, 'malformed PDU from the SMSC'),
    );
    this.wire = wire;
    this.connectTimer = setTimeout(() => wire.destroy(`no TCP connection within ${this.settings.responseTimeoutMs} ms`), this.settings.responseTimeoutMs);
    socket.once('connect', () => {
      clearTimeout(this.connectTimer);
      this.bind();
    });
    socket.once('close', () => this.closed(wire));
  }

  private bind(): void {
    const { systemId, password, systemType } = this.options;
    this.request('bind_transceiver', { system_id: systemId, password, system_type: systemType ?? '', interface_version: 0x34 }, 'bind', (response, reason) => {
      if (!response) return this.drop(`bind: ${reason}`);
      if (response.status !== ESME_ROK) {
        this.bindRefused = true;
        const { name, description } = describeCommandStatus(response.status);
        return this.drop(`bind refused: ${name} (${formatCommandStatus(response.status)}) ${description}`);
      }
      this.failures = 0;
      this.keepAliveTimer = setInterval(this.keepAlive, this.settings.enquireLinkIntervalMs);
      this.setState('bound');
      this.changes.notify();
    });
  }

  /** Sends a request and waits for its response (or the time-out). Throws before sending if it cannot be encoded. */
  private request<C extends CommandName>(command: C, params: PduParams<C>, kind: PendingKind, settle: Pending['settle']): void {
    const wire = this.wire!;
    const sequence = wire.nextSequence();
    const frame = encodePdu(command, sequence, params);
    const timer = setTimeout(this.timedOut, this.settings.responseTimeoutMs, sequence);
    this.pending.set(sequence, { kind, timer, settle });
    wire.write(frame);
  }

  private readonly timedOut = (sequence: number): void => {
    const pending = this.pending.get(sequence);
    if (!pending) return;
    this.pending.delete(sequence);
    pending.settle(undefined, `no response to ${pending.kind} within ${this.settings.responseTimeoutMs} ms`);
    // A missing answer may mean a dead link: check it now rather than at the next idle tick.
    if (pending.kind === 'submit') this.probe();
  };

  private receive(pdu: Pdu): void {
    this.lastHeardAt = performance.now();
    if (isResponse(pdu.commandId)) {
      const pending = this.pending.get(pdu.sequence);
      if (!pending) return; // late answer to a request already settled as in doubt
      this.pending.delete(pdu.sequence);
      clearTimeout(pending.timer);
      pending.settle(pdu, '');
      return;
    }
    const handle = this.requestHandlers[pdu.command as keyof typeof this.requestHandlers] as ((pdu: Pdu) => void) | undefined;
    if (handle) handle(pdu);
    else if (pdu.command !== 'alert_notification' && pdu.command !== 'outbind') this.wire?.send('generic_nack', pdu.sequence, undefined, ESME_RINVCMDID);
  }

  /** Requests the SMSC may send us, by command. */
  private readonly requestHandlers: { [C in CommandName]?: (pdu: PduOf<C>) => void } = {
    enquire_link: (pdu) => this.wire?.send('enquire_link_resp', pdu.sequence),
    unbind: (pdu) => {
      this.wire?.send('unbind_resp', pdu.sequence);
      this.wire?.end('the SMSC unbound');
    },
    deliver_sm: (pdu) => this.deliverSm(pdu),
  };

  /**
   * A receipt or an MO: handed to its handler, answered when the handler's promise settles — status 0 once
   * stored, ESME_RX_T_APPN (try again later) when it failed. Not answered at all when the session it came on
   * is gone: the SMSC sends it again on the next one.
   */
  private deliverSm(pdu: PduOf<'deliver_sm'>): void {
    const wire = this.wire!;
    const handlers = this.handlers!;
    let hand: () => Promise<void>;
    try {
      const receipt = receiptFromDeliverSm(pdu);
      if (receipt) hand = () => handlers.onReceipt(receipt);
      else if (esmMessageType(pdu.fields.esm_class) === 0) {
        const mo = deliverSmToMo(pdu, new Date());
        hand = () => handlers.onMobileOriginated(mo);
      } else hand = () => Promise.resolve(); // user acknowledgement, conversation abort: nothing to record
    } catch (error) {
      this.log?.warn({ link: this.name, err: error }, 'unreadable deliver_sm refused (ESME_RX_P_APPN)');
      wire.send('deliver_sm_resp', pdu.sequence, undefined, ESME_RX_P_APPN);
      return;
    }
    const answered = Promise.resolve()
      .then(hand)
      .then(
        () => ESME_ROK,
        (error: unknown) => {
          this.log?.warn({ link: this.name, err: error }, 'receipt or MO not stored: answered ESME_RX_T_APPN so the SMSC sends it again');
          return ESME_RX_T_APPN;
        },
      )
      .then((status) => {
        if (this.wire === wire) wire.send('deliver_sm_resp', pdu.sequence, undefined, status);
        this.inbound.delete(answered);
        this.changes.notify();
      });
    this.inbound.add(answered);
  }

  private readonly keepAlive = (): void => {
    if (performance.now() - this.lastHeardAt >= this.settings.enquireLinkIntervalMs) this.probe();
  };

  /** Sends an enquire_link unless one is on its way; no answer in time means the link is dead. */
  private probe(): void {
    if (this.enquiring || this.current !== 'bound' || !this.wire?.writable) return;
    this.enquiring = true;
    this.request('enquire_link', {}, 'enquire_link', (response, reason) => {
      this.enquiring = false;
      if (!response) this.drop(`enquire_link: ${reason}`);
    });
  }

  private drop(reason: string): void {
    if (!this.wire) return;
    this.dropReason ??= reason;
    this.wire.destroy(reason);
  }

  /** The socket is gone: everything still waiting for an answer is settled, then reconnect (unless stopping). */
  private closed(wire: PduSocket): void {
    if (this.wire !== wire) return;
    this.wire = undefined;
    clearTimeout(this.connectTimer);
    clearInterval(this.keepAliveTimer);
    const reason = this.dropReason ?? wire.closeReason ?? 'connection closed by the SMSC';
    this.dropReason = undefined;
    this.enquiring = false;
    const settling = [...this.pending.values()];
    this.pending.clear();
    for (const pending of settling) {
      clearTimeout(pending.timer);
      pending.settle(undefined, `link lost after the PDU was written (${reason})`);
    }
    if (this.stopping) return this.changes.notify();
    if (this.current === 'bound' || this.bindRefused) this.log?.warn({ link: this.name, reason }, 'SMPP link down');
    this.setState('down', reason);
    this.failures++;
    const delay = reconnectDelay(this.failures, this.bindRefused, this.policy);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
    this.changes.notify();
  }

  private async shutdown(): Promise<void> {
    clearTimeout(this.reconnectTimer);
    this.changes.notify();
    const wire = this.wire;
    if (wire && this.current === 'bound') {
      // Outstanding submits settle by their own time-outs at the latest; handlers get as long.
      await this.changes.until(() => this.submitsOutstanding === 0 && this.inbound.size === 0, this.settings.responseTimeoutMs);
      if (this.wire === wire && wire.writable) {
        await new Promise<void>((resolve) => this.request('unbind', {}, 'unbind', () => resolve()));
        wire.end('link stopped');
        await this.changes.until(() => this.wire !== wire, this.settings.responseTimeoutMs);
      }
    }
    if (this.wire) {
      this.wire.destroy('link stopped');
      await this.changes.until(() => this.wire === undefined, 1_000);
    }
    this.setState('stopped');
    this.changes.notify();
  }

  // --- state ----------------------------------------------------------------------------------------

  private setState(state: LinkState, detail?: string): void {
    if (state === this.current) return;
    this.current = state;
    this.handlers?.onStateChange?.(state, detail);
  }
}
