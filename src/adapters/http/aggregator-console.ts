/**
 * What the aggregator console of the portal reads besides the accounts (docs/portal.md, "The aggregator console"):
 * the routes with their short codes, each link's state, each short code's rate and queue depth; every account's
 * traffic of today and of the month. And the console's door: the aggregator's routes take a signed-in staff session
 * (cookie, with the CSRF token on changes) as they take an aggregator key.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { StaffRole } from '../../core/access/rights.ts';
import { csrfMatches, resolveSession } from '../../app/sign-in.ts';
import { periodFigures, periodStarts, STATISTICS_ZONE } from '../../core/statistics/summary.ts';
import type { PlatformStatistics } from '../../app/ports/statistics.ts';
import { routesOf, type LinkState, type RouteStore } from '../../app/ports.ts';
import { NotFound } from '../../app/errors.ts';
import { Forbidden, Unauthorized } from './problem.ts';
import { sessionCookie } from './session-routes.ts';
import type { Api, HttpDeps } from './server.ts';

const problem = { $ref: 'Problem#' };

/** What the console needs beyond the API's own dependencies (main.ts wires them). */
export interface ConsoleDeps {
  statistics?: PlatformStatistics | undefined;
  routes?: RouteStore | undefined;
  /** The links this process holds (its dispatcher's), with their state now; absent: no dispatcher here. */
  links?: (() => { route: string; state: LinkState; freeWindow: number }[]) | undefined;
}

/** The staff role of a signed-in browser calling an aggregator route, or undefined when it brings no session cookie. */
export async function staffSignedIn(request: FastifyRequest, deps: HttpDeps): Promise<{ role: StaffRole } | undefined> {
  const cookie = sessionCookie(request);
  if (!cookie || !deps.signIn) return undefined;
  const signedIn = await resolveSession(deps.signIn, cookie);
  if (!signedIn) throw new Unauthorized('this session has ended (signed out, expired or revoked): sign in again');
  if (signedIn.session.secondFactorPending) throw new Unauthorized('give the second factor first (POST /v1/session/second-factor)');
  if (signedIn.principal.kind !== 'staff') throw new Forbidden('the aggregator’s routes are for the aggregator’s staff');
  const token = request.headers['x-csrf-token'];
  if (request.method !== 'GET' && request.method !== 'HEAD' && !csrfMatches(signedIn, typeof token === 'string' ? token : undefined)) {
    throw new Forbidden('a signed-in browser sends its session\'s CSRF token in the X-CSRF-Token header with every change');
  }
  request.actorLabel = signedIn.user.email;
  return { role: signedIn.principal.role };
}

const Queue = {
  ready: Type.Integer({ description: 'Queued and due now' }),
  later: Type.Integer({ description: 'Queued for later (send time, deferral, retry backoff)' }),
  submitting: Type.Integer({ description: 'Being submitted now' }),
  oldestDueAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'The oldest due time of the ready ones' }),
};

const RouteView = Type.Object({
  name: Type.String(),
  protocol: Type.String(),
  host: Type.String(),
  port: Type.Integer(),
  window: Type.Integer({ description: 'Submits the link keeps unanswered at most' }),
  operator: Type.Union([Type.String(), Type.Null()], { description: 'The operator the route reaches (numbering-file code)' }),
  subscribersOnly: Type.Boolean({ description: "The route carries only its operator's subscribers" }),
  paused: Type.Union([Type.String(), Type.Null()], { description: 'Why an aggregator paused it (its traffic fails over, or waits); null: not paused' }),
  link: Type.Object({
    state: Type.String({ description: 'connecting, bound, down, stopped (seen by this process); elsewhere (another process holds the route); idle (no process holds it)' }),
    freeWindow: Type.Union([Type.Integer(), Type.Null()]),
    owner: Type.Union([Type.String(), Type.Null()], { description: 'The process holding the route’s lease' }),
    leaseExpiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  }),
  shortCodes: Type.Array(Type.Object({ number: Type.String(), ratePerSecond: Type.Integer(), queue: Type.Object(Queue) })),
});

const TrafficPeriod = Type.Object({ accepted: Type.Integer(), sent: Type.Integer(), delivered: Type.Integer(), failed: Type.Integer(), pending: Type.Integer(), notSent: Type.Integer() });

