import { Type, type Static } from '@sinclair/typebox';
import { settingsProblems, type SettingsChange } from '../../app/account-settings.ts';
import { EmailTaken, InvalidRequest, InvalidState, NotFound } from '../../app/errors.ts';
import { accountOptions } from '../../app/guard-message.ts';
import type { Account, AccountAdministration, AccountChanges, AccountStatus } from '../../app/ports/accounts.ts';
import { planProblems, type PricePlan } from '../../core/billing/index.ts';
import { compact, identityProblems } from '../../core/access/identity.ts';
import { Credit, presentCredit } from './billing-routes.ts';
import { Forbidden, Unauthorized } from './problem.ts';
import { aggregatorAuditRoutes } from './audit-routes.ts';
import { aggregatorIncidentRoutes } from './incidents-routes.ts';
import { aggregatorInvoiceRoutes } from './invoice-routes.ts';
import { aggregatorBillingRoutes } from './aggregator-billing-routes.ts';
import { aggregatorRetentionRoutes } from './retention-routes.ts';
import { reportRoutes } from './report-routes.ts';
import { numberingRoutes } from './numbering-routes.ts';
import type { Api, HttpDeps } from './server.ts';
import { consoleRoutes, staffSignedIn } from './aggregator-console.ts';

/** What the aggregator's routes need of the accounts. */
export type { AccountAdministration };

const problem = { $ref: 'Problem#' };
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const ShortCodeNumber = Type.String({ pattern: '^3[4-8]\\d{3}$', description: 'A short code (34ABC–38ABC)' });
const RuleSetChoice = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), version: Type.String({ minLength: 1, maxLength: 32 }) }, { additionalProperties: false });
const StopWording = Type.Object(
  {
    shortCode: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'With the short code as sender; must contain "STOP … {shortCode}"' })),
    alphanumeric: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'With an alphanumeric sender; must contain "STOP … {shortCode}" and say it is not surcharged' })),
  },
  { additionalProperties: false },
);

const settingsProperties = {
  shortCodes: Type.Array(ShortCodeNumber, { maxItems: 100, uniqueItems: true, description: 'The short codes the account may send on (a short code may be shared by several accounts)' }),
  defaultShortCode: Nullable(ShortCodeNumber),
  alphanumericSenders: Type.Array(Type.String({ minLength: 1, maxLength: 11 }), { maxItems: 100, uniqueItems: true, description: 'Alphanumeric senders approved for the account' }),
  options: Type.Array(Type.Unsafe<(typeof accountOptions)[number]>({ type: 'string', enum: [...accountOptions] }), {
    uniqueItems: true,
    description: 'alphanumeric-sender (Orange OADC option), geo-presence (35ABC short codes), everything-free (the word "gratuit" allowed)',
  }),
  ruleSet: Nullable(RuleSetChoice),
  stopWording: Nullable(StopWording),
  stopShortCode: Nullable(ShortCodeNumber),
  marketingPerDay: Nullable(Type.Integer({ minimum: 0, maximum: 10, description: 'Fewer marketing SMS per recipient per day per brand than the rule set allows' })),
  brands: Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^[^*]' }), { maxItems: 100, uniqueItems: true, description: 'The brands the account speaks for besides its own (a list given replaces the list)' }),
};

const Text = (maxLength: number, description?: string) => Nullable(Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) }));
const identityProperties = {
  legalName: Text(200, 'The company’s legal name (raison sociale): the CONTACT reply starts with it'),
  siren: Text(20, 'SIREN, 9 digits with its Luhn check digit'),
  siret: Text(30, 'SIRET of the establishment, 14 digits: the SIREN then 5'),
  vatNumber: Text(20, 'Intra-community VAT number; a French one (FR, key, SIREN) has its key checked'),
  postalAddress: Text(500),
  contactEmail: Text(254),
  contactPhone: Text(20),
};
export const AccountIdentity = Type.Object(identityProperties, { $id: 'AccountIdentity', description: 'The company behind the account' });

export const AccountSettings = Type.Object(
  {
    name: Type.String(),
    brand: Type.String(),
    ...settingsProperties,
    status: Type.Unsafe<AccountStatus>({ type: 'string', enum: ['active', 'suspended', 'closed'], description: 'suspended or closed: the doors refuse, queued messages are held' }),
    statusReason: Nullable(Type.String()),
    identity: Type.Ref(AccountIdentity),
  },
  { $id: 'AccountSettings', description: 'What the aggregator provisions for an account' },
);
export const AccountSettingsChange = Type.Partial(Type.Object({ ...settingsProperties, ...identityProperties }, { additionalProperties: false }), {
  $id: 'AccountSettingsChange',
  additionalProperties: false,
  description: 'The settings to change; a list given replaces the list',
});

