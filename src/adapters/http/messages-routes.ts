import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { NotFound, InvalidState } from '../../app/errors.ts';
import { submitMessages, type SendRequest } from '../../app/submit-messages.ts';
import type { ListCursor } from '../../app/ports.ts';
import { InvalidRequest } from '../../app/errors.ts';
import { presentMessage, presentMessageDetail } from './presenters.ts';
import { IdParams, ListQuery, SendBatch, SendMessage } from './schemas.ts';
import type { Api, HttpDeps } from './server.ts';
import { senderOf } from '../../app/accounts.ts';
import { brandToActAs, hideOtherBrand, visibleBrands } from './access.ts';

const problem = { $ref: 'Problem#' };

export async function messageRoutes(app: Api, deps: HttpDeps): Promise<void> {
  app.post(
    '/messages',
    {
      // Each message is its own record (account, events): only refused callers go on the audit trail (the hot path).
      config: { audit: 'refusals' },
      schema: {
        summary: 'Send one message, or a batch of up to 10,000',
        description:
          'Returns at once with the message ids; the message is then queued, submitted and delivered (follow it with GET /v1/messages/{id} or a webhook). ' +
          'A batch is all or nothing: when one message is invalid, none is queued and every problem is listed. ' +
          'Send an `Idempotency-Key` header to make retries safe: the same key with the same body returns the first result without queuing again.',
        tags: ['messages'],
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) }),
        body: Type.Union([Type.Ref(SendMessage), Type.Ref(SendBatch)]),
        response: { 202: Type.Union([Type.Ref('AcceptedMessage'), Type.Ref('AcceptedBatch')]), 200: Type.Union([Type.Ref('AcceptedMessage'), Type.Ref('AcceptedBatch')]), 400: problem, 401: problem, 422: problem },
      },
    },
    async (request, reply) => {
      const body = request.body as SendRequest | { messages: SendRequest[] };
      const batch = 'messages' in body;
      const requests = batch ? body.messages : [body];
      requests.forEach((r, i) => brandToActAs(request, r.brand, batch ? `/messages/${i}/brand` : '/brand'));
      const result = await submitMessages(
        deps.submit,
        senderOf(request.account),
        requests,
        deps.clock.now(),
        request.headers['idempotency-key'] as string | undefined,
      );
      const accepted = result.ids.map((id, i) => {
        const m = result.messages[i]!;
        return { id, status: m.status, to: m.recipient, segments: m.segments, encoding: m.encoding, dueAt: m.dueAt.toISOString(), error: m.error };
      });
      reply.status(result.replayed ? 200 : 202);
      return batch ? { count: accepted.length, replayed: result.replayed, messages: accepted } : { ...accepted[0]!, replayed: result.replayed };
    },
  );

  app.get(
    '/messages/:id',
    {
      schema: {
        summary: 'A message with its parts, SMSC ids, receipts and every status change',
        tags: ['messages'],
        params: IdParams,
        response: { 200: { $ref: 'MessageDetail#' }, 404: problem },
      },
    },
    async (request) => {
      const message = await deps.messages.getMessage(request.account.id, request.params.id);
      if (!message) throw new NotFound(`message ${request.params.id}`);
      hideOtherBrand(request, message.brand, `message ${request.params.id}`);
      return presentMessageDetail(message);
    },
  );

  app.get(
    '/messages',
    {
      schema: {
        summary: 'List messages, newest first, by status and creation time, with cursor pagination',
        tags: ['messages'],
        querystring: ListQuery,
        response: { 200: { $ref: 'MessageList#' }, 400: problem },
      },
    },
    async (request) => {
      const { status, createdFrom, createdTo, cursor, limit } = request.query;
      const messages = await deps.messages.listMessages(
        request.account.id,
        { ...(status ? { status } : {}), ...(visibleBrands(request) ? { brands: visibleBrands(request)! } : {}), ...(createdFrom ? { createdFrom: new Date(createdFrom) } : {}), ...(createdTo ? { createdTo: new Date(createdTo) } : {}) },
        cursor ? decodeCursor(cursor) : undefined,
        limit,
      );
      const last = messages.at(-1);
      return {
        messages: messages.map(presentMessage),
        nextCursor: messages.length === limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
      };
    },
  );

  app.get(
    '/messages/summary',
    {
      schema: {
        summary: 'How many messages are in each status (in_doubt ones need a decision: see POST /v1/messages/{id}/retry)',
        tags: ['messages'],
        response: { 200: Type.Object({ byStatus: Type.Record(Type.String(), Type.Integer()), inDoubt: Type.Integer() }) },
      },
    },
    async (request) => {
      const byStatus = await deps.messages.countByStatus(request.account.id, visibleBrands(request) ?? undefined);
      return { byStatus, inDoubt: byStatus.in_doubt ?? 0 };
    },
  );

  app.post(
    '/messages/:id/cancel',
    { schema: { summary: 'Cancel a message that has not left yet', tags: ['messages'], params: IdParams, response: { 200: { $ref: 'MessageDetail#' }, 404: problem, 409: problem } } },
    async (request) => {
      const { id } = request.params;
      await messageOfReachedBrand(deps, request, id);
      if (!(await deps.messages.cancelMessage(request.account.id, id, deps.clock.now()))) await explainState(deps, request.account.id, id, 'only a queued message can be cancelled');
      return presentMessageDetail((await deps.messages.getMessage(request.account.id, id))!);
    },
  );

  app.post(
    '/messages/:id/retry',
    {
      schema: {
        summary: 'Send again a message in doubt (its fate at the SMSC is unknown; the handset may receive it twice)',
        tags: ['messages'],
        params: IdParams,
        response: { 200: { $ref: 'MessageDetail#' }, 404: problem, 409: problem },
      },
    },
    async (request) => {
      const { id } = request.params;
      await messageOfReachedBrand(deps, request, id);
      if (!(await deps.messages.retryInDoubt(request.account.id, id, deps.clock.now()))) await explainState(deps, request.account.id, id, 'only a message in doubt can be retried');
      deps.submit.notify();
      return presentMessageDetail((await deps.messages.getMessage(request.account.id, id))!);
    },
  );
}

/** 404 for a message of a brand the principal does not reach (as for one of another account). */
async function messageOfReachedBrand(deps: HttpDeps, request: FastifyRequest, id: string): Promise<void> {
  if (visibleBrands(request) === null) return;
  const message = await deps.messages.getMessage(request.account.id, id);
  hideOtherBrand(request, message?.brand ?? null, `message ${id}`);
}

async function explainState(deps: HttpDeps, accountId: string, id: string, rule: string): Promise<never> {
  const message = await deps.messages.getMessage(accountId, id);
  if (!message) throw new NotFound(`message ${id}`);
  throw new InvalidState(`${rule}; this one is ${message.status}`);
}

function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`).toString('base64url');
}

function decodeCursor(text: string): ListCursor {
  const [createdAt, id] = Buffer.from(text, 'base64url').toString().split('|');
  const date = new Date(createdAt ?? '');
  if (!id || Number.isNaN(date.getTime())) throw new InvalidRequest([{ field: '/cursor', reason: 'not a cursor returned by this API' }]);
  return { createdAt: date, id };
}
