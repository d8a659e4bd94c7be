import { connect, type Socket } from 'node:net';
import type { LateAnswer, LinkHandlers, LinkState, Logger, OperatorLink, OutboundPart, SubmitOutcome } from '../app/ports.ts';
import { ChangeSignal } from './change-signal.ts';
import type { FramedSocket } from './framed-socket.ts';

export interface ReconnectPolicy {
  /** First delay after a failure, doubled at each further failure… */
  minMs: number;
  /** …up to this. */
  maxMs: number;
  /** At least this long after the SMSC refused the login: hammering it with wrong credentials can lock the account. */
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

export interface SessionSettings {
  name: string;
  host: string;
  port: number;
  /** Submits that may be unanswered at once. */
  window: number;
  /** How long to wait for the TCP connection and for any answer. */
  responseTimeoutMs: number;
  /** A probe is sent when nothing was received for this long. */
  keepAliveIntervalMs: number;
  /**
   * Submits in a row left unanswered (timed out) before the session is taken as unhealthy — an SMSC that answers
   * probes but not submits —, fed no more, and restarted.
   */
  restartAfterUnanswered: number;
  reconnect: ReconnectPolicy;
  /** "SMPP" or "UCP", for the logs. */
  protocol: string;
  logger?: Logger | undefined;
}

/**
 * What the SMPP and UCP operator links share: one TCP session at a time, opened by a login; a probe (SMPP
 * enquire_link, UCP alert) when idle, whose missing answer proves the link dead; reconnection with backoff,
 * longer after a refused login; receipts and MOs answered only once their handler resolved; a stop that waits
 * for outstanding submits and handlers. A subclass speaks its protocol: it opens the wire, logs in, sends
 * submits and probes, and settles what it was waiting for when the session is lost.
 * See the OperatorLink contract in app/ports.ts.
 */
export abstract class OperatorSession<W extends FramedSocket> implements OperatorLink {
  readonly name: string;
  protected readonly log: Logger | undefined;
  protected handlers: LinkHandlers | undefined;
  protected current: LinkState = 'down';
  protected wire: W | undefined;
  protected submitsOutstanding = 0;
  protected readonly changes = new ChangeSignal();
  protected stopping: Promise<void> | undefined;
  private lastHeardAt = 0;
  private failures = 0;
  private loginRefused = false;
  private dropReason: string | undefined;
  private probing = false;
  private connectTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  /** Receipts and MOs handed to the handlers and not yet answered. */
  private readonly inbound = new Set<Promise<void>>();
  /** Submits of this session in a row whose answer did not come in time. */
  private unansweredInARow = 0;
  /** Set when the session is being restarted for unanswered submits: it is fed nothing more. */
  private unhealthy = false;
  /** Submits of this session given up as in doubt, by their protocol key: a late answer on the session settles them. */
  private readonly awaitingLate = new Map<number, (raw: unknown) => void>();

  constructor(protected readonly session: SessionSettings) {
    this.name = session.name;
    this.log = session.logger;
  }

  /** A socket speaking the protocol, reading into `receive` of the subclass. */
  protected abstract openWire(socket: Socket): W;
  /** Sends the login; its answer calls `loggedIn`, `refuseLogin` or `drop`. */
  protected abstract login(): void;
  /** Sends a probe and calls `done` with its answer, or undefined and the reason there is none. */
  protected abstract sendProbe(done: (answered: boolean, reason: string) => void): void;
  /** The session is gone: settle everything still waiting for an answer on it. */
  protected abstract sessionLost(reason: string): void;
  /** Sends the submit; resolves with its outcome. Called only with a free window. */
  protected abstract sendSubmit(part: OutboundPart): Promise<SubmitOutcome>;
  /** Ends the session politely before the connection closes (SMPP unbind); nothing by default. */
  protected async logout(_wire: W): Promise<void> {}
  /** Room for more submits beyond the window (UCP: free TRNs). */
  protected extraRoom(): number {
    return Infinity;
  }
  /** Whether a probe can be sent now (UCP: a free TRN). */
  protected canProbe(): boolean {
    return true;
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
    if (this.current !== 'bound' || this.stopping || this.unhealthy || !this.wire?.writable) return 0;
    return Math.min(this.session.window - this.submitsOutstanding, this.extraRoom());
  }

  waitForCapacity(maxWaitMs: number): Promise<void> {
    return this.freeWindow() > 0 ? Promise.resolve() : this.changes.next(maxWaitMs);
  }

  submit(part: OutboundPart): Promise<SubmitOutcome> {
    if (this.freeWindow() <= 0) {
      const reason = this.stopping ? 'link stopping' : this.current !== 'bound' || !this.wire?.writable ? `link ${this.current}` : 'window full';
      return Promise.resolve({ kind: 'not-sent', reason });
    }
    this.submitsOutstanding++;
    return this.sendSubmit(part).finally(() => {
      this.submitsOutstanding--;
      this.changes.notify();
    });
  }

  stop(): Promise<void> {
    return (this.stopping ??= this.shutdown());
  }

  // --- session ------------------------------------------------------------------------------------

  private connect(): void {
    this.loginRefused = false;
    this.setState('connecting');
    const socket = connect({ host: this.session.host, port: this.session.port });
    const wire = this.openWire(socket);
    this.wire = wire;
    this.connectTimer = setTimeout(() => wire.destroy(`no TCP connection within ${this.session.responseTimeoutMs} ms`), this.session.responseTimeoutMs);
    socket.once('connect', () => {
      clearTimeout(this.connectTimer);
      this.login();
    });
    socket.once('close', () => this.closed(wire));
  }