const NewAccount = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'The account’s name (its SMTP user name, the Relais-Account header)' }),
    brand: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Its own brand; default its name' })),
    administrator: Type.Optional(
      Type.Object(
        {
          email: Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' }),
          name: Type.String({ minLength: 1, maxLength: 200 }),
          language: Type.Optional(Type.Union([Type.Literal('fr'), Type.Literal('en')])),
        },
        { additionalProperties: false, description: 'Its administrator, invited at once (every right; manages the users)' },
      ),
    ),
    ...Object.fromEntries(Object.entries({ ...settingsProperties, ...identityProperties }).map(([k, v]) => [k, Type.Optional(v)])),
  },
  { additionalProperties: false },
);

/**
 * The aggregator's routes (authenticated with an aggregator key, `relais aggregator-key create`): the accounts'
 * provisioning. An account's own key gets 403.
 */
export async function aggregatorRoutes(app: Api, deps: HttpDeps): Promise<void> {
  app.addSchema(AccountIdentity);
  app.addSchema(AccountSettings);
  if (!app.getSchema('Credit')) app.addSchema(Credit);
  app.addSchema(AccountSettingsChange);
  app.addHook('onRequest', async (request) => {
    const key = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    // The aggregator console: staff signed in to the portal (aggregator-console.ts)
    const principal = key ? undefined : await staffSignedIn(request, deps);
    if (principal) {
      if (principal.role !== 'operator-admin' && request.method !== 'GET') throw new Forbidden('operator-support reads and changes nothing');
      return;
    }
    if (!key) throw new Unauthorized('send an aggregator key as "Authorization: Bearer <key>"');
    const caller = await deps.findCallerByApiKey(key);
    if (!caller || caller.principal.kind !== 'staff') throw new Unauthorized('this is not an aggregator key (relais aggregator-key create makes one)');
    if (caller.principal.role !== 'operator-admin' && request.method !== 'GET') throw new Forbidden('operator-support reads and changes nothing');
  });
  const tags = ['aggregator'];
  const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) });

  app.get(
    '/accounts',
    { schema: { summary: 'Every account with what was provisioned for it', tags, response: { 200: Type.Object({ accounts: Type.Array(Type.Ref(AccountSettings)) }), 401: problem } } },
    async () => ({ accounts: (await deps.accounts.listAccounts()).map(presentSettings) }),
  );

  app.get(
    '/accounts/:name',
    { schema: { summary: 'What was provisioned for an account', tags, params: NameParams, response: { 200: Type.Ref(AccountSettings), 401: problem, 404: problem } } },
    async (request) => presentSettings(await found(deps, request.params.name)),
  );

  app.patch(
    '/accounts/:name',
    {
      schema: {
        summary: 'Provision an account: short codes, approved senders, options, rule set, STOP wording and short code, marketing per day',
        description: 'Takes effect on every Relais process within a second. Every problem is listed, each with its field; nothing is changed then.',
        tags,
        params: NameParams,
        body: Type.Ref(AccountSettingsChange),
        response: { 200: Type.Ref(AccountSettings), 401: problem, 404: problem, 422: problem },
      },
    },
    async (request) => {
      const account = await found(deps, request.params.name);
      const change = request.body as SettingsChange & IdentityChange;
      const identity = cleanIdentity(change);
      const problems = [...settingsProblems(change, account, deps.submit.shortCodes()), ...identityProblems({ ...account.identity, ...identity })];
      if (problems.length > 0) throw new InvalidRequest(problems);
      return presentSettings((await deps.accounts.updateAccount(account.name, { ...change, ...identity }))!);
    },
  );

  app.post(
    '/accounts',
    {
      schema: {
        summary: 'Create an account, with the company behind it (legal name, SIREN/SIRET, VAT number, address, contact)',
        description: 'SIREN and SIRET are checked (Luhn), a French VAT number’s key too. Every problem is listed, each with its field; nothing is created then.',
        tags,
        body: NewAccount,
        response: { 201: Type.Ref(AccountSettings), 401: problem, 403: problem, 409: problem, 422: problem },
      },
    },
    async (request, reply) => {
      const { name, administrator, ...rest } = request.body as Static<typeof NewAccount>;
      const identity = cleanIdentity(rest as IdentityChange);
      const change = rest as SettingsChange;
      const problems = [
        ...settingsProblems(change, { shortCodes: [], defaultShortCode: null, settings: { ruleSet: null, stopWording: null, stopShortCode: null, marketingPerDay: null, options: [], alphanumericSenders: [] } }, deps.submit.shortCodes()),
        ...identityProblems(identity),
      ];
      if (problems.length > 0) throw new InvalidRequest(problems);
      if (await deps.accounts.findByName(name)) throw new InvalidState(`an account named "${name}" already exists`);
      const account = await deps.accounts.createAccount({ name, ...(rest as AccountChanges), ...identity }, deps.clock.now());
      if (administrator) {
        const user = await deps.people.createUser({ ...administrator, accountId: account.id, administrator: true }, deps.clock.now()).catch((error: unknown) => {
          throw error instanceof EmailTaken ? new InvalidState(`${error.message}: the account was created without an administrator; invite one with POST /v1/users`) : error;
        });
        await deps.people.onUserCreated?.(user);
      }
      reply.status(201);
      return presentSettings(account);
    },
  );

  const Reason = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why: shown to the account’s callers when its doors refuse' }) }, { additionalProperties: false });
  const statusChanges = [
    ['suspend', 'suspended', 'Suspend an account: its doors refuse (HTTP writes 403, SMPP binds and submits, e-mails) with the reason, its queued messages are held, not lost'],
    ['reactivate', 'active', 'Reactivate a suspended account: its doors open again and its held messages are queued again'],
  ] as const;
  for (const [action, status, summary] of statusChanges) {
    app.post(
      `/accounts/:name/${action}`,
      { schema: { summary, tags, params: NameParams, body: action === 'suspend' ? Reason : Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) })), response: { 200: Type.Ref(AccountSettings), 401: problem, 403: problem, 404: problem, 409: problem } } },
      async (request) => {
        const account = await found(deps, request.params.name);
        if (account.status === 'closed') throw new InvalidState(`the account "${account.name}" is closed: it cannot be ${status}`);
        const reason = (request.body as { reason?: string } | undefined)?.reason ?? null;
        return presentSettings((await deps.accounts.setStatus(account.name, status, reason, deps.clock.now()))!);
      },
    );
  }

  app.delete(
    '/accounts/:name',
    {
      schema: {
        summary: 'Close an account (the client’s contract ended): its doors refuse for good, its queued messages are never sent',
        description:
          'Nothing is erased: its messages, consent ledger and audit trail are proof between the parties and stay for their retention period ' +
          '(docs/accounts.md, "Who is who"); the retention job removes them then. A closed account is never reopened.',
        tags,
        params: NameParams,
        body: Reason,
        response: { 200: Type.Ref(AccountSettings), 401: problem, 403: problem, 404: problem },
      },
    },
    async (request) => {
      const account = await found(deps, request.params.name);
      return presentSettings((await deps.accounts.setStatus(account.name, 'closed', request.body.reason, deps.clock.now()))!);
    },
  );

  const PlanBody = Type.Object(
    {
      plan: Type.Object(
        {
          grids: Type.Array(Type.Union([Type.String(), Type.Object({}, { additionalProperties: true })]), { minItems: 1, description: 'Built-in grids by id or id@version, or whole grids (docs/pricing.md)' }),
          billed: Type.Union([Type.Literal('delivered'), Type.Literal('submitted')]),
          noReceipt: Type.Union([Type.Literal('bill'), Type.Literal('free')]),
          options: Type.Optional(Type.Object({ flash: Type.Optional(Type.Boolean()), alphanumericSender: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
          events: Type.Optional(Type.Array(Type.Object({ month: Type.String(), event: Type.String(), count: Type.Integer() }, { additionalProperties: false }))),
          vat: Type.Optional(
            Type.Union(['auto', 'metropolitan', 'guadeloupe', 'martinique', 'reunion', 'guyane', 'mayotte', 'reverse-charge'].map((v) => Type.Literal(v)), {
              description: "The VAT of the account's invoices: auto (default: from its identity), a territory, or reverse-charge (docs/billing.md, VAT)",
            }),
          ),
        },
        { additionalProperties: false },
      ),
      payment: Type.Union([Type.Literal('prepaid'), Type.Literal('postpaid')]),
    },
    { additionalProperties: false },
  );
  const billing = () => deps.billing ?? Promise.reject(new InvalidState('billing is not wired in this process'));

  app.get(
    '/accounts/:name/plan',
    { schema: { summary: "An account's price plan and how it pays (docs/billing.md)", tags, params: NameParams, response: { 200: PlanBody, 401: problem, 404: problem } } },
    async (request) => {
      const { plan, payment } = await (await billing()).planOf((await found(deps, request.params.name)).id);
      return { plan: plan as Static<typeof PlanBody>['plan'], payment };
    },
  );

  app.put(
    '/accounts/:name/plan',
    {
      schema: {
        summary: "Set an account's price plan: tariff grids, delivered or submitted parts billed, the no-receipt policy, options, one-off fees, prepaid or postpaid",
        description: 'Every problem is listed, each with its field; nothing is changed then. A prepaid account reserves, per part, the dearest SMS price of its plan.',
        tags,
        params: NameParams,
        body: PlanBody,
        response: { 200: PlanBody, 401: problem, 404: problem, 422: problem },
      },
    },
    async (request) => {
      const account = await found(deps, request.params.name);
      const problems = planProblems(request.body.plan);
      if (problems.length > 0) throw new InvalidRequest(problems.map(({ path, message }) => ({ field: `/plan/${path.replace(/\[(\d+)\]/g, '/$1').replace(/\./g, '/')}`.replace(/\/$/, ''), reason: message })));
      await (await billing()).setPlan(account.id, request.body.plan as PricePlan, request.body.payment, 'aggregator', deps.clock.now());
      return request.body;
    },
  );

  app.get(
    '/accounts/:name/credit',
    { schema: { summary: "An account's prepaid credit and its latest movements", tags, params: NameParams, response: { 200: Type.Ref(Credit), 401: problem, 404: problem } } },
    async (request) => presentCredit(await (await billing()).credit((await found(deps, request.params.name)).id)),
  );

  app.post(
    '/accounts/:name/credit',
    {
      schema: {
        summary: "Top up an account's prepaid credit, recorded with who and why",
        tags,
        params: NameParams,
        body: Type.Object(
          {
            amount: Type.Integer({ minimum: 1, description: 'Micro-euros (1 € = 1,000,000), excluding VAT' }),
            by: Type.String({ minLength: 1, maxLength: 200, description: 'Who tops up (a person of the aggregator)' }),
            reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why: payment received, commercial gesture…' }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref(Credit), 401: problem, 404: problem },
      },
    },
    async (request) => {
      const account = await found(deps, request.params.name);
      const store = await billing();
      await store.topUp(account.id, request.body.amount, request.body.by, request.body.reason, deps.clock.now());
      return presentCredit(await store.credit(account.id));
    },
  );

  app.post(
    '/billing/close',
    {
      schema: {
        summary: 'Close a month: one invoice per postpaid account with something due, numbered without gaps',
        description: 'Idempotent: closing again issues only what is missing, with the next numbers; an issued invoice never changes. 409 when the month is not over.',
        tags,
        body: Type.Object({ month: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ issued: Type.Integer(), alreadyIssued: Type.Integer(), nothingDue: Type.Integer() }), 401: problem, 409: problem },
      },
    },
    async (request) => {
      return (await billing()).close(request.body.month, deps.clock.now());
    },
  );

  app.post(
    '/simulator/mo',
    {
      schema: {
        summary: 'Have the built-in SMSC simulator send an MO, as a handset would (STOP, START, CONTACT…)',
        description: 'Answers once Relais acknowledged the MO to the simulator: a STOP has then taken effect. 409 when the built-in simulator does not run.',
        tags,
        body: Type.Object(
          {
            from: Type.String({ pattern: '^\\+?\\d{8,15}$', description: 'The handset, e.g. 33612345678 or +33612345678' }),
            to: ShortCodeNumber,
            text: Type.String({ minLength: 1, maxLength: 160 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ acknowledged: Type.Boolean() }), 401: problem, 409: problem, 422: problem },
      },
    },
    async (request) => {
      if (!deps.simulator) throw new InvalidState('the built-in SMSC simulator is not running (it runs when no route is configured, or with simulator.enabled)');
      const { from, to, text } = request.body;
      await deps.simulator.sendMo({ from: from.replace(/^\+/, ''), to, text });
      return { acknowledged: true };
    },
  );

  await aggregatorAuditRoutes(app, deps);
  await consoleRoutes(app, deps);
  await aggregatorIncidentRoutes(app, deps);
  await aggregatorInvoiceRoutes(app, deps);
  await aggregatorBillingRoutes(app, deps);
  await aggregatorRetentionRoutes(app, deps);
  await reportRoutes(app, deps);
  await numberingRoutes(app, deps);
}

async function found(deps: HttpDeps, name: string): Promise<Account> {
  return (await deps.accounts.findByName(name)) ?? Promise.reject(new NotFound(`account "${name}"`));
}

export function presentSettings(account: Account): Static<typeof AccountSettings> {
  const { name, brand, brands, shortCodes, defaultShortCode, settings, status, statusReason, identity } = account;
  return { name, brand, shortCodes, defaultShortCode, ...settings, options: [...settings.options], alphanumericSenders: [...settings.alphanumericSenders], brands, status, statusReason, identity };
}

type IdentityChange = Partial<Static<typeof AccountIdentity>>;

/** The identity fields given, company numbers without the spaces and dots people write in them. */
function cleanIdentity(input: IdentityChange): IdentityChange {
  const out: IdentityChange = {};
  for (const key of Object.keys(identityProperties) as (keyof IdentityChange)[]) {
    const value = input[key];
    if (value === undefined) continue;
    out[key] = value !== null && (key === 'siren' || key === 'siret' || key === 'vatNumber') ? compact(value) : value;
  }
  return out;
}
