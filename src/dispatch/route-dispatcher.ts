import { setMaxListeners } from 'node:events';
import { defaultRetryPolicy, nextStep, type AttemptResult, type RetryPolicy } from '../core/message/retry.ts';
import type { AcceptedPart, ClaimedMessage, Clock, LateAnswer, LinkHandlers, LinkState, Logger, MobileOriginated, OperatorLink, OutboundPart, OutboxStore, ShortCode, SubmitOutcome } from '../app/ports.ts';
import { Doorbell, sleep } from '../app/doorbell.ts';
import type { DispatchMonitor } from '../app/monitoring.ts';
import { receiveReceipt } from '../app/receive-receipt.ts';
import { messageToParts, type AddressingOptions } from './message-to-parts.ts';
import { ShortCodeThrottle } from './throttle.ts';

export interface DispatchOptions {
  /** This process's identity in route leases. */
  owner: string;
  leaseTtlMs: number;
  leaseRenewMs: number;
  /** How often an idle lane looks for due messages (a doorbell wakes it sooner for local submissions). */
  pollIntervalMs: number;
  claimBatchMax: number;
  /** Least time between two claims that found less than they asked for (fewer, fuller queries under load). */
  claimIntervalMs: number;
  /** How far ahead of its throttle a short code claims messages (they wait, `submitting`, for their slot). */
  claimLookaheadMs: number;
  /** Throttle window: 1,000 ms plus a margin against clock jitter with the SMSC. */
  throttleWindowMs: number;
  /** How long a lane pauses after the SMSC answered "throttled". */
  throttledPauseMs: number;
  /** How long a route may be down, or answer only "throttled", before its queued messages fail over. */
  failoverAfterMs: number;
  /** How often a process holding several routes of a short code checks whether one must fail over. */
  failoverCheckMs: number;
  retry: RetryPolicy;
}

export const defaultDispatchOptions: Omit<DispatchOptions, 'owner'> = {
  leaseTtlMs: 15_000,
  leaseRenewMs: 5_000,
  pollIntervalMs: 100,
  claimBatchMax: 500,
  claimIntervalMs: 10,
  claimLookaheadMs: 250,
  throttleWindowMs: 1_005,
  throttledPauseMs: 1_000,
  failoverAfterMs: 10_000,
  failoverCheckMs: 1_000,
  retry: defaultRetryPolicy,
};

export interface RouteDeps {
  store: OutboxStore;
  /** A fresh link each time this process takes the route (a link is started once and stopped once). */
  openLink: (route: string) => OperatorLink;
  clock: Clock;
  /** Monotonic milliseconds, for the throttle. */
  monotonicMs: () => number;
  log: Logger;
  doorbell: Doorbell;
  options: DispatchOptions;
  /** The routes an aggregator paused (docs/routing.md): their traffic fails over; default none. */
  paused?: () => Promise<ReadonlyMap<string, string>>;
  /** What to do with an MO before it is acknowledged (default: store it). */
  onMobileOriginated?: (route: string, mo: MobileOriginated) => Promise<void>;
  /** Counters, latencies and link states (docs/monitoring.md); it never waits. */
  monitor?: DispatchMonitor | undefined;
}

/** One route: its short codes, how it addresses them, its window. */
export interface RouteSpec {
  name: string;
  shortCodes: ShortCode[];
  addressing: AddressingOptions;
  /** The link's window: how many submits may be unanswered at once. */
  window: number;
}

/**
 * Routes that share short codes, sent on by one process at a time: each short code's throttle then counts every
 * submit on every one of its routes, and traffic can fail over between them (docs/routing.md). A route that shares
 * no short code is a group of one, leased under its own name.
 */
export interface RouteGroupSpec {
  /** The lease's name. */
  name: string;
  routes: RouteSpec[];
}

/**
 * Sends a group of routes' outbox. It works only while it holds the group's lease, so one process at a time
 * submits on these routes and each short code's throttle is exact across the whole deployment. On taking the
 * lease it settles what a previous owner left half-done; when it cannot renew the lease in time it stops
 * sending before the lease expires, so two owners never overlap. Each second it moves the queued messages of a
 * route that cannot send (down, paused, throttled for long) to their next route (failover).
 */
