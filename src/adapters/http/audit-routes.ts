import { Type, type Static } from '@sinclair/typebox';
import { InvalidRequest, NotFound } from '../../app/errors.ts';
import type { AuditCursor, AuditEntry, AuditFilter } from '../../app/ports.ts';
import { auditCsv } from '../csv/csv-write.ts';
import { sendCsv } from './csv-reply.ts';
import type { Api, HttpDeps } from './server.ts';

const problem = { $ref: 'Problem#' };
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const AuditResult = Type.Union([Type.Literal('ok'), Type.Literal('refused'), Type.Literal('failed')]);

export const AuditEvent = Type.Object(
  {
    id: Type.String(),
    at: Type.String({ format: 'date-time' }),
    accountId: Nullable(Type.String({ description: 'The account acted on (null: not known, e.g. a request refused for want of a valid key)' })),
    actor: Type.Object({
      kind: Type.Union(['user', 'key', 'staff', 'cli', 'system', 'anonymous'].map((k) => Type.Literal(k)), { description: 'A person of the account, an API key, the aggregator’s staff, the command line on the server, Relais itself, or an unidentified caller' }),
      id: Nullable(Type.String({ description: 'The user’s or key’s id' })),
      label: Nullable(Type.String({ description: 'A readable name: the key’s first characters, the e-mail address, the system user of the command line' })),
    }),
    ip: Nullable(Type.String()),
    action: Type.String({ description: 'What was done, e.g. campaigns.launch, webhooks.delete, consents.export' }),
    object: Nullable(Type.Object({ type: Type.String(), id: Type.String() })),
    result: AuditResult,
    status: Nullable(Type.Integer({ description: 'The HTTP status answered' })),
    detail: Nullable(Type.Record(Type.String(), Type.Unknown(), { description: 'The route, other parameters, an export’s query, a refusal’s reason' })),
  },
  { $id: 'AuditEvent', description: 'One operation on the audit trail' },
);

export const AuditList = Type.Object(
  { events: Type.Array(Type.Ref(AuditEvent)), nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last' })) },
  { $id: 'AuditList' },
);

const filters = {
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or after' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Entries before' })),
  actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'The actor’s id or label (a key’s first characters), or its kind (user, key, staff, cli…)' })),
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'An action, or every action under it: "campaigns" matches campaigns.launch' })),
  object: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'The object’s id, or type:id (campaign:0190…)' })),
  result: Type.Optional(AuditResult),
};
const page = {
  cursor: Type.Optional(Type.String()),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
};
const AccountFilter = { account: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only this account’s entries (its name)' })) };
const AccountQuery = Type.Object({ ...filters, ...page }, { additionalProperties: false });
const AccountExportQuery = Type.Object(filters, { additionalProperties: false });
const AggregatorQuery = Type.Object({ ...filters, ...AccountFilter, ...page }, { additionalProperties: false });
const AggregatorExportQuery = Type.Object({ ...filters, ...AccountFilter }, { additionalProperties: false });

const csvAnswer = { 200: { description: 'One row per entry, newest first', content: { 'text/csv': { schema: Type.String() } } }, 400: problem };
const EXPORT_DESCRIPTION =
  'Columns: id, at, accountId, actorKind, actorId, actorLabel, ip, action, objectType, objectId, result, status, detail (JSON). ' +
  'Same CSV conventions as the other files (UTF-8 with BOM, CRLF, formula guard). The export is itself on the trail.';

/** An account's own audit trail: its administrator and the holders of the "users" right read it (docs/accounts.md). */
export async function auditRoutes(app: Api, deps: HttpDeps): Promise<void> {
  const tags = ['audit'];
  app.get(
    '/audit',
    {
      schema: {
        summary: 'The account’s audit trail, newest first: who did what, on which object, from where, with what result',
        description: 'Every operation that changed or tried to change something, and every export of personal data, kept one year. Sending messages is not on it: each message is its own record.',
        tags,
        querystring: AccountQuery,
        response: { 200: Type.Ref(AuditList), 400: problem },
      },
    },
    async (request) => listPage(deps, { ...filterOf(request.query), accountId: request.account.id }, request.query),
  );
  app.get(
    '/audit.csv',
    { config: { audit: 'export' }, schema: { summary: 'The account’s audit trail as CSV, with the same filters', description: EXPORT_DESCRIPTION, tags, querystring: AccountExportQuery, response: csvAnswer } },
    async (request, reply) => sendCsv(reply, 'audit.csv', auditCsv(deps.audit.all({ ...filterOf(request.query), accountId: request.account.id }))),
  );
}

/** Every account's audit trail, for the aggregator (registered among the aggregator's routes, behind their key check). */
export async function aggregatorAuditRoutes(app: Api, deps: HttpDeps): Promise<void> {
  const tags = ['aggregator'];
  app.get(
    '/audit',
    { schema: { summary: 'The audit trail of every account (or of one), newest first', tags, querystring: AggregatorQuery, response: { 200: Type.Ref(AuditList), 400: problem, 401: problem, 404: problem } } },
    async (request) => listPage(deps, await aggregatorFilter(deps, request.query), request.query),
  );
  app.get(
    '/audit.csv',
    {
      config: { audit: 'export' },
      schema: { summary: 'The audit trail of every account (or of one) as CSV', description: EXPORT_DESCRIPTION, tags, querystring: AggregatorExportQuery, response: { ...csvAnswer, 401: problem, 404: problem } },
    },
    async (request, reply) => sendCsv(reply, 'audit.csv', auditCsv(deps.audit.all(await aggregatorFilter(deps, request.query)))),
  );
}

type Filters = Partial<Record<keyof typeof filters, string>>;

function filterOf(query: Filters): AuditFilter {
  return {
    ...(query.from ? { from: new Date(query.from) } : {}),
    ...(query.to ? { to: new Date(query.to) } : {}),
    ...(query.actor ? { actor: query.actor } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.object ? { object: query.object } : {}),
    ...(query.result ? { result: query.result as AuditFilter['result'] } : {}),
  };
}

async function aggregatorFilter(deps: HttpDeps, query: Filters & { account?: string }): Promise<AuditFilter> {
  if (query.account === undefined) return filterOf(query);
  const account = await deps.accounts.findByName(query.account);
  if (!account) throw new NotFound(`account "${query.account}"`);
  return { ...filterOf(query), accountId: account.id };
}

async function listPage(deps: HttpDeps, filter: AuditFilter, query: { cursor?: string; limit: number }): Promise<Static<typeof AuditList>> {
  const events = await deps.audit.list(filter, query.cursor ? decodeCursor(query.cursor) : undefined, query.limit);
  const last = events.at(-1);
  return { events: events.map(presentEvent), nextCursor: events.length === query.limit && last ? encodeCursor(last) : null };
}

function presentEvent(e: AuditEntry & { id: string }): Static<typeof AuditEvent> {
  return { ...e, at: e.at.toISOString() } as Static<typeof AuditEvent>;
}

function encodeCursor(cursor: AuditCursor): string {
  return Buffer.from(`${cursor.at.toISOString()}|${cursor.id}`).toString('base64url');
}

function decodeCursor(text: string): AuditCursor {
  const [at, id] = Buffer.from(text, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  if (!id || !/^\d{1,19}$/.test(id) || Number.isNaN(date.getTime())) throw new InvalidRequest([{ field: '/cursor', reason: 'not a cursor returned by this API' }]);
  return { at: date, id };
}
