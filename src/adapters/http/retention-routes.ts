/**
 * Retention and the rights of a person over HTTP (docs/retention.md):
 * - account routes: `POST /v1/gdpr/export` and `POST /v1/gdpr/erase` (right "consents", every brand: a person's
 *   data is the account's, whatever the brand), `GET` and `PUT /v1/retention` (right "settings": the account's
 *   periods, which it may only shorten);
 * - aggregator routes: the same across every account, the runs of the retention job (and a dry run), an
 *   account's ceiling.
 * The number travels in the body, never in the path or the query, so that the audit trail (which records the route,
 * its parameters and the result) does not keep the number it erased.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { InvalidRequest, NotFound } from '../../app/errors.ts';
import { erasePerson, personNumber, runRetention, type PersonalDataStore, type RetentionDeps, type RetentionStore } from '../../app/retention.ts';
import { ceilingOf, ceilingProblems, choiceProblems, effectivePeriods, retentionRules, type RetentionPeriods } from '../../core/retention/index.ts';
import { BOM, csvField } from '../csv/csv-write.ts';
import type { Erasure, PersonalData, RetentionChoices } from '../../app/ports/retention.ts';
import type { Api, HttpDeps } from './server.ts';

/** What the routes need: the job's store, the rights' store. */
export interface RetentionHttpDeps {
  store: RetentionStore & RetentionChoices;
  gdpr: PersonalDataStore<PersonalData, Erasure>;
}

const problem = { $ref: 'Problem#' };
const Days = (description: string) => Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description }));
const Periods = Type.Object(
  {
    exchangeDays: Days('Days an individual exchange (text and number of an SMS, an MO) is kept after its campaign ends or its final state (default 30)'),
    prospectDays: Days('Days after the last contact when a contact leaves the base (default 365)'),
    unansweredSolicitations: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Successive campaign messages without an answer after which a contact leaves the base (default 2)' })),
  },
  { additionalProperties: false },
);
const FullPeriods = Type.Required(Periods);
const RetentionSettings = Type.Object({
  effective: FullPeriods,
  ceiling: FullPeriods,
  chosen: Type.Union([Periods, Type.Null()]),
});
const PersonRequest = Type.Object(
  {
    msisdn: Type.String({ minLength: 1, maxLength: 32, description: 'The person’s number, as typed (06…, +33…)' }),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: 'json (default) or csv' })),
  },
  { additionalProperties: false },
);
const EraseRequest = Type.Object({ msisdn: PersonRequest.properties.msisdn }, { additionalProperties: false });
const Row = Type.Record(Type.String(), Type.Unknown());
const PersonalDataSchema = Type.Object({
  msisdn: Type.String(),
  contacts: Type.Array(Row),
  messages: Type.Array(Row),
  inbound: Type.Array(Row),
  consents: Type.Array(Row),
  removals: Type.Array(Row),
  usage: Type.Array(Row),
  qualifications: Type.Array(Row),
  qualificationLookups: Type.Array(Row),
  geolocationConsents: Type.Array(Row, { description: 'Acceptances and withdrawals of geolocated marketing (Géo Présence)' }),
  localisationHits: Type.Array(Row, { description: 'Localisations asked of the location provider (billed hits)' }),
});
const ErasureSchema = Type.Object({
  accountId: Type.String(),
  contacts: Type.Integer(),
  messages: Type.Integer({ description: 'Messages kept under the number’s pseudonym (their states and parts), texts erased' }),
  cancelled: Type.Integer({ description: 'Messages still queued, cancelled' }),
  inFlight: Type.Integer({ description: 'Messages being sent: they keep the number until they end; erase again then' }),
  inbound: Type.Integer(),
  consents: Type.Integer({ description: 'Consent events deleted' }),
  oppositionsKept: Type.Integer({ description: 'Oppositions kept under the pseudonym, so that marketing stays refused' }),
  qualifications: Type.Integer({ description: 'Qualification results deleted (the billed lookups stay, under the pseudonym)' }),
});
const ErasureAnswer = Type.Object({ accounts: Type.Array(ErasureSchema), unattributedInbound: Type.Integer() });
const Counts = Type.Object(Object.fromEntries(retentionRules.map((r) => [r, Type.Integer()])));
const RunAnswer = Type.Object({ runId: Type.String(), dryRun: Type.Boolean(), counts: Counts, startedAt: Type.String({ format: 'date-time' }), finishedAt: Type.String({ format: 'date-time' }) });

