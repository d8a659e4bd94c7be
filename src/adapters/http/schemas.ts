import { Type, type Static } from '@sinclair/typebox';
import { messageStatuses } from '../../core/message/status.ts';
import { MAX_BATCH } from '../../app/submit-messages.ts';

/** Request and response schemas of the HTTP API v1; the OpenAPI document is generated from them. */

const Status = Type.Union(messageStatuses.map((s) => Type.Literal(s)), { description: 'Message status' });
/** What a webhook can subscribe to: message statuses, and "inbound" (MOs attributed to the account). */
const WebhookEvent = Type.Union([...messageStatuses, 'inbound', 'incident'].map((s) => Type.Literal(s)), { description: 'A message status, "inbound" for received MOs, or "incident" for the events of incident tickets' });
const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const SendMessage = Type.Object(
  {
    to: Type.String({ minLength: 1, maxLength: 32, description: 'Recipient as typed by a person (06 12 34 56 78, +33 6…, 0033…, overseas numbers); stored in E.164', examples: ['+33612345678'] }),
    text: Type.String({ maxLength: 2000, description: 'Message text; GSM 03.38 when every character allows it, otherwise UCS-2' }),
    class: Type.Union([Type.Literal('transactional'), Type.Literal('marketing')], { description: 'transactional (codes, order tracking, reminders: 24/7, no advertising) or marketing' }),
    from: Type.Optional(Type.String({ minLength: 1, maxLength: 16, description: 'Sender shown on the handset; default the short code' })),
    shortCode: Type.Optional(Type.String({ pattern: '^[0-9]{5}$', description: 'Short code to send on; default the account’s' })),
    sendAt: Type.Optional(Type.String({ description: 'ISO 8601 instant to send at; earlier or absent means now' })),
    reference: Type.Optional(Type.String({ maxLength: 100, description: 'Your reference, returned in reads and webhooks' })),
    brand: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The brand the message speaks for: consent, STOP, the daily cap and "brand first" apply per brand. Default: the account’s brand' })),
    stopMention: Type.Optional(Type.Boolean({ description: 'false leaves the STOP mention out of a transactional message; marketing always carries it' })),
  },
  { additionalProperties: false, $id: 'SendMessage' },
);
export type SendMessage = Static<typeof SendMessage>;

export const SendBatch = Type.Object(
  { messages: Type.Array(Type.Ref(SendMessage), { minItems: 1, maxItems: MAX_BATCH }) },
  { additionalProperties: false, $id: 'SendBatch' },
);

const Accepted = Type.Object({
  id: Type.String(),
  status: Status,
  to: Type.String(),
  segments: Type.Integer({ description: 'Parts, the STOP mention included when it was added' }),
  encoding: Type.String(),
  dueAt: DateTime,
  error: Nullable(Type.Object({ code: Nullable(Type.String()), reason: Type.String() }, { description: 'Why a suppressed message will not be sent (the rule and the reason)' })),
});

export const AcceptedMessage = Type.Composite([Accepted, Type.Object({ replayed: Type.Boolean() })], { $id: 'AcceptedMessage' });
export const AcceptedBatch = Type.Object({ count: Type.Integer(), replayed: Type.Boolean(), messages: Type.Array(Accepted) }, { $id: 'AcceptedBatch' });

const MessageFields = {
  id: Type.String(),
  to: Type.String({ description: 'E.164' }),
  from: Type.String(),
  shortCode: Type.String(),
  class: Type.String(),
  text: Type.String(),
  encoding: Type.String({ description: 'gsm7 or ucs2' }),
  segments: Type.Integer(),
  status: Status,
  dueAt: DateTime,
  attempts: Type.Integer(),
  possibleDuplicate: Type.Boolean({ description: 'True when the message was sent again after its fate was unknown (see status in_doubt)' }),
  reference: Nullable(Type.String()),
  error: Nullable(Type.Object({ code: Nullable(Type.String()), reason: Type.String() })),
  createdAt: DateTime,
  submittedAt: Nullable(DateTime),
  doneAt: Nullable(DateTime),
};

