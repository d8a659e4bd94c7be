import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { comparisons, consentStates, MAX_SEGMENT_DAYS, presences } from '../../core/contacts/segment.ts';
import { customFieldTypes } from '../../core/contacts/types.ts';
import { campaignStatuses } from '../../core/campaign/index.ts';
import { MAX_CONTACTS_BATCH } from '../../app/save-contacts.ts';

/**
 * Request and response schemas of contacts, imports, templates and campaigns (/v1/bases, /v1/contacts,
 * /v1/imports, /v1/templates, /v1/campaigns); the OpenAPI document is generated from them.
 */

const DateTime = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** A string among `values`, as one JSON Schema enum: one clear error instead of one per value. */
const StringEnum = <T extends string>(values: readonly T[], options: { description?: string; default?: T } = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
/** Counts by key (status, reason, number of parts…). */
const Counts = (description: string) => Type.Record(Type.String(), Type.Integer(), { description });
const Mobile = (description = 'A mobile number as typed (06 12 34 56 78, +33 6…, 0033…); stored in E.164') =>
  Type.String({ minLength: 1, maxLength: 32, description, examples: ['06 12 34 56 78'] });

export const Money = Type.Object(
  {
    microEuros: Type.Integer({ description: 'Integer micro-euros, excluding VAT (1 € = 1,000,000)' }),
    euros: Type.String({ description: 'The same amount in euros, as a decimal string (at least 2 decimals)', examples: ['12.30'] }),
  },
  { $id: 'Money' },
);

// ---------------------------------------------------------------------------------------------
// Bases and contacts
// ---------------------------------------------------------------------------------------------

/**
 * A string, number or boolean. Left untyped on purpose: ajv's type coercion would turn 100 into "100" in the first
 * branch of a union, and a `type` list needs a non-strict ajv; the use cases check the value against its field.
 */
const CustomValue = Type.Unknown({ description: 'A string, number or boolean, as the field’s type asks' });

export const CustomField = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, description: 'camelCase letters and digits, starting with a lower-case letter: loyaltyPoints' }),
    type: StringEnum(customFieldTypes, { description: 'text, number, date (YYYY-MM-DD) or boolean: values are checked against it' }),
  },
  { additionalProperties: false, $id: 'CustomField' },
);

export const NewBase = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'Unique in the account; a base can be named by its name or its id' }),
    customFields: Type.Optional(Type.Array(Type.Ref(CustomField), { maxItems: 100 })),
  },
  { additionalProperties: false, $id: 'NewBase' },
);
export type NewBase = Static<typeof NewBase>;

export const NewFields = Type.Object({ fields: Type.Array(Type.Ref(CustomField), { minItems: 1, maxItems: 100 }) }, { additionalProperties: false, $id: 'NewFields' });

export const Base = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    customFields: Type.Array(Type.Ref(CustomField)),
    contacts: Type.Optional(Type.Integer({ description: 'How many contacts the base holds (in reads)' })),
    createdAt: DateTime(),
  },
  { $id: 'Base' },
);

export const BaseList = Type.Object({ bases: Type.Array(Type.Ref(Base)) }, { $id: 'BaseList' });

export const ContactInput = Type.Object(
  {
    mobile: Mobile('The contact’s mobile number as typed (06 12 34 56 78, +33 6…): its identity in the base, stored in E.164'),
    lastName: Type.Optional(Type.String({ maxLength: 1000 })),
    firstName: Type.Optional(Type.String({ maxLength: 1000 })),
    landline: Type.Optional(Type.String({ maxLength: 32, description: 'Stored in E.164' })),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    birthday: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD' })),
    custom: Type.Optional(
      Type.Record(Type.String(), CustomValue, { description: 'Values of the base’s custom fields by name, each of its field’s type (a date as YYYY-MM-DD)' }),
    ),
  },
  { additionalProperties: false, $id: 'ContactInput' },
);

export const ContactBatch = Type.Object(
  { contacts: Type.Array(Type.Ref(ContactInput), { minItems: 1, maxItems: MAX_CONTACTS_BATCH }) },
  { additionalProperties: false, $id: 'ContactBatch' },
);

export const SavedContacts = Type.Object(
  { inserted: Type.Integer({ description: 'New contacts' }), merged: Type.Integer({ description: 'Contacts already in the base, updated with the non-empty fields sent' }) },
  { $id: 'SavedContacts' },
);