  /** Call on every message received: anything heard proves the link alive. */
  protected heard(): void {
    this.lastHeardAt = performance.now();
  }

  protected loggedIn(): void {
    this.failures = 0;
    this.unansweredInARow = 0;
    this.unhealthy = false;
    this.keepAliveTimer = setInterval(this.keepAlive, this.session.keepAliveIntervalMs);
    this.setState('bound');
    this.changes.notify();
  }

  /** The SMSC refused the login (or it can never succeed): the next attempt waits the longer delay. */
  protected refuseLogin(reason: string): void {
    this.loginRefused = true;
    this.drop(reason);
  }

  protected drop(reason: string): void {
    if (!this.wire) return;
    this.dropReason ??= reason;
    this.wire.destroy(reason);
  }

  /** A submit of this session got its answer in time. */
  protected submitAnswered(): void {
    this.unansweredInARow = 0;
  }

  /**
   * A submit's answer did not come in time: it is in doubt, and its answer may still come on this session
   * (`key`: its sequence number or TRN; `read` turns the protocol's answer into what it says). After
   * `restartAfterUnanswered` in a row the session is unhealthy: fed nothing more, and restarted.
   */
  protected submitUnanswered(reason: string, key: number, read: (raw: unknown) => LateAnswer): SubmitOutcome {
    const late = new Promise<LateAnswer | undefined>((resolve) => this.awaitingLate.set(key, (raw) => resolve(raw === undefined ? undefined : read(raw))));
    if (++this.unansweredInARow >= this.session.restartAfterUnanswered && !this.unhealthy) {
      this.unhealthy = true;
      const why = `${this.unansweredInARow} submits in a row unanswered within ${this.session.responseTimeoutMs} ms: session restarted`;
      this.log?.warn({ link: this.name }, why);
      // After the caller has its outcome: the in-doubt submit is settled before the others are by the drop.
      queueMicrotask(() => this.drop(why));
    }
    return { kind: 'in-doubt', reason, late };
  }

  /** An answer for a submit given up as in doubt on this session; false when none waits for it. */
  protected lateAnswer(key: number, raw: unknown): boolean {
    const settle = this.awaitingLate.get(key);
    if (!settle) return false;
    this.awaitingLate.delete(key);
    this.log?.info({ link: this.name }, 'late answer to a submit in doubt');
    settle(raw);
    return true;
  }

  private readonly keepAlive = (): void => {
    if (performance.now() - this.lastHeardAt >= this.session.keepAliveIntervalMs) this.probe();
  };

  /** Sends a probe unless one is on its way; no answer in time means the link is dead. */
  protected probe(): void {
    if (this.probing || this.current !== 'bound' || !this.wire?.writable || !this.canProbe()) return;
    this.probing = true;
    this.sendProbe((answered, reason) => {
      this.probing = false;
      if (!answered) this.drop(`keep-alive: ${reason}`);
    });
  }

  /**
   * A receipt or an MO: `hand` gives it to its handler; `answer` is called with whether it was stored — but
   * only while the session it came on is still the current one: otherwise the SMSC sends it again on the next.
   */
  protected answerOnceStored(hand: () => Promise<void>, answer: (wire: W, stored: boolean) => void): void {
    const wire = this.wire!;
    const answered = Promise.resolve()
      .then(hand)
      .then(
        () => true,
        (error: unknown) => {
          this.log?.warn({ link: this.name, err: error }, 'receipt or MO not stored: answered negatively so that the SMSC sends it again');
          return false;
        },
      )
      .then((stored) => {
        if (this.wire === wire) answer(wire, stored);
        this.inbound.delete(answered);
        this.changes.notify();
      });
    this.inbound.add(answered);
  }

  /** The socket is gone: everything still waiting for an answer is settled, then reconnect (unless stopping). */
  private closed(wire: W): void {
    if (this.wire !== wire) return;
    this.wire = undefined;
    clearTimeout(this.connectTimer);
    clearInterval(this.keepAliveTimer);
    const reason = this.dropReason ?? wire.closeReason ?? 'connection closed by the SMSC';
    this.dropReason = undefined;
    this.probing = false;
    this.sessionLost(reason);
    // No answer can come for this session's submits any more.
    for (const settle of this.awaitingLate.values()) settle(undefined);
    this.awaitingLate.clear();
    if (this.stopping) return this.changes.notify();
    if (this.current === 'bound' || this.loginRefused) this.log?.warn({ link: this.name, reason }, `${this.session.protocol} link down`);
    this.setState('down', reason);
    this.failures++;
    this.reconnectTimer = setTimeout(() => this.connect(), reconnectDelay(this.failures, this.loginRefused, this.session.reconnect));
    this.changes.notify();
  }

  private async shutdown(): Promise<void> {
    clearTimeout(this.reconnectTimer);
    this.changes.notify();
    const wire = this.wire;
    const { responseTimeoutMs } = this.session;
    if (wire && this.current === 'bound') {
      // Outstanding submits settle by their own time-outs at the latest; handlers get as long.
      await this.changes.until(() => this.submitsOutstanding === 0 && this.inbound.size === 0, responseTimeoutMs);
      if (this.wire === wire && wire.writable) {
        await this.logout(wire);
        wire.end('link stopped');
        await this.changes.until(() => this.wire !== wire, responseTimeoutMs);
      }
    }
    if (this.wire) {
      this.wire.destroy('link stopped');
      await this.changes.until(() => this.wire === undefined, 1_000);
    }
    this.setState('stopped');
    this.changes.notify();
  }

  private setState(state: LinkState, detail?: string): void {
    if (state === this.current) return;
    this.current = state;
    this.handlers?.onStateChange?.(state, detail);
  }
}
