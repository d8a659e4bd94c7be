/**
 * Géo Présence over HTTP (docs/operators.md, "Géo Présence"): locate one number (a billable hit, audited), record
 * and read a recipient's acceptance of geolocated marketing, read the month's localisation hits priced. The area's
 * right is "contacts"; acceptances need "consents", the month's hits "billing".
 */
import { Type, type Static } from '@sinclair/typebox';
import { InvalidState } from '../../app/errors.ts';
import { localisationMonth, locateNumber, recordGeolocationConsent, type GeolocationConsent, type GeoPresenceDeps, type Location } from '../../app/geo-presence.ts';
import { requiredMobile } from '../../app/check-all.ts';
import { brandToActAs } from './access.ts';
import { campaignSchemas, money, PointSchema } from './campaign-schemas.ts';
import type { Api, HttpDeps } from './server.ts';

const problem = { $ref: 'Problem#' };
const tags = ['geo-presence'];
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Brand = Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The brand whose geolocated marketing the number accepted; default the account’s brand' }));
const MsisdnParams = Type.Object({ msisdn: Type.String({ minLength: 1, maxLength: 32, description: 'URL-encoded: 0612345678, %2B33612345678' }) });

const LocateRequest = Type.Object(
  {
    msisdn: Type.String({ minLength: 1, maxLength: 32, description: 'The number as typed (06 12 34 56 78, +33 6…)' }),
    brand: Brand,
  },
  { additionalProperties: false, $id: 'LocateRequest' },
);

const LocationSchema = Type.Object(
  {
    msisdn: Type.String({ description: 'E.164' }),
    state: Type.Union([Type.Literal('located'), Type.Literal('refused'), Type.Literal('off'), Type.Literal('unknown')], {
      description: 'located; refused (the subscriber refuses to be located); off (phone off or out of coverage); unknown (the network does not know the number)',
    }),
    position: Nullable(Type.Ref(PointSchema)),
    accuracyMetres: Nullable(Type.Integer({ description: 'Radius of uncertainty around the position (the serving cell’s)' })),
    at: Type.String({ format: 'date-time', description: 'When the provider answered' }),
    billed: Type.Boolean({ description: 'Always true: every localisation asked is a billable hit, whatever its answer' }),
  },
  { $id: 'Location' },
);

const NewGeolocationConsent = Type.Object(
  {
    msisdn: Type.String({ minLength: 1, maxLength: 32, description: 'The recipient’s mobile number as typed (06 12 34 56 78, +33 6…); stored in E.164' }),
    brand: Brand,
    accepted: Type.Boolean({ description: 'true: accepts geolocated marketing from the brand; false: withdraws it' }),
    channel: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'How it was collected: web form, shop, SMS…' })),
    wording: Type.Optional(Type.String({ minLength: 1, maxLength: 5000, description: 'The wording the person agreed to, or its version' })),
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Whatever proves it on your side' })),
    occurredAt: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 instant with a time zone when it happened; default now' })),
  },
  { additionalProperties: false, $id: 'NewGeolocationConsent' },
);
type NewGeolocationConsent = Static<typeof NewGeolocationConsent>;

const GeolocationConsentSchema = Type.Object(
  {
    msisdn: Type.String({ description: 'E.164' }),
    brand: Type.String(),
    accepted: Type.Boolean({ description: 'Geolocated marketing may target the number now: its latest event accepts, and no opt-out (STOP) of the brand came after it' }),
    latest: Nullable(
      Type.Object({
        accepted: Type.Boolean(),
        channel: Nullable(Type.String()),
        wording: Nullable(Type.String()),
        reference: Nullable(Type.String()),
        occurredAt: Type.String({ format: 'date-time' }),
        recordedAt: Type.String({ format: 'date-time' }),
      }),
    ),
  },
  { $id: 'GeolocationConsent' },
);

const LocalisationUsage = Type.Object(
  {
    month: Type.String(),
    hits: Type.Integer({ description: 'Numbers asked of the location provider in the month (Europe/Paris), whatever the answer' }),
    located: Type.Integer({ description: 'Of those, the ones that returned a position' }),
    cost: Type.Object(
      {
        lines: Type.Array(
          Type.Object({
            grid: Type.String(),
            rule: Type.String(),
            label: Type.String(),
            quantity: Type.Integer(),
            unitPrice: Type.Integer({ description: 'Micro-euros before discount' }),
            discountBasisPoints: Type.Integer(),
            amount: Type.Integer({ description: 'Micro-euros, excluding VAT' }),
          }),
        ),
        total: Type.Ref('Money'),
      },
      { description: 'The month at the Orange M2M localisation grid: its monthly fee and the hits at the discount band reached (excluding VAT)' },
    ),
  },
  { $id: 'LocalisationUsage' },
);