export const Contact = Type.Object(
  {
    id: Type.String({ description: 'Ordered: pages of contacts continue after an id' }),
    mobile: Type.String({ description: 'E.164' }),
    lastName: Nullable(Type.String()),
    firstName: Nullable(Type.String()),
    landline: Nullable(Type.String()),
    email: Nullable(Type.String()),
    birthday: Nullable(Type.String({ description: 'YYYY-MM-DD' })),
    custom: Type.Record(Type.String(), CustomValue),
    lastActivityAt: Nullable(DateTime('Its last SMS to us, or the date of its consent')),
  },
  { $id: 'Contact' },
);

export const ContactPage = Type.Object(
  {
    contacts: Type.Array(Type.Ref(Contact)),
    next: Nullable(Type.String({ description: 'Pass it as `after` for the next page; null on the last page' })),
  },
  { $id: 'ContactPage' },
);

export const Mobiles = Type.Object(
  { mobiles: Type.Array(Mobile(), { minItems: 1, maxItems: MAX_CONTACTS_BATCH }) },
  { additionalProperties: false, $id: 'Mobiles' },
);

export const Removed = Type.Object({ removed: Type.Integer({ description: 'Contacts removed, over every base' }) }, { $id: 'Removed' });

export const NewList = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false, $id: 'NewList' });
export const List = Type.Object({ id: Type.String(), name: Type.String(), members: Type.Integer() }, { $id: 'List' });
export const ListList = Type.Object({ lists: Type.Array(Type.Ref(List)) }, { $id: 'ListList' });
export const AddedMembers = Type.Object({ added: Type.Integer({ description: 'Contacts that joined the list (numbers not in the base, or already members, are not counted)' }) }, { $id: 'AddedMembers' });

// ---------------------------------------------------------------------------------------------
// Segments
// ---------------------------------------------------------------------------------------------

const FieldName = Type.String({ minLength: 1, maxLength: 72, description: 'A standard field (firstName, lastName, mobile, landline, email, birthday) or custom.<name>' });

export const Condition = Type.Union(
  [
    Type.Object(
      { field: FieldName, op: StringEnum(comparisons, { description: 'gt, gte, lt, lte compare numbers and dates; contains and startsWith apply to text (case ignored)' }), value: CustomValue },
      { additionalProperties: false, title: 'Compare a field' },
    ),
    Type.Object({ field: FieldName, op: StringEnum(presences) }, { additionalProperties: false, title: 'A field is empty or not' }),
    Type.Object(
      { consent: StringEnum(consentStates, { description: 'The recipient’s consent for the brand the segment is used with' }) },
      { additionalProperties: false, title: 'Consent' },
    ),
    Type.Object({ inList: Type.String({ minLength: 1, description: 'A list of the base, by name or id (stored as its id)' }) }, { additionalProperties: false, title: 'In a list' }),
    Type.Object({ activeWithinDays: Type.Integer({ minimum: 1, maximum: MAX_SEGMENT_DAYS }) }, { additionalProperties: false, title: 'Active lately (an SMS from the contact, or its consent)' }),
    Type.Object({ inactiveForDays: Type.Integer({ minimum: 1, maximum: MAX_SEGMENT_DAYS }) }, { additionalProperties: false, title: 'Inactive for a while' }),
  ],
  { $id: 'SegmentCondition' },
);

export const SegmentFilter = Type.Object(
  {
    match: StringEnum(['all', 'any'] as const, { description: 'all: every condition holds; any: at least one' }),
    conditions: Type.Array(Type.Ref(Condition), { maxItems: 100 }),
  },
  { additionalProperties: false, $id: 'SegmentFilter' },
);

export const NewSegment = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100, description: 'A segment saved under a name the base already uses replaces it' }), filter: Type.Ref(SegmentFilter) },
  { additionalProperties: false, $id: 'NewSegment' },
);

export const Segment = Type.Object({ id: Type.String(), name: Type.String(), filter: Type.Ref(SegmentFilter) }, { $id: 'Segment' });
export const SegmentList = Type.Object({ segments: Type.Array(Type.Ref(Segment)) }, { $id: 'SegmentList' });

export const AudienceCount = Type.Object(
  { contacts: Type.Integer({ description: 'Contacts selected' }), recipients: Type.Integer({ description: 'Distinct mobile numbers among them' }) },
  { $id: 'AudienceCount' },
);

// ---------------------------------------------------------------------------------------------
// Imports
// ---------------------------------------------------------------------------------------------

