import type { Socket } from 'node:net';
import type { LateAnswer, Logger, OutboundPart, SubmitOutcome } from '../../app/ports.ts';
import { defaultReconnectPolicy, OperatorSession, type ReconnectPolicy } from '../operator-session.ts';
import {
  bytesToHex,
  deliverToMo,
  describeErrorCode,
  dumpMessage,
  notificationToReceipt,
  partToSubmit,
  PID_TCP_IP,
  submitAckToMessageId,
  ucpErrorToFailure,
  UcpEncodeError,
  type NotificationSettings,
  type OperationFields,
  type OperationType,
  type SubmitSettings,
  type DecodeFailure,
  type UcpMessage,
  type UcpOperation,
  type UcpResult,
} from '../../protocols/ucp/index.ts';
import { TRN_COUNT, TrnPool } from './trn-pool.ts';
import { UcpSocket } from './ucp-socket.ts';

export interface UcpLinkOptions {
  name: string;
  host: string;
  port: number;
  /** OAdC of the login (operation 60), digits: for Orange, the short code (one login per short code). */
  login: string;
  password: string;
  /** OTON and ONPI of the login address. Default 6 (abbreviated number) and 5 (private). */
  loginTon?: string;
  loginNpi?: string;
  /** Submits that may be unanswered at once, 1 (stop-and-wait) to 100 (every TRN). Default 10. */
  window?: number;
  /** How long to wait for any result (login, submit, alert) and for the TCP connection. Default 10 s. */
  responseTimeoutMs?: number;
  /** An alert (31) is sent when nothing was received for this long. Default 30 s. */
  keepAliveIntervalMs?: number;
  /** Submits in a row unanswered in time before the session is restarted. Default 5. */
  restartAfterUnanswered?: number;
  /** Written before an international recipient's digits in AdC. Default "00". */
  internationalPrefix?: string;
  /** Ask for buffered notifications (NT 7, Dst 1 → enroute) as well as final ones (NT 3). Default false. */
  bufferedNotifications?: boolean;
  /** NPID and NAdC of the submits, when the operator wants notifications sent elsewhere than the session. */
  notificationPid?: string;
  notificationAddress?: string;
  /** Reason codes that mean "expired" on this SMSC (the specification's list has none). Default none. */
  expiredReasons?: string[];
  reconnect?: Partial<ReconnectPolicy>;
  logger?: Logger;
}

export const defaultUcpLinkSettings = { window: 10, responseTimeoutMs: 10_000, keepAliveIntervalMs: 30_000, restartAfterUnanswered: 5 };

/** EC of the negative result answering a notification or MO that could not be stored: "operation not allowed" (now). */
const EC_NOT_STORED = '04';
/** Timed-out operations whose TRN stays reserved; beyond this the session is replaced for a fresh range. */
const MAX_RETIRED_TRNS = TRN_COUNT / 2;

type PendingKind = 'login' | 'submit' | 'alert';

/** An operation waiting for its result; `settle` gets the result, or undefined and the reason there is none. */
interface Pending {
  ot: OperationType;
  kind: PendingKind;
  timer: NodeJS.Timeout;
  /** `timedOut`: the operation's TRN, when its result did not come in time (it may still come). */
  settle(result: UcpResult | undefined, reason: string, timedOut?: number): void;
}

/**
 * The operator link over EMI/UCP 4.x: one TCP session, logged in with operation 60, carrying submits (51) and
 * their results, and the SMSC's MOs (52) and notifications (53), each answered only once its handler resolved.
 * The session numbers its operations 00–99 and keeps at most `window` submits unanswered; a submit without a
 * result in time is in doubt and its TRN is not reused in that session (a late result would be taken for
 * another message's). Alerts (31) keep an idle session alive and prove a silent one dead; a lost session is
 * opened again with backoff. See the OperatorLink contract in app/ports.ts.
 */
export class UcpLink extends OperatorSession<UcpSocket> {
  private readonly submitSettings: SubmitSettings;
  private readonly notificationSettings: NotificationSettings;
  private readonly trns = new TrnPool();
  private readonly pending = new Map<number, Pending>();
  /**
   * TRNs of operations that timed out, with their operation type: reserved until their late result arrives or
   * the session ends. Only a result of that type is theirs: a stray result of another type must not free the
   * TRN, or the late result would come back to the next operation given it.
   */
  private readonly retired = new Map<number, OperationType>();
  private unkeyed = 0;
  private readonly startedAt = Date.now();

