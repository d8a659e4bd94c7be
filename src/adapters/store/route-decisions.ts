import { createHash } from 'node:crypto';

/**
 * Routing decisions as the store keeps them (migration 0025, docs/routing.md): each distinct decision once in
 * `route_decisions`, each message naming its own by id. The id is the first 64 bits of a SHA-256 of the decision,
 * so every process names a decision the same way without asking the database; a statement that names a decision
 * inserts it when it is new (`insertDecisionsSql`).
 */
export interface StoredDecision {
  /** The route. */
  name: string;
  reason: string;
  fallbacks: readonly string[];
}

export function decisionId(decision: StoredDecision): string {
  return createHash('sha256').update(contentOf(decision)).digest().readBigInt64BE(0).toString();
}

const contentOf = ({ name, reason, fallbacks }: StoredDecision) => `${name}\u0000${reason}\u0000${fallbacks.join('\u0000')}`;

/**
 * The distinct decisions of some items as four statement parameters (ids, routes, reasons, fallbacks as JSON
 * arrays), and each item's 1-based position among them (null: the item has none). A batch of ten thousand
 * messages holds a handful of decisions, usually shared objects (app/route-message.ts): each is found by identity,
 * compared by content once, sent and hashed once.
 */
export function decisionColumns<T>(items: readonly T[], decisionOf: (item: T) => StoredDecision | null | undefined): { decisions: string[][]; positions: (number | null)[] } {
  const byObject = new Map<StoredDecision, number>();
  const byContent = new Map<string, number>();
  const distinct: StoredDecision[] = [];
  const positions = items.map((item) => {
    const decision = decisionOf(item);
    if (!decision) return null;
    let position = byObject.get(decision);
    if (position === undefined) {
      const content = contentOf(decision);
      position = byContent.get(content);
      if (position === undefined) byContent.set(content, (position = distinct.push(decision)));
      byObject.set(decision, position);
    }
    return position;
  });
  return {
    decisions: [distinct.map(decisionId), distinct.map((d) => d.name), distinct.map((d) => d.reason), distinct.map((d) => JSON.stringify(d.fallbacks))],
    positions,
  };
}

/**
 * SQL inserting the decisions given as parameters `$ids, $routes, $reasons, $fallbacks` (decisionColumns) that are
 * not stored yet — only those whose id is in `used` (SQL), when given. In id order, so two statements inserting the
 * same new decisions never wait on each other in a cycle; one that finds a decision being inserted by another
 * transaction waits for it, then leaves it.
 */
export function insertDecisionsSql(ids: string, routes: string, reasons: string, fallbacks: string, used?: string): string {
  return `INSERT INTO route_decisions (id, route, reason, fallbacks)
    SELECT d.id, d.route, d.reason, ARRAY(SELECT jsonb_array_elements_text(d.fallbacks::jsonb))
    FROM unnest(${ids}::bigint[], ${routes}::text[], ${reasons}::text[], ${fallbacks}::text[]) AS d(id, route, reason, fallbacks)
    ${used ? `WHERE d.id IN (${used})` : ''}
    ORDER BY d.id
    ON CONFLICT (id) DO NOTHING`;
}
