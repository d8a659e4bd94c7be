/**
 * The audit trail of the HTTP API (docs/accounts.md, "Audit trail"): every request that may change something
 * (any method but GET and HEAD, unless its route is `readOnly`) and every bulk read of personal data (a GET route
 * with `audit: 'export'`) is recorded with who made it, on behalf of which account, from which address, the action,
 * its object, when, and the result — refusals included (401, 403, 404, 422…).
 *
 * The entry is written before the answer leaves (an onSend hook): a client that got an answer knows its operation
 * is on the trail. Sending messages (POST /v1/messages) is the exception (`audit: 'refusals'`): at thousands of
 * requests a second each message is its own record (its account, its events); only refused callers are audited.
 */
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../app/ports.ts';
import type { AuditEntry, AuditRecorder } from '../../app/ports/audit.ts';
import { keyPrefixOf } from '../../core/access/api-keys.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * How the audit trail records the route: `export`, a bulk read of personal data (recorded though a GET);
     * `refusals`, only refused callers (401, 403: what the route accepts is recorded elsewhere); `own`, the use case
     * writes its own entries (signing in: it knows the user a refused try was for).
     */
    audit?: 'export' | 'refusals' | 'own';
    /** The action's name on the trail, when the one made from the route's path does not say it well. */
    action?: string;
  }
  interface FastifyRequest {
    /** A readable name of the caller for the trail (an e-mail address), when the authentication has it at hand. */
    actorLabel?: string;
  }
}

export interface AuditHookDeps {
  audit: AuditRecorder;
  clock: Clock;
  logger: FastifyBaseLogger;
  /** The account an aggregator route names (`/v1/aggregator/accounts/:name`). */
  findAccountId?: (name: string) => Promise<string | undefined>;
}

/** The onSend hook that writes the trail (registered before every /v1 route). */
export function auditReplies(deps: AuditHookDeps) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const pattern = request.routeOptions.url;
    if (!pattern?.startsWith('/v1/') || !audited(request, reply.statusCode)) return payload;
    const entry = await entryOf(request, reply.statusCode, pattern, payload, deps);
    try {
      await deps.audit.record(entry);
    } catch (error) {
      // The operation is done: answering 500 would have the client do it again. The log keeps the entry.
      deps.logger.error({ err: error, audit: entry }, 'audit entry not written');
    }
    return payload;
  };
}

function audited(request: FastifyRequest, status: number): boolean {
  const { audit, readOnly } = request.routeOptions.config;
  if (audit === 'export') return true;
  if (audit === 'own') return false;
  if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS' || readOnly) return false;
  if (audit === 'refusals') return status === 401 || status === 403;
  return true;
}

async function entryOf(request: FastifyRequest, status: number, pattern: string, payload: unknown, deps: AuditHookDeps): Promise<AuditEntry> {
  const params = (request.params ?? {}) as Record<string, string>;
  const { object, others } = objectOf(pattern, params, request.method, status, payload);
  const aggregator = pattern.startsWith('/v1/aggregator/');
  const accountId = request.account?.id ?? (aggregator && params.name && deps.findAccountId ? ((await deps.findAccountId(params.name).catch(() => undefined)) ?? null) : null);
  const reason = status >= 400 ? problemDetail(payload) : undefined;
  const detail = {
    route: `${request.method} ${pattern}`,
    ...(Object.keys(others).length > 0 ? { params: others } : {}),
    ...(request.routeOptions.config.audit === 'export' && request.query && Object.keys(request.query).length > 0 ? { query: request.query } : {}),
    ...(reason ? { reason } : {}),
  };
  return {
    at: deps.clock.now(),
    accountId,
    actor: actorOf(request, aggregator, status),
    ip: request.ip,
    action: request.routeOptions.config.action ?? actionOf(request.method, pattern),
    object,
    result: status < 400 ? 'ok' : status < 500 ? 'refused' : 'failed',
    status,
    detail,
  };
}

/** Who made the request: its principal, named by what is at hand (an API key by its first characters, as listed). */
function actorOf(request: FastifyRequest, aggregator: boolean, status: number): AuditEntry['actor'] {
  const key = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const label = request.actorLabel ?? (key ? keyPrefixOf(key) : null);
  const principal = request.principal as FastifyRequest['principal'] | null | undefined;
  if (principal) return { kind: principal.kind, id: principal.id, label: label ?? (principal.kind === 'staff' ? principal.role : null) };
  // The aggregator's routes check their key themselves: past that check (not 401), the caller is staff.
  if (aggregator && status !== 401) return { kind: 'staff', id: null, label };
  return { kind: 'anonymous', id: null, label };
}

/**
 * The action, from the route's path: its fixed segments joined by dots, and what was done to them when the path
 * does not say it — `POST /v1/campaigns` → `campaigns.create`, `PUT /v1/campaigns/:id` → `campaigns.update`,
 * `DELETE /v1/webhooks/:id` → `webhooks.delete`, `POST /v1/campaigns/:id/launch` → `campaigns.launch`,
 * `GET /v1/imports/:id/errors` → `imports.errors.export`.
 */
export function actionOf(method: string, pattern: string): string {
  const segments = pattern.replace(/^\/v1\//, '').split('/').filter(Boolean);
  const names = segments.filter((s) => !s.startsWith(':')).map((s) => s.replace(/\.csv$/, ''));
  const endsWithParam = segments.at(-1)?.startsWith(':') ?? false;
  const collection = names.filter((n) => n !== 'aggregator').length === 1 && !endsWithParam;
  const verb =
    method === 'GET' || method === 'HEAD'
      ? names.at(-1) === 'export'
        ? undefined
        : 'export'
      : method === 'DELETE'
        ? 'delete'
        : method === 'PUT' || method === 'PATCH'
          ? 'update'
          : collection || endsWithParam
            ? 'create'
            : undefined;
  return [...names, ...(verb ? [verb] : [])].join('.');
}

/**
 * The object: the route's last path parameter, its type the segment before it (`/bases/:base/contacts/:mobile` →
 * contact +336…, the base in `others`); for a creation, the `id` the answer gives.
 */
function objectOf(pattern: string, params: Record<string, string>, method: string, status: number, payload: unknown): { object: AuditEntry['object']; others: Record<string, string> } {
  const segments = pattern.split('/').filter(Boolean);
  const lastParam = segments.findLastIndex((s) => s.startsWith(':'));
  if (lastParam > 0) {
    const name = segments[lastParam]!.slice(1);
    const { [name]: id, ...others } = params;
    return { object: id === undefined ? null : { type: singular(segments[lastParam - 1]!), id }, others };
  }
  const created = method === 'POST' && status < 300 ? createdId(payload) : undefined;
  return { object: created ? { type: singular(segments.at(-1)!), id: created } : null, others: {} };
}

const singular = (segment: string) => segment.replace(/\.csv$/, '').replace(/([^s])s$/, '$1');

/** The top-level `id` of a JSON answer (what a creation returns). */
function createdId(payload: unknown): string | undefined {
  if (typeof payload !== 'string' || payload.length > 1_000_000 || !payload.startsWith('{')) return undefined;
  try {
    const id = (JSON.parse(payload) as { id?: unknown }).id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
  } catch {
    return undefined;
  }
}

/** Why a request was refused, in the problem's own words. */
function problemDetail(payload: unknown): string | undefined {
  if (typeof payload !== 'string' || payload.length > 64_000) return undefined;
  try {
    const detail = (JSON.parse(payload) as { detail?: unknown }).detail;
    return typeof detail === 'string' ? detail.slice(0, 500) : undefined;
  } catch {
    return undefined;
  }
}
