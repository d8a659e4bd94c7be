/**
 * Routing (docs/routing.md): which operator link a message leaves on, decided once at intake and kept on the
 * message with the reason. Pure: the rules are data, the operator of the recipient comes from an injected lookup
 * that reads memory only (core/numbering).
 *
 * A route may carry a message when it carries the message's short code and, for a route that carries only its own
 * operator's subscribers (Orange's push-SMS offer, docs/domain.md "Operator connection"), when the recipient is one
 * of them. The first rule whose filters match and that leaves at least one such route decides; without one, the
 * short code's own routes in their order. The routes after the first are its fallbacks, in order: the dispatcher
 * moves a message to the next one when its route is down, paused or keeps answering "throttled".
 */
import type { OperatorAnswer, OperatorOf } from '../numbering/operator-of.ts';
import { regionOfNumber } from '../numbers/french-plan.ts';

export type MessageClassName = 'transactional' | 'marketing';

/** One routing rule: every filter given must match (a filter left out matches anything); `routes` in order of preference. */
export interface RoutingRule {
  /** Recipient's operator codes (Arcep's mnémo: ORAN, SFR0, BOUY, FRTE…); `unknown` matches a number no file places. */
  operators?: readonly string[];
  classes?: readonly MessageClassName[];
  /** Account ids or names. */
  accounts?: readonly string[];
  shortCodes?: readonly string[];
  /** ISO 3166 codes of the recipient's country or territory: FR, RE, YT, GP, MQ, GF; other numbers are `ZZ`. */
  countries?: readonly string[];
  routes: readonly string[];
}

/** What routing needs of a route. */
export interface RoutableRoute {
  name: string;
  /** The operator the route reaches (Arcep code), when known. */
  operator?: string | undefined;
  /** The route carries only the subscribers of its operator (Orange's push-SMS offer). */
  subscribersOnly?: boolean | undefined;
}

export interface RoutingTable {
  rules: readonly RoutingRule[];
  routes: ReadonlyMap<string, RoutableRoute>;
  /** Each short code's routes, in order: the default when no rule decides. */
  shortCodeRoutes: ReadonlyMap<string, readonly string[]>;
  /** A recipient no file places, on a subscribers-only route: carried (the default) or refused. */
  unknownOperator: 'allow' | 'refuse';
}

export interface RoutingInput {
  accountId: string;
  accountName?: string | undefined;
  shortCode: string;
  class: MessageClassName;
  recipient: string;
}

export type RouteDecision =
  | { kind: 'routed'; route: string; fallbacks: readonly string[]; reason: string; operator: string | undefined }
  | { kind: 'refused'; code: string; reason: string; operator: string | undefined };

/** The refusal code of a recipient an operator-only route may not carry (Orange's is named by the offer). */
export function notASubscriberCode(operator: string): string {
  return operator === 'ORAN' ? 'not-an-orange-subscriber' : `not-a-subscriber-of-${operator.toLowerCase()}`;
}

export const NO_ROUTE = 'no-route';

/** ISO code of the French territories by region of the numbering plan; ZZ outside it. */
const COUNTRY_OF_REGION: Readonly<Record<string, string>> = {
  'metropolitan-france': 'FR',
  reunion: 'RE',
  mayotte: 'YT',
  guadeloupe: 'GP',
  martinique: 'MQ',
  guyane: 'GF',
};

export function countryOf(e164: string): string {
  const region = regionOfNumber(e164);
  return (region && COUNTRY_OF_REGION[region]) ?? 'ZZ';
}

/** Routes a message: the first route that may carry it, its fallbacks, and why; or why none may. */
export function decideRoute(table: RoutingTable, input: RoutingInput, operatorOf: OperatorOf): RouteDecision {
  const answer = operatorOf(input.recipient);
  const operator = answer.operator;
  const carried = table.shortCodeRoutes.get(input.shortCode) ?? [];
  const excluded: string[] = [];
  const allowed = (names: readonly string[]) => names.filter((name) => carried.includes(name) && mayCarry(table, name, answer, excluded));

  let country: string | undefined;
  for (const [index, rule] of table.rules.entries()) {
    if (!matches(rule, input, operator, () => (country ??= countryOf(input.recipient)))) continue;
    const routes = allowed(rule.routes);
    if (routes.length > 0) return routed(routes, `rule ${index + 1} (${describeRule(rule)})`, answer);
  }
  const routes = allowed(carried);
  if (routes.length > 0) return routed(routes, `short code ${input.shortCode}'s routes`, answer);
  return refusal(table, input, answer, excluded);
}

/**
 * `decideRoute` with its decisions remembered: a decision depends only on the short code, class, account, the
 * recipient's operator answer (one shared object per operator and source, core/numbering) and its country when a
 * rule asks for it — a few hundred combinations in a deployment, so each is computed once and then shared, found
 * through nested maps without building a key. At most `capacity` are kept; the memory starts over when full.
 */
