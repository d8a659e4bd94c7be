/**
 * An account's API keys and users, managed by the account itself (docs/accounts.md, "Rights" and "API keys"): the
 * administrator, or whoever holds the "api-keys" or "users" right — never granting more than they hold.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { EmailTaken, InvalidRequest, InvalidState, NotFound, type FieldProblem } from '../../app/errors.ts';
import { canDelegate, RIGHTS, unknownRights, type Right } from '../../core/access/rights.ts';
import type { Account } from '../../app/ports/accounts.ts';
import type { ApiKeyView, PeopleStore, User } from '../../app/ports/people.ts';
import { Forbidden } from './problem.ts';
import { AccountIdentity } from './aggregator-routes.ts';
import type { Api, HttpDeps } from './server.ts';

/** What the people routes need of the stores. */
export type { PeopleStore };

const problem = { $ref: 'Problem#' };
const RightName = Type.Unsafe<Right>({ type: 'string', enum: [...RIGHTS] });
const Rights = Type.Array(RightName, { uniqueItems: true, maxItems: RIGHTS.length });
const Brands = Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { uniqueItems: true, maxItems: 100 }), Type.Null()], {
  description: 'The brands it is limited to; null or absent: every brand of the account',
});
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const ApiKey = Type.Object(
  {
    id: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    prefix: Type.String({ description: 'Its first characters, to recognise it' }),
    rights: Type.Union([Rights, Type.Null()], { description: 'null: every right (a key made before rights existed)' }),
    brands: Type.Union([Type.Array(Type.String()), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'To the minute' }),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'ApiKey' },
);
const NewApiKey = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), rights: Rights, brands: Type.Optional(Brands) }, { additionalProperties: false });

const UserView = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    language: Type.Union([Type.Literal('fr'), Type.Literal('en')]),
    administrator: Type.Boolean({ description: 'The administrator holds every right, every brand, and manages users' }),
    rights: Rights,
    brands: Type.Union([Type.Array(Type.String()), Type.Null()]),
    status: Type.Union([Type.Literal('invited'), Type.Literal('active'), Type.Literal('disabled')]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'User' },
);
const NewUserBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    language: Type.Optional(Type.Union([Type.Literal('fr'), Type.Literal('en')])),
    rights: Rights,
    brands: Type.Optional(Brands),
  },
  { additionalProperties: false },
);
const UserChange = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    language: Type.Optional(Type.Union([Type.Literal('fr'), Type.Literal('en')])),
    rights: Type.Optional(Rights),
    brands: Type.Optional(Brands),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')], { description: 'disabled: the user can no longer sign in' })),
  },
  { additionalProperties: false },
);