export const ImportQuery = Type.Object(
  {
    base: Type.String({ minLength: 1, description: 'The base to import into, by name or id' }),
    list: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'A list the imported contacts join, by name or id; created when the base has none of that name' })),
    fileName: Type.Optional(Type.String({ maxLength: 255, description: 'The file’s name, kept with the import' })),
    encoding: Type.Optional(StringEnum(['auto', 'utf-8', 'windows-1252'] as const, { default: 'auto', description: 'auto: a byte order mark, else UTF-8 when the file is valid UTF-8, else Windows-1252 (Excel)' })),
    delimiter: Type.Optional(StringEnum(['auto', ';', ',', 'tab', '\t', '|'] as const, { default: 'auto', description: 'auto: the most frequent of ; , tab | on the header line' })),
    mapping: Type.Optional(
      Type.String({
        maxLength: 20_000,
        description:
          'JSON object: column header → what it feeds (mobile, lastName, firstName, landline, email, birthday, consent, consentDate, custom.<name> or ignore), over the mapping suggested from the headers',
        examples: ['{"Tél. portable":"mobile","Points":"custom.loyaltyPoints"}'],
      }),
    ),
    consentBrand: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The brand a consent column speaks for; default the account’s brand' })),
    consentChannel: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'How that consent was collected (evidence); default "import"' })),
    consentWording: Type.Optional(Type.String({ minLength: 1, maxLength: 5000, description: 'The wording the contacts agreed to (evidence)' })),
  },
  { additionalProperties: false },
);
export type ImportQuery = Static<typeof ImportQuery>;

export const ImportColumn = Type.Object({ header: Type.String(), target: Type.String({ description: 'What the column feeds' }) }, { $id: 'ImportColumn' });

export const Import = Type.Object(
  {
    id: Type.String(),
    base: Type.String({ description: 'The base’s id' }),
    list: Nullable(Type.String({ description: 'The list’s id' })),
    fileName: Nullable(Type.String()),
    status: StringEnum(['running', 'completed', 'rolled-back'] as const, { description: 'running: under way, or interrupted (resume it with the same file)' }),
    encoding: Type.String(),
    delimiter: Type.String(),
    columns: Type.Array(Type.Ref(ImportColumn)),
    linesDone: Type.Integer({ description: 'The furthest line of the file settled (stored or rejected); the header is line 1' }),
    inserted: Type.Integer({ description: 'New contacts' }),
    merged: Type.Integer({ description: 'Rows that updated a contact already in the base (or an earlier row of the file)' }),
    rejected: Type.Integer({ description: 'Rows refused: see the errors file' }),
    consents: Type.Integer({ description: 'Consent events recorded from the consent column (evidence already in the ledger is not recorded again)' }),
    consentsNotReopened: Type.Integer({
      description: 'Opt-ins of the file kept as evidence that did not re-open consent, the recipient having opted out (STOP) since: see the notices file',
    }),
    createdAt: DateTime(),
    finishedAt: Nullable(DateTime()),
    errorsUrl: Type.String({ description: 'The rejected rows as CSV (line, reason, row)' }),
    noticesUrl: Type.String({ description: 'Rows kept with something to know, as CSV (line, msisdn, reason)' }),
  },
  { $id: 'Import' },
);

// ---------------------------------------------------------------------------------------------
// Templates and campaigns
// ---------------------------------------------------------------------------------------------

const MessageClass = StringEnum(['marketing', 'transactional'] as const, { description: 'marketing (default): consent, STOP mention, send window, daily cap; transactional: codes, reminders' });
const Names = (description: string) => Type.Array(Type.String({ minLength: 1 }), { description });

export const PreviewRequest = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 5000, description: 'The message with merge fields: {prénom|cher client}, {custom.loyaltyPoints}…' }),
    bases: Names('Bases by name or id'),
    lists: Type.Optional(Names('Lists by name or id: contacts in any of them')),
    segment: Type.Optional(Type.String({ minLength: 1, description: 'A segment by name or id' })),
    class: Type.Optional(MessageClass),
    brand: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The brand consent conditions of the segment are read for; default the account’s brand' })),
    shortCode: Type.Optional(Type.String({ pattern: '^3[4-8]\\d{3}$', description: 'The short code it will go on (its STOP mention names it); default the account’s' })),
    sample: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 10_000, description: 'How many recipients to render (the first of the audience)' })),
  },
  { additionalProperties: false, $id: 'PreviewRequest' },
);
export type PreviewRequest = Static<typeof PreviewRequest>;

