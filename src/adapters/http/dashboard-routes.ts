/**
 * The dashboard's figures (GET /v1/statistics/summary, right "statistics") and the sending choices the Send page
 * offers (GET /v1/senders, right "messages"): the account's short codes and approved alphanumeric senders.
 */
import { Type, type Static } from '@sinclair/typebox';
import { billingMonth, rateUsage } from '../../core/billing/index.ts';
import { periodFigures, periodStarts, STATISTICS_ZONE } from '../../core/statistics/summary.ts';
import type { Account } from '../../app/ports/accounts.ts';
import type { AccountStatistics } from '../../app/ports/statistics.ts';
import { visibleBrands } from './access.ts';
import type { Api, HttpDeps } from './server.ts';

const problem = { $ref: 'Problem#' };
const Count = (description: string) => Type.Integer({ minimum: 0, description });

const Period = Type.Object({
  since: Type.String({ format: 'date-time', description: 'The start of the period (Europe/Paris midnight)' }),
  accepted: Count('Messages accepted (created) in the period'),
  sent: Count('Handed to the operator: awaiting a receipt or with one'),
  delivered: Count('Delivered to the handset (by receipt)'),
  failed: Count('Not delivered (a negative receipt) or refused before leaving'),
  pending: Count('Not handed to the operator yet: queued, being submitted, held, in doubt'),
  notSent: Count('Cancelled, or suppressed by a rule (no consent, opposition, cap)'),
  stops: Count('STOP messages received from handsets'),
  spend: Type.Union([Type.Integer(), Type.Null()], { description: 'What the parts settled in the period cost under the price plan, in micro-euros excluding VAT (null: billing is not wired)' }),
  byStatus: Type.Record(Type.String(), Type.Integer()),
});

export const StatisticsSummary = Type.Object(
  {
    zone: Type.String({ description: 'The time zone of the days and months: Europe/Paris' }),
    today: Period,
    month: Period,
    queue: Type.Object({
      ready: Count('Queued and due now: sent at the short codes’ rates'),
      later: Count('Queued for later: a send time, a deferral by compliance, a retry'),
      submitting: Count('Being submitted to the operator'),
      oldestDueAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'How long the ready ones have waited: the oldest due time' }),
    }),
  },
  { $id: 'StatisticsSummary' },
);

export const SenderChoices = Type.Object(
  {
    shortCodes: Type.Array(Type.Object({ number: Type.String(), default: Type.Boolean() }), { description: 'The short codes provisioned for the account (one is its default)' }),
    alphanumericSenders: Type.Array(Type.String(), { description: 'Alphanumeric senders the aggregator approved for the account' }),
  },
  { $id: 'SenderChoices' },
);

export type StatisticsDeps = HttpDeps & { statistics?: AccountStatistics | undefined };

/** GET /v1/statistics/summary: today and this month, and the queue. */
export async function statisticsRoutes(app: Api, deps: StatisticsDeps): Promise<void> {
  app.addSchema(StatisticsSummary);
  app.get(
    '/statistics/summary',
    {
      schema: {
        summary: 'Today and this month (Europe/Paris): sent, delivered, failed, pending, STOPs received, spend; and the queue now',
        description:
          'Counts the messages created in each period by their status now; spend is the running cost of the parts settled in the period ' +
          '(today’s: the month’s cost now minus the month’s cost at midnight, tiers included). Read through indexes: it grows with the account’s ' +
          'messages of the month, not with the whole table.',
        tags: ['statistics'],
        response: { 200: Type.Ref(StatisticsSummary), 403: problem },
      },
    },
    async (request) => summaryOf(deps, request.account, visibleBrands(request) ?? undefined),
  );
}

/** GET /v1/senders: what the Send page offers as short code and sender. */
export async function senderRoutes(app: Api): Promise<void> {
  app.addSchema(SenderChoices);
  app.get(
    '/senders',
    { schema: { summary: 'The account’s short codes and approved alphanumeric senders: what a message may be sent from', tags: ['messages'], response: { 200: Type.Ref(SenderChoices) } } },
    async (request) => {
      const { shortCodes, defaultShortCode, settings } = request.account;
      const numbers = shortCodes.length > 0 ? shortCodes : defaultShortCode ? [defaultShortCode] : [];
      return { shortCodes: numbers.map((number) => ({ number, default: number === defaultShortCode })), alphanumericSenders: [...settings.alphanumericSenders] };
    },
  );
}

async function summaryOf(deps: StatisticsDeps, account: Account, brands: readonly string[] | undefined): Promise<Static<typeof StatisticsSummary>> {
  const store = deps.statistics;
  if (!store) throw new Error('statistics are not wired in this process');
  const now = deps.clock.now();
  const { today, month } = periodStarts(now);
  const shortCodes = account.shortCodes.length > 0 ? account.shortCodes : account.defaultShortCode ? [account.defaultShortCode] : [];
  const [counts, stops, queue, spend] = await Promise.all([
    store.statusCounts(account.id, today, month, brands),
    store.stops(account.id, today, month),
    store.queueOf(account.id, shortCodes, now),
    spendOf(deps, account.id, today, now),
  ]);
  return {
    zone: STATISTICS_ZONE,
    today: { since: today.toISOString(), ...periodFigures(counts.today), stops: stops.today, spend: spend?.today ?? null },
    month: { since: month.toISOString(), ...periodFigures(counts.month), stops: stops.month, spend: spend?.month ?? null },
    queue: { ...queue, oldestDueAt: queue.oldestDueAt?.toISOString() ?? null },
  };
}

/** The month's running cost, and today's share of it (the cost now minus the cost of what was settled before midnight). */
async function spendOf(deps: StatisticsDeps, accountId: string, today: Date, now: Date): Promise<{ today: number; month: number } | undefined> {
  if (!deps.billing || !deps.statistics) return undefined;
  const month = billingMonth(now);
  const [{ plan }, counts, before, shortCodes, qualified, qualifiedBefore, localisation, localisationBefore] = await Promise.all([
    deps.billing.planOf(accountId),
    deps.billing.usageCounts(accountId, month),
    deps.statistics.usageCountsBefore(accountId, month, today),
    deps.billing.shortCodesOf(accountId),
    deps.billing.qualifiedIn(accountId, month),
    deps.billing.qualifiedIn(accountId, month, today),
    deps.billing.localisationOf(accountId, month),
    deps.billing.localisationOf(accountId, month, today),
  ]);
  const total = rateUsage({ plan, month, counts, shortCodes, qualified, localisation }).total;
  // The month's fees (short codes) are in both: today's spend is what today's parts, lookups and hits added, tiers included.
  const atMidnight = rateUsage({ plan, month, counts: before, shortCodes, qualified: qualifiedBefore, localisation: localisationBefore }).total;
  return { today: total - atMidnight, month: total };
}
