import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFound } from '../../app/errors.ts';
import {
  acceptInvitation,
  changePassword,
  chooseSms,
  confirmTotp,
  giveSecondFactor,
  requestPasswordReset,
  requireSecondFactor,
  resendSmsCode,
  resetPassword,
  sendInvitation,
  SESSION_COOKIE,
  sessionView,
  signIn,
  signOut,
  signOutEverywhere,
  startTotp,
  type SignedIn,
  type SignInDeps,
} from '../../app/sign-in.ts';
import type { Account } from '../../app/ports/accounts.ts';
import { Unauthorized } from './problem.ts';
import type { Api, HttpDeps } from './server.ts';

/** What the HTTP layer needs for signing in: the use cases' dependencies and the accounts signed-in users act on. */
export interface SessionDeps extends SignInDeps {
  findAccount(id: string): Promise<Account | undefined>;
}

const problem = { $ref: 'Problem#' };
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const Email = Type.String({ minLength: 3, maxLength: 320, description: 'The e-mail address the user signs in with (case does not matter)' });
const Password = Type.String({ minLength: 1, maxLength: 1024 });
const NewPassword = Type.String({ minLength: 1, maxLength: 1024, description: 'At least 12 characters, not the e-mail address' });
const Token = Type.String({ minLength: 1, maxLength: 200, description: 'The token of the link received by e-mail' });
const Code = Type.String({ minLength: 1, maxLength: 16, description: 'The 6-digit code of the authenticator app or of the SMS' });

const SessionBody = Type.Object(
  {
    user: Type.Object({
      id: Type.String(),
      email: Type.String(),
      name: Type.String(),
      language: Type.Union([Type.Literal('fr'), Type.Literal('en')]),
      account: Nullable(Type.String({ description: 'The name of the account the user belongs to; null for the aggregator’s staff' })),
      staffRole: Nullable(Type.Union([Type.Literal('operator-admin'), Type.Literal('operator-support')])),
      administrator: Type.Boolean(),
      rights: Type.Array(Type.String(), { description: 'Every right for an administrator; none for staff (their role says what they do)' }),
      brands: Nullable(Type.Array(Type.String(), { description: 'The brands the rights are limited to; null: every brand' })),
    }),
    csrfToken: Type.String({ description: 'Send it as the X-CSRF-Token header with every request of this session other than GET and HEAD' }),
    secondFactor: Nullable(Type.Union([Type.Literal('totp'), Type.Literal('sms')], { description: 'The second factor still owed: until given, the session reaches nothing else' })),
  },
  { description: 'The signed-in user and their session' },
);

const tags = ['sign-in'];
// The sign-in use cases write their own entries on the audit trail (with the user they found): `audit: 'own'`.
const anyone = { access: 'anyone' as const, audit: 'own' as const };
const self = { access: 'self' as const };
const selfHalf = { access: 'self' as const, halfSignedIn: true };
const ownTrail = { audit: 'own' as const };