  constructor(private readonly options: UcpLinkOptions) {
    const window = options.window ?? defaultUcpLinkSettings.window;
    if (!Number.isInteger(window) || window < 1 || window > TRN_COUNT) throw new RangeError(`link ${options.name}: window must be 1 to ${TRN_COUNT}`);
    if (!/^[0-9]{1,16}$/.test(options.login)) throw new RangeError(`link ${options.name}: the login (OAdC) must be 1 to 16 digits`);
    super({
      name: options.name,
      host: options.host,
      port: options.port,
      window,
      responseTimeoutMs: options.responseTimeoutMs ?? defaultUcpLinkSettings.responseTimeoutMs,
      keepAliveIntervalMs: options.keepAliveIntervalMs ?? defaultUcpLinkSettings.keepAliveIntervalMs,
      restartAfterUnanswered: options.restartAfterUnanswered ?? defaultUcpLinkSettings.restartAfterUnanswered,
      reconnect: { ...defaultReconnectPolicy, ...options.reconnect },
      protocol: 'UCP',
      logger: options.logger,
    });
    this.submitSettings = {
      internationalPrefix: options.internationalPrefix ?? '00',
      notificationType: options.bufferedNotifications ? '7' : '3',
      ...(options.notificationPid ? { notificationPid: options.notificationPid } : {}),
      ...(options.notificationAddress ? { notificationAddress: options.notificationAddress } : {}),
    };
    this.notificationSettings = { expiredReasons: options.expiredReasons ?? [] };
  }

  protected sendSubmit(part: OutboundPart): Promise<SubmitOutcome> {
    return new Promise((resolve) => {
      try {
        const fields = partToSubmit(part, this.submitSettings);
        this.request(51, fields, 'submit', (result, reason, timedOut) => {
          if (result) {
            this.submitAnswered();
            resolve(this.submitOutcome(result, fields.AdC!));
          } else if (timedOut !== undefined) {
            resolve(this.submitUnanswered(reason, timedOut, (late) => this.submitOutcome(late as UcpResult, fields.AdC!)));
          } else {
            resolve({ kind: 'in-doubt', reason });
          }
        });
      } catch (error) {
        if (!(error instanceof UcpEncodeError)) throw error;
        resolve({ kind: 'refused', failure: { kind: 'permanent', code: 'encoding', reason: error.message } });
      }
    });
  }

  protected override extraRoom(): number {
    return this.trns.free;
  }

  protected override canProbe(): boolean {
    return this.trns.free > 0;
  }

  // --- session ------------------------------------------------------------------------------------

  protected openWire(socket: Socket): UcpSocket {
    return new UcpSocket(
      socket,
      (message) => this.receive(message),
      (failure) => this.malformed(failure),
    );
  }

  protected login(): void {
    const { login, password, loginTon, loginNpi } = this.options;
    const fields = { OAdC: login, OTON: loginTon ?? '6', ONPI: loginNpi ?? '5', STYP: '1', PWD: bytesToHex(Buffer.from(password, 'latin1')), VERS: '0100' };
    try {
      this.request(60, fields, 'login', (result, reason) => {
        if (!result) return this.drop(`login: ${reason}`);
        if (!result.ack) {
          const { EC, SM } = result.fields;
          return this.refuseLogin(`login refused: ${EC} ${describeErrorCode(EC).description}${SM ? ` (${SM})` : ''}`);
        }
        this.loggedIn();
      });
    } catch (error) {
      // A password that does not fit PWD: no login can ever succeed with these settings.
      this.refuseLogin(`login not sent: ${(error as Error).message}`);
    }
  }

  /** An alert (31): any result, even negative, proves the link alive. */
  protected sendProbe(done: (answered: boolean, reason: string) => void): void {
    this.request(31, { AdC: this.options.login, PID: PID_TCP_IP }, 'alert', (result, reason) => done(result !== undefined, reason));
  }

  protected sessionLost(reason: string): void {
    const settling = [...this.pending.values()];
    this.pending.clear();
    this.retired.clear();
    this.trns.reset();
    for (const pending of settling) {
      clearTimeout(pending.timer);
      pending.settle(undefined, `link lost after the operation was written (${reason})`);
    }
  }

  /** Sends an operation and waits for its result (or the time-out). Throws UcpEncodeError before sending anything. */
  private request<K extends OperationType>(ot: K, fields: Partial<OperationFields<K>>, kind: PendingKind, settle: Pending['settle']): void {
    const wire = this.wire!;
    const trn = this.trns.take();
    if (trn === undefined) throw new Error('no free TRN'); // freeWindow() and probe() check first
    try {
      wire.send({ kind: 'O', ot, trn, fields } as Parameters<UcpSocket['send']>[0]);
    } catch (error) {
      this.trns.release(trn);
      throw error;
    }
    const timer = setTimeout(this.timedOut, this.session.responseTimeoutMs, trn);
    this.pending.set(trn, { ot, kind, timer, settle });
  }

