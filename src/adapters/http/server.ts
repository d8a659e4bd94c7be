import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import pino from 'pino';
import { InvalidRequest, NotFound } from '../../app/errors.ts';
import { unstorableStrings } from '../../core/text/index.ts';
import type { Clock, ConsentStore, ContactStore, MessageStore, MoStore } from '../../app/ports.ts';
import type { AuditReader, AuditRecorder } from '../../app/ports/audit.ts';
import type { CampaignDeps } from '../../app/campaigns.ts';
import type { SubmitDeps } from '../../app/submit-messages.ts';
import type { Account, Caller } from '../../app/ports/accounts.ts';
import { allows, type Principal, type Right } from '../../core/access/rights.ts';
import { RecentlyRead } from '../recently-read.ts';
import { aggregatorRoutes, type AccountAdministration } from './aggregator-routes.ts';
import type { WebhookSettings } from '../../app/ports/webhooks.ts';
import { WebhookTargets } from '../webhooks/target.ts';
import { Forbidden, sendProblem, toProblem, Unauthorized } from './problem.ts';
import { buildValidator } from './validation.ts';
import { messageRoutes } from './messages-routes.ts';
import { AcceptedBatch, AcceptedMessage, MessageDetail, MessageList, MessageSummary, Problem, SendBatch, SendMessage, Webhook } from './schemas.ts';
import { webhookRoutes } from './webhooks-routes.ts';
import { consentRoutes } from './consents-routes.ts';
import { inboundRoutes } from './inbound-routes.ts';
import { contactRoutes } from './contacts-routes.ts';
import { importRoutes } from './imports-routes.ts';
import { campaignRoutes } from './campaigns-routes.ts';
import { auditReplies } from './audit-hook.ts';
import { AuditEvent, AuditList, auditRoutes } from './audit-routes.ts';
import { sessionCookie, sessionRoutes, type SessionDeps } from './session-routes.ts';
import { csrfMatches, resolveSession, type SignedIn } from '../../app/sign-in.ts';
import { accountRoutes, apiKeyRoutes, userRoutes, type PeopleStore } from './people-routes.ts';
import { billingRoutes } from './billing-routes.ts';
import { invoiceRoutes } from './invoice-routes.ts';
import type { Billing } from '../../app/ports/billing.ts';
import type { ConsoleDeps } from './aggregator-console.ts';
import { senderRoutes, statisticsRoutes } from './dashboard-routes.ts';
import { incidentRoutes } from './incidents-routes.ts';
import type { IncidentDeps } from '../../app/incidents.ts';
import { alarmRoutes } from './alarm-routes.ts';
import type { AlarmDeps } from '../../app/billing-alarms.ts';
import type { AccountAlarms } from '../../app/ports/alarms.ts';
import type { AccountStatistics, PlatformStatistics } from '../../app/ports/statistics.ts';
import type { OperatorCosts } from '../../app/ports/operator-costs.ts';
import { gdprRoutes, retentionSettingsRoutes, type RetentionHttpDeps } from './retention-routes.ts';
import type { ReportDeps } from '../../app/reports.ts';
import type { Metrics } from '../monitoring/metrics.ts';
import type { NumberingDeps } from '../../app/numbering.ts';
import type { QualificationDeps } from '../../app/qualification.ts';
import { qualificationRoutes } from './qualification-routes.ts';
import type { GeoPresenceDeps } from '../../app/geo-presence.ts';
import { geoPresenceRoutes } from './geo-presence-routes.ts';
import { doorsRoutes, keywordRoutes, type DoorsDeps } from './doors-routes.ts';

/** Who calls, and on behalf of which account (staff name it per request with the Relais-Account header). */
export type { Caller };

