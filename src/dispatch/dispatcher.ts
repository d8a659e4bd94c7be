import type { Clock, LinkState, Logger, OperatorLink, OutboxStore, Route, RouteStore } from '../app/ports.ts';
import { Doorbell, sleep } from '../app/doorbell.ts';
import { defaultAddressing } from './message-to-parts.ts';
import { RouteDispatcher, type DispatchOptions, type RouteDeps } from './route-dispatcher.ts';

export interface DispatcherDeps {
  store: OutboxStore;
  routes: RouteStore;
  openLink: (route: Route) => OperatorLink;
  clock: Clock;
  monotonicMs: () => number;
  log: Logger;
  doorbell: Doorbell;
  options: DispatchOptions;
  /** How often receipts kept pending are matched against parts recorded elsewhere. */
  receiptSweepMs: number;
  onMobileOriginated?: RouteDeps['onMobileOriginated'];
  monitor?: RouteDeps['monitor'];
  /** Billing's periodic settlement: parts without receipts past the delay, prepaid reservations of finished messages. */
  billingSweep?: { everyMs: number; run: (now: Date) => Promise<Record<string, number>> };
}

/** The dispatcher role: one RouteDispatcher per route that has short codes, plus the receipt sweep. */
export class Dispatcher {
  private routes: RouteDispatcher[] = [];
  private readonly stopping = new AbortController();
  private sweep: Promise<void> | undefined;
  private billing: Promise<void> | undefined;

  constructor(private readonly deps: DispatcherDeps) {}

  async start(): Promise<void> {
    const [routes, shortCodes] = await Promise.all([this.deps.routes.routes(), this.deps.routes.shortCodes()]);
    for (const route of routes) {
      const own = shortCodes.filter((s) => s.route === route.name);
      if (own.length === 0) continue;
      const spec = {
        name: route.name,
        shortCodes: own,
        addressing: {
          shortCodeTon: route.settings.shortCodeTon ?? defaultAddressing.shortCodeTon,
          shortCodeNpi: route.settings.shortCodeNpi ?? defaultAddressing.shortCodeNpi,
        },
        window: route.settings.window ?? 10,
      };
      this.routes.push(new RouteDispatcher(spec, { ...this.deps, openLink: () => this.deps.openLink(route) }));
    }
    for (const route of this.routes) route.start();
    this.sweep = this.sweepPendingReceipts();
    if (this.deps.billingSweep) this.billing = this.sweepBilling(this.deps.billingSweep);
  }

  /** Each route this process sends on, with its link's state now (the aggregator console shows it). */
  links(): { route: string; state: LinkState; freeWindow: number }[] {
    return this.routes.flatMap((r) => {
      const link = r.linkState();
      return link ? [{ route: r.spec.name, ...link }] : [];
    });
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all([...this.routes.map((r) => r.stop()), this.sweep, this.billing]);
  }

  private async sweepBilling({ everyMs, run }: NonNullable<DispatcherDeps['billingSweep']>): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        const done = await run(this.deps.clock.now());
        if (Object.values(done).some((n) => n > 0)) this.deps.log.info(done, 'billing settled');
      } catch (error) {
        this.deps.log.warn({ err: error }, 'billing sweep failed');
      }
      await sleep(everyMs, this.stopping.signal);
    }
  }

  private async sweepPendingReceipts(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      await sleep(this.deps.receiptSweepMs, this.stopping.signal);
      if (this.stopping.signal.aborted) return;
      try {
        const matched = await this.deps.store.matchPendingReceipts(this.deps.clock.now());
        if (matched > 0) this.deps.log.info({ matched }, 'pending receipts matched');
      } catch (error) {
        this.deps.log.warn({ err: error }, 'pending receipt sweep failed');
      }
    }
  }
}
