import type { SubjectKind, Transition } from '../../core/reports/availability.ts';
import type { Db } from './database.ts';

/**
 * Availability transitions and node heartbeats (migration 0016). Written in batches by the availability recorder
 * (adapters/monitoring/availability-recorder.ts), read by the reports.
 */
export class PgAvailabilityStore {
  constructor(private readonly db: Db) {}

  /** One statement for the whole batch. */
  async append(transitions: readonly Transition[]): Promise<void> {
    if (transitions.length === 0) return;
    await this.db.pool.query(
      `INSERT INTO availability_transitions (kind, subject, node, state, reason, at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])`,
      [transitions.map((t) => t.kind), transitions.map((t) => t.subject), transitions.map((t) => t.node), transitions.map((t) => t.state), transitions.map((t) => t.reason), transitions.map((t) => t.at)],
    );
  }

  async heartbeat(node: string, startedAt: Date, now: Date): Promise<void> {
    await this.db.pool.query(
      `INSERT INTO availability_nodes (node, started_at, last_seen_at) VALUES ($1, $2, $3)
       ON CONFLICT (node) DO UPDATE SET last_seen_at = greatest(availability_nodes.last_seen_at, excluded.last_seen_at)`,
      [node, startedAt, now],
    );
  }

  /**
   * The transitions of [from, to) and, for each subject and node, the last one before `from` (the state the window
   * opens with; one index probe per subject and node), with the last heartbeat of every node named.
   */
  async read(window: { from: Date; to: Date }): Promise<{ transitions: Transition[]; lastSeen: Map<string, Date> }> {
    const { rows } = await this.db.pool.query<{ kind: SubjectKind; subject: string; node: string; state: Transition['state']; reason: string | null; at: Date }>(
      `SELECT kind, subject, node, state, reason, at FROM availability_transitions WHERE at >= $1 AND at < $2
       UNION ALL
       SELECT b.kind, b.subject, b.node, b.state, b.reason, b.at
       FROM (SELECT DISTINCT kind, subject, node FROM availability_transitions) s
       CROSS JOIN LATERAL (SELECT * FROM availability_transitions t
                           WHERE t.kind = s.kind AND t.subject = s.subject AND t.node = s.node AND t.at < $1
                           ORDER BY t.at DESC LIMIT 1) b`,
      [window.from, window.to],
    );
    const nodes = [...new Set(rows.map((r) => r.node))];
    const seen = await this.db.pool.query<{ node: string; last_seen_at: Date }>(`SELECT node, last_seen_at FROM availability_nodes WHERE node = ANY ($1::text[])`, [nodes]);
    return { transitions: rows, lastSeen: new Map(seen.rows.map((r) => [r.node, r.last_seen_at])) };
  }
}
