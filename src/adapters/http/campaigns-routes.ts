import { Type } from '@sinclair/typebox';
import { actOnCampaign, campaignReport, createCampaign, editCampaign, findCampaign, type CampaignReport as Report } from '../../app/campaigns.ts';
import { planCampaign, recipientDecisions, type DryRun as Plan } from '../../app/plan-campaign.ts';
import { decisionsCsv } from '../csv/csv-write.ts';
import { sendCsv } from './csv-reply.ts';
import type { Campaign } from '../../app/ports.ts';
import { previewText } from '../../app/preview-text.ts';
import { perimeterOf } from '../../app/geo-presence.ts';
import { allowedActions } from '../../core/campaign/index.ts';
import { senderOf } from '../../app/accounts.ts';
import { campaignSchemas, CampaignInput, money, PreviewRequest } from './campaign-schemas.ts';
import type { Api, HttpDeps } from './server.ts';
import { brandToActAs, hideOtherBrand, reaches, visibleBrands } from './access.ts';

const problem = { $ref: 'Problem#' };
const IdParams = Type.Object({ id: Type.String() });
/** What a client can do to a campaign (the table's other actions are the runner's). */
const CLIENT_ACTIONS = new Set(['edit', 'launch', 'pause', 'resume', 'cancel']);

const ACTIONS = {
  launch: 'Launch: sending starts now, or at its send time when that is still ahead (scheduled)',
  pause: 'Pause: nothing more is sent; messages already queued are held back',
  resume: 'Resume a paused campaign: held messages are released and sending goes on (or waits for its send time)',
  cancel: 'Cancel: nothing more is sent; queued and held messages are cancelled',
} as const;

/** Template previews and campaigns: write, dry-run, launch, pause, resume, cancel, follow. */
export async function campaignRoutes(app: Api, deps: HttpDeps): Promise<void> {
  for (const schema of campaignSchemas) app.addSchema(schema);
  // A campaign of a brand the principal does not reach does not exist for it.
  app.addHook('preHandler', async (request) => {
    const { id } = request.params as { id?: string };
    if (id === undefined || visibleBrands(request) === null) return;
    hideOtherBrand(request, (await findCampaign(deps.campaigns, request.account.id, id)).brand, `campaign ${id}`);
  });

  app.post(
    '/templates/preview',
    {
      config: { readOnly: true },
      schema: {
        summary: 'Preview a campaign text over an audience: encodings, SMS parts, who goes in UCS-2 and why',
        description:
          'Renders the text for the first `sample` recipients of the audience (bases, lists, segment). A text with mistakes gets 422 with each ' +
          'problem’s position (0-based) and reason. `recipients` is the live count of the whole audience.',
        tags: ['campaigns'],
        body: Type.Ref(PreviewRequest),
        response: { 200: Type.Ref('TextPreview'), 400: problem, 422: Type.Union([Type.Ref('TemplateProblem'), Type.Ref('Problem')]) },
      },
    },
    async (request) => {
      const input = request.body as PreviewRequest;
      brandToActAs(request, input.brand);
      const preview = await previewText(deps.campaigns, request.account.id, {
          text: input.text,
          bases: input.bases,
          ...(input.lists === undefined ? {} : { lists: input.lists }),
          ...(input.segment === undefined ? {} : { segment: input.segment }),
          ...(input.class === undefined ? {} : { class: input.class }),
          brand: input.brand ?? request.account.brand,
          shortCode: input.shortCode ?? request.account.defaultShortCode,
          sample: input.sample ?? 10_000,
      });
      return {
        recipients: preview.audience.recipients,
        contacts: preview.audience.contacts,
        previewed: preview.recipients,
        byEncoding: preview.byEncoding,
        segments: preview.segments,
        maxSegments: preview.maxSegments,
        totalSegments: preview.totalSegments,
        ucs2Because: preview.ucs2Because.map((u) => ({ recipient: u.contact, characters: u.characters })),
        fromTemplate: preview.fromTemplate,
        stopMentionAdded: preview.stopMentionAdded,
        samples: preview.samples,
      };
    },
  );

  app.post(
    '/campaigns',
    {
      schema: {
        summary: 'Write a campaign (a draft): its text, audience, short code, class and brand',
        description: 'Bases, lists and segment are named by name or id. The text is checked against the bases’ fields (422 with each mistake and its position).',
        tags: ['campaigns'],
        body: Type.Ref(CampaignInput),
        response: { 201: Type.Ref('Campaign'), 400: problem, 422: problem },
      },
    },
    async (request, reply) => {
      brandToActAs(request, (request.body as CampaignInput).brand);
      const campaign = await createCampaign(deps.campaigns, senderOf(request.account), request.body as CampaignInput);
      reply.status(201);
      return presentCampaign(campaign);
    },
  );

  app.get('/campaigns', { schema: { summary: 'The account’s campaigns, newest first', tags: ['campaigns'], response: { 200: Type.Ref('CampaignList') } } }, async (request) => ({
    campaigns: (await deps.campaigns.campaigns.list(request.account.id)).filter((c) => reaches(request, c.brand)).map(presentCampaign),
  }));

  app.get(
    '/campaigns/:id',
    { schema: { summary: 'A campaign', tags: ['campaigns'], params: IdParams, response: { 200: Type.Ref('Campaign'), 404: problem } } },
    async (request) => presentCampaign(await findCampaign(deps.campaigns, request.account.id, request.params.id)),
  );

  app.put(
    '/campaigns/:id',
    {
      schema: {
        summary: 'Change a campaign before it starts (draft or scheduled)',
        description: 'The whole campaign is sent again. Once sending has started, its content and audience cannot change (409).',
        tags: ['campaigns'],
        params: IdParams,
        body: Type.Ref(CampaignInput),
        response: { 200: Type.Ref('Campaign'), 400: problem, 404: problem, 409: problem, 422: problem },
      },
    },
    async (request) => {
      await findCampaign(deps.campaigns, request.account.id, request.params.id); // another account's: 404 before anything else
      brandToActAs(request, (request.body as CampaignInput).brand);
      return presentCampaign(await editCampaign(deps.campaigns, senderOf(request.account), request.params.id, request.body as CampaignInput));
    },
  );

  app.post(
    '/campaigns/:id/dry-run',
    {
      config: { readOnly: true },
      schema: {
        summary: 'What the campaign would do, recipient by recipient, without sending anything',
        description:
          'Every contact goes through the decision the sending will make: who gets a message, who is left out and why (STOP, no consent, daily ' +
          'cap, duplicate, refused), what waits for the send window or the cap, encodings and parts, the cost and the time to send.',
        tags: ['campaigns'],
        params: IdParams,
        response: { 200: Type.Ref('DryRun'), 404: problem },
      },
    },
    async (request) => presentDryRun(await planCampaign(deps.campaigns, senderOf(request.account), request.params.id)),
  );

  app.get(
    '/campaigns/:id/dry-run/recipients',
    {
      config: { audit: 'export' },
      schema: {
        summary: 'The dry run recipient by recipient, as CSV: what the sending would do to each, why, and when',
        description:
          'Columns: recipient, outcome (send, deferred, excluded), reason (window or cap for a deferral; stop, no-consent, cap, duplicate or ' +
          'refused for an exclusion), goesAt (ISO 8601), encoding, segments, ruleSet, detail (the rule’s own words), route (where it would go). Streamed in the ' +
          'audience’s order; nothing is written. Same CSV conventions as the other files (UTF-8 with BOM, CRLF, formula guard).',
        tags: ['campaigns'],
        params: IdParams,
        response: { 200: { description: 'One row per recipient', content: { 'text/csv': { schema: Type.String() } } }, 404: problem },
      },
    },
    async (request, reply) => {
      const decisions = recipientDecisions(deps.campaigns, senderOf(request.account), request.params.id);
      const first = await decisions.next(); // an unknown campaign answers 404 before anything is sent
      return sendCsv(reply, `campaign-${request.params.id}-dry-run.csv`, decisionsCsv(first, decisions));
    },
  );

  for (const [action, summary] of Object.entries(ACTIONS) as [keyof typeof ACTIONS, string][]) {
    app.post(
      `/campaigns/:id/${action}`,
      {
        schema: {
          summary,
          description:
            'An action the campaign’s status does not allow gets 409 saying what is allowed instead. ' +
            (action === 'launch' ? 'A launch is refused (422) when the text breaks a message rule for every recipient tried (say, marketing that does not start with the brand).' : ''),
          tags: ['campaigns'],
          params: IdParams,
          response: { 200: Type.Ref('Campaign'), 404: problem, 409: problem, ...(action === 'launch' ? { 422: problem } : {}) },
        },
      },
      async (request) => presentCampaign(await actOnCampaign(deps.campaigns, senderOf(request.account), request.params.id, action)),
    );
  }

  app.get(
    '/campaigns/:id/stats',
    {
      config: { right: 'statistics' },
      schema: {
        summary: 'The campaign’s statistics: sent, delivered, failed by reason, suppressed, pending, STOPs, cost so far',
        tags: ['campaigns'],
        params: IdParams,
        response: { 200: Type.Ref('CampaignReport'), 404: problem },
      },
    },
    async (request) => presentReport(await campaignReport(deps.campaigns, request.account.id, request.params.id)),
  );
}

