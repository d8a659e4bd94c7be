import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino from 'pino';
import type { Clock, ConsentStore, ContactStore, MessageStore, MoStore } from '../../app/ports.ts';
import type { CampaignDeps } from '../../app/campaigns.ts';
import type { SubmitDeps } from '../../app/submit-messages.ts';
import type { Account } from '../store/account-store.ts';
import { RecentlyRead } from '../recently-read.ts';
import { aggregatorRoutes, type AccountAdministration } from './aggregator-routes.ts';
import type { PgWebhookStore } from '../store/webhook-store.ts';
import { sendProblem, toProblem, Unauthorized } from './problem.ts';
import { messageRoutes } from './messages-routes.ts';
import { AcceptedBatch, AcceptedMessage, MessageDetail, MessageList, MessageSummary, Problem, SendBatch, SendMessage, Webhook } from './schemas.ts';
import { webhookRoutes } from './webhooks-routes.ts';
import { consentRoutes } from './consents-routes.ts';
import { inboundRoutes } from './inbound-routes.ts';
import { contactRoutes } from './contacts-routes.ts';
import { importRoutes } from './imports-routes.ts';
import { campaignRoutes } from './campaigns-routes.ts';

export interface HttpDeps {
  findAccountByApiKey: (key: string) => Promise<Account | undefined>;
  /** The aggregator's side: accounts and their provisioning. */
  accounts: AccountAdministration;
  /** The built-in SMSC simulator, when it runs: MOs on request. */
  simulator?: { sendMo(mo: { from: string; to: string; text: string }): Promise<void> } | undefined;
  messages: MessageStore;
  webhooks: PgWebhookStore;
  consents: ConsentStore;
  inbound: Pick<MoStore, 'listInbound'>;
  contacts: ContactStore;
  campaigns: CampaignDeps;
  submit: SubmitDeps;
  clock: Clock;
  logger: FastifyBaseLogger;
}

declare module 'fastify' {
  interface FastifyRequest {
    account: Account;
  }
}

export type Api = FastifyInstance<any, any, any, FastifyBaseLogger, TypeBoxTypeProvider>;

/** The OpenAPI document of the API, generated from the route schemas (served at /docs/json too). */
export async function openApiDocument(): Promise<unknown> {
  const unused = () => Promise.reject(new Error('not serving'));
  const app = await buildHttpServer({
    findAccountByApiKey: unused,
    accounts: {} as HttpDeps['accounts'],
    messages: {} as HttpDeps['messages'],
    webhooks: {} as HttpDeps['webhooks'],
    consents: {} as HttpDeps['consents'],
    inbound: {} as HttpDeps['inbound'],
    contacts: {} as HttpDeps['contacts'],
    campaigns: {} as HttpDeps['campaigns'],
    submit: { store: {} as HttpDeps['messages'], consents: {} as HttpDeps['consents'], shortCodes: () => new Map(), notify: () => undefined },
    clock: { now: () => new Date(0) },
    logger: pino({ level: 'silent' }),
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
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(swagger, {
    // Components keep the schemas' own names (SendMessage, MessageDetail…) instead of def-0, def-1…
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    openapi: {
      info: {
        title: 'Relais HTTP API',
        version: '1',
        description:
          'Send SMS, follow their delivery, receive status webhooks. Authenticate with `Authorization: Bearer <API key>`. ' +
          'Errors are RFC 9457 problem details (application/problem+json).',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  for (const schema of [SendMessage, SendBatch, AcceptedMessage, AcceptedBatch, MessageSummary, MessageDetail, MessageList, Webhook, Problem]) {
    app.addSchema(schema);
  }

  // `curl -d '{"to":…}'` sends JSON labelled as a form; accept that, and real forms (to=…&text=…) too.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body).trim();
    try {
      done(null, text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : Object.fromEntries(new URLSearchParams(text)));
    } catch (error) {
      done(Object.assign(new Error(`the body is not valid JSON: ${(error as Error).message}`), { statusCode: 400 }), undefined);
    }
  });

  // A contact file is streamed to the import as it arrives (a million rows is never held in memory, nor bound by bodyLimit).
  app.addContentTypeParser(['text/csv', 'application/csv', 'text/plain'], (_request, payload, done) => done(null, payload));

  app.setErrorHandler((error, request, reply) => sendProblem(reply, toProblem(error), request, error));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, { type: 'about:blank', title: 'Not found', status: 404, detail: `no route ${request.method} ${request.url}` }),
  );

  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  const accountsByKey = new RecentlyRead((key) => deps.findAccountByApiKey(key));
  await app.register(
    async (v1) => {
      v1.decorateRequest('account', null as unknown as Account);
      v1.addHook('onRequest', async (request) => {
        const header = request.headers.authorization ?? '';
        const key = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
        if (!key) throw new Unauthorized('send your API key as "Authorization: Bearer <key>"');
        const account = await accountsByKey.get(key);
        if (!account) throw new Unauthorized('this API key is unknown or revoked');
        request.account = account;
      });
      await v1.register(messageRoutes, deps);
      await v1.register(webhookRoutes, deps);
      await v1.register(consentRoutes, deps);
      await v1.register(inboundRoutes, deps);
      await v1.register(contactRoutes, deps);
      await v1.register(importRoutes, deps);
      await v1.register(campaignRoutes, deps);
    },
    { prefix: '/v1' },
  );
  await app.register(aggregatorRoutes, { prefix: '/v1/aggregator', ...deps });
  return app;
}