export const EncodingCounts = Type.Object({ gsm7: Type.Integer(), ucs2: Type.Integer() }, { $id: 'EncodingCounts' });
export const Ucs2Reason = Type.Object(
  { recipient: Type.String(), characters: Type.Array(Type.String(), { description: 'The characters outside GSM 03.38 that put the message in UCS-2' }) },
  { $id: 'Ucs2Reason' },
);
export const Sample = Type.Object({ recipient: Type.String(), text: Type.String() }, { $id: 'Sample' });

export const TextPreview = Type.Object(
  {
    recipients: Type.Integer({ description: 'Distinct mobiles in the audience now' }),
    contacts: Type.Integer({ description: 'Contacts in the audience now' }),
    previewed: Type.Integer({ description: 'Recipients rendered (the first `sample` ones)' }),
    byEncoding: Type.Ref(EncodingCounts),
    segments: Counts('Recipients by the number of SMS parts their message takes'),
    maxSegments: Type.Integer(),
    totalSegments: Type.Integer({ description: 'SMS parts over the recipients rendered' }),
    ucs2Because: Type.Array(Type.Ref(Ucs2Reason), { description: 'The first recipients sent in UCS-2 (70 characters per SMS) and why' }),
    fromTemplate: Type.Array(Type.String(), { description: 'Characters outside GSM 03.38 in the text itself: every message showing them is UCS-2' }),
    stopMentionAdded: Type.Boolean({ description: 'Marketing without a STOP mention naming its short code: the mention is added when sent (counted by the dry run, not here)' }),
    samples: Type.Array(Type.Ref(Sample), { description: 'The first 3 messages as rendered' }),
  },
  { $id: 'TextPreview' },
);

export const TemplateProblem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    errors: Type.Array(
      Type.Object({
        field: Type.String({ description: '/text' }),
        reason: Type.String(),
        position: Type.Integer({ description: '0-based index in the text where the problem starts' }),
        length: Type.Integer({ description: 'Characters it covers' }),
        code: Type.String({ description: 'unknown-field, unknown-custom-field, unclosed-brace, stray-brace, empty-field, empty-default, bad-default, default-never-used' }),
      }),
    ),
  },
  { $id: 'TemplateProblem', description: 'RFC 9457 problem details: the text’s mistakes, each with where it is' },
);

/** Géo Présence areas (core/geo): a point, and a circle or a polygon. */
export const PointSchema = Type.Object(
  { lat: Type.Number({ minimum: -90, maximum: 90, description: 'Latitude, degrees (WGS 84)' }), lon: Type.Number({ minimum: -180, maximum: 180, description: 'Longitude, degrees (WGS 84)' }) },
  { additionalProperties: false, $id: 'GeoPoint' },
);

/** What a campaign's `perimeter` is: a circle or a polygon (the use case checks the numbers and says what is wrong). */
export const PerimeterSchema = Type.Union(
  [
    Type.Object(
      {
        circle: Type.Object(
          { centre: Type.Ref(PointSchema), radiusMetres: Type.Number({ exclusiveMinimum: 0, maximum: 100_000, description: 'Metres, at most 100 km' }) },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false, title: 'Circle' },
    ),
    Type.Object(
      { polygon: Type.Array(Type.Ref(PointSchema), { minItems: 3, maxItems: 1_000, description: 'The corners in order around the area (closing it again is not needed)' }) },
      { additionalProperties: false, title: 'Polygon' },
    ),
  ],
  { $id: 'Perimeter', description: 'A Géo Présence area: a circle (centre and radius) or a polygon' },
);

export const CampaignInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    text: Type.String({ minLength: 1, maxLength: 5000, description: 'The message with merge fields ({prénom|cher client}); marketing starts with the brand' }),
    class: Type.Optional(MessageClass),
    brand: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Default the account’s brand' })),
    shortCode: Type.Optional(Type.String({ minLength: 1, maxLength: 16, description: 'Default the account’s short code' })),
    from: Type.Optional(Type.String({ minLength: 1, maxLength: 16, description: 'Sender shown on the handset: the short code (default) or an alphanumeric sender ID' })),
    bases: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Bases by name or id' }),
    lists: Type.Optional(Names('Lists by name or id: contacts in any of them')),
    segment: Type.Optional(Type.String({ minLength: 1, description: 'A segment by name or id' })),
    sendAt: Type.Optional(DateTime('When the campaign starts once launched; absent: at launch')),
    qualifyBeforeSending: Type.Optional(Type.Boolean({ description: 'Qualify each recipient (operator lookup, cached, billable) before sending: terminated numbers leave the contacts and are not sent to' })),
    perimeter: Type.Optional(
      Type.Ref(PerimeterSchema, {
        description:
          'Géo Présence: send only to the recipients inside this area when their turn comes, among those who accepted geolocated marketing. ' +
          'Only on a 35ABC short code of an account with the "geo-presence" option (422 otherwise); each recipient located is a billable localisation hit',
      }),
    ),
  },
  { additionalProperties: false, $id: 'CampaignInput' },
);
export type CampaignInput = Static<typeof CampaignInput>;