export class RouteDispatcher {
  private sides: RouteSide[] = [];
  private readonly stopping = new AbortController();
  private leaseLoop: Promise<void> | undefined;
  private failoverLoop: Promise<void> | undefined;
  private failoverStop: AbortController | undefined;
  private lastRenewal = -Infinity;

  constructor(
    readonly spec: RouteGroupSpec,
    private readonly deps: RouteDeps,
  ) {}

  start(): void {
    this.leaseLoop ??= this.holdLease();
  }

  /** Stops claiming, lets outstanding submits settle and be recorded, closes the links, frees the lease. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.leaseLoop;
    await this.release('stopping');
    await this.deps.store.releaseLease(this.spec.name, this.deps.options.owner).catch(() => undefined);
  }

  isOwner(): boolean {
    return this.sides.length > 0;
  }

  /** Each route's link state as this process sees it (none: this process does not hold the group now). */
  links(): { route: string; state: LinkState; freeWindow: number }[] {
    return this.sides.map((side) => ({ route: side.spec.name, state: side.link.state(), freeWindow: side.link.freeWindow() }));
  }

  private async holdLease(): Promise<void> {
    const { store, clock, monotonicMs, log, options } = this.deps;
    while (!this.stopping.signal.aborted) {
      try {
        if (await store.acquireLease(this.spec.name, options.owner, options.leaseTtlMs, clock.now())) {
          this.lastRenewal = monotonicMs();
          if (!this.isOwner()) await this.takeOver();
        } else if (this.isOwner()) {
          await this.release('another process holds the route lease');
        }
      } catch (error) {
        log.warn({ route: this.spec.name, err: error }, 'route lease renewal failed');
      }
      // Fence: stop before the lease can expire under us.
      if (this.isOwner() && monotonicMs() - this.lastRenewal > options.leaseTtlMs - options.leaseRenewMs) {
        await this.release('route lease could not be renewed in time');
      }
      await sleep(options.leaseRenewMs, this.stopping.signal);
    }
  }

  private async takeOver(): Promise<void> {
    const { store, clock, log } = this.deps;
    const names = this.spec.routes.map((r) => r.name);
    const recovered = await store.recoverOrphans(names, clock.now());
    if (recovered.inDoubt + recovered.requeued > 0) {
      log.warn({ route: this.spec.name, ...recovered }, 'messages left in submission by a stopped dispatcher: in doubt or queued again per account policy');
    }
    // One throttle per short code, whichever of the group's routes its messages leave on.
    const throttles = new Map<string, SharedThrottle>();
    for (const shortCode of this.spec.routes.flatMap((r) => r.shortCodes)) {
      if (!throttles.has(shortCode.number)) throttles.set(shortCode.number, { throttle: new ShortCodeThrottle(shortCode.ratePerSecond, this.deps.options.throttleWindowMs), waiting: 0 });
    }
    this.sides = this.spec.routes.map((spec) => new RouteSide(spec, throttles, this.deps));
    this.failoverStop = new AbortController();
    this.failoverLoop = this.failOverWhileHeld(this.failoverStop.signal);
    log.info({ route: this.spec.name, routes: names, shortCodes: [...throttles.keys()] }, 'route taken: sending');
  }

  private async release(reason: string): Promise<void> {
    const sides = this.sides;
    if (sides.length === 0) return;
    this.sides = [];
    this.failoverStop?.abort();
    await this.failoverLoop;
    await Promise.all(sides.map((side) => side.stop(reason)));
    this.deps.log.info({ route: this.spec.name, reason }, 'route released');
  }

