import type { Socket } from 'node:net';
import type { LateAnswer, Logger, OutboundPart, SubmitOutcome } from '../../app/ports.ts';
import { defaultReconnectPolicy, OperatorSession, type ReconnectPolicy } from '../operator-session.ts';
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

export { reconnectDelay, type ReconnectPolicy } from '../operator-session.ts';

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
  /** Submits in a row unanswered in time before the session is restarted. Default 5. */
  restartAfterUnanswered?: number;
  reconnect?: Partial<ReconnectPolicy>;
  logger?: Logger;
}

export const defaultLinkSettings = { window: 10, responseTimeoutMs: 10_000, enquireLinkIntervalMs: 30_000, restartAfterUnanswered: 5 };

type PendingKind = 'bind' | 'submit' | 'enquire_link' | 'unbind';

/** A request waiting for its response; `settle` gets the response, or undefined and the reason there is none. */
interface Pending {
  kind: PendingKind;
  timer: NodeJS.Timeout;
  /** `timedOut`: the request's sequence number, when its response did not come in time (it may still come). */
  settle(response: Pdu | undefined, reason: string, timedOut?: number): void;
}

function submitOutcome(response: Pdu): LateAnswer {
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
export class SmppLink extends OperatorSession<PduSocket> {
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly options: SmppLinkOptions) {
    const window = options.window ?? defaultLinkSettings.window;
    if (!(window >= 1)) throw new RangeError(`link ${options.name}: window must be at least 1`);
    super({
      name: options.name,
      host: options.host,
      port: options.port,
      window,
      responseTimeoutMs: options.responseTimeoutMs ?? defaultLinkSettings.responseTimeoutMs,
      keepAliveIntervalMs: options.enquireLinkIntervalMs ?? defaultLinkSettings.enquireLinkIntervalMs,
      restartAfterUnanswered: options.restartAfterUnanswered ?? defaultLinkSettings.restartAfterUnanswered,
      reconnect: { ...defaultReconnectPolicy, ...options.reconnect },
      protocol: 'SMPP',
      logger: options.logger,
    });
  }

  protected sendSubmit(part: OutboundPart): Promise<SubmitOutcome> {
    return new Promise((resolve) => {
      try {
        this.request('submit_sm', partToSubmitSm(part), 'submit', (response, reason, timedOut) => {
          if (response) {
            this.submitAnswered();
            resolve(submitOutcome(response));
          } else if (timedOut !== undefined) {
            resolve(this.submitUnanswered(reason, timedOut, (late) => submitOutcome(late as Pdu)));
          } else {
            resolve({ kind: 'in-doubt', reason });
          }
        });
      } catch (error) {
        resolve({ kind: 'refused', failure: { kind: 'permanent', code: 'encoding', reason: (error as Error).message } });
      }
    });
  }

  // --- session ------------------------------------------------------------------------------------

  protected openWire(socket: Socket): PduSocket {
    return new PduSocket(
      socket,
      (pdu) => this.receive(pdu),
      (error) => this.log?.warn({ link: this.name, err: error }, 'malformed PDU from the SMSC'),
    );
  }

  protected login(): void {
    const { systemId, password, systemType } = this.options;
    this.request('bind_transceiver', { system_id: systemId, password, system_type: systemType ?? '', interface_version: 0x34 }, 'bind', (response, reason) => {
      if (!response) return this.drop(`bind: ${reason}`);
      if (response.status !== ESME_ROK) {
        const { name, description } = describeCommandStatus(response.status);
        return this.refuseLogin(`bind refused: ${name} (${formatCommandStatus(response.status)}) ${description}`);
      }
      this.loggedIn();
    });
  }

  protected sendProbe(done: (answered: boolean, reason: string) => void): void {
    this.request('enquire_link', {}, 'enquire_link', (response, reason) => done(response !== undefined, reason));
  }

  protected override async logout(): Promise<void> {
    await new Promise<void>((resolve) => this.request('unbind', {}, 'unbind', () => resolve()));
  }

  protected sessionLost(reason: string): void {
    const settling = [...this.pending.values()];
    this.pending.clear();
    for (const pending of settling) {
      clearTimeout(pending.timer);
      pending.settle(undefined, `link lost after the PDU was written (${reason})`);
    }
  }

  /** Sends a request and waits for its response (or the time-out). Throws before sending if it cannot be encoded. */
  private request<C extends CommandName>(command: C, params: PduParams<C>, kind: PendingKind, settle: Pending['settle']): void {
    const wire = this.wire!;
    const sequence = wire.nextSequence();
    const frame = encodePdu(command, sequence, params);
    const timer = setTimeout(this.timedOut, this.session.responseTimeoutMs, sequence);
    this.pending.set(sequence, { kind, timer, settle });
    wire.write(frame);
  }

  private readonly timedOut = (sequence: number): void => {
    const pending = this.pending.get(sequence);
    if (!pending) return;
    this.pending.delete(sequence);
    pending.settle(undefined, `no response to ${pending.kind} within ${this.session.responseTimeoutMs} ms`, sequence);
    // A missing answer may mean a dead link: check it now rather than at the next idle tick.
    if (pending.kind === 'submit') this.probe();
  };

  private receive(pdu: Pdu): void {
    this.heard();
    if (isResponse(pdu.commandId)) {
      const pending = this.pending.get(pdu.sequence);
      if (!pending) {
        // A late answer to a submit already settled as in doubt settles it now.
        if (pdu.command === 'submit_sm_resp') this.lateAnswer(pdu.sequence, pdu);
        return;
      }
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
    this.answerOnceStored(hand, (answering, stored) => answering.send('deliver_sm_resp', pdu.sequence, undefined, stored ? ESME_ROK : ESME_RX_T_APPN));
  }
}
