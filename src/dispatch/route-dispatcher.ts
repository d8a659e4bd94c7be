import { defaultRetryPolicy, nextStep, type AttemptResult, type RetryPolicy } from '../core/message/retry.ts';
import type { AcceptedPart, ClaimedMessage, Clock, LinkHandlers, Logger, OperatorLink, OutboundPart, OutboxStore, ShortCode, SubmitOutcome } from '../app/ports.ts';
import { Doorbell, sleep } from '../app/doorbell.ts';
import { messageToParts, type AddressingOptions } from './message-to-parts.ts';
import { SlidingWindowThrottle } from './throttle.ts';

export interface DispatchOptions {
  /** This process's identity in route leases. */
  owner: string;
  leaseTtlMs: number;
  leaseRenewMs: number;
  /** How often an idle lane looks for due messages (a doorbell wakes it sooner for local submissions). */
  pollIntervalMs: number;
  claimBatchMax: number;
  /** Throttle window: 1,000 ms plus a margin against clock jitter with the SMSC. */
  throttleWindowMs: number;
  /** How long a lane pauses after the SMSC answered "throttled". */
  throttledPauseMs: number;
  retry: RetryPolicy;
}

export const defaultDispatchOptions: Omit<DispatchOptions, 'owner'> = {
  leaseTtlMs: 15_000,
  leaseRenewMs: 5_000,
  pollIntervalMs: 100,
  claimBatchMax: 500,
  throttleWindowMs: 1_005,
  throttledPauseMs: 1_000,
  retry: defaultRetryPolicy,
};

export interface RouteDeps {
  store: OutboxStore;
  /** A fresh link each time this process takes the route (a link is started once and stopped once). */
  openLink: () => OperatorLink;
  clock: Clock;
  /** Monotonic milliseconds, for the throttle. */
  monotonicMs: () => number;
  log: Logger;
  doorbell: Doorbell;
  options: DispatchOptions;
}

export interface RouteSpec {
  name: string;
  shortCodes: ShortCode[];
  addressing: AddressingOptions;
  /** The link's window: how many submits may be unanswered at once. */
  window: number;
}

/**
 * Sends one route's outbox. It works only while it holds the route's lease, so one process at a time
 * submits on a route and each short code's throttle is exact across the whole deployment. On taking the
 * lease it settles what a previous owner left half-done; when it cannot renew the lease in time it stops
 * sending before the lease expires, so two owners never overlap.
 */
export class RouteDispatcher {
  private link: OperatorLink | undefined;
  private lanes: Lane[] = [];
  private readonly stopping = new AbortController();
  private leaseLoop: Promise<void> | undefined;
  private lastRenewal = -Infinity;

  constructor(
    readonly spec: RouteSpec,
    private readonly deps: RouteDeps,
  ) {}

  start(): void {
    this.leaseLoop ??= this.holdLease();
  }

  /** Stops claiming, lets outstanding submits settle and be recorded, closes the link, frees the lease. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.leaseLoop;
    await this.release('stopping');
    await this.deps.store.releaseLease(this.spec.name, this.deps.options.owner).catch(() => undefined);
  }

  isOwner(): boolean {
    return this.link !== undefined;
  }

  private async holdLease(): Promise<void> {
    const { store, clock, monotonicMs, log, options } = this.deps;
    while (!this.stopping.signal.aborted) {
      try {
        if (await store.acquireLease(this.spec.name, options.owner, options.leaseTtlMs, clock.now())) {
          this.lastRenewal = monotonicMs();
          if (!this.link) await this.takeOver();
        } else if (this.link) {
          await this.release('another process holds the route lease');
        }
      } catch (error) {
        log.warn({ route: this.spec.name, err: error }, 'route lease renewal failed');
      }
      // Fence: stop before the lease can expire under us.
      if (this.link && monotonicMs() - this.lastRenewal > options.leaseTtlMs - options.leaseRenewMs) {
        await this.release('route lease could not be renewed in time');
      }
      await sleep(options.leaseRenewMs, this.stopping.signal);
    }
  }

  private async takeOver(): Promise<void> {
    const { store, clock, log } = this.deps;
    const recovered = await store.recoverOrphans(this.spec.shortCodes.map((s) => s.number), clock.now());
    if (recovered.inDoubt + recovered.requeued > 0) {
      log.warn({ route: this.spec.name, ...recovered }, 'messages left in submission by a stopped dispatcher: in doubt or queued again per account policy');
    }
    const link = this.deps.openLink();
    link.start(this.handlers());
    this.link = link;
    this.lanes = this.spec.shortCodes.map((shortCode) => new Lane(shortCode, this.spec, link, this.deps));
    for (const lane of this.lanes) lane.start();
    log.info({ route: this.spec.name, shortCodes: this.spec.shortCodes.map((s) => s.number) }, 'route taken: sending');
  }

  private async release(reason: string): Promise<void> {
    const link = this.link;
    if (!link) return;
    this.link = undefined;
    await Promise.all(this.lanes.map((lane) => lane.stop()));
    this.lanes = [];
    await link.stop();
    this.deps.log.info({ route: this.spec.name, reason }, 'route released');
  }

  private handlers(): LinkHandlers {
    const { store, clock, log } = this.deps;
    const route = this.spec.name;
    return {
      onReceipt: (receipt) => store.record({ outcomes: [], receipts: [{ route, receipt }] }, clock.now()),
      onMobileOriginated: (mo) => store.recordInbound(route, mo),
      onStateChange: (state, detail) => log.info({ route, state, detail }, 'operator link state'),
    };
  }
}

/** One short code on a route: its throttle, its claims, its messages in flight. */
class Lane {
  private readonly throttle: SlidingWindowThrottle;
  private readonly stopping = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  /** Claimed messages whose next part waits for the throttle or the window. */
  private waiting = 0;
  private pausedUntil = 0;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly shortCode: ShortCode,
    private readonly spec: RouteSpec,
    private readonly link: OperatorLink,
    private readonly deps: RouteDeps,
  ) {
    this.throttle = new SlidingWindowThrottle(shortCode.ratePerSecond, deps.options.throttleWindowMs);
  }

