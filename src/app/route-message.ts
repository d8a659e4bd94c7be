/**
 * Routing at intake (docs/routing.md): every door and every campaign routes a message once, when it is accepted,
 * and the message keeps its route, the reason and its fallbacks. A message no route may carry is kept as failed
 * with the reason (e.g. `not-an-orange-subscriber`): accepted, never sent, never billed.
 */
import type { RouteDecision, RoutingInput, RoutingRule, RoutingTable } from '../core/routing/index.ts';
import { routesOf, type MessageRoute, type NewMessage, type Route, type ShortCode } from './ports.ts';

/** The deployment's routing: its rules and routes, with the operator of each number read from memory. */
export type Router = (input: RoutingInput) => RouteDecision;

/** The routing table of the configured rules over the routes and short codes a deployment sends on. */
export function routingTableOf(routing: { rules: readonly RoutingRule[]; unknownOperator: RoutingTable['unknownOperator'] }, routes: readonly Route[], shortCodes: readonly ShortCode[]): RoutingTable {
  return {
    rules: routing.rules,
    routes: new Map(routes.map((r) => [r.name, { name: r.name, operator: r.operator, subscribersOnly: r.subscribersOnly }])),
    shortCodeRoutes: new Map(shortCodes.map((s) => [s.number, routesOf(s)])),
    unknownOperator: routing.unknownOperator,
  };
}

/**
 * A message just decided by compliance (a fresh object, which it completes), routed; a message not queued needs no
 * route. Messages routed alike share one route object: a batch of ten thousand holds a few (the store sends each
 * once), and routing allocates nothing per message.
 */
export function routed(message: NewMessage, router: Router | undefined, accountName?: string): NewMessage {
  if (!router || message.status !== 'queued') return message;
  const decision = router({ accountId: message.accountId, accountName, shortCode: message.shortCode, class: message.class, recipient: message.recipient });
  if (decision.kind === 'routed') {
    message.route = routeOf(decision);
    return message;
  }
  return { ...message, status: 'failed', error: { code: decision.code, reason: decision.reason }, cap: null };
}

const routes = new WeakMap<RouteDecision, MessageRoute>();

/** The route of a decision, one object per decision (the router remembers its decisions). */
function routeOf(decision: Extract<RouteDecision, { kind: 'routed' }>): MessageRoute {
  let route = routes.get(decision);
  if (!route) routes.set(decision, (route = { name: decision.route, reason: decision.reason, fallbacks: decision.fallbacks, operator: decision.operator }));
  return route;
}