export interface HttpDeps {
  findCallerByApiKey: (key: string) => Promise<Caller | undefined>;
  /** The aggregator's side: accounts and their provisioning. */
  accounts: AccountAdministration;
  /** The account's API keys and users. */
  people: PeopleStore;
  /** The built-in SMSC simulator, when it runs: MOs on request. */
  simulator?: { sendMo(mo: { from: string; to: string; text: string }): Promise<void> } | undefined;
  messages: MessageStore;
  webhooks: WebhookSettings;
  /** Which addresses a webhook may be sent to. */
  webhookTargets: WebhookTargets;
  consents: ConsentStore;
  inbound: Pick<MoStore, 'listInbound'>;
  contacts: ContactStore;
  campaigns: CampaignDeps;
  /** The audit trail: written for every change and export, read by GET /v1/audit. */
  audit: AuditRecorder & AuditReader;
  submit: SubmitDeps;
  clock: Clock;
  logger: FastifyBaseLogger;
  /** Why the process cannot take traffic now (its database cannot be reached), or undefined when it can. */
  readiness: () => Promise<string | undefined>;
  /** Plans, usage and credit (docs/billing.md). */
  billing?: Billing | undefined;
  /** Incident tickets (docs/incidents.md). */
  incidents?: IncidentDeps | undefined;
  /** Alarms on consumption and the hard cap (docs/billing.md, "Alarms"). */
  alarms?: (AlarmDeps & { store: AccountAlarms }) | undefined;
  /** The operator's costs, margins and reconciliation (docs/billing.md, "The aggregator's side"). */
  operatorCosts?: OperatorCosts | undefined;
  /** The built portal (web/, built into dist/web), served at /; absent: not served. */
  portalDir?: string | undefined;
  /** Signing in (sessions behind a cookie, passwords, invitations); absent: only API keys are taken. */
  signIn?: SessionDeps | undefined;
  /** Relais is behind a reverse proxy: its X-Forwarded-For and X-Forwarded-Proto tell the client's address and scheme. */
  trustProxy?: boolean | undefined;
  /** The dashboard's and the aggregator console's counts, routes and links (dashboard-routes.ts, aggregator-console.ts). */
  statistics?: (PlatformStatistics & AccountStatistics) | undefined;
  routes?: ConsoleDeps['routes'];
  links?: ConsoleDeps['links'];
  /** Retention and the rights of a person (docs/retention.md); absent: their routes are not served. */
  retention?: RetentionHttpDeps | undefined;
  /** The service-level and traffic reports (docs/monitoring.md); absent: their routes answer 409. */
  reports?: ReportDeps | undefined;
  /** Request latencies go to these metrics (docs/monitoring.md). */
  metrics?: Metrics | undefined;
  /** The numbering plan and the portability base (docs/operators.md); absent: its routes answer 409. */
  numbering?: NumberingDeps | undefined;
  /** Qualification of numbers by the operator lookup (docs/operators.md, "Qualification"); absent: its routes answer 409. */
  qualification?: QualificationDeps | undefined;
  /** Géo Présence: locating numbers, geolocation acceptances, the month's hits (docs/operators.md, "Géo Présence"); absent: its routes answer 409. */
  geoPresence?: GeoPresenceDeps | undefined;
  /** The account's SMPP logins and e-mail door, as it changes them itself (doors-routes.ts); absent: 409. */
  doors?: DoorsDeps | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The account the request acts on. */
    account: Account;
    /** Who makes the request. */
    principal: Principal;
    /** The session of a signed-in browser (undefined with an API key). */
    signedIn: SignedIn | undefined;
  }
  interface FastifyContextConfig {
    /** The right the route needs (its area's, unless the route names another). */
    right?: Right;
    /** The route changes nothing although its method is not GET (a dry run, a preview, a search). */
    readOnly?: boolean;
    /** Who may call it whatever their rights: 'anyone' (signing in, password reset), 'self' (anyone signed in, about themselves). */
    access?: 'anyone' | 'self';
    /** A session that still owes its second factor reaches it (signing in stays possible). */
    halfSignedIn?: boolean;
    /** What the route reaches belongs to the whole account, not to one brand: a principal limited to some brands is refused. */
    everyBrand?: boolean;
  }
}

/** The header with which the aggregator's staff name the account a request of an account's route acts on. */
export const ACCOUNT_HEADER = 'relais-account';

export type Api = FastifyInstance<any, any, any, FastifyBaseLogger, TypeBoxTypeProvider>;