  /**
   * Pauses and failover, while this process holds the group: a paused route claims nothing more. A route whose link
   * has been down for `failoverAfterMs`, that an aggregator paused, or that has answered "throttled" without a single
   * acceptance for `failoverAfterMs`, gives its queued messages to the first of their fallbacks that can send. A
   * message routed nowhere else waits.
   */
  private async failOverWhileHeld(signal: AbortSignal): Promise<void> {
    const { store, clock, log, options, doorbell } = this.deps;
    while (!signal.aborted) {
      await sleep(options.failoverCheckMs, signal);
      if (signal.aborted) return;
      try {
        const paused = (await this.deps.paused?.()) ?? new Map<string, string>();
        for (const side of this.sides) side.paused = paused.get(side.spec.name);
        if (this.sides.length < 2) continue;
        const now = this.deps.monotonicMs();
        const why = new Map(this.sides.map((side) => [side.spec.name, side.cannotSend(now)]));
        const usable = [...why].filter(([, reason]) => reason === undefined).map(([name]) => name);
        for (const [route, reason] of why) {
          if (reason === undefined || usable.length === 0) continue;
          let moved = 0;
          for (let batch; (batch = await store.failOver(route, usable, reason, options.claimBatchMax, clock.now())) > 0; ) moved += batch;
          if (moved > 0) {
            log.warn({ route, moved, reason, to: usable }, 'failover: queued messages moved to their next route');
            doorbell.ring();
          }
        }
      } catch (error) {
        log.warn({ route: this.spec.name, err: error }, 'failover check failed');
      }
    }
  }
}

/** What one short code's lanes share across the group's routes: its throttle, and what waits for it. */
interface SharedThrottle {
  throttle: ShortCodeThrottle;
  waiting: number;
}

/** One route of a group while held: its link, a lane per short code, its claim loop. */
class RouteSide {
  readonly link: OperatorLink;
  private readonly lanes: Map<string, Lane>;
  private readonly claiming = new AbortController();
  private readonly claimLoop: Promise<void>;
  private downSince: number | undefined;
  /** Why an aggregator paused the route (it claims nothing meanwhile); undefined: not paused. */
  paused: string | undefined;

  constructor(
    readonly spec: RouteSpec,
    throttles: ReadonlyMap<string, SharedThrottle>,
    private readonly deps: RouteDeps,
  ) {
    this.link = deps.openLink(spec.name);
    this.link.start(this.handlers());
    this.lanes = new Map(spec.shortCodes.map((shortCode) => [shortCode.number, new Lane(shortCode, throttles.get(shortCode.number)!, spec, this.link, deps)]));
    this.claimLoop = this.claim(this.claiming.signal).catch((error) => deps.log.error({ route: spec.name, err: error }, 'claim loop crashed'));
    this.downSince = deps.monotonicMs();
  }

  /** Why this route cannot send now (undefined: it can), for failover. */
  cannotSend(now: number): string | undefined {
    if (this.paused !== undefined) return `route paused: ${this.paused}`;
    const after = this.deps.options.failoverAfterMs;
    if (this.link.state() === 'bound') this.downSince = undefined;
    else this.downSince ??= now;
    if (this.downSince !== undefined && now - this.downSince >= after) return `route down for ${Math.round((now - this.downSince) / 1000)} s`;
    const throttled = Math.min(...[...this.lanes.values()].map((lane) => lane.throttledSince ?? Infinity));
    if (now - throttled >= after) return `the operator has answered "throttled" for ${Math.round((now - throttled) / 1000)} s`;
    return undefined;
  }

  async stop(reason: string): Promise<void> {
    this.claiming.abort();
    await this.claimLoop;
    await Promise.all([...this.lanes.values()].map((lane) => lane.stop()));
    await this.link.stop();
    this.deps.monitor?.link(this.spec.name, 'stopped', reason);
  }