export const MessageSummary = Type.Object(MessageFields, { $id: 'Message' });
export const MessageDetail = Type.Object(
  {
    ...MessageFields,
    brand: Type.String({ description: 'The brand it speaks for (STOP, consent and the cap are per brand)' }),
    route: Nullable(
      Type.Object(
        {
          name: Type.String({ description: 'The operator link it goes (or went) on' }),
          reason: Type.String({ description: 'Why: the routing rule or the short code, the recipient’s operator; after a failover, from which route and why' }),
          fallbacks: Type.Array(Type.String(), { description: 'Routes it may still fail over to, in order' }),
        },
        { description: 'Where routing sent it (docs/routing.md); null: not routed (refused at intake, or accepted before routing)' },
      ),
    ),
    compliance: Nullable(
      Type.Object(
        {
          ruleSet: Type.String({ description: 'The rule set that decided, "name version"' }),
          decision: Type.String({ description: 'allow, defer or reject' }),
          notes: Type.Array(Type.Object({ rule: Type.String(), verdict: Type.String(), reason: Type.String() }), { description: 'Every rule that did not simply pass' }),
        },
        { description: 'What compliance decided when the message was accepted' },
      ),
    ),
    parts: Type.Array(
      Type.Object({
        index: Type.Integer(),
        smscMessageId: Type.String({ description: 'The SMSC’s id for this part (opaque, case-sensitive)' }),
        submittedAt: DateTime,
        receipt: Nullable(Type.Object({ state: Type.String(), errorCode: Nullable(Type.String()), at: Nullable(DateTime) })),
      }),
    ),
    events: Type.Array(Type.Object({ status: Type.String(), reason: Nullable(Type.String()), at: DateTime })),
  },
  { $id: 'MessageDetail' },
);

export const MessageList = Type.Object(
  { messages: Type.Array(Type.Ref(MessageSummary)), nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page' })) },
  { $id: 'MessageList' },
);

export const ListQuery = Type.Object(
  {
    status: Type.Optional(Status),
    createdFrom: Type.Optional(DateTime),
    createdTo: Type.Optional(DateTime),
    cursor: Type.Optional(Type.String()),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.String() });

export const WebhookInput = Type.Object(
  {
    url: Type.String({
      format: 'uri',
      pattern: '^https?://',
      maxLength: 2048,
      description: 'Where status changes are POSTed: a public address (loopback, private, link-local and metadata addresses are refused unless the aggregator allows them)',
    }),
    events: Type.Optional(
      Type.Array(WebhookEvent, { minItems: 1, uniqueItems: true, description: 'Statuses to receive, and "inbound" for MOs; default all but submitting, and inbound' }),
    ),
    secret: Type.Optional(Type.String({ minLength: 16, description: 'HMAC secret; generated when absent and shown once' })),
  },
  { additionalProperties: false },
);
export const WebhookPatch = Type.Object(
  {
    url: Type.Optional(WebhookInput.properties.url),
    events: Type.Optional(Type.Array(WebhookEvent, { minItems: 1, uniqueItems: true })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const Webhook = Type.Object(
  { id: Type.String(), url: Type.String(), events: Type.Array(Type.String()), active: Type.Boolean(), createdAt: DateTime, secret: Type.Optional(Type.String()) },
  { $id: 'Webhook' },
);
export const WebhookDeliveries = Type.Object({
  deliveries: Type.Array(
    Type.Object({
      id: Type.String(),
      messageId: Nullable(Type.String({ description: 'The message whose status change it tells' })),
      inboundId: Nullable(Type.String({ description: 'The received MO it tells (event "inbound")' })),
      status: Type.String({ description: 'pending, delivered or failed' }),
      nextAttemptAt: Nullable(DateTime),
      createdAt: DateTime,
      deliveredAt: Nullable(DateTime),
      attempts: Type.Array(Type.Object({ attempt: Type.Integer(), at: DateTime, httpStatus: Nullable(Type.Integer()), error: Nullable(Type.String()), durationMs: Type.Integer() })),
    }),
  ),
  nextCursor: Nullable(Type.String({ description: 'Pass it as cursor for the next page; null on the last page' })),
});

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), reason: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);