/** The OpenAPI document of the API, generated from the route schemas (served at /docs/json too). */
export async function openApiDocument(): Promise<unknown> {
  const unused = () => Promise.reject(new Error('not serving'));
  const app = await buildHttpServer({
    findCallerByApiKey: unused,
    accounts: {} as HttpDeps['accounts'],
    people: {} as HttpDeps['people'],
    messages: {} as HttpDeps['messages'],
    webhooks: {} as HttpDeps['webhooks'],
    webhookTargets: new WebhookTargets([]),
    consents: {} as HttpDeps['consents'],
    inbound: {} as HttpDeps['inbound'],
    contacts: {} as HttpDeps['contacts'],
    campaigns: {} as HttpDeps['campaigns'],
    audit: {} as HttpDeps['audit'],
    submit: { store: {} as HttpDeps['messages'], consents: {} as HttpDeps['consents'], shortCodes: () => new Map(), notify: () => undefined },
    clock: { now: () => new Date(0) },
    logger: pino({ level: 'silent' }),
    readiness: async () => undefined,
  });
  await app.ready();
  const document = app.swagger();
  await app.close();
  return document;
}

export async function buildHttpServer(deps: HttpDeps): Promise<Api> {
  const app = Fastify({
    loggerInstance: deps.logger,
    // One log line per request would dominate at thousands of requests per second; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 16 * 1024 * 1024,
    trustProxy: deps.trustProxy ?? false,
    schemaController: { compilersFactory: { buildValidator: buildValidator as never } },
    // The framework's own refusals (a bad URL encoding, a path parameter too long, headers too large) are
    // problem details like every other answer.
    frameworkErrors: (error, request, reply) => void sendProblem(reply as never, toProblem(error), request as never, error),
    clientErrorHandler: answerClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(swagger, {
    // Components keep the schemas' own names (SendMessage, MessageDetail…) instead of def-0, def-1…
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    openapi: {
      info: {
        title: 'Relais HTTP API',
        version: '1',
        description:
          'Send SMS, follow their delivery, receive status webhooks. Authenticate with `Authorization: Bearer <API key>`, ' +
          'or sign in (POST /v1/session) and send the `relais_session` cookie, with the `X-CSRF-Token` header on every request other than GET and HEAD. ' +
          'Errors are RFC 9457 problem details (application/problem+json).',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'relais_session' } } },
      security: [{ apiKey: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  for (const schema of [SendMessage, SendBatch, AcceptedMessage, AcceptedBatch, MessageSummary, MessageDetail, MessageList, Webhook, Problem, AuditEvent, AuditList]) {
    app.addSchema(schema);
  }

  // `curl -d '{"to":…}'` sends JSON labelled as a form; accept that, and real forms (to=…&text=…) too.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body).trim();
    try {
      done(null, text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : formFields(text));
    } catch (error) {
      done(Object.assign(new Error(`the body is not valid JSON: ${(error as Error).message}`), { statusCode: 400 }), undefined);
    }
  });

  // A contact file is streamed to the import as it arrives (a million rows is never held in memory, nor bound by bodyLimit).
  app.addContentTypeParser(['text/csv', 'application/csv', 'text/plain'], (_request, payload, done) => done(null, payload));

  // Text no door keeps (NUL, lone surrogates: core/text/storable.ts), anywhere in the body, the query or the path:
  // refused before anything reads it, the field named.
  app.addHook('preValidation', async (request) => {
    const problems = [
      ...unstorableStrings(request.params),
      ...unstorableStrings(request.query),
      ...unstorableStrings(request.body),
    ];
    if (problems.length > 0) throw new InvalidRequest(problems);
  });

  app.setErrorHandler((error, request, reply) => sendProblem(reply, toProblem(error), request, error));
  const metrics = deps.metrics;
  if (metrics) app.addHook('onResponse', async (request, reply) => metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000));
  // Before every /v1 route: changes and exports are on the audit trail before their answer leaves (audit-hook.ts).
  app.addHook('onSend', auditReplies({ ...deps, findAccountId: async (name) => (await deps.accounts.findByName(name))?.id }));
  const portal = deps.portalDir && existsSync(path.join(deps.portalDir, 'index.html')) ? deps.portalDir : undefined;
  if (portal) await app.register(fastifyStatic, { root: portal, prefix: '/', wildcard: false, index: 'index.html', schemaHide: true });
  app.setNotFoundHandler((request, reply) => {
    // The portal's own paths (/messages, /campaigns/…) are pages of the single-page application.
    if (portal && request.method === 'GET' && !/^\/(v1|docs)(\/|$)/.test(request.url) && request.headers.accept?.includes('text/html')) return reply.sendFile('index.html');
    return sendProblem(reply, { type: 'about:blank', title: 'Not found', status: 404, detail: `no route ${request.method} ${request.url}` });
  });

  // /health: the process is alive (and says whether its database answers); /ready: it can take traffic now.
  const readiness = recentAnswer(deps.readiness, 1_000);
  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'alive', database: (await readiness()) === undefined ? 'up' : 'down' }));
  app.get('/ready', { schema: { hide: true } }, async (request, reply) => {
    const problem = await readiness();
    if (problem === undefined) return { status: 'ready' };
    return sendProblem(reply, { type: 'about:blank', title: 'Service unavailable', status: 503, detail: `the database cannot be reached: ${problem}` }, request);
  });

  const callersByKey = new RecentlyRead((key) => deps.findCallerByApiKey(key));
  await app.register(
    async (v1) => {
      v1.decorateRequest('account', null as unknown as Account);
      v1.decorateRequest('principal', null as never);
      v1.decorateRequest('signedIn', undefined);
      v1.addHook('onRequest', async (request) => {
        const { access, halfSignedIn } = request.routeOptions.config;
        if (access === 'anyone') return;
        const header = request.headers.authorization;
        const key = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
        // A request carrying both an API key and a session cookie is the key's.
        const cookie = key ? undefined : sessionCookie(request);
        if (!key && !cookie) throw new Unauthorized('send your API key as "Authorization: Bearer <key>", or sign in (POST /v1/session)');
        if (key) {
          const caller = await callersByKey.get(key);
          if (!caller) throw new Unauthorized('this API key is unknown or revoked');
          request.principal = caller.principal;
          if (access === 'self') return;
          request.account = caller.account ?? (await accountNamedBy(request.headers[ACCOUNT_HEADER], deps));
        } else {
          const signedIn = deps.signIn && (await resolveSession(deps.signIn, cookie!));
          if (!signedIn) throw new Unauthorized('this session has ended (signed out, expired or revoked): sign in again');
          request.signedIn = signedIn;
          request.principal = signedIn.principal;
          request.actorLabel = signedIn.user.email;
          if (signedIn.session.secondFactorPending && !halfSignedIn) throw new Unauthorized('give the second factor first (POST /v1/session/second-factor)');
          const token = request.headers['x-csrf-token'];
          if (request.method !== 'GET' && request.method !== 'HEAD' && !csrfMatches(signedIn, typeof token === 'string' ? token : undefined)) {
            throw new Forbidden('a signed-in browser sends its session\'s CSRF token (the csrfToken of POST /v1/session) in the X-CSRF-Token header with every change');
          }
          if (access === 'self') return;
          const accountId = signedIn.user.accountId;
          const account = accountId ? await deps.signIn!.findAccount(accountId) : await accountNamedBy(request.headers[ACCOUNT_HEADER], deps);
          if (!account) throw new Unauthorized('this account no longer exists');
          request.account = account;
        }
        authorize(request);
      });
      for (const [routes, right, everyBrand] of AREAS) {
        await v1.register(async (area) => {
          area.addHook('onRoute', (route) => {
            route.config = { ...route.config, right: route.config?.right ?? right, everyBrand: route.config?.everyBrand ?? everyBrand === 'every-brand' };
          });
          await area.register(routes as never, deps);
        });
      }
    },
    { prefix: '/v1' },
  );
  await app.register(aggregatorRoutes, { prefix: '/v1/aggregator', ...deps });
  return app;
}

