import { isIP } from 'node:net';
import { Type } from '@sinclair/typebox';
import { checkAll, mobileOf, requiredMobile } from '../../app/check-all.ts';
import type { FieldProblem } from '../../app/errors.ts';
import type { NewConsentEvent, RecordedConsent } from '../../app/ports.ts';
import { ALL_BRANDS, consentByBrand, overruledReason, type ConsentEvent } from '../../core/consent/index.ts';
import type { Account } from '../../app/ports/accounts.ts';
import { consentCsv } from './consent-export.ts';
import { ConsentExport, consentSchemas, ExportQuery, MsisdnParams, NewConsent, NewConsentBatch, RecipientConsents } from './consent-schemas.ts';
import type { Api, HttpDeps } from './server.ts';
import type { FastifyRequest } from 'fastify';
import { visibleBrands } from './access.ts';
import { brandToActAs } from './access.ts';

/** The events of the brands the principal reaches; an opt-out from every brand ("*") concerns each of them. */
function ofReachedBrands(request: FastifyRequest, history: ConsentEvent[]): ConsentEvent[] {
  const brands = visibleBrands(request);
  return brands === null ? history : history.filter((e) => e.brand === ALL_BRANDS || brands.includes(e.brand));
}

const problem = { $ref: 'Problem#' };
/** How far in the future `occurredAt` may be: clocks differ a little, consent given tomorrow is not consent. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** ISO 8601 date and time with a time zone (an instant, not a wall-clock time in some unknown zone). */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** The consent ledger over HTTP: record events, read a recipient's history and state, export it as proof. */
export async function consentRoutes(app: Api, deps: HttpDeps): Promise<void> {
  for (const schema of consentSchemas) app.addSchema(schema);

  app.post(
    '/consents',
    {
      schema: {
        summary: 'Record a consent event (opt-in, soft opt-in, opt-out), or a batch of up to 10,000',
        description:
          'The ledger is append-only: an event is never changed nor deleted; to correct one, record a new event. ' +
          'A batch is all or nothing: when one event is invalid, none is recorded and every problem is listed. ' +
          'An opt-out takes effect at once; brand "*" withdraws consent from every brand of the account. ' +
          'After an opt-out, an opt-in re-opens consent only when it is dated (`occurredAt`) after the opt-out and says how it was ' +
          'given (`channel`); otherwise it is kept as evidence and its `notice` says why it does not count. The same evidence ' +
          'sent again is not recorded twice (`duplicate`: true, the earlier event).',
        tags: ['consents'],
        body: Type.Union([Type.Ref(NewConsent), Type.Ref(NewConsentBatch)]),
        response: { 201: Type.Union([Type.Ref('RecordedConsent'), Type.Ref('RecordedConsents')]), 400: problem, 401: problem, 422: problem },
      },
    },
    async (request, reply) => {
      const body = request.body as NewConsent | { events: NewConsent[] };
      const batch = 'events' in body;
      const inputs = batch ? body.events : [body];
      inputs.forEach((input, i) => brandToActAs(request, input.brand, batch ? `/events/${i}/brand` : '/brand'));
      const now = deps.clock.now();
      const events = await checkAll(inputs, (input) => toNewEvent(input, request.account, now), (index) => (batch ? `/events/${index}` : ''));
      const recorded = await deps.consents.record(events, now);
      const presented = recorded.map(presentRecorded);
      reply.status(201);
      return batch ? { count: recorded.filter((r) => !r.duplicate).length, events: presented } : presented[0]!;
    },
  );

  app.get(
    '/consents/:msisdn',
    {
      schema: {
        summary: 'A recipient’s consent: the current state for each brand, and every event oldest first',
        description: 'A recipient without any event gets an empty answer (no brand, no history), not 404: no consent is an answer.',
        tags: ['consents'],
        params: MsisdnParams,
        response: { 200: { $ref: 'RecipientConsents#' }, 400: problem, 422: problem },
      },
    },
    async (request) => {
      const msisdn = requiredMobile(request.params.msisdn, '/msisdn');
      const history = ofReachedBrands(request, await deps.consents.history(request.account.id, msisdn));
      return { msisdn, brands: presentStates(history), history: history.map(presentEvent) } satisfies typeof RecipientConsents.static;
    },
  );

  app.get(
    '/consents/:msisdn/export',
    {
      config: { audit: 'export' },
      schema: {
        summary: 'The proof of a recipient’s consent, as a file to hand to an operator (JSON or CSV)',
        description:
          'Every event with all its fields, as an attachment named `consent-<E.164 digits>-<date>.<format>`. ' +
          'The JSON form adds the account’s name, the export time and the current states. ' +
          'The CSV form (RFC 4180, UTF-8 with a byte order mark, header row, CRLF) prefixes with an apostrophe any field ' +
          'but the msisdn that starts with =, +, -, @, a tab or CR, so that a spreadsheet never runs it as a formula.',
        tags: ['consents'],
        params: MsisdnParams,
        querystring: ExportQuery,
        response: {
          200: {
            description: 'The export, as an attachment',
            content: { 'application/json': { schema: Type.Ref(ConsentExport) }, 'text/csv': { schema: Type.String() } },
          },
          400: problem,
          422: problem,
        },
      },
    },
    async (request, reply) => {
      const msisdn = requiredMobile(request.params.msisdn, '/msisdn');
      const history = ofReachedBrands(request, await deps.consents.history(request.account.id, msisdn));
      const exportedAt = deps.clock.now();
      const events = history.map(presentEvent);
      const format = request.query.format ?? 'json';
      const filename = `consent-${msisdn.slice(1)}-${exportedAt.toISOString().slice(0, 10)}.${format}`;
      reply.header('content-disposition', `attachment; filename="${filename}"`).header('cache-control', 'no-store');
      if (format === 'csv') return reply.type('text/csv; charset=utf-8; header=present').send(consentCsv(events));
      const document: typeof ConsentExport.static = { account: request.account.name, msisdn, exportedAt: exportedAt.toISOString(), brands: presentStates(history), events };
      return reply.type('application/json; charset=utf-8').send(document);
    },
  );
}