const exportDescription =
  'Everything Relais holds about the number: contacts, messages, MOs, consent events (an opposition kept after an erasure is marked `pseudonymised`), ' +
  'contact removals and usage lines. The number goes in the body so that it stays out of logs and of the audit trail; the export is audited.';
const eraseDescription =
  'Erases the number: its contacts leave the bases; its messages and MOs keep their states and counts under a keyed pseudonym of the number, their texts ' +
  'erased (messages still queued are cancelled; those being sent keep the number until they end); its consent events are deleted, except an opposition ' +
  'that still stands, kept under the pseudonym so that marketing to the number stays refused. Usage lines and invoices are untouched. Audited.';

/** The account's routes of a person's rights (area "consents"). */
export async function gdprRoutes(app: Api, deps: HttpDeps): Promise<void> {
  const retention = deps.retention;
  if (!retention) return;
  const tags = ['gdpr'];
  app.post(
    '/gdpr/export',
    { config: { action: 'gdpr.export' }, schema: { summary: 'Export what the account holds about one number (JSON or CSV)', description: exportDescription, tags, body: PersonRequest, response: { 200: PersonalDataSchema, 401: problem, 403: problem, 422: problem } } },
    async (request, reply) => answerExport(reply, await retention.gdpr.export(personNumber(request.body.msisdn), request.account.id), request.body.format),
  );
  app.post(
    '/gdpr/erase',
    { config: { action: 'gdpr.erase' }, schema: { summary: 'Erase one number from the account, its opposition kept', description: eraseDescription, tags, body: EraseRequest, response: { 200: ErasureAnswer, 401: problem, 403: problem, 422: problem } } },
    async (request) => erasePerson(retention.gdpr, deps.clock, personNumber(request.body.msisdn), request.account.id),
  );
}

/** The account's periods (area "settings"). */
export async function retentionSettingsRoutes(app: Api, deps: HttpDeps): Promise<void> {
  const retention = deps.retention;
  if (!retention) return;
  const tags = ['retention'];
  app.get(
    '/retention',
    { schema: { summary: 'The account’s retention periods: in force, the ceiling, its own choice', tags, response: { 200: RetentionSettings, 401: problem, 403: problem } } },
    async (request) => presentSettings(await retention.store.settings(request.account.id)),
  );
  app.put(
    '/retention',
    {
      schema: {
        summary: 'Shorten the account’s retention periods (an empty object goes back to the ceiling)',
        description: 'An account may only shorten its periods; the aggregator sets longer ones (the ceiling).',
        tags,
        body: Periods,
        response: { 200: RetentionSettings, 401: problem, 403: problem, 422: problem },
      },
    },
    async (request) => {
      const settings = await retention.store.settings(request.account.id);
      const problems = choiceProblems(request.body, settings);
      if (problems.length > 0) throw new InvalidRequest(problems);
      const chosen = Object.keys(request.body).length > 0 ? request.body : null;
      await retention.store.saveSettings(request.account.id, { chosen }, request.principal.kind === 'staff' ? request.principal.role : request.principal.id, deps.clock.now());
      return presentSettings(await retention.store.settings(request.account.id));
    },
  );
}

