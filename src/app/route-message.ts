/**
 * Routing at intake (docs/routing.md): every door and every campaign routes a message once, when it is accepted,
 * and the message keeps its route, the reason and its fallbacks. A message no route may carry is kept as failed
 * with the reason (e.g. `not-an-orange-subscriber`): accepted, never sent, never billed.
 */
import type { RouteDecision, RoutingInput, RoutingRule, RoutingTable } from '../core/routing/index.ts';
import { routesOf, type NewMessage, type Route, type ShortCode } from './ports.ts';

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

/** A message decided by compliance, routed; a message not queued needs no route. */
export function routed(message: NewMessage, router: Router | undefined, accountName?: string): NewMessage {
  if (!router || message.status !== 'queued') return message;
  const decision = router({ accountId: message.accountId, accountName, shortCode: message.shortCode, class: message.class, recipient: message.recipient });
  if (decision.kind === 'routed') return { ...message, route: { name: decision.route, reason: decision.reason, fallbacks: decision.fallbacks, operator: decision.operator } };
  return { ...message, status: 'failed', error: { code: decision.code, reason: decision.reason }, cap: null };
}
