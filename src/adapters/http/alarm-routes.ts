import { Type, type Static } from '@sinclair/typebox';
import { InvalidRequest, InvalidState } from '../../app/errors.ts';
import { runAlarms } from '../../app/billing-alarms.ts';
import { alarmSettingsProblems, type AlarmSettings } from '../../core/billing/index.ts';
import type { RaisedAlarm, SendingHold } from '../../app/ports/alarms.ts';
import type { Api, HttpDeps } from './server.ts';

const problem = { $ref: 'Problem#' };
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const AlarmSettingsBody = Type.Object(
  {
    monthlyBudget: Type.Optional(Nullable(Type.Integer({ minimum: 1, description: "The month's declared budget, in micro-euros excluding VAT (the running cost, as GET /v1/usage shows it)" }))),
    monthlyVolume: Type.Optional(Nullable(Type.Integer({ minimum: 1, description: "The month's declared volume, in billed SMS parts" }))),
    thresholds: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 1000 }), { maxItems: 20, description: 'Percentages of the budget and volume that raise an alarm, once a month each; default 50, 80, 100' })),
    hardCap: Type.Optional(Type.Boolean({ description: 'At 100 % of the budget or volume, sending is held (messages wait, none is lost) until the limit is raised or the month turns' })),
    hours: Type.Optional(
      Nullable(
        Type.Object(
          {
            days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7, description: '1 = Monday … 7 = Sunday' }),
            from: Type.Integer({ minimum: 0, maximum: 23, description: 'First hour, Europe/Paris' }),
            to: Type.Integer({ minimum: 1, maximum: 24, description: 'End hour (excluded), Europe/Paris' }),
          },
          { additionalProperties: false, description: 'Declared sending hours: traffic outside them raises an alarm, once a day' },
        ),
      ),
    ),
    spike: Type.Optional(
      Nullable(
        Type.Object(
          {
            factor: Type.Number({ description: 'Today so far above factor × the mean of the same weekday at the same hour (default 3)' }),
            weeks: Type.Integer({ minimum: 1, maximum: 12, description: 'Weeks of history (default 4)' }),
            minimum: Type.Integer({ minimum: 0, description: 'Parts today below which no spike is raised (default 1000)' }),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    notify: Type.Object(
      {
        emails: Type.Array(Type.String({ maxLength: 254 }), { maxItems: 20 }),
        phones: Type.Array(Type.String({ maxLength: 20 }), { maxItems: 20, description: 'Mobile numbers: an SMS from the platform' }),
        webhooks: Type.Boolean({ description: "Every active webhook of the account receives the alarm (type \"alarm\")" }),
      },
      { additionalProperties: false },
    ),
  },
  { $id: 'AlarmSettings', additionalProperties: false, description: "The account's alarm settings (docs/billing.md, Alarms)" },
);

const Hold = Type.Object({ month: Type.String(), reason: Type.String(), since: Type.String({ format: 'date-time' }) }, { description: "The hard cap holds the account's sending" });

const AlarmItem = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'spend-threshold, volume-threshold, hard-cap, outside-hours or spike' }),
  key: Type.String({ description: 'Tells apart alarms of one kind in a period: spend-80, volume-100…' }),
  period: Type.String({ description: 'The month (YYYY-MM) or the day (YYYY-MM-DD), Europe/Paris: raised once in it' }),
  message: Type.String(),
  figures: Type.Record(Type.String(), Type.Number()),
  raisedAt: Type.String({ format: 'date-time' }),
  notifiedAt: Nullable(Type.String({ format: 'date-time' })),
});

const SettingsReply = Type.Object({ settings: Nullable(Type.Ref(AlarmSettingsBody)), hold: Nullable(Hold) });

const presentHold = (hold: SendingHold | undefined) => (hold ? { month: hold.month, reason: hold.reason, since: hold.since.toISOString() } : null);
const presentAlarm = (a: RaisedAlarm): Static<typeof AlarmItem> => ({ id: a.id, kind: a.kind, key: a.key, period: a.period, message: a.message, figures: { ...a.figures }, raisedAt: a.raisedAt.toISOString(), notifiedAt: a.notifiedAt?.toISOString() ?? null });

function wired(deps: HttpDeps): NonNullable<HttpDeps['alarms']> {
  if (!deps.alarms) throw new InvalidState('alarms are not wired in this process');
  return deps.alarms;
}

/** The account's alarms and their settings (right "billing"). */
export async function alarmRoutes(app: Api, deps: HttpDeps): Promise<void> {
  app.addSchema(AlarmSettingsBody);
  const tags = ['billing'];

  app.get(
    '/alarms',
    {
      schema: {
        summary: "The account's alarms, newest first, and whether its hard cap holds its sending",
        tags,
        querystring: Type.Object({ period: Type.Optional(Type.String({ pattern: '^\\d{4}(-\\d{2}(-\\d{2})?)?$', description: 'YYYY, YYYY-MM or YYYY-MM-DD' })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
        response: { 200: Type.Object({ alarms: Type.Array(AlarmItem), hold: Nullable(Hold) }), 403: problem },
      },
    },
    async (request) => {
      const { store } = wired(deps);
      const [alarms, hold] = await Promise.all([store.list(request.account.id, request.query), store.holdOf(request.account.id)]);
      return { alarms: alarms.map(presentAlarm), hold: presentHold(hold) };
    },
  );

  app.get(
    '/alarms/settings',
    { schema: { summary: "The account's alarm settings (null: none)", tags, response: { 200: SettingsReply, 403: problem } } },
    async (request) => {
      const { store } = wired(deps);
      const [settings, hold] = await Promise.all([store.settingsOf(request.account.id), store.holdOf(request.account.id)]);
      return { settings: (settings ?? null) as Static<typeof AlarmSettingsBody> | null, hold: presentHold(hold) };
    },
  );

  app.put(
    '/alarms/settings',
    {
      schema: {
        summary: 'Set the alarm settings: thresholds of a monthly budget or volume, a hard cap, declared hours, spikes, and where alarms go',
        description: 'Every problem is listed with its field (422), nothing changed then. The figures are judged again at once: raising the budget above the spend releases a hold.',
        tags,
        body: Type.Ref(AlarmSettingsBody),
        response: { 200: SettingsReply, 403: problem, 422: problem },
      },
    },
    async (request) => {
      const alarms = wired(deps);
      const problems = alarmSettingsProblems(request.body);
      if (problems.length > 0) throw new InvalidRequest(problems.map(({ path, message }) => ({ field: `/${path.replace(/\./g, '/')}`, reason: message })));
      const now = deps.clock.now();
      await alarms.store.setSettings(request.account.id, request.body as AlarmSettings, request.principal.kind, now);
      await runAlarms(alarms, now, request.account.id);
      return { settings: request.body, hold: presentHold(await alarms.store.holdOf(request.account.id)) };
    },
  );

  app.delete(
    '/alarms/settings',
    { schema: { summary: 'Remove the alarm settings (and a hold of the hard cap): no more alarms', tags, response: { 204: Type.Null(), 403: problem } } },
    async (request, reply) => {
      const alarms = wired(deps);
      await alarms.store.setSettings(request.account.id, null, request.principal.kind, deps.clock.now());
      alarms.released();
      reply.status(204);
    },
  );
}
