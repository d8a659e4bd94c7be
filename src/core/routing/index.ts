/** core/routing: which route a message leaves on, and why (docs/routing.md). */
export {
  countryOf,
  decideRoute,
  routerFor,
  NO_ROUTE,
  notASubscriberCode,
  type MessageClassName,
  type RoutableRoute,
  type RouteDecision,
  type RoutingInput,
  type RoutingRule,
  type RoutingTable,
} from './routing.ts';
