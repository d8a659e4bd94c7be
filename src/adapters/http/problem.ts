import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { IdempotencyKeyReused, InvalidRequest, InvalidState, NotFound, type FieldProblem } from '../../app/errors.ts';
import { IllegalTransition, TemplateError } from '../../core/campaign/index.ts';

export class Unauthorized extends Error {}

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Each problem; a template's also say where it is (`position`, `length`) and what it is (`code`). */
  errors?: (FieldProblem & { position?: number; length?: number; code?: string })[];
}

const problem = (status: number, title: string, detail: string, errors?: ProblemBody['errors']): ProblemBody => ({
  type: 'about:blank',
  title,
  status,
  detail,
  ...(errors ? { errors } : {}),
});

/** Typed use-case errors → RFC 9457 problem details; anything else is a 500 whose detail hides internals. */
export function toProblem(error: unknown): ProblemBody {
  if (error instanceof InvalidRequest) return problem(422, 'Invalid request', error.message, error.problems);
  if (error instanceof NotFound) return problem(404, 'Not found', error.message);
  if (error instanceof IdempotencyKeyReused) return problem(422, 'Idempotency key reused', error.message);
  if (error instanceof TemplateError) {
    const errors = error.problems.map(({ reason, position, length, code }) => ({ field: '/text', reason, position, length, code }));
    return problem(422, 'Invalid request', error.message, errors);
  }
  if (error instanceof InvalidState || error instanceof IllegalTransition) return problem(409, 'Not possible in this state', error.message);
  if (error instanceof Unauthorized) return problem(401, 'Unauthorized', error.message);
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const errors = fastifyError.validation.map((v) => ({
      field: `${v.instancePath || ''}${'missingProperty' in v.params ? `/${String(v.params.missingProperty)}` : ''}` || '/',
      reason: v.message ?? 'invalid',
    }));
    return problem(400, 'Malformed request', `the request does not match the API schema: ${fastifyError.message}`, errors);
  }
  if (fastifyError.statusCode && fastifyError.statusCode < 500) return problem(fastifyError.statusCode, 'Bad request', fastifyError.message);
  return problem(500, 'Internal error', 'something failed on our side; nothing was changed by this request unless its id was returned');
}

export function sendProblem(reply: FastifyReply, body: ProblemBody, request?: FastifyRequest, error?: unknown): FastifyReply {
  if (body.status >= 500) request?.log.error({ err: error }, 'request failed');
  return reply.status(body.status).type('application/problem+json').send(body);
}