export const Campaign = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    status: StringEnum(campaignStatuses),
    actions: Type.Array(Type.String(), { description: 'What can be done to it now: edit, launch, pause, resume, cancel' }),
    class: MessageClass,
    brand: Type.String(),
    shortCode: Type.String(),
    from: Type.String(),
    text: Type.String(),
    audience: Type.Object({ bases: Type.Array(Type.String()), lists: Type.Array(Type.String()), segment: Nullable(Type.String()) }, { description: 'Ids' }),
    sendAt: Nullable(DateTime()),
    qualifyBeforeSending: Type.Optional(Type.Boolean()),
    perimeter: Type.Optional(Type.Ref(PerimeterSchema)),
    queued: Type.Integer({ description: 'Messages queued so far (suppressed ones included)' }),
    createdAt: DateTime(),
    startedAt: Nullable(DateTime()),
    finishedAt: Nullable(DateTime()),
  },
  { $id: 'Campaign' },
);

export const CampaignList = Type.Object({ campaigns: Type.Array(Type.Ref(Campaign)) }, { $id: 'CampaignList' });

export const DryRun = Type.Object(
  {
    campaignId: Type.String(),
    startsAt: DateTime('Its send time, or now'),
    ruleSets: Type.Array(Type.String(), { description: 'The rule sets that decided the messages ("name version"): the account’s choice, or the one in force' }),
    audience: Type.Ref(AudienceCount),
    messages: Type.Integer({ description: 'Messages that would go' }),
    excluded: Counts('Recipients left out, by reason: stop (opted out), no-consent, cap, duplicate (same number in several bases), refused'),
    refusals: Type.Array(Type.Object({ recipient: Type.String(), reason: Type.String() }), { description: 'A few refused messages and why' }),
    deferred: Type.Object({
      byWindow: Type.Integer({ description: 'Held until the send window opens' }),
      byCap: Type.Integer({ description: 'Moved to a later day by the daily marketing cap' }),
      until: Nullable(DateTime('When the last deferred message may go')),
      byDay: Counts('Deferred messages by the day they go (YYYY-MM-DD, Paris time)'),
    }),
    encoding: Type.Ref(EncodingCounts),
    segments: Counts('Messages by number of SMS parts'),
    parts: Type.Integer({ description: 'SMS parts in all' }),
    ucs2Because: Type.Array(Type.Ref(Ucs2Reason)),
    cost: Type.Object(
      {
        grid: Type.String(),
        billable: Type.String(),
        microEuros: Type.Integer(),
        euros: Type.String(),
        billedThisMonth: Type.Integer({ description: 'SMS already billed to the account this month (Paris time): the tier depends on it' }),
        cliff: Nullable(
          Type.Object(
            {
              at: Type.Integer({ description: 'First SMS of the cheaper band' }),
              costlierFrom: Type.Integer({ description: 'From this many SMS in the month up to at − 1, the month costs more than at `at`' }),
              amountBefore: Type.Ref(Money),
              amountAt: Type.Ref(Money),
              label: Type.String(),
            },
            { description: 'The month, with this campaign, falls in a tier cliff: sending a little more would cost less' },
          ),
        ),
      },
      { description: 'At the campaign tariff, at the tier the month reaches with it, excluding VAT' },
    ),
    routing: Type.Array(Type.Object({ route: Type.String(), operator: Type.String({ description: 'The recipients’ operator (numbering-file code); unknown: no file places the number' }), messages: Type.Integer() }), {
      description: 'The messages that would go, by route and operator (docs/routing.md)',
    }),
    timeToSend: Type.Object({ shortCode: Type.String(), ratePerSecond: Type.Number(), seconds: Nullable(Type.Integer()) }),
    samples: Type.Array(Type.Ref(Sample), { description: 'The first messages as they would leave' }),
    geoPresence: Nullable(
      Type.Object(
        {
          perimeter: Type.Ref(PerimeterSchema),
          toLocate: Type.Integer({ description: 'Recipients the sending would ask the location provider about (each a billable hit); `messages` counts them as if all were inside' }),
        },
        { description: 'A perimeter campaign: nobody is located by a dry run (nor billed); who did not accept geolocated marketing is excluded (no-geolocation-consent)' },
      ),
    ),
  },
  { $id: 'DryRun' },
);