export async function consoleRoutes(app: Api, deps: HttpDeps & ConsoleDeps): Promise<void> {
  const tags = ['aggregator'];
  const statistics = () => deps.statistics ?? Promise.reject(new Error('statistics are not wired in this process'));

  app.get(
    '/routes',
    {
      schema: {
        summary: 'The routes to the operators: each link’s state, each short code’s rate and queue depth',
        description: 'The link state is the one seen by the process holding the route’s lease; another process answering says "elsewhere" with the owner.',
        tags,
        response: { 200: Type.Object({ routes: Type.Array(RouteView) }), 401: problem },
      },
    },
    async () => {
      const store = await statistics();
      const now = deps.clock.now();
      const [routes, shortCodes, leases, queues, paused] = await Promise.all([
        deps.routes?.routes() ?? [],
        deps.routes?.shortCodes() ?? [],
        store.leases(),
        store.queuesByShortCode(now),
        deps.routes?.paused() ?? new Map<string, string>(),
      ]);
      const mine = new Map((deps.links?.() ?? []).map((l) => [l.route, l]));
      const empty = { ready: 0, later: 0, submitting: 0, oldestDueAt: null };
      return {
        routes: routes.map((route) => {
          // Routes sharing short codes are leased together, under their names joined by "+".
          const lease = leases.find((l) => l.route.split('+').includes(route.name) && l.expiresAt > now);
          const link = mine.get(route.name);
          return {
            name: route.name,
            protocol: route.protocol,
            host: route.host,
            port: route.port,
            window: route.settings.window ?? 10,
            operator: route.operator ?? null,
            subscribersOnly: route.subscribersOnly ?? false,
            paused: paused.get(route.name) ?? null,
            link: {
              state: link?.state ?? (lease ? 'elsewhere' : 'idle'),
              freeWindow: link?.freeWindow ?? null,
              owner: lease?.owner ?? null,
              leaseExpiresAt: lease?.expiresAt.toISOString() ?? null,
            },
            shortCodes: shortCodes
              .filter((s) => routesOf(s).includes(route.name))
              .map((s) => {
                const queue = queues.find((q) => q.route === route.name && q.shortCode === s.number);
                return { number: s.number, ratePerSecond: s.ratePerSecond, queue: queue ? { ready: queue.ready, later: queue.later, submitting: queue.submitting, oldestDueAt: queue.oldestDueAt?.toISOString() ?? null } : empty };
              }),
          };
        }),
      };
    },
  );

  for (const [action, summary] of [
    ['pause', 'Pause a route: its queued messages go to their next route (failover), or wait; the link stays up for receipts and MO'],
    ['resume', 'Resume a paused route'],
  ] as const) {
    app.post(
      `/routes/:name/${action}`,
      {
        config: { action: `routes.${action}` },
        schema: {
          summary,
          tags,
          params: Type.Object({ name: Type.String() }),
          body: action === 'pause' ? Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }) : Type.Optional(Type.Object({})),
          response: { 200: Type.Object({ route: Type.String(), paused: Type.Union([Type.String(), Type.Null()]) }), 401: problem, 403: problem, 404: problem },
        },
      },
      async (request) => {
        const { name } = request.params as { name: string };
        const reason = action === 'pause' ? (request.body as { reason: string }).reason : null;
        if (!(await deps.routes?.setPaused(name, reason, deps.clock.now()))) throw new NotFound(`no route named "${name}"`);
        return { route: name, paused: reason };
      },
    );
  }

  app.get(
    '/traffic',
    {
      schema: {
        summary: 'Every account’s traffic today and this month (Europe/Paris): accepted, sent, delivered, failed, pending',
        description: 'One range of the account’s index per account: it grows with the month’s messages, not with the table.',
        tags,
        response: {
          200: Type.Object({ zone: Type.String(), today: Type.String({ format: 'date-time' }), month: Type.String({ format: 'date-time' }), accounts: Type.Array(Type.Object({ account: Type.String(), today: TrafficPeriod, month: TrafficPeriod })) }),
          401: problem,
        },
      },
    },
    async () => {
      const { today, month } = periodStarts(deps.clock.now());
      const rows = await (await statistics()).trafficByAccount(today, month);
      const byAccount = new Map<string, { today: Record<string, number>; month: Record<string, number> }>();
      for (const row of rows) {
        const counts = byAccount.get(row.account) ?? { today: {}, month: {} };
        if (row.today > 0) counts.today[row.status] = row.today;
        counts.month[row.status] = row.month;
        byAccount.set(row.account, counts);
      }
      const figures = (byStatus: Record<string, number>) => {
        const { byStatus: _, ...rest } = periodFigures(byStatus);
        return rest;
      };
      return {
        zone: STATISTICS_ZONE,
        today: today.toISOString(),
        month: month.toISOString(),
        accounts: [...byAccount].map(([account, counts]) => ({ account, today: figures(counts.today), month: figures(counts.month) })),
      };
    },
  );
}