export async function apiKeyRoutes(app: Api, deps: HttpDeps): Promise<void> {
  app.addSchema(ApiKey);
  const tags = ['api-keys'];
  app.post(
    '/api-keys',
    {
      schema: {
        summary: 'Create an API key with a name, some rights and optionally some brands: the key is shown in this answer only',
        description: 'Only its SHA-256 is kept. Nobody gives a key more rights or brands than they hold (403).',
        tags,
        body: NewApiKey,
        response: { 201: Type.Intersect([Type.Ref(ApiKey), Type.Object({ key: Type.String({ description: 'Shown once' }) })]), 403: problem, 422: problem },
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof NewApiKey>;
      const grant = checkedGrant(request, body.rights, body.brands ?? null);
      const { id, key } = await deps.people.createApiKeyWithId(request.account.id, body.name, deps.clock.now(), { ...grant, createdBy: request.principal.kind === 'user' ? request.principal.id : null });
      const view = (await deps.people.listApiKeys(request.account.id)).find((k) => k.id === id)!;
      reply.status(201);
      return { ...presentKey(view), key };
    },
  );
  app.get('/api-keys', { schema: { summary: 'The account’s API keys (never the keys themselves), with their rights and last use', tags, response: { 200: Type.Object({ apiKeys: Type.Array(Type.Ref(ApiKey)) }) } } }, async (request) => ({
    apiKeys: (await deps.people.listApiKeys(request.account.id)).filter((k) => visible(request, k.brands)).map(presentKey),
  }));
  app.delete(
    '/api-keys/:id',
    { schema: { summary: 'Revoke an API key: it stops working within a second', tags, params: IdParams, response: { 204: Type.Null(), 403: problem, 404: problem } } },
    async (request, reply) => {
      const found = (await deps.people.listApiKeys(request.account.id)).find((k) => k.id === request.params.id && k.revokedAt === null && visible(request, k.brands));
      if (!found) throw new NotFound(`API key ${request.params.id}`);
      const rights = new Set(found.rights ?? RIGHTS);
      if (!canDelegate(request.principal, { rights, brands: found.brands })) throw new Forbidden('this key holds rights or brands the caller does not: only someone holding them may revoke it');
      await deps.people.revokeApiKeyById(request.account.id, found.id, deps.clock.now());
      return reply.status(204).send(null);
    },
  );
}

export async function userRoutes(app: Api, deps: HttpDeps): Promise<void> {
  app.addSchema(UserView);
  const tags = ['users'];
  app.post(
    '/users',
    {
      schema: {
        summary: 'Invite a user to the account: their e-mail, name, language, rights and brands',
        description: 'The user is `invited` until they set a password from the invitation e-mail. Nobody grants more rights or brands than they hold (403).',
        tags,
        body: NewUserBody,
        response: { 201: Type.Ref(UserView), 403: problem, 409: problem, 422: problem },
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof NewUserBody>;
      const grant = checkedGrant(request, body.rights, body.brands ?? null);
      let user: User;
      try {
        user = await deps.people.createUser({ email: body.email, name: body.name, language: body.language ?? 'fr', accountId: request.account.id, ...grant }, deps.clock.now());
      } catch (error) {
        if (error instanceof EmailTaken) throw new InvalidState(error.message);
        throw error;
      }
      await deps.people.onUserCreated?.(user);
      reply.status(201);
      return presentUser(user);
    },
  );
  app.get('/users', { schema: { summary: 'The account’s users, the administrator among them', tags, response: { 200: Type.Object({ users: Type.Array(Type.Ref(UserView)) }) } } }, async (request) => ({
    users: (await deps.people.listUsers(request.account.id)).filter((u) => visible(request, u.brands)).map(presentUser),
  }));
  app.get('/users/:id', { schema: { summary: 'A user of the account', tags, params: IdParams, response: { 200: Type.Ref(UserView), 404: problem } } }, async (request) =>
    presentUser(await userOf(deps, request, request.params.id)),
  );
  app.patch(
    '/users/:id',
    {
      schema: {
        summary: 'Change a user’s name, language, rights or brands, or disable them',
        description: 'The administrator’s rights cannot change (they hold every one): transfer the administration first.',
        tags,
        params: IdParams,
        body: UserChange,
        response: { 200: Type.Ref(UserView), 403: problem, 404: problem, 409: problem, 422: problem },
      },
    },
    async (request) => {
      const user = await userOf(deps, request, request.params.id);
      const change = request.body as Static<typeof UserChange>;
      if (user.administrator && (change.rights !== undefined || change.brands !== undefined || change.status === 'disabled')) {
        throw new InvalidState('the administrator holds every right and cannot be disabled: transfer the administration to another user first');
      }
      // Whoever changes a user must hold what the user holds, and what they are given.
      const before = { rights: new Set(user.rights), brands: user.brands };
      if (!canDelegate(request.principal, before)) throw new Forbidden('this user holds rights or brands the caller does not');
      if (change.rights !== undefined || change.brands !== undefined) checkedGrant(request, change.rights ?? user.rights, change.brands === undefined ? user.brands : change.brands);
      return presentUser((await deps.people.updateUser(request.account.id, user.id, change, deps.clock.now()))!);
    },
  );
  app.post(
    '/users/:id/administrator',
    {
      schema: {
        summary: 'Hand the administration of the account to this user (the former administrator stays a user with every right)',
        description: 'Only the administrator, or the aggregator’s staff, may hand it over. The account has exactly one administrator at every moment.',
        tags,
        params: IdParams,
        response: { 200: Type.Ref(UserView), 403: problem, 404: problem, 409: problem },
      },
    },
    async (request) => {
      const p = request.principal;
      if (!(p.kind === 'user' && p.administrator) && !(p.kind === 'staff' && p.role === 'operator-admin')) throw new Forbidden('only the administrator (or the aggregator) hands over the administration');
      const user = await userOf(deps, request, request.params.id);
      if (user.status === 'disabled') throw new InvalidState('a disabled user cannot become the administrator');
      return presentUser((await deps.people.transferAdministrator(request.account.id, user.id))!);
    },
  );
}

/** The rights and brands given, checked: known rights, the account's brands, no more than the caller holds. */
function checkedGrant(request: FastifyRequest, rights: readonly string[], brands: readonly string[] | null): { rights: Right[]; brands: string[] | null } {
  const problems: FieldProblem[] = unknownRights(rights).map((r) => ({ field: '/rights', reason: `"${r}" is not a right (${RIGHTS.join(', ')})` }));
  for (const [i, brand] of (brands ?? []).entries()) {
    if (!request.account.brands.includes(brand)) problems.push({ field: `/brands/${i}`, reason: `"${brand}" is not one of the account's brands (${request.account.brands.join(', ')})` });
  }
  if (problems.length > 0) throw new InvalidRequest(problems);
  const grant = { rights: [...rights] as Right[], brands: brands === null ? null : [...brands] };
  if (!canDelegate(request.principal, { rights: new Set(grant.rights), brands: grant.brands })) {
    throw new Forbidden('nobody grants more rights or brands than they hold');
  }
  return grant;
}

async function userOf(deps: HttpDeps, request: FastifyRequest, id: string): Promise<User> {
  const user = await deps.people.findUser(request.account.id, id);
  if (!user || !visible(request, user.brands)) throw new NotFound(`user ${id}`);
  return user;
}

/** A principal limited to some brands sees the keys and users limited to those brands only (the others are another brand's). */
function visible(request: FastifyRequest, brands: readonly string[] | null): boolean {
  const p = request.principal;
  if (p.kind === 'staff' || p.brands === null) return true;
  return brands !== null && brands.every((b) => p.brands!.includes(b));
}

function presentKey(k: ApiKeyView): Static<typeof ApiKey> {
  return { id: k.id, name: k.label, prefix: k.prefix, rights: k.rights, brands: k.brands, createdAt: k.createdAt.toISOString(), lastUsedAt: k.lastUsedAt?.toISOString() ?? null, revokedAt: k.revokedAt?.toISOString() ?? null };
}

function presentUser(u: User): Static<typeof UserView> {
  return { id: u.id, email: u.email, name: u.name, language: u.language, administrator: u.administrator, rights: u.administrator ? [...RIGHTS] : u.rights, brands: u.brands, status: u.status, createdAt: u.createdAt.toISOString() };
}

const AccountView = Type.Object(
  {
    name: Type.String(),
    brand: Type.String({ description: 'Its own brand: messages, consents and campaigns naming none speak for it' }),
    brands: Type.Array(Type.String(), { description: 'Every brand it speaks for, its own first' }),
    status: Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('closed')]),
    statusReason: Type.Union([Type.String(), Type.Null()]),
    identity: Type.Ref('AccountIdentity'),
  },
  { $id: 'Account' },
);

