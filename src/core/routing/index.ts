/** core/routing: which route a message leaves on, and why (docs/routing.md). */
export {
  countryOf,
  decideRoute,
  failedOver,
  routerFor,
  NO_ROUTE,
  notASubscriberCode,
  type MessageClassName,
  type RoutableRoute,
  type RouteChoice,
  type RouteDecision,
  type RoutingInput,
  type RoutingRule,
  type RoutingTable,
} from './routing.ts';