function presentCampaign(c: Campaign) {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    actions: allowedActions(c.status).filter((action) => CLIENT_ACTIONS.has(action)),
    class: c.class,
    brand: c.brand,
    shortCode: c.shortCode,
    from: c.sender,
    text: c.template,
    audience: { bases: c.audience.baseIds, lists: c.audience.listIds, segment: c.audience.segmentId },
    sendAt: c.sendAt?.toISOString() ?? null,
    qualifyBeforeSending: c.audience.qualify === true,
    ...(perimeterOf(c) ? { perimeter: perimeterOf(c) } : {}),
    queued: c.queued,
    createdAt: c.createdAt.toISOString(),
    startedAt: c.startedAt?.toISOString() ?? null,
    finishedAt: c.finishedAt?.toISOString() ?? null,
  };
}

/** A dry run as the API gives it (the CLI prints the same: money as micro-euros and exact euros). */
export function presentDryRun(d: Plan) {
  const { cliff } = d.cost;
  return {
    ...d,
    startsAt: d.startsAt.toISOString(),
    deferred: { ...d.deferred, until: d.deferred.until?.toISOString() ?? null },
    cost: {
      ...d.cost,
      ...money(d.cost.microEuros),
      cliff: cliff && { at: cliff.at, costlierFrom: cliff.costlierFrom, amountBefore: money(cliff.amountBefore), amountAt: money(cliff.amountAt), label: cliff.label },
    },
  };
}

/** A campaign's statistics as the API gives them (the CLI prints the same). */
export function presentReport(r: Report) {
  return {
    campaign: presentCampaign(r.campaign),
    sent: r.sent,
    delivered: r.delivered,
    failed: r.failed,
    failedByReason: r.failedByReason,
    suppressed: r.suppressed,
    pending: r.pending,
    stopsAfter: r.stopsAfter,
    byStatus: r.byStatus,
    partsByStatus: r.partsByStatus,
    billedParts: r.billedParts,
    costSoFar: money(r.costSoFar),
    geoPresence: r.geoPresence,
  };
}