export const CampaignReport = Type.Object(
  {
    campaign: Type.Ref(Campaign),
    sent: Type.Integer({ description: 'Handed to the operator' }),
    delivered: Type.Integer(),
    failed: Type.Integer({ description: 'Undeliverable, expired, rejected, unknown or failed' }),
    failedByReason: Counts('Messages not delivered (suppressed ones included), by error code or compliance rule'),
    suppressed: Type.Integer({ description: 'Kept but never sent: opted out, no consent, cap, refused' }),
    pending: Type.Integer({ description: 'Not final yet' }),
    stopsAfter: Type.Integer({ description: 'Recipients who sent STOP since it started' }),
    byStatus: Counts('Messages by status'),
    partsByStatus: Counts('SMS parts by message status'),
    billedParts: Type.Integer({ description: 'SMS parts billed so far: sent ones, or delivered ones when the tariff bills on delivery' }),
    costSoFar: Type.Ref(Money),
    geoPresence: Nullable(
      Type.Object(
        {
          perimeter: Type.Ref(PerimeterSchema),
          localisationHits: Type.Integer({ description: 'Numbers asked of the location provider for this campaign: each a billable hit of the account' }),
          skipped: Type.Object(
            {
              'no-geolocation-consent': Type.Integer({ description: 'Not located: no acceptance of geolocated marketing (or an opt-out since)' }),
              'outside-perimeter': Type.Integer({ description: 'Located outside the area' }),
              'not-located': Type.Integer({ description: 'Location refused, phone off, or number unknown' }),
              'not-now': Type.Integer({ description: 'Their message could not leave now (send window closed for them): not located, not sent later' }),
            },
            { description: 'Recipients not sent to, by why (kept as suppressed messages)' },
          ),
        },
        { description: 'A perimeter campaign (Géo Présence); null otherwise' },
      ),
    ),
  },
  { $id: 'CampaignReport' },
);

export const BaseParams = Type.Object({ base: Type.String({ minLength: 1, description: 'The base’s name (URL-encoded) or id' }) });
export const ContactParams = Type.Object({ base: Type.String({ minLength: 1 }), mobile: Type.String({ minLength: 1, maxLength: 64, description: 'URL-encoded: 0612345678, %2B33612345678' }) });
export const ListParams = Type.Object({ base: Type.String({ minLength: 1 }), list: Type.String({ minLength: 1, description: 'The list’s name or id' }) });
export const SegmentParams = Type.Object({ base: Type.String({ minLength: 1 }), segment: Type.String({ minLength: 1, description: 'The segment’s name or id' }) });
export const ContactsQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$', description: 'The `next` of the previous page' })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);
export const CountQuery = Type.Object(
  { brand: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The brand consent conditions are read for; default the account’s brand' })) },
  { additionalProperties: false },
);

/** Every schema with an $id, to register before the routes that refer to them. */
export const campaignSchemas = [
  Money,
  PointSchema,
  PerimeterSchema,
  CustomField,
  NewBase,
  NewFields,
  Base,
  BaseList,
  ContactInput,
  ContactBatch,
  SavedContacts,
  Contact,
  ContactPage,
  Mobiles,
  Removed,
  NewList,
  List,
  ListList,
  AddedMembers,
  Condition,
  SegmentFilter,
  NewSegment,
  Segment,
  SegmentList,
  AudienceCount,
  ImportColumn,
  Import,
  PreviewRequest,
  EncodingCounts,
  Ucs2Reason,
  Sample,
  TextPreview,
  TemplateProblem,
  CampaignInput,
  Campaign,
  CampaignList,
  DryRun,
  CampaignReport,
];

/** Micro-euros → euros as a decimal string, exact: 30_000 → "0.03", 1_234_567 → "1.234567". */
export function euros(microEuros: number): string {
  const sign = microEuros < 0 ? '-' : '';
  const abs = Math.abs(microEuros);
  const fraction = String(abs % 1_000_000).padStart(6, '0').replace(/0{1,4}$/, '');
  return `${sign}${Math.floor(abs / 1_000_000)}.${fraction}`;
}

export function money(microEuros: number): Static<typeof Money> {
  return { microEuros, euros: euros(microEuros) };
}
