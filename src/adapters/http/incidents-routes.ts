/**
 * Incident tickets over HTTP (docs/incidents.md). The account's side, under /v1/incidents (the "incidents"
 * right: the account's designated contacts), opens tickets, follows them, comments, joins files, takes a ticket
 * off hold by answering, reopens or closes a resolved one. The aggregator's side, under /v1/aggregator/incidents,
 * qualifies, changes the status, resolves with the cause, closes, and reports a month against the targets.
 */
import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import {
  attachToIncident,
  commentIncident,
  findIncident,
  monthlyIncidentReport,
  openIncident,
  presentDetail,
  presentIncident,
  qualifyIncident,
  setIncidentStatus,
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_TYPES,
  type Author,
  type IncidentDeps,
  type Scope,
} from '../../app/incidents.ts';
import { InvalidRequest, InvalidState } from '../../app/errors.ts';
import { categories, incidentReportCsv, incidentStatuses, severities, type Category as CategoryName, type IncidentReport, type IncidentStatus, type Severity as SeverityName } from '../../core/incidents/index.ts';
import { keyPrefixOf } from '../../core/access/api-keys.ts';
import { sendCsv } from './csv-reply.ts';
import type { Api, HttpDeps } from './server.ts';

const problem = { $ref: 'Problem#' };
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const SEVERITY_TEXT = 'critical (service down: restored within 6 business hours), major (degraded: 12), minor (limited impact: 30)';
const Severity = Type.Unsafe<SeverityName>({ type: 'string', enum: [...severities], description: SEVERITY_TEXT });
const Category = Type.Unsafe<CategoryName>({ type: 'string', enum: [...categories] });
const Status = Type.Unsafe<IncidentStatus>({ type: 'string', enum: [...incidentStatuses] });
const Side = Type.Unsafe<'client' | 'provider'>({ type: 'string', enum: ['client', 'provider'] });
const Reference = Type.String({ pattern: '^INC-\\d{4}-\\d{6,}$', description: 'The ticket’s reference, e.g. INC-2026-000123' });
const Params = Type.Object({ id: Reference });
const AttachmentParams = Type.Object({ id: Reference, attachment: Type.String({ maxLength: 36 }) });
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, in Europe/Paris' });

export const IncidentSchema = Type.Object(
  {
    reference: Type.String(),
    account: Type.String(),
    title: Type.String(),
    description: Type.String(),
    severity: Severity,
    category: Category,
    qualified: Type.Boolean({ description: 'The provider’s support has qualified the severity and category' }),
    status: Status,
    openedBy: Type.String(),
    openedAt: DateTime,
    resolvedAt: Nullable(DateTime),
    closedAt: Nullable(DateTime),
    cause: Nullable(Type.String()),
    clock: Type.Object(
      {
        running: Type.Boolean({ description: 'Runs only while the ticket is open: frozen while waiting for the client, stopped once resolved' }),
        businessMinutes: Type.Integer({ description: 'Business minutes counted (8:00–18:00 Monday–Friday, Paris, French public holidays excluded); final once closed' }),
        waitingMinutes: Type.Integer({ description: 'Business minutes spent waiting for the client (not counted)' }),
        targetMinutes: Type.Integer({ description: 'The restoration target of the severity' }),
        overdue: Type.Boolean(),
      },
    ),
    history: Type.Array(Type.Object({ at: DateTime, status: Status, side: Side, author: Type.String(), note: Nullable(Type.String()) })),
  },
  { $id: 'Incident' },
);
const IncidentDetailSchema = Type.Composite([
  Type.Omit(IncidentSchema, []),
  Type.Object({
    comments: Type.Array(Type.Object({ id: Type.String(), at: DateTime, side: Side, author: Type.String(), text: Type.String() })),
    attachments: Type.Array(Type.Ref('IncidentAttachment')),
  }),
]);
export const IncidentAttachmentSchema = Type.Object(
  { id: Type.String(), at: DateTime, side: Side, author: Type.String(), filename: Type.String(), contentType: Type.String(), size: Type.Integer() },
  { $id: 'IncidentAttachment' },
);
const IncidentList = Type.Object({ incidents: Type.Array(Type.Ref('Incident')) });
const ListQuery = Type.Object({ status: Type.Optional(Status), limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) }, { additionalProperties: false });

const NewIncidentBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.String({ minLength: 1, maxLength: 20_000, description: 'What happens, since when, what it affects (message ids, short codes)' }),
    severity: Type.Optional(Type.Unsafe<SeverityName>({ type: 'string', enum: [...severities], description: `As the client sees it (default minor); the support qualifies it. ${SEVERITY_TEXT}` })),
    category: Type.Optional(Category),
  },
  { additionalProperties: false },
);
const CommentBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: 20_000 }) }, { additionalProperties: false });
const AttachmentBody = Type.Object(
  {
    filename: Type.String({ minLength: 1, maxLength: 200 }),
    contentType: Type.String({ minLength: 1, maxLength: 100, description: `One of ${ATTACHMENT_TYPES.join(', ')}` }),
    content: Type.String({ contentEncoding: 'base64', maxLength: Math.ceil(ATTACHMENT_MAX_BYTES / 3) * 4 + 4, description: `The file, base64; at most ${ATTACHMENT_MAX_BYTES} bytes` }),
  },
  { additionalProperties: false },
);
const ClientStatusBody = Type.Object(
  {
    status: Type.Unsafe<'open' | 'closed'>({ type: 'string', enum: ['open', 'closed'], description: 'open: take off hold (answered) or reopen a resolved ticket; closed: accept the resolution' }),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
const StatusBody = Type.Object(
  {
    status: Status,
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'Why (waiting: what is asked of the client)' })),
    cause: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'Required to resolve: what failed and what was done' })),
  },
  { additionalProperties: false },
);
const QualifyBody = Type.Object({ severity: Severity, category: Category }, { additionalProperties: false });
const ReportQuery = Type.Object({ month: Month }, { additionalProperties: false });
const Report = Type.Object({
  month: Type.String(),
  tickets: Type.Array(
    Type.Object({
      reference: Type.String(),
      account: Type.String(),
      severity: Severity,
      category: Category,
      openedAt: DateTime,
      resolvedAt: Nullable(DateTime),
      closedAt: DateTime,
      businessMinutes: Type.Integer(),
      targetMinutes: Type.Integer(),
      met: Type.Boolean(),
      cause: Nullable(Type.String()),
    }),
  ),
  bySeverity: Type.Array(
    Type.Object({
      severity: Severity,
      targetMinutes: Type.Integer(),
      tickets: Type.Integer(),
      met: Type.Integer(),
      missed: Type.Integer(),
      meanMinutes: Type.Integer(),
      maxMinutes: Type.Integer(),
    }),
  ),
});

function incidentsOf(deps: HttpDeps): IncidentDeps {
  if (!deps.incidents) throw new InvalidState('incident tickets are not wired in this process');
  return deps.incidents;
}

/** Who acts: a person by e-mail, a key by its first characters; the aggregator's staff speak for the provider. */
function authorOf(request: FastifyRequest): Author {
  const key = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const name = request.signedIn?.user.email ?? request.actorLabel ?? (key ? `API key ${keyPrefixOf(key)}` : 'unknown');
  const staff = (request.principal as FastifyRequest['principal'] | undefined)?.kind === 'staff' || request.routeOptions.url?.startsWith('/v1/aggregator/');
  return { side: staff ? 'provider' : 'client', name: staff && !request.signedIn ? `support (${name})` : name };
}

function decodeAttachment(content: string): Buffer {
  if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(content)) throw new InvalidRequest([{ field: '/content', reason: 'is not base64' }]);
  return Buffer.from(content, 'base64');
}

function registerSchemas(app: Api): void {
  for (const schema of [IncidentAttachmentSchema, IncidentSchema]) if (!app.getSchema(schema.$id!)) app.addSchema(schema);
}