  private readonly timedOut = (trn: number): void => {
    const pending = this.pending.get(trn);
    if (!pending) return;
    this.pending.delete(trn);
    this.retired.set(trn, pending.ot);
    pending.settle(undefined, `no result to ${pending.kind} within ${this.session.responseTimeoutMs} ms`, trn);
    if (this.retired.size > MAX_RETIRED_TRNS) return this.drop(`${this.retired.size} operations unanswered: a new session for a fresh TRN range`);
    // A missing result may mean a dead link: check it now rather than at the next idle tick.
    if (pending.kind === 'submit') this.probe();
  };

  private receive(message: UcpMessage): void {
    this.heard();
    if (message.kind === 'R') return this.result(message);
    switch (message.ot) {
      case 31:
        this.wire?.send({ kind: 'R', ot: 31, trn: message.trn, ack: true, fields: {} });
        return;
      case 52:
      case 53:
        return this.inboundOperation(message);
      default:
        this.wire?.send({ kind: 'R', ot: message.ot, trn: message.trn, ack: false, fields: { EC: '03' } });
    }
  }

  private result(result: UcpResult): void {
    const pending = this.pending.get(result.trn);
    if (!pending || pending.ot !== result.ot) {
      // A late result to an operation already settled as in doubt (same TRN, same type) frees its TRN; anything else is logged.
      if (this.retired.get(result.trn) === result.ot) {
        this.retired.delete(result.trn);
        this.trns.release(result.trn);
        if (result.ot === 51) this.lateAnswer(result.trn, result);
      } else this.log?.warn({ link: this.name, result: dumpMessage(result) }, 'UCP result matching no operation');
      return;
    }
    this.pending.delete(result.trn);
    this.trns.release(result.trn);
    clearTimeout(pending.timer);
    pending.settle(result, '');
  }

  private submitOutcome(result: UcpResult, adc: string): LateAnswer {
    if (!result.ack) return { kind: 'refused', failure: ucpErrorToFailure(result.fields.EC, result.fields.SM) };
    const key = submitAckToMessageId(result.fields.SM, adc);
    if (key) return { kind: 'accepted', smscMessageId: key };
    this.log?.warn({ link: this.name, sm: result.fields.SM }, 'positive result without AdC:SCTS: the notifications of this message cannot be matched');
    return { kind: 'accepted', smscMessageId: `unkeyed:${adc}:${this.startedAt}-${++this.unkeyed}` };
  }

  private malformed(failure: DecodeFailure): void {
    this.log?.warn({ link: this.name, reason: failure.reason, header: failure.header }, 'unreadable UCP data from the SMSC');
  }

  /**
   * A notification or an MO: handed to its handler, answered when the handler's promise settles — positive
   * once stored, negative (so that the SMSC sends it again) when storing failed. Not answered at all when the
   * session it came on is gone: the SMSC sends it again on the next one. An unreadable one is refused (02).
   */
  private inboundOperation(operation: UcpOperation<52> | UcpOperation<53>): void {
    const wire = this.wire!;
    const handlers = this.handlers!;
    const { trn, ot } = operation;
    let hand: () => Promise<void>;
    try {
      if (operation.ot === 53) {
        const receipt = notificationToReceipt(operation, this.notificationSettings);
        hand = () => handlers.onReceipt(receipt);
      } else {
        const mo = deliverToMo(operation, new Date(), this.submitSettings.internationalPrefix);
        hand = () => handlers.onMobileOriginated(mo);
      }
    } catch (error) {
      this.log?.warn({ link: this.name, err: error, operation: dumpMessage(operation) }, 'unreadable notification or MO refused (02)');
      wire.send({ kind: 'R', ot, trn, ack: false, fields: { EC: '02' } });
      return;
    }
    const { AdC, OAdC, SCTS } = operation.fields;
    const sm = SCTS ? `${ot === 53 ? OAdC : AdC}:${SCTS}` : '';
    this.answerOnceStored(hand, (answering, stored) =>
      answering.send(stored ? { kind: 'R', ot, trn, ack: true, fields: { SM: sm } } : { kind: 'R', ot, trn, ack: false, fields: { EC: EC_NOT_STORED, SM: sm } }),
    );
  }
}