/** One event as a client sent it → an event for the ledger, or the problems (fields relative to the event). */
function toNewEvent(input: NewConsent, account: Pick<Account, 'id' | 'brand'>, now: Date): NewConsentEvent | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const recipient = mobileOf(input.msisdn, '/msisdn', problems);
  const brand = input.brand ?? account.brand;
  if (brand === ALL_BRANDS && input.kind !== 'opt-out') {
    problems.push({ field: '/brand', reason: `"*" (every brand of the account) is for an opt-out only; an ${input.kind} is given to one brand` });
  }
  if (input.ip !== undefined && isIP(input.ip) === 0) problems.push({ field: '/ip', reason: `"${input.ip}" is not an IPv4 or IPv6 address` });
  let occurredAt = now;
  if (input.occurredAt !== undefined) {
    const date = new Date(input.occurredAt);
    if (!INSTANT.test(input.occurredAt) || Number.isNaN(date.getTime())) {
      problems.push({ field: '/occurredAt', reason: `"${input.occurredAt}" is not an ISO 8601 date-time with a time zone, such as 2026-03-01T14:30:00+01:00` });
    } else if (date.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
      problems.push({ field: '/occurredAt', reason: `"${input.occurredAt}" is in the future (now is ${now.toISOString()}): record consent once it is given` });
    } else {
      occurredAt = date;
    }
  }
  if (problems.length > 0 || !recipient) return { problems };
  return {
    accountId: account.id,
    brand,
    recipient,
    kind: input.kind,
    source: 'api',
    channel: input.channel ?? null,
    wording: input.wording ?? null,
    reference: input.reference ?? null,
    ip: input.ip ?? null,
    occurredAt,
    dated: input.occurredAt !== undefined,
  };
}


function presentEvent(e: ConsentEvent) {
  return {
    id: e.id,
    msisdn: e.recipient,
    brand: e.brand,
    kind: e.kind,
    source: e.source,
    channel: e.channel,
    wording: e.wording,
    reference: e.reference,
    ip: e.ip,
    occurredAt: e.occurredAt.toISOString(),
    dated: e.dated,
    recordedAt: e.recordedAt.toISOString(),
    retracted: e.retracted && { at: e.retracted.at.toISOString(), reason: e.retracted.reason },
  };
}

function presentRecorded({ event, duplicate, overruledBy }: RecordedConsent) {
  return { ...presentEvent(event), duplicate, notice: overruledBy && overruledReason(overruledBy) };
}

/** Each brand the events name with its state, by brand name ("*" first). */
function presentStates(events: readonly ConsentEvent[]) {
  return [...consentByBrand(events)]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([brand, state]) => ({ brand, consent: state.consent, optedOut: state.optedOut, since: state.since?.toISOString() ?? null }));
}
