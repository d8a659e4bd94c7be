import { Type, type Static } from '@sinclair/typebox';
import { consentKinds, consentSources } from '../../core/consent/index.ts';

/** Request and response schemas of the consent ledger's API (/v1/consents); the OpenAPI document is generated from them. */

/** Events one POST /v1/consents may record. */
export const MAX_CONSENT_BATCH = 10_000;

const DateTime = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
/** A string among `values`, as one JSON Schema enum: one clear error instead of one per value. */
const StringEnum = <T extends string>(values: readonly T[], options: { description?: string; default?: T } = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });

const Kind = StringEnum(consentKinds, {
  description: 'opt-in (prior, explicit consent), soft-opt-in (an existing customer, for analogous products, opposition offered) or opt-out',
});
const Source = StringEnum(consentSources, { description: 'Where the event came from: api, portal, import, stop-mo / start-mo (an SMS answer), message' });
const ConsentStateKind = StringEnum(['opt-in', 'soft-opt-in', 'none'] as const, { description: 'none: no consent recorded, or withdrawn' });

export const NewConsent = Type.Object(
  {
    msisdn: Type.String({ minLength: 1, maxLength: 32, description: 'The recipient as typed by a person (06 12 34 56 78, +33 6…, 0033…); a mobile number, stored in E.164', examples: ['+33612345678'] }),
    brand: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'The brand consent is given to or withdrawn from, as messages name it; default the account’s brand (its name unless set). "*" is every brand of the account, for an opt-out only' }),
    ),
    kind: Kind,
    channel: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'How consent was collected or withdrawn: web form, shop, SMS, paper…' })),
    wording: Type.Optional(Type.String({ minLength: 1, maxLength: 5000, description: 'The wording the person agreed to, or its version' })),
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Whatever proves it on your side: a form id, an order, a file' })),
    ip: Type.Optional(Type.String({ minLength: 1, maxLength: 45, description: 'The IPv4 or IPv6 address the consent was given from' })),
    occurredAt: Type.Optional(
      Type.String({ maxLength: 40, description: 'ISO 8601 instant with a time zone (2026-03-01T14:30:00+01:00) when it happened, as the evidence shows; default now (the event is then undated: it cannot overturn an opt-out); at most 5 minutes in the future' }),
    ),
  },
  { additionalProperties: false, $id: 'NewConsent' },
);
export type NewConsent = Static<typeof NewConsent>;

export const NewConsentBatch = Type.Object(
  { events: Type.Array(Type.Ref(NewConsent), { minItems: 1, maxItems: MAX_CONSENT_BATCH }) },
  { additionalProperties: false, $id: 'NewConsentBatch' },
);

const eventProperties = {
  id: Type.String(),
  msisdn: Type.String({ description: 'E.164' }),
  brand: Type.String({ description: '"*": every brand of the account' }),
  kind: Kind,
  source: Source,
  channel: Nullable(Type.String()),
  wording: Nullable(Type.String()),
  reference: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  occurredAt: DateTime('When it happened'),
  dated: Type.Boolean({ description: 'The evidence gave `occurredAt`; false when it is when Relais was told (no date given)' }),
  recordedAt: DateTime('When Relais recorded it'),
  retracted: Nullable(
    Type.Object({ at: DateTime(), reason: Type.String() }, { description: 'The event no longer counts (its import was rolled back); it stays in the ledger as evidence' }),
  ),
};

export const ConsentEvent = Type.Object(eventProperties, {
  $id: 'ConsentEvent',
  description: 'One event of the consent ledger (never changed: a correction is a new event)',
});

export const RecordedConsent = Type.Object(
  {
    ...eventProperties,
    duplicate: Type.Boolean({ description: 'The same evidence was already in the ledger: nothing new was recorded, this is the event recorded before' }),
    notice: Nullable(Type.String({ description: 'Why this opt-in does not re-open consent: the recipient opted out, and only a START or an opt-in dated after it with its channel re-opens it' })),
  },
  { $id: 'RecordedConsent', description: 'What recording one event did' },
);

export const RecordedConsents = Type.Object(
  { count: Type.Integer({ description: 'Events newly recorded (duplicates not counted)' }), events: Type.Array(Type.Ref(RecordedConsent)) },
  { $id: 'RecordedConsents' },
);

export const BrandConsent = Type.Object(
  {
    brand: Type.String({ description: '"*" is every brand of the account: its state also applies to brands not listed' }),
    consent: ConsentStateKind,
    optedOut: Type.Boolean({ description: 'An opt-out for this brand (or for "*") stands: no START, nor opt-in dated after it with its channel, re-opened consent' }),
    since: Nullable(DateTime('The event this state comes from happened then')),
  },
  { $id: 'BrandConsent' },
);

export const RecipientConsents = Type.Object(
  {
    msisdn: Type.String({ description: 'E.164' }),
    brands: Type.Array(Type.Ref(BrandConsent), { description: 'The current state for every brand the events name' }),
    history: Type.Array(Type.Ref(ConsentEvent), { description: 'Every event, oldest first' }),
  },
  { $id: 'RecipientConsents' },
);

export const ConsentExport = Type.Object(
  {
    account: Type.String({ description: 'The account’s name' }),
    msisdn: Type.String({ description: 'E.164' }),
    exportedAt: DateTime(),
    brands: Type.Array(Type.Ref(BrandConsent)),
    events: Type.Array(Type.Ref(ConsentEvent), { description: 'Every event, oldest first' }),
  },
  { $id: 'ConsentExport' },
);

export const MsisdnParams = Type.Object({
  msisdn: Type.String({ minLength: 1, maxLength: 64, description: 'The recipient, URL-encoded: 0612345678, %2B33612345678, 33612345678' }),
});

export const ExportQuery = Type.Object(
  { format: Type.Optional(StringEnum(['json', 'csv'] as const, { default: 'json', description: 'json (default) or csv' })) },
  { additionalProperties: false },
);

/** Every schema with an $id, to register before the routes that refer to them. */
export const consentSchemas = [NewConsent, NewConsentBatch, ConsentEvent, RecordedConsent, RecordedConsents, BrandConsent, RecipientConsents, ConsentExport];