/** The account as it sees itself (its identity, brands and status), and its brands, which it manages. */
export async function accountRoutes(app: Api, deps: HttpDeps): Promise<void> {
  app.addSchema(AccountIdentity);
  app.addSchema(AccountView);
  const tags = ['account'];
  app.get('/account', { schema: { summary: 'The account: its company identity, brands and status (suspended: why)', tags, response: { 200: Type.Ref(AccountView) } } }, async (request) =>
    presentAccount(request.account),
  );
  app.put(
    '/account/brands',
    {
      config: { everyBrand: true },
      schema: {
        summary: 'Set the brands the account speaks for besides its own (the list replaces the former one)',
        description: 'A message, consent or campaign naming a brand not on the list is refused (422). Events recorded for a brand taken off stay.',
        tags,
        body: Type.Object({ brands: Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^[^*]' }), { maxItems: 100, uniqueItems: true }) }, { additionalProperties: false }),
        response: { 200: Type.Ref(AccountView), 403: problem },
      },
    },
    async (request) => presentAccount((await deps.accounts.updateAccount(request.account.name, { brands: (request.body as { brands: string[] }).brands }))!),
  );
}

function presentAccount(a: Account) {
  return { name: a.name, brand: a.brand, brands: a.brands, status: a.status, statusReason: a.statusReason, identity: a.identity };
}