/** Every account route, by area, and the right an area's routes need unless a route names another. */
const AREAS: readonly (readonly [(app: Api, deps: HttpDeps) => Promise<void>, Right, ('every-brand' | 'per-brand')?])[] = [
  [messageRoutes, 'messages'],
  // Webhooks carry the events of every brand; contact bases belong to the whole account (docs/accounts.md, "Isolation").
  [webhookRoutes, 'settings', 'every-brand'],
  [consentRoutes, 'consents'],
  [inboundRoutes, 'inbound'],
  [contactRoutes, 'contacts', 'every-brand'],
  [importRoutes, 'contacts', 'every-brand'],
  [campaignRoutes, 'campaigns'],
  // Who did what: the administrator and the holders of "users" (who manage the people doing it).
  // The trail, the second-factor requirement and the bills concern the whole account, whatever the brand.
  [auditRoutes, 'users', 'every-brand'],
  [sessionRoutes, 'users', 'every-brand'],
  [billingRoutes, 'billing', 'every-brand'],
  [invoiceRoutes, 'billing', 'every-brand'],
  [alarmRoutes, 'billing', 'every-brand'],
  // Keys and users may be limited to brands; what they list and grant is checked against the caller's brands.
  [apiKeyRoutes, 'api-keys'],
  [userRoutes, 'users'],
  [accountRoutes, 'settings'],
  [statisticsRoutes, 'statistics'],
  [senderRoutes, 'messages'],
  // A ticket concerns the whole account; its designated contacts hold "incidents" (docs/incidents.md).
  [incidentRoutes, 'incidents', 'every-brand'],
  // A person's data (export, erasure) and the account's retention periods concern every brand (docs/retention.md).
  [gdprRoutes, 'consents', 'every-brand'],
  [retentionSettingsRoutes, 'settings', 'every-brand'],
  // The doors and the answers to MOs are the account's, whatever the brand (docs/portal.md, "Doors and keywords").
  [doorsRoutes, 'settings', 'every-brand'],
  [keywordRoutes, 'settings', 'every-brand'],
  // Qualifying may remove terminated numbers from the contacts, which belong to the whole account (docs/operators.md).
  [qualificationRoutes, 'contacts', 'every-brand'],
  // Locating a number reads personal data of the contacts, for a brand whose geolocated marketing it accepted.
  [geoPresenceRoutes, 'contacts'],
];