/** The cookie value a request carries, if any. */
export function sessionCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === SESSION_COOKIE) {
      const value = part.slice(at + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

/** HttpOnly, SameSite=Lax, Path=/; Secure when the request came over TLS (directly or, with trustProxy, through the proxy). */
function setCookie(request: FastifyRequest, reply: FastifyReply, value: string, maxAgeSeconds: number): void {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header('set-cookie', `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`);
}

function signedInOf(request: FastifyRequest): SignedIn {
  if (!request.signedIn) throw new Unauthorized('this is about a signed-in browser session; an API key has none');
  return request.signedIn;
}

/**
 * Signing in and out, the second factor, password resets, invitations (docs/accounts.md, "Signing in"). The routes
 * about one's own session need no right; the two an administrator uses need "users".
 */
export async function sessionRoutes(app: Api, deps: HttpDeps): Promise<void> {
  const signInDeps = (): SessionDeps => {
    if (!deps.signIn) throw new Error('signing in is not configured');
    return deps.signIn;
  };
  const from = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] });

  app.post(
    '/session',
    {
      config: anyone,
      schema: {
        summary: 'Sign in with e-mail and password',
        description:
          'Sets the `relais_session` cookie (HttpOnly, SameSite=Lax; Secure over TLS). A session ends after 2 hours without a request and 12 hours after signing in. ' +
          'When a second factor is due, `secondFactor` says which and the session reaches nothing but POST /v1/session/second-factor (an SMS code is sent now). ' +
          'After 5 failures for an e-mail address (or 20 from one IP address within 15 minutes), tries are refused for 1 minute, then 2, 4… up to an hour (429, Retry-After).',
        tags,
        security: [],
        body: Type.Object({ email: Email, password: Password }, { additionalProperties: false }),
        response: { 200: SessionBody, 401: problem, 429: problem },
      },
    },
    async (request, reply) => {
      const { cookie, view, expiresAt } = await signIn(signInDeps(), request.body, from(request));
      setCookie(request, reply, cookie, Math.ceil((expiresAt.getTime() - deps.clock.now().getTime()) / 1000));
      return view;
    },
  );

  app.get(
    '/session',
    { config: selfHalf, schema: { summary: 'The signed-in user and the session’s CSRF token', tags, response: { 200: SessionBody, 401: problem } } },
    async (request) => {
      const signedIn = signedInOf(request);
      return sessionView(signedIn.user, signedIn.session);
    },
  );

  app.delete('/session', { config: { ...selfHalf, ...ownTrail }, schema: { summary: 'Sign this browser out', tags, response: { 204: Type.Null(), 401: problem, 403: problem } } }, async (request, reply) => {
    await signOut(signInDeps(), signedInOf(request), request.ip);
    setCookie(request, reply, '', 0);
    reply.status(204);
  });

  app.delete(
    '/sessions',
    { config: { ...self, ...ownTrail }, schema: { summary: 'Sign the user out everywhere: every session of theirs ends, this one too', tags, response: { 204: Type.Null(), 401: problem, 403: problem } } },
    async (request, reply) => {
      await signOutEverywhere(signInDeps(), signedInOf(request).user.id, request.ip);
      setCookie(request, reply, '', 0);
      reply.status(204);
    },
  );

  app.post(
    '/session/second-factor',
    {
      config: { ...selfHalf, ...ownTrail },
      schema: {
        summary: 'Give the second factor: the code of the authenticator app or of the SMS',
        description: 'A wrong code counts as a failed sign-in (the same back-off). An SMS code lives 5 minutes, is used once and dies after 5 wrong tries.',
        tags,
        body: Type.Object({ code: Code }, { additionalProperties: false }),
        response: { 200: SessionBody, 401: problem, 403: problem, 409: problem, 429: problem },
      },
    },
    async (request) => giveSecondFactor(signInDeps(), signedInOf(request), request.body.code, request.ip),
  );

  app.post(
    '/session/second-factor/sms',
    { config: selfHalf, schema: { summary: 'Send another SMS code (the previous one dies)', tags, response: { 202: Type.Null(), 401: problem, 403: problem, 409: problem } } },
    async (request, reply) => {
      await resendSmsCode(signInDeps(), signedInOf(request));
      reply.status(202);
    },
  );

  app.post(
    '/session/totp',
    {
      config: selfHalf,
      schema: {
        summary: 'Enrol an authenticator app: its secret and otpauth:// URI (show it as a QR code)',
        description:
          'The app counts once a code it shows is given: POST /v1/session/second-factor when signing in, or POST /v1/session/totp/confirm when signed in. ' +
          'A session still owing its second factor may only enrol when none is enrolled yet.',
        tags,
        response: { 200: Type.Object({ secret: Type.String(), uri: Type.String() }), 401: problem, 403: problem, 409: problem },
      },
    },
    async (request) => startTotp(signInDeps(), signedInOf(request)),
  );

  app.post(
    '/session/totp/confirm',
    { config: self, schema: { summary: 'Confirm the authenticator being enrolled with a code it shows', tags, body: Type.Object({ code: Code }, { additionalProperties: false }), response: { 204: Type.Null(), 401: problem, 403: problem, 409: problem, 422: problem } } },
    async (request, reply) => {
      await confirmTotp(signInDeps(), signedInOf(request), request.body.code);
      reply.status(204);
    },
  );

  app.put(
    '/session/sms',
    {
      config: self,
      schema: {
        summary: 'Make a code sent by SMS to this phone the user’s second factor',
        tags,
        body: Type.Object({ phone: Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'International format, e.g. +33612345678' }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), 401: problem, 403: problem, 409: problem },
      },
    },
    async (request, reply) => {
      await chooseSms(signInDeps(), signedInOf(request), request.body.phone);
      reply.status(204);
    },
  );

  app.put(
    '/session/password',
    {
      config: self,
      schema: {
        summary: 'Change one’s password, giving the current one; the user’s other sessions end',
        description: 'A wrong current password counts as a failed sign-in (the same back-off).',
        tags,
        body: Type.Object({ currentPassword: Password, newPassword: NewPassword }, { additionalProperties: false }),
        response: { 204: Type.Null(), 401: problem, 403: problem, 422: problem, 429: problem },
      },
    },
    async (request, reply) => {
      await changePassword(signInDeps(), signedInOf(request), request.body.currentPassword, request.body.newPassword, request.ip);
      reply.status(204);
    },
  );

  app.post(
    '/password-reset',
    {
      config: anyone,
      schema: {
        summary: 'Ask for a password-reset link by e-mail (valid one hour, once)',
        description: 'Always 202, whether the address is known or not.',
        tags,
        security: [],
        body: Type.Object({ email: Email }, { additionalProperties: false }),
        response: { 202: Type.Null() },
      },
    },
    async (request, reply) => {
      await requestPasswordReset(signInDeps(), request.body.email, request.ip);
      reply.status(202);
    },
  );

  app.post(
    '/password-reset/confirm',
    {
      config: anyone,
      schema: {
        summary: 'Choose a new password with the link of the mail; every session of the user ends',
        tags,
        security: [],
        body: Type.Object({ token: Token, password: NewPassword }, { additionalProperties: false }),
        response: { 204: Type.Null(), 422: problem },
      },
    },
    async (request, reply) => {
      await resetPassword(signInDeps(), request.body.token, request.body.password, request.ip);
      reply.status(204);
    },
  );

  app.post(
    '/invitations/accept',
    {
      config: anyone,
      schema: {
        summary: 'Accept an invitation: choose a password with the link of the mail (valid 7 days, once)',
        tags,
        security: [],
        body: Type.Object({ token: Token, password: NewPassword }, { additionalProperties: false }),
        response: { 204: Type.Null(), 422: problem },
      },
    },
    async (request, reply) => {
      await acceptInvitation(signInDeps(), request.body.token, request.body.password, request.ip);
      reply.status(204);
    },
  );

  app.post(
    '/users/:id/invitation',
    {
      schema: {
        summary: 'Send (again) an invited user their invitation: a new link, valid 7 days; the previous one dies',
        tags,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 202: Type.Null(), 404: problem, 409: problem },
      },
    },
    async (request, reply) => {
      const user = await signInDeps().store.findUserById(request.params.id);
      const reaches = user && (user.accountId === null ? request.principal.kind === 'staff' : user.accountId === request.account.id);
      if (!user || !reaches) throw new NotFound(`user ${request.params.id}`);
      await sendInvitation(signInDeps(), user.id, { principal: request.principal, ip: request.ip });
      reply.status(202);
    },
  );

  app.patch(
    '/account/sign-in',
    {
      config: { action: 'account.require-second-factor' },
      schema: {
        summary: 'Whether the account’s users must give a second factor when they sign in',
        description: 'Required: each user gives the code of their authenticator app, or of an SMS when their phone is known; the ones without either enrol an authenticator at their next sign-in.',
        tags,
        body: Type.Object({ requireSecondFactor: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: Type.Object({ requireSecondFactor: Type.Boolean() }), 403: problem },
      },
    },
    async (request) => {
      await requireSecondFactor(signInDeps(), request.account.id, request.body.requireSecondFactor);
      return { requireSecondFactor: request.body.requireSecondFactor };
    },
  );

}