export function routerFor(table: RoutingTable, operatorOf: OperatorOf, capacity = 10_000): (input: RoutingInput) => RouteDecision {
  const byCountry = table.rules.some((rule) => rule.countries !== undefined);
  type ByCountry = Map<string, RouteDecision>;
  let known = new Map<string, Map<string, Map<string, Map<OperatorAnswer, ByCountry>>>>();
  let size = 0;
  return (input) => {
    const answer = operatorOf(input.recipient);
    const country = byCountry ? countryOf(input.recipient) : '';
    const decisions = inner(inner(inner(inner(known, input.shortCode), input.class), input.accountId), answer);
    let decision = decisions.get(country);
    if (decision === undefined) {
      decision = decideRoute(table, input, () => answer);
      if (++size > capacity) [known, size] = [new Map(), 0];
      else decisions.set(country, decision);
    }
    return decision;
  };
}

/** A route a message is on, with its fallbacks in order: what failover moves. */
export interface RouteChoice {
  route: string;
  fallbacks: readonly string[];
}

/**
 * Failover of a route that cannot send: a message goes to its first fallback among the usable routes and keeps the
 * fallbacks after that one; the reason says from where, to where and why. None usable: it stays and waits.
 */
export function failedOver(choice: RouteChoice, usable: readonly string[], why: string): (RouteChoice & { reason: string }) | undefined {
  const at = choice.fallbacks.findIndex((route) => usable.includes(route));
  if (at < 0) return undefined;
  const route = choice.fallbacks[at]!;
  return { route, fallbacks: choice.fallbacks.slice(at + 1), reason: `failover from ${choice.route} to ${route}: ${why}` };
}

/** The map under `key`, made when absent. */
function inner<K, V extends Map<unknown, unknown>>(map: Map<K, V>, key: K): V {
  let found = map.get(key);
  if (found === undefined) map.set(key, (found = new Map() as V));
  return found;
}

function routed(routes: readonly string[], why: string, answer: OperatorAnswer): RouteDecision {
  return { kind: 'routed', route: routes[0]!, fallbacks: routes.slice(1), reason: `${why}; recipient ${operatorWords(answer)}`, operator: answer.operator };
}

function refusal(table: RoutingTable, input: RoutingInput, answer: OperatorAnswer, excluded: readonly string[]): RouteDecision {
  const operatorOnly = excluded.map((name) => table.routes.get(name)!).find((route) => route.operator !== undefined);
  if (operatorOnly) {
    return {
      kind: 'refused',
      code: notASubscriberCode(operatorOnly.operator!),
      reason: `the recipient is ${operatorWords(answer)}: route ${operatorOnly.name} carries only ${operatorOnly.operator} subscribers, and no other route of short code ${input.shortCode} may carry it`,
      operator: answer.operator,
    };
  }
  return { kind: 'refused', code: NO_ROUTE, reason: `no route carries short code ${input.shortCode}`, operator: answer.operator };
}

/** Whether a route may carry a recipient; a route refused for its subscribers is noted in `excluded`. */
function mayCarry(table: RoutingTable, name: string, answer: OperatorAnswer, excluded: string[]): boolean {
  const route = table.routes.get(name);
  if (!route) return false;
  if (!route.subscribersOnly || route.operator === undefined) return true;
  const ok = answer.operator === undefined ? table.unknownOperator === 'allow' : answer.operator === route.operator;
  if (!ok && !excluded.includes(name)) excluded.push(name);
  return ok;
}

function matches(rule: RoutingRule, input: RoutingInput, operator: string | undefined, country: () => string): boolean {
  return (
    (!rule.operators || rule.operators.includes(operator ?? 'unknown')) &&
    (!rule.classes || rule.classes.includes(input.class)) &&
    (!rule.accounts || rule.accounts.includes(input.accountId) || (input.accountName !== undefined && rule.accounts.includes(input.accountName))) &&
    (!rule.shortCodes || rule.shortCodes.includes(input.shortCode)) &&
    (!rule.countries || rule.countries.includes(country()))
  );
}

function describeRule(rule: RoutingRule): string {
  const parts = [
    rule.operators && `operator ${rule.operators.join('|')}`,
    rule.classes && `class ${rule.classes.join('|')}`,
    rule.accounts && `account ${rule.accounts.join('|')}`,
    rule.shortCodes && `short code ${rule.shortCodes.join('|')}`,
    rule.countries && `country ${rule.countries.join('|')}`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'any message';
}

function operatorWords(answer: OperatorAnswer): string {
  if (answer.operator === undefined) return 'of an operator no numbering file names';
  const who = answer.name ? `${answer.operator} (${answer.name})` : answer.operator;
  return answer.source === 'ported' ? `a ${who} subscriber (ported)` : `a ${who} subscriber`;
}