  /**
   * One claim for all the route's short codes at a time, each asking for what its throttle lets go now,
   * all together no more than two windows ahead of the link (what a crash could leave in doubt).
   */
  private async claim(signal: AbortSignal): Promise<void> {
    const { store, clock, monotonicMs, doorbell, options, log } = this.deps;
    const link = this.link;
    const route = this.spec.name;
    let lastPartialClaim = -Infinity;
    while (!signal.aborted) {
      if (this.paused !== undefined) {
        await sleep(options.pollIntervalMs, signal);
        continue;
      }
      if (link.state() !== 'bound' || link.freeWindow() === 0) {
        await Promise.race([link.waitForCapacity(options.pollIntervalMs), sleep(options.pollIntervalMs, signal)]);
        continue;
      }
      const now = monotonicMs();
      const lanes = [...this.lanes.values()];
      const budget = this.spec.window * 2 - lanes.reduce((n, lane) => n + lane.waiting, 0);
      const share = Math.max(1, Math.floor(budget / Math.max(1, lanes.length)));
      const wants = lanes.map((lane) => ({ route, shortCode: lane.number, limit: Math.min(lane.room(now), share, options.claimBatchMax) })).filter((w) => w.limit > 0);
      if (budget <= 0 || wants.length === 0) {
        // Until the first short code has room again (a paused one never does), or the next poll.
        await sleep(Math.max(1, Math.min(options.pollIntervalMs, ...lanes.map((lane) => lane.delay(now)))), signal);
        continue;
      }
      const pause = lastPartialClaim + options.claimIntervalMs - now;
      if (pause > 0) await sleep(pause, signal);
      let claimed: ClaimedMessage[];
      try {
        claimed = await store.claimDue(wants, clock.now());
      } catch (error) {
        log.warn({ route, err: error }, 'claim failed; retrying');
        await sleep(options.pollIntervalMs, signal);
        continue;
      }
      for (const message of claimed) this.lanes.get(message.shortCode)!.dispatch(message);
      if (claimed.length < wants.reduce((n, w) => n + w.limit, 0)) {
        lastPartialClaim = monotonicMs();
        if (claimed.length === 0) await doorbell.wait(options.pollIntervalMs, signal);
      }
    }
  }

  private handlers(): LinkHandlers {
    const { store, log, monitor } = this.deps;
    const route = this.spec.name;
    return {
      onReceipt: (receipt) => receiveReceipt(this.deps, route, receipt),
      onMobileOriginated: (mo) => (this.deps.onMobileOriginated ? this.deps.onMobileOriginated(route, mo) : store.recordInbound(route, mo)),
      onStateChange: (state, detail) => {
        log.info({ route, state, detail }, 'operator link state');
        // Connecting is not yet up, and after a drop still down; a stop is recorded with its reason by release().
        if (state === 'bound') monitor?.link(route, 'up', null);
        else if (state === 'down') monitor?.link(route, 'down', detail ?? 'link down');
      },
    };
  }
}

/** One short code on a route: its messages in flight, under the short code's throttle. */
class Lane {
  private readonly throttle: ShortCodeThrottle;
  /** Every message waiting for its slot listens to it: many listeners is normal here. */
  private readonly stopping = unlimitedListeners(new AbortController());
  private readonly inFlight = new Set<Promise<void>>();
  /** Claimed messages whose next part waits for the throttle or the window. */
  waiting = 0;
  private pausedUntil = 0;
  /** Since when the SMSC has answered "throttled" on this lane without accepting anything (monotonic ms). */
  throttledSince: number | undefined;

  constructor(
    private readonly shortCode: ShortCode,
    private readonly shared: SharedThrottle,
    private readonly spec: RouteSpec,
    private readonly link: OperatorLink,
    private readonly deps: RouteDeps,
  ) {
    this.throttle = shared.throttle;
  }

  get number(): string {
    return this.shortCode.number;
  }

  /**
   * How many more messages to claim for this short code now: what its throttle lets go within the claim
   * lookahead, less what is already waiting. Claiming ahead means a message is at hand the moment its slot
   * frees — not a claim's round trip later, nor after a slow claim.
   */
  room(now: number): number {
    return this.pausedUntil > now ? 0 : this.throttle.available(now + this.lookaheadMs) - this.shared.waiting;
  }

  /** Milliseconds until it may have room again. */
  delay(now: number): number {
    return Math.max(this.pausedUntil - now, this.throttle.delay(now + this.lookaheadMs));
  }

  private get lookaheadMs(): number {
    return Math.max(this.throttle.sliceMs, this.deps.options.claimLookaheadMs);
  }

  dispatch(message: ClaimedMessage): void {
    this.track(this.send(message));
  }