const presentLocation = (l: Location) => ({ msisdn: l.msisdn, state: l.state, position: l.position, accuracyMetres: l.accuracyMetres, at: l.at.toISOString(), billed: true });

function presentConsent(msisdn: string, brand: string, c: GeolocationConsent) {
  const latest = c.latest && {
    accepted: c.latest.accepted,
    channel: c.latest.channel,
    wording: c.latest.wording,
    reference: c.latest.reference,
    occurredAt: c.latest.occurredAt.toISOString(),
    recordedAt: c.latest.recordedAt.toISOString(),
  };
  return { msisdn, brand, accepted: c.accepted, latest };
}

export async function geoPresenceRoutes(app: Api, deps: HttpDeps): Promise<void> {
  for (const schema of campaignSchemas) app.addSchema(schema);
  app.addSchema(LocateRequest);
  app.addSchema(LocationSchema);
  app.addSchema(NewGeolocationConsent);
  app.addSchema(GeolocationConsentSchema);
  app.addSchema(LocalisationUsage);
  const geo = (): GeoPresenceDeps => deps.geoPresence ?? (() => { throw new InvalidState('the location provider is not wired in this process'); })();

  app.get(
    '/locations/usage',
    {
      config: { right: 'billing' },
      schema: {
        summary: 'The month’s localisation hits of the account, priced with the Orange M2M localisation grid',
        tags: ['billing'],
        querystring: Type.Object({ month: Type.Optional(Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, Europe/Paris (default: the current month)' })) }, { additionalProperties: false }),
        response: { 200: Type.Ref(LocalisationUsage), 409: problem },
      },
    },
    async (request) => {
      const usage = await localisationMonth(geo(), request.account.id, request.query.month);
      return { ...usage, cost: { lines: usage.cost.lines.map(({ grid, rule, label, quantity, unitPrice, discountBasisPoints, amount }) => ({ grid, rule, label, quantity, unitPrice, discountBasisPoints, amount })), total: money(usage.cost.total) } };
    },
  );

  app.post(
    '/locations',
    {
      config: { action: 'locations.locate' },
      schema: {
        summary: 'Where a number is now (its serving cell’s position and accuracy), or why it cannot be told; a billable hit',
        description:
          'Only a number that accepted geolocated marketing for the brand is located (422 otherwise, nothing asked nor billed). Every number asked ' +
          'of the location provider is a localisation hit billed to the account, even when the location is refused or the phone is off: hence a POST ' +
          '(a change: refused to read-only staff and to a suspended account), the number in the body (out of logs). Audited.',
        tags,
        body: Type.Ref(LocateRequest),
        response: { 200: Type.Ref(LocationSchema), 403: problem, 409: problem, 422: problem },
      },
    },
    async (request) => {
      const input = request.body as Static<typeof LocateRequest>;
      const brand = brandToActAs(request, input.brand);
      return presentLocation(await locateNumber(geo(), request.account.id, brand, input.msisdn));
    },
  );

  app.post(
    '/geolocation-consents',
    {
      config: { right: 'consents' },
      schema: {
        summary: 'Record that a recipient accepted (or withdrew) geolocated marketing from a brand, with its evidence',
        tags: ['consents'],
        description:
          'Geolocated marketing (a campaign with a perimeter, locating a number) only targets numbers that accepted it for the brand and whose ' +
          'consent to the brand’s marketing stands: an opt-out (STOP) after the acceptance ends it. Events are kept, never changed.',
        body: Type.Ref(NewGeolocationConsent),
        response: { 201: Type.Ref(GeolocationConsentSchema), 403: problem, 422: problem, 409: problem },
      },
    },
    async (request, reply) => {
      const input = request.body as NewGeolocationConsent;
      const brand = brandToActAs(request, input.brand);
      const state = await recordGeolocationConsent(geo(), request.account.id, brand, input);
      reply.status(201);
      return presentConsent(state.latest!.recipient, brand, state);
    },
  );

  app.get(
    '/geolocation-consents/:msisdn',
    {
      config: { right: 'consents' },
      schema: {
        summary: 'Whether a number accepts geolocated marketing from a brand now, and its latest event',
        tags: ['consents'],
        params: MsisdnParams,
        querystring: Type.Object({ brand: Brand }, { additionalProperties: false }),
        response: { 200: Type.Ref(GeolocationConsentSchema), 403: problem, 409: problem, 422: problem },
      },
    },
    async (request) => {
      const brand = brandToActAs(request, request.query.brand);
      const msisdn = requiredMobile(request.params.msisdn, '/msisdn');
      return presentConsent(msisdn, brand, await geo().store.consentOf(request.account.id, brand, msisdn));
    },
  );
}