/** Refuses a request its principal's rights do not allow (brands are checked where the brand is known). */
function authorize(request: FastifyRequest): void {
  const { right, readOnly, everyBrand } = request.routeOptions.config;
  if (!right) throw new Forbidden(`${request.method} ${request.url} declares no right: refused`);
  const write = !readOnly && request.method !== 'GET' && request.method !== 'HEAD';
  if (!allows(request.principal, { right, write })) {
    throw new Forbidden(request.principal.kind === 'staff' ? 'operator-support reads and changes nothing' : `this needs the "${right}" right, which this ${request.principal.kind === 'key' ? 'API key' : 'user'} does not hold`);
  }
  const { principal } = request;
  if (everyBrand && principal.kind !== 'staff' && principal.brands !== null) {
    throw new Forbidden(`${request.method} ${request.routeOptions.url} concerns every brand of the account; this ${principal.kind === 'key' ? 'API key' : 'user'} is limited to ${principal.brands.join(', ')}`);
  }
  // A suspended account still reads what it has (its messages, consents, statistics); it changes nothing.
  const { status, statusReason, name } = request.account;
  if (write && status !== 'active') throw new Forbidden(`the account "${name}" is ${status}${statusReason ? `: ${statusReason}` : ''}; it may read but not change anything until the aggregator reactivates it`);
}

/** The account a staff request names (the Relais-Account header). */
async function accountNamedBy(name: string | string[] | undefined, deps: HttpDeps): Promise<Account> {
  if (typeof name !== 'string' || name === '') throw new InvalidRequest([{ field: `/headers/${ACCOUNT_HEADER}`, reason: 'the aggregator acts on an account named by the Relais-Account header' }]);
  return (await deps.accounts.findByName(name)) ?? Promise.reject(new NotFound(`account "${name}"`));
}

/** `ask`, answered from its last answer when that is younger than `maxAgeMs` (probes must not load the database). */
function recentAnswer<T>(ask: () => Promise<T>, maxAgeMs: number): () => Promise<T> {
  let last: { at: number; answer: Promise<T> } | undefined;
  return () => {
    if (!last || Date.now() - last.at > maxAgeMs) last = { at: Date.now(), answer: ask() };
    return last.answer;
  };
}

/** A real form's fields as text, except "true" and "false", which a form cannot write otherwise. */
function formFields(text: string): Record<string, string | boolean> {
  const fields: Record<string, string | boolean> = Object.create(null);
  for (const [name, value] of new URLSearchParams(text)) fields[name] = value === 'true' ? true : value === 'false' ? false : value;
  return fields;
}

/** What Node's HTTP parser refuses before any route sees it (headers too large, a malformed request line), as problem details. */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const detail =
    status === 431 ? 'the request line and headers are larger than this server takes (16 kB)' : status === 408 ? 'the request took too long to arrive' : 'the request is not well-formed HTTP/1.1';
  const body = JSON.stringify({ type: 'about:blank', title: STATUS_CODES[status], status, detail });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/problem+json\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