/** The aggregator's routes (registered among the aggregator's routes, behind their key check). */
export async function aggregatorRetentionRoutes(app: Api, deps: HttpDeps): Promise<void> {
  if (!deps.retention) return;
  const retention = deps.retention;
  const job: RetentionDeps = { store: retention.store, clock: deps.clock };
  const tags = ['aggregator'];
  app.post(
    '/retention/runs',
    {
      config: { action: 'retention.run' },
      schema: {
        summary: 'Run the retention rules now (or, with dryRun, say what they would remove)',
        tags,
        body: Type.Object({ dryRun: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: RunAnswer, 401: problem, 409: problem },
      },
    },
    async (request) => runRetention(job, { dryRun: request.body.dryRun ?? false, requestedBy: 'aggregator API' }),
  );
  app.get(
    '/retention/runs',
    {
      schema: {
        summary: 'The last runs of the retention job, newest first, with the count of each rule',
        tags,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) }),
        response: { 200: Type.Object({ runs: Type.Array(Type.Object({ id: Type.String(), dryRun: Type.Boolean(), requestedBy: Type.String(), startedAt: Type.String({ format: 'date-time' }), finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]), counts: Type.Record(Type.String(), Type.Integer()), error: Type.Union([Type.String(), Type.Null()]) })) }), 401: problem },
      },
    },
    async (request) => ({ runs: await retention.store.runs(request.query.limit ?? 50) }),
  );
  app.put(
    '/accounts/:name/retention',
    {
      config: { action: 'accounts.retention' },
      schema: {
        summary: 'Set an account’s retention ceiling (the longest periods it may keep; an empty object: the defaults)',
        tags,
        params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }),
        body: Periods,
        response: { 200: RetentionSettings, 401: problem, 404: problem, 422: problem },
      },
    },
    async (request) => {
      const account = await deps.accounts.findByName(request.params.name);
      if (!account) throw new NotFound(`account "${request.params.name}"`);
      const problems = ceilingProblems(request.body);
      if (problems.length > 0) throw new InvalidRequest(problems);
      await retention.store.saveSettings(account.id, { ceiling: Object.keys(request.body).length > 0 ? request.body : null }, 'aggregator', deps.clock.now());
      return presentSettings(await retention.store.settings(account.id));
    },
  );
  app.post(
    '/gdpr/export',
    { config: { action: 'gdpr.export' }, schema: { summary: 'Export what every account holds about one number (JSON or CSV)', description: exportDescription, tags, body: PersonRequest, response: { 200: PersonalDataSchema, 401: problem, 422: problem } } },
    async (request, reply) => answerExport(reply, await retention.gdpr.export(personNumber(request.body.msisdn), null), request.body.format),
  );
  app.post(
    '/gdpr/erase',
    { config: { action: 'gdpr.erase' }, schema: { summary: 'Erase one number from every account, its oppositions kept', description: eraseDescription, tags, body: EraseRequest, response: { 200: ErasureAnswer, 401: problem, 422: problem } } },
    async (request) => erasePerson(retention.gdpr, deps.clock, personNumber(request.body.msisdn), null),
  );
}

function presentSettings(settings: Awaited<ReturnType<RetentionChoices['settings']>>): Static<typeof RetentionSettings> {
  return { effective: effectivePeriods(settings), ceiling: ceilingOf(settings), chosen: (settings?.chosen as Partial<RetentionPeriods> | null) ?? null };
}

function answerExport(reply: FastifyReply, data: PersonalData, format: 'json' | 'csv' | undefined): unknown {
  if (format !== 'csv') return data;
  return reply
    .header('content-disposition', 'attachment; filename="personal-data.csv"')
    .header('cache-control', 'no-store')
    .type('text/csv; charset=utf-8; header=present')
    .send(personalDataCsv(data));
}

/**
 * The export as one CSV file: one line per record, `record` naming what it is (contact, message, inbound, consent,
 * removal, usage, qualification, qualification-lookup, geolocation-consent, localisation), then its account, id and date,
 * and every field of the record as JSON.
 */
export function personalDataCsv(data: PersonalData): string {
  const lines = [`${BOM}${['record', 'account_id', 'id', 'at', 'fields'].map((c) => csvField(c)).join(',')}`];
  const kinds: [string, Record<string, unknown>[], string, string][] = [
    ['contact', data.contacts, 'mobile', 'created_at'],
    ['message', data.messages, 'id', 'created_at'],
    ['inbound', data.inbound, 'id', 'received_at'],
    ['consent', data.consents, 'id', 'occurred_at'],
    ['removal', data.removals, 'base_id', 'at'],
    ['usage', data.usage, 'message_id', 'settled_at'],
    ['qualification', data.qualifications, 'operator', 'checked_at'],
    ['qualification-lookup', data.qualificationLookups, 'id', 'looked_up_at'],
    ['geolocation-consent', data.geolocationConsents, 'id', 'occurred_at'],
    ['localisation', data.localisationHits, 'id', 'asked_at'],
  ];
  for (const [kind, rows, id, at] of kinds) {
    for (const row of rows) {
      const when = row[at];
      lines.push(
        [kind, stringOf(row.account_id), stringOf(row[id]), when instanceof Date ? when.toISOString() : stringOf(when), JSON.stringify(row)].map((v) => csvField(v)).join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

function stringOf(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

export type { Erasure };