  /** Lets the messages in flight finish: parts not yet written are given up as not sent. */
  async stop(): Promise<void> {
    this.stopping.abort();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
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
    let index = message.partsAccepted;
    for (; index < parts.length; index++) {
      const outcome = await this.submitWhenAllowed(parts[index]!);
      if (outcome.kind !== 'accepted') {
        result = outcome;
        break;
      }
      accepted.push({ index, smscMessageId: outcome.smscMessageId, at: this.deps.clock.now() });
    }
    if (result.kind === 'refused' && result.failure.kind === 'throttled') {
      this.pausedUntil = this.deps.monotonicMs() + this.deps.options.throttledPauseMs;
      this.throttledSince ??= this.deps.monotonicMs();
    } else if (accepted.length > 0) {
      this.throttledSince = undefined;
    }
    const now = this.deps.clock.now();
    const step = nextStep(result, message.attempts, now, this.deps.options.retry);
    await this.recordUntilStored({ messageId: message.id, route: this.spec.name, acceptedParts: accepted, ...step });
    if (result.kind === 'in-doubt' && result.late) this.settleWhenAnswered(message.id, index, result.late);
  }

  /**
   * A submit in doubt whose answer comes late on the same session: the answer settles the message (recorded in
   * doubt first, so the settlement finds it so). Not waited for by stop(): the link resolves it when its session ends.
   */
  private settleWhenAnswered(messageId: string, partIndex: number, late: Promise<LateAnswer | undefined>): void {
    const { store, clock, log } = this.deps;
    void late
      .then((answer) => answer && store.settleLateAnswer({ messageId, route: this.spec.name, partIndex, answer }, clock.now()))
      .then(
        (settled) => settled && log.info({ messageId, route: this.spec.name }, 'message in doubt settled by a late answer'),
        (error: unknown) => log.warn({ messageId, err: error }, 'a late answer could not settle its message in doubt'),
      );
  }

  /**
   * Waits for a throttle slot and a window slot, then submits — the check and the submit run in the same
   * synchronous step, so concurrent senders can never overshoot the rate or the window.
   */
  private async submitWhenAllowed(part: OutboundPart): Promise<SubmitOutcome> {
    this.waiting++;
    this.shared.waiting++;
    try {
      for (;;) {
        const now = this.deps.monotonicMs();
        const delay = this.throttle.delay(now);
        if (delay === 0 && this.pausedUntil <= now && this.link.freeWindow() > 0) {
          this.throttle.record(now);
          const monitor = this.deps.monitor;
          if (!monitor) return this.link.submit(part);
          return this.link.submit(part).then((outcome) => {
            monitor.submitted(this.spec.name, this.shortCode.number, outcome.kind, (this.deps.monotonicMs() - now) / 1000);
            return outcome;
          });
        }
        if (this.stopping.signal.aborted) return { kind: 'not-sent', reason: 'dispatcher stopping' };
        if (this.link.freeWindow() === 0) await this.link.waitForCapacity(this.deps.options.pollIntervalMs);
        else await sleep(Math.min(Math.max(delay, this.pausedUntil - now, 1), this.deps.options.pollIntervalMs), this.stopping.signal);
      }
    } finally {
      this.waiting--;
      this.shared.waiting--;
    }
  }

  /**
   * An attempt's outcome is knowledge we cannot get back: keep trying to store it (a write that can never succeed
   * is set aside by the store, so only an unreachable database fails here) — but a stopping dispatcher tries a
   * few more times only: the message then stays `submitting`, and whoever takes the route next settles it as in
   * doubt (recoverOrphans), exactly as after a crash. A stop never waits on the database for ever.
   */
  private async recordUntilStored(outcome: Parameters<OutboxStore['record']>[0]['outcomes'][number]): Promise<void> {
    let triesWhileStopping = 0;
    for (let delay = 100; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        await this.deps.store.record({ outcomes: [outcome], receipts: [] }, this.deps.clock.now());
        return;
      } catch (error) {
        const stopping = this.stopping.signal.aborted;
        if (stopping && ++triesWhileStopping >= TRIES_WHILE_STOPPING) {
          this.deps.log.error({ messageId: outcome.messageId, err: error }, 'stopping without the outcome of a submit: the message stays submitting and is settled as in doubt when the route is taken again');
          return;
        }
        this.deps.log.error({ messageId: outcome.messageId, err: error }, 'could not record a submit outcome; retrying');
        await sleep(stopping ? Math.min(delay, 250) : delay, this.stopping.signal);
      }
    }
  }
}

/** How many times a stopping dispatcher still tries to store an outcome before leaving it to recovery. */
const TRIES_WHILE_STOPPING = 3;

function unlimitedListeners(controller: AbortController): AbortController {
  setMaxListeners(0, controller.signal);
  return controller;
}