/** The account's routes (area "incidents", every brand: a ticket concerns the whole account). */
export async function incidentRoutes(app: Api, deps: HttpDeps): Promise<void> {
  registerSchemas(app);
  const tags = ['incidents'];
  const scope = (request: FastifyRequest): Scope => ({ accountId: request.account.id });

  app.post(
    '/incidents',
    { schema: { summary: 'Open an incident ticket', tags, body: NewIncidentBody, response: { 201: IncidentDetailSchema, 403: problem, 422: problem } } },
    async (request, reply) => {
      const d = incidentsOf(deps);
      const { title, description, severity, category } = request.body as Static<typeof NewIncidentBody>;
      const incident = await openIncident(d, { accountId: request.account.id, title, description, severity, category, author: authorOf(request) });
      return reply.status(201).header('location', `/v1/incidents/${incident.reference}`).send(presentDetail(d, incident));
    },
  );

  app.get(
    '/incidents',
    { schema: { summary: 'The account’s tickets, newest first', tags, querystring: ListQuery, response: { 200: IncidentList, 403: problem } } },
    async (request) => {
      const d = incidentsOf(deps);
      return { incidents: (await d.store.list(scope(request), request.query as Static<typeof ListQuery>)).map((i) => presentIncident(d, i)) };
    },
  );

  app.get(
    '/incidents/:id',
    { schema: { summary: 'A ticket with its clock, history, comments and files', tags, params: Params, response: { 200: IncidentDetailSchema, 403: problem, 404: problem } } },
    async (request) => presentDetail(incidentsOf(deps), await findIncident(incidentsOf(deps), scope(request), request.params.id)),
  );

  app.post(
    '/incidents/:id/comments',
    {
      schema: {
        summary: 'Comment a ticket; answering a ticket that waits for you resumes its clock',
        tags,
        params: Params,
        body: CommentBody,
        response: { 201: IncidentDetailSchema, 403: problem, 404: problem, 409: problem, 422: problem },
      },
    },
    async (request, reply) => {
      const d = incidentsOf(deps);
      const after = await commentIncident(d, scope(request), request.params.id, { text: request.body.text, author: authorOf(request) });
      return reply.status(201).send(presentDetail(d, after));
    },
  );

  app.post(
    '/incidents/:id/status',
    {
      schema: {
        summary: 'Take a ticket off hold or reopen it (open), or accept its resolution (closed)',
        tags,
        params: Params,
        body: ClientStatusBody,
        response: { 200: IncidentDetailSchema, 403: problem, 404: problem, 409: problem, 422: problem },
      },
    },
    async (request) => {
      const d = incidentsOf(deps);
      return presentDetail(d, await setIncidentStatus(d, scope(request), request.params.id, { ...(request.body as Static<typeof ClientStatusBody>), to: (request.body as Static<typeof ClientStatusBody>).status, author: authorOf(request) }));
    },
  );

  app.post(
    '/incidents/:id/attachments',
    {
      schema: {
        summary: 'Join a file to a ticket (base64, at most 5 MiB, 20 per ticket)',
        tags,
        params: Params,
        body: AttachmentBody,
        response: { 201: Type.Ref('IncidentAttachment'), 403: problem, 404: problem, 409: problem, 422: problem },
      },
    },
    async (request, reply) => {
      const d = incidentsOf(deps);
      const { filename, contentType, content } = request.body;
      const attached = await attachToIncident(d, scope(request), request.params.id, { id: randomUUID(), filename, contentType, content: decodeAttachment(content), author: authorOf(request) });
      return reply.status(201).send({ ...attached, at: attached.at.toISOString() });
    },
  );

  app.get(
    '/incidents/:id/attachments/:attachment',
    {
      schema: { summary: 'Download a file of a ticket', tags, params: AttachmentParams, response: { 200: Type.Any({ description: 'The file, with its content type' }), 403: problem, 404: problem } },
    },
    async (request, reply) => sendAttachment(deps, scope(request), request.params.id, request.params.attachment, reply),
  );
}

