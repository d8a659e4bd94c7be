import { routesOf, type Clock, type LinkState, type Logger, type OperatorLink, type OutboxStore, type Route, type RouteStore, type ShortCode } from '../app/ports.ts';
import { Doorbell, sleep } from '../app/doorbell.ts';
import { defaultAddressing } from './message-to-parts.ts';
import { RouteDispatcher, type DispatchOptions, type RouteDeps, type RouteGroupSpec, type RouteSpec } from './route-dispatcher.ts';

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

/**
 * The dispatcher role: one RouteDispatcher per group of routes that share short codes (a route alone is a group of
 * one), plus the receipt sweep.
 */
export class Dispatcher {
  private routes: RouteDispatcher[] = [];
  private readonly stopping = new AbortController();
  private sweep: Promise<void> | undefined;
  private billing: Promise<void> | undefined;

  constructor(private readonly deps: DispatcherDeps) {}

  async start(): Promise<void> {
    const [routes, shortCodes] = await Promise.all([this.deps.routes.routes(), this.deps.routes.shortCodes()]);
    const byName = new Map(routes.map((r) => [r.name, r]));
    const openLink = (name: string) => this.deps.openLink(byName.get(name)!);
    const paused = () => this.deps.routes.paused();
    for (const group of routeGroups(routes, shortCodes)) this.routes.push(new RouteDispatcher(group, { ...this.deps, openLink, paused }));
    for (const route of this.routes) route.start();
    this.sweep = this.sweepPendingReceipts();
    if (this.deps.billingSweep) this.billing = this.sweepBilling(this.deps.billingSweep);
  }

  /** Each route this process sends on, with its link's state now (the aggregator console shows it). */
  links(): { route: string; state: LinkState; freeWindow: number }[] {
    return this.routes.flatMap((r) => r.links());
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

/**
 * The routes that share short codes, grouped (connected components: two routes are in one group when a short code
 * is carried by both, directly or through others), each with the short codes it carries; routes without short
 * codes are left out. A group of one route is leased under the route's name, a larger one under its routes' names.
 */
export function routeGroups(routes: readonly Route[], shortCodes: readonly ShortCode[]): RouteGroupSpec[] {
  const group = new Map(routes.map((r) => [r.name, r.name]));
  const find = (name: string): string => {
    const parent = group.get(name)!;
    return parent === name ? name : find(parent);
  };
  for (const shortCode of shortCodes) {
    const [first, ...rest] = routesOf(shortCode).filter((name) => group.has(name));
    for (const name of rest) group.set(find(name), find(first!));
  }
  const specs = new Map<string, RouteSpec[]>();
  for (const route of routes) {
    const own = shortCodes.filter((s) => routesOf(s).includes(route.name));
    if (own.length === 0) continue;
    const root = find(route.name);
    specs.set(root, [...(specs.get(root) ?? []), routeSpec(route, own)]);
  }
  return [...specs.values()].map((members) => ({ name: members.map((m) => m.name).join('+'), routes: members }));
}

function routeSpec(route: Route, shortCodes: ShortCode[]): RouteSpec {
  return {
    name: route.name,
    shortCodes,
    addressing: {
      shortCodeTon: route.settings.shortCodeTon ?? defaultAddressing.shortCodeTon,
      shortCodeNpi: route.settings.shortCodeNpi ?? defaultAddressing.shortCodeNpi,
    },
    window: route.settings.window ?? 10,
  };
}
