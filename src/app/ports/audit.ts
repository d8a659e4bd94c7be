/** The audit trail: who did what, on behalf of which account, from where, with what result (docs/accounts.md). */

export type ActorKind = 'user' | 'key' | 'staff' | 'cli' | 'system' | 'anonymous';
export type AuditResult = 'ok' | 'refused' | 'failed';

/** One operation, as the trail keeps it. */
export interface AuditEntry {
  at: Date;
  /** The account acted on (null: none, e.g. a request refused before its account was known). */
  accountId: string | null;
  actor: { kind: ActorKind; id: string | null; label: string | null };
  ip: string | null;
  /** What was done, e.g. `campaigns.launch`, `webhooks.delete`, `consents.export`. */
  action: string;
  object: { type: string; id: string } | null;
  result: AuditResult;
  /** The HTTP status, when the operation came over HTTP. */
  status: number | null;
  detail: Record<string, unknown> | null;
}

export interface AuditFilter {
  /** Only this account's entries (undefined: every account, for the aggregator). */
  accountId?: string;
  from?: Date;
  to?: Date;
  /** The actor's id or label, or its kind. */
  actor?: string;
  /** An action, or every action under it (`campaigns` matches `campaigns.launch`). */
  action?: string;
  /** The object's id, or `type:id`. */
  object?: string;
  result?: AuditResult;
}

export interface AuditCursor {
  at: Date;
  id: string;
}

/**
 * Contract:
 * - `record` MUST make the entry durable before it resolves; entries are never changed or removed afterwards,
 *   except by `purgeBefore` (the retention job), which MUST only remove entries older than a year.
 * - `list` MUST return the newest entries first, after the cursor when given, never another account's when the
 *   filter names an account.
 */
export interface AuditTrail extends AuditRecorder, AuditReader {
  /** Removes the entries older than `cutoff` (at least a year ago); how many. */
  purgeBefore(cutoff: Date): Promise<number>;
}

/** Writing the trail: the HTTP hook, signing in, the command line. */
export interface AuditRecorder {
  record(entry: AuditEntry): Promise<void>;
}

/** Reading the trail: GET /v1/audit and its export. */
export interface AuditReader {
  list(filter: AuditFilter, after: AuditCursor | undefined, limit: number): Promise<(AuditEntry & { id: string })[]>;
  /** Every entry the filter matches, newest first, page by page (for exports). */
  all(filter: AuditFilter): AsyncIterable<AuditEntry & { id: string }>;
}
