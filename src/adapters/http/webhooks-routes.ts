import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { InvalidRequest, NotFound } from '../../app/errors.ts';
import { messageStatuses } from '../../core/message/status.ts';
import { presentDelivery, presentWebhook } from './presenters.ts';
import { IdParams, WebhookDeliveries, WebhookInput, WebhookPatch } from './schemas.ts';
import type { Api, HttpDeps } from './server.ts';

const problem = { $ref: 'Problem#' };
/** By default a webhook hears every status change but the internal "submitting" step, and every MO. */
const defaultEvents = [...messageStatuses.filter((s) => s !== 'submitting'), 'inbound'];

export async function webhookRoutes(app: Api, deps: HttpDeps): Promise<void> {
  app.post(
    '/webhooks',
    {
      schema: {
        summary: 'Register a webhook for message status changes and received MOs',
        description:
          'Each status change (and, with the event "inbound", each MO attributed to the account: replies, STOP, START, CONTACT) is POSTed as JSON, at least once, retried with backoff until a 2xx answer. ' +
          'The `Relais-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>` header proves it comes from Relais; ' +
          '`Relais-Delivery` identifies the delivery (the same on retries).',
        tags: ['webhooks'],
        body: WebhookInput,
        response: { 201: { $ref: 'Webhook#' }, 400: problem, 422: problem },
      },
    },
    async (request, reply) => {
      checkTarget(deps, request.body.url);
      const secret = request.body.secret ?? `whsec_${randomBytes(24).toString('base64url')}`;
      const webhook = await deps.webhooks.create(request.account.id, { url: request.body.url, events: request.body.events ?? defaultEvents, secret }, deps.clock.now());
      reply.status(201);
      return presentWebhook(webhook, secret);
    },
  );

  app.get('/webhooks', { schema: { summary: 'List webhooks', tags: ['webhooks'], response: { 200: Type.Object({ webhooks: Type.Array(Type.Ref('Webhook')) }) } } }, async (request) => ({
    webhooks: (await deps.webhooks.list(request.account.id)).map((w) => presentWebhook(w)),
  }));

  app.get('/webhooks/:id', { schema: { summary: 'One webhook', tags: ['webhooks'], params: IdParams, response: { 200: { $ref: 'Webhook#' }, 404: problem } } }, async (request) =>
    presentWebhook(await found(deps.webhooks.get(request.account.id, request.params.id), request.params.id)),
  );

  app.patch(
    '/webhooks/:id',
    { schema: { summary: 'Change a webhook’s URL or events, or pause it', tags: ['webhooks'], params: IdParams, body: WebhookPatch, response: { 200: { $ref: 'Webhook#' }, 404: problem, 422: problem } } },
    async (request) => {
      if (request.body.url !== undefined) checkTarget(deps, request.body.url);
      return presentWebhook(await found(deps.webhooks.update(request.account.id, request.params.id, request.body), request.params.id));
    },
  );

  app.delete('/webhooks/:id', { schema: { summary: 'Delete a webhook and its delivery history', tags: ['webhooks'], params: IdParams, response: { 204: Type.Null(), 404: problem } } }, async (request, reply) => {
    if (!(await deps.webhooks.remove(request.account.id, request.params.id))) throw new NotFound(`webhook ${request.params.id}`);
    reply.status(204);
  });

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        summary: 'Delivery history of a webhook, newest first, with every attempt; page by page with nextCursor, filtered by state',
        tags: ['webhooks'],
        params: IdParams,
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$', description: 'The nextCursor of the previous page' })),
          status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')], { description: 'Only the deliveries in this state' })),
        }),
        response: { 200: WebhookDeliveries, 404: problem },
      },
    },
    async (request) => {
      await found(deps.webhooks.get(request.account.id, request.params.id), request.params.id);
      const { limit, cursor, status } = request.query;
      const deliveries = await deps.webhooks.deliveries(request.account.id, request.params.id, { limit, before: cursor, status });
      return { deliveries: deliveries.map(presentDelivery), nextCursor: deliveries.length === limit ? deliveries.at(-1)!.id : null };
    },
  );
}

/** A URL whose host is a loopback, private, link-local or metadata address is refused (its name is checked again at each delivery). */
function checkTarget(deps: HttpDeps, url: string): void {
  const refused = deps.webhookTargets.refusalOfUrl(url);
  if (refused) throw new InvalidRequest([{ field: '/url', reason: refused }]);
}

async function found<T>(lookup: Promise<T | undefined>, id: string): Promise<T> {
  const value = await lookup;
  if (!value) throw new NotFound(`webhook ${id}`);
  return value;
}