async function sendAttachment(deps: HttpDeps, scope: Scope, reference: string, id: string, reply: import('fastify').FastifyReply) {
  const d = incidentsOf(deps);
  await findIncident(d, scope, reference);
  const file = await d.store.attachment(scope, reference, id);
  if (!file) return reply.status(404).type('application/problem+json').send({ type: 'about:blank', title: 'Not found', status: 404, detail: `attachment ${id} of ${reference} not found` });
  return reply
    .header('content-disposition', `attachment; filename="${file.filename.replace(/["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .type(file.contentType)
    .send(file.content);
}

/** The report as the API and the CLI show it: durations in business minutes. */
export function presentReport(report: IncidentReport) {
  const minutes = (ms: number) => Math.round(ms / 60_000);
  return {
    month: report.month,
    tickets: report.tickets.map((t) => ({
      reference: t.reference,
      account: t.account,
      severity: t.severity,
      category: t.category,
      openedAt: t.openedAt.toISOString(),
      resolvedAt: t.resolvedAt?.toISOString() ?? null,
      closedAt: t.closedAt.toISOString(),
      businessMinutes: minutes(t.businessMs),
      targetMinutes: minutes(t.targetMs),
      met: t.met,
      cause: t.cause,
    })),
    bySeverity: report.bySeverity.map((s) => ({
      severity: s.severity,
      targetMinutes: minutes(s.targetMs),
      tickets: s.tickets,
      met: s.met,
      missed: s.missed,
      meanMinutes: minutes(s.meanMs),
      maxMinutes: minutes(s.maxMs),
    })),
  };
}

/** The aggregator's routes (under /v1/aggregator: its key checked there; operator-support reads only). */
export async function aggregatorIncidentRoutes(app: Api, deps: HttpDeps): Promise<void> {
  registerSchemas(app);
  const tags = ['aggregator'];
  const AggregatorListQuery = Type.Object(
    { ...ListQuery.properties, account: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only this account’s tickets' })) },
    { additionalProperties: false },
  );

  app.get(
    '/incidents',
    { schema: { summary: 'Every account’s tickets, newest first', tags, querystring: AggregatorListQuery, response: { 200: IncidentList, 401: problem, 404: problem } } },
    async (request) => {
      const d = incidentsOf(deps);
      let scope: Scope = null;
      if (request.query.account) {
        const account = await deps.accounts.findByName(request.query.account);
        if (!account) return { incidents: [] };
        scope = { accountId: account.id };
      }
      return { incidents: (await d.store.list(scope, request.query as Static<typeof ListQuery>)).map((i) => presentIncident(d, i)) };
    },
  );

  app.get(
    '/incidents/report',
    { schema: { summary: 'A month’s closed tickets: durations against the targets per severity', tags, querystring: ReportQuery, response: { 200: Report, 401: problem, 422: problem } } },
    async (request) => presentReport(await monthlyIncidentReport(incidentsOf(deps), request.query.month)),
  );

  app.get(
    '/incidents/report.csv',
    {
      config: { audit: 'export' },
      schema: { summary: 'The month’s report as CSV (one line per closed ticket)', tags, querystring: ReportQuery, response: { 200: Type.String(), 401: problem, 422: problem } },
    },
    async (request, reply) => {
      const report = await monthlyIncidentReport(incidentsOf(deps), request.query.month);
      return sendCsv(reply, `incidents-${report.month}.csv`, toAsync(incidentReportCsv(report)));
    },
  );

  app.get(
    '/incidents/:id',
    { schema: { summary: 'A ticket with its clock, history, comments and files', tags, params: Params, response: { 200: IncidentDetailSchema, 401: problem, 404: problem } } },
    async (request) => presentDetail(incidentsOf(deps), await findIncident(incidentsOf(deps), null, request.params.id)),
  );

  app.post(
    '/incidents/:id/qualify',
    { schema: { summary: 'Qualify a ticket: its severity (and so its target) and category', tags, params: Params, body: QualifyBody, response: { 200: IncidentDetailSchema, 401: problem, 404: problem, 409: problem } } },
    async (request) => {
      const d = incidentsOf(deps);
      return presentDetail(d, await qualifyIncident(d, request.params.id, { ...(request.body as Static<typeof QualifyBody>), author: authorOf(request) }));
    },
  );

  app.post(
    '/incidents/:id/status',
    {
      schema: {
        summary: 'Change a ticket’s status: waiting-for-client (freezes the clock), open, resolved (with its cause), closed',
        tags,
        params: Params,
        body: StatusBody,
        response: { 200: IncidentDetailSchema, 401: problem, 404: problem, 409: problem, 422: problem },
      },
    },
    async (request) => {
      const d = incidentsOf(deps);
      const { status, note, cause } = request.body as Static<typeof StatusBody>;
      return presentDetail(d, await setIncidentStatus(d, null, request.params.id, { to: status, note, cause, author: authorOf(request) }));
    },
  );

  app.post(
    '/incidents/:id/comments',
    { schema: { summary: 'Comment a ticket as the provider', tags, params: Params, body: CommentBody, response: { 201: IncidentDetailSchema, 401: problem, 404: problem, 409: problem } } },
    async (request, reply) => {
      const d = incidentsOf(deps);
      return reply.status(201).send(presentDetail(d, await commentIncident(d, null, request.params.id, { text: request.body.text, author: authorOf(request) })));
    },
  );

  app.post(
    '/incidents/:id/attachments',
    { schema: { summary: 'Join a file to a ticket as the provider', tags, params: Params, body: AttachmentBody, response: { 201: Type.Ref('IncidentAttachment'), 401: problem, 404: problem, 409: problem, 422: problem } } },
    async (request, reply) => {
      const d = incidentsOf(deps);
      const { filename, contentType, content } = request.body;
      const attached = await attachToIncident(d, null, request.params.id, { id: randomUUID(), filename, contentType, content: decodeAttachment(content), author: authorOf(request) });
      return reply.status(201).send({ ...attached, at: attached.at.toISOString() });
    },
  );

  app.get(
    '/incidents/:id/attachments/:attachment',
    { schema: { summary: 'Download a file of a ticket', tags, params: AttachmentParams, response: { 200: Type.Any(), 401: problem, 404: problem } } },
    async (request, reply) => sendAttachment(deps, null, request.params.id, request.params.attachment, reply),
  );
}

async function* toAsync(lines: string[]): AsyncIterable<string> {
  yield* lines;
}
