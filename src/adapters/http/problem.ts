import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { IdempotencyKeyReused, InvalidRequest, InvalidState, NotFound, type FieldProblem } from '../../app/errors.ts';
import { IllegalTransition, TemplateError } from '../../core/campaign/index.ts';
import { isDatabaseUnavailable } from '../store/database.ts';
import { schemaProblems } from './schema-problems.ts';
import { LockedOut, WrongCredentials } from '../../app/sign-in.ts';

export class Unauthorized extends Error {}

/** The caller is known but may not do this (a right it does not hold, a brand it is not given, staff that only reads). */
export class Forbidden extends Error {}

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
  if (error instanceof Forbidden) return problem(403, 'Forbidden', error.message);
  if (error instanceof WrongCredentials) return problem(401, 'Unauthorized', error.message);
  if (error instanceof LockedOut) return problem(429, 'Too many failed sign-ins', error.message);
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const errors = schemaProblems(fastifyError.validation as never);
    const shown = errors.slice(0, 3).map((e) => `${e.field}: ${e.reason}`).join('; ');
    return problem(400, 'Malformed request', `the request does not match the API schema: ${shown}${errors.length > 3 ? `; and ${errors.length - 3} more` : ''}`, errors);
  }
  if (isDatabaseUnavailable(error)) {
    return problem(503, 'Service unavailable', `the database cannot be reached; retry in ${RETRY_AFTER_SECONDS} s (with the same Idempotency-Key: the request may have been carried out if the connection was lost at its end)`);
  }
  if (fastifyError.statusCode && fastifyError.statusCode < 500) return problem(fastifyError.statusCode, titles[fastifyError.statusCode] ?? 'Bad request', fastifyError.message);
  // Whether the request was carried out before the failure is not known here (a failure can come after a commit):
  // say so, and how to retry safely, rather than promise that nothing changed.
  return problem(
    500,
    'Internal error',
    'something failed on our side; the request may or may not have been carried out. Retry with the same Idempotency-Key (safe), or read what exists before retrying',
  );
}

const titles: Record<number, string> = { 404: 'Not found', 413: 'Payload too large', 414: 'URI too long', 415: 'Unsupported media type', 431: 'Request header fields too large' };

/** What a 503 asks the client to wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;

export function sendProblem(reply: FastifyReply, body: ProblemBody, request?: FastifyRequest, error?: unknown): FastifyReply {
  if (body.status === 503) {
    request?.log.warn({ err: error }, 'request refused: the database cannot be reached');
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  } else if (body.status >= 500) request?.log.error({ err: error }, 'request failed');
  if (error instanceof LockedOut) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.status(body.status).type('application/problem+json').send(body);
}