  start(): void {
    this.loop ??= this.run().catch((error) => this.deps.log.error({ shortCode: this.shortCode.number, err: error }, 'dispatcher lane crashed'));
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async run(): Promise<void> {
    const { store, clock, monotonicMs, doorbell, options, log } = this.deps;
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      const now = monotonicMs();
      const room = Math.min(this.throttle.available(now), options.claimBatchMax, this.spec.window * 2) - this.waiting;
      if (this.link.state() !== 'bound' || this.link.freeWindow() === 0) {
        await Promise.race([this.link.waitForCapacity(options.pollIntervalMs), sleep(options.pollIntervalMs, signal)]);
      } else if (this.pausedUntil > now || room <= 0) {
        const wait = Math.max(this.pausedUntil - now, Math.min(this.throttle.delay(now), options.pollIntervalMs), 1);
        await sleep(wait, signal);
      } else {
        let claimed: ClaimedMessage[];
        try {
          claimed = await store.claimDue(this.shortCode.number, room, clock.now());
        } catch (error) {
          log.warn({ shortCode: this.shortCode.number, err: error }, 'claim failed; retrying');
          await sleep(options.pollIntervalMs, signal);
          continue;
        }
        if (claimed.length === 0) await doorbell.wait(options.pollIntervalMs, signal);
        for (const message of claimed) this.track(this.send(message));
      }
    }
  }

  private track(task: Promise<void>): void {
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  /** Sends the remaining parts in order, stopping at the first one not accepted, then records the attempt. */
  private async send(message: ClaimedMessage): Promise<void> {
    const parts = messageToParts(message, this.spec.addressing);
    const accepted: AcceptedPart[] = [];
    let result: AttemptResult = { kind: 'accepted' };
    for (let index = message.partsAccepted; index < parts.length; index++) {
      const outcome = await this.submitWhenAllowed(parts[index]!);
      if (outcome.kind !== 'accepted') {
        result = outcome;
        break;
      }
      accepted.push({ index, smscMessageId: outcome.smscMessageId, at: this.deps.clock.now() });
    }
    if (result.kind === 'refused' && result.failure.kind === 'throttled') {
      this.pausedUntil = this.deps.monotonicMs() + this.deps.options.throttledPauseMs;
    }
    const now = this.deps.clock.now();
    const step = nextStep(result, message.attempts, now, this.deps.options.retry);
    await this.recordUntilStored({ messageId: message.id, route: this.spec.name, acceptedParts: accepted, ...step });
  }

  /**
   * Waits for a throttle slot and a window slot, then submits — the check and the submit run in the same
   * synchronous step, so concurrent senders can never overshoot the rate or the window.
   */
  private async submitWhenAllowed(part: OutboundPart): Promise<SubmitOutcome> {
    this.waiting++;
    try {
      for (;;) {
        const now = this.deps.monotonicMs();
        const delay = this.throttle.delay(now);
        if (delay === 0 && this.pausedUntil <= now && this.link.freeWindow() > 0) {
          this.throttle.record(now);
          return this.link.submit(part);
        }
        if (this.stopping.signal.aborted) return { kind: 'not-sent', reason: 'dispatcher stopping' };
        if (this.link.freeWindow() === 0) await this.link.waitForCapacity(this.deps.options.pollIntervalMs);
        else await sleep(Math.min(Math.max(delay, this.pausedUntil - now, 1), this.deps.options.pollIntervalMs), this.stopping.signal);
      }
    } finally {
      this.waiting--;
    }
  }

  /** An attempt's outcome is knowledge we cannot get back: keep trying to store it. */
  private async recordUntilStored(outcome: Parameters<OutboxStore['record']>[0]['outcomes'][number]): Promise<void> {
    for (let delay = 100; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        await this.deps.store.record({ outcomes: [outcome], receipts: [] }, this.deps.clock.now());
        return;
      } catch (error) {
        this.deps.log.error({ messageId: outcome.messageId, err: error }, 'could not record a submit outcome; retrying');
        await sleep(delay);
      }
    }
  }
}
