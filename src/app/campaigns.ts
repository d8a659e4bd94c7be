/**
 * Campaigns as a client drives them: write a draft (message with merge fields, audience, short code), change it
 * until it starts, launch it now or at a time, pause, resume, cancel, and read its statistics. Sending itself is
 * run-campaigns.ts; the dry run is plan-campaign.ts.
 */
import { readInstant } from '../core/time/instant.ts';
import { compileTemplate, nextStatus, TemplateError, type CampaignAction, type Template } from '../core/campaign/index.ts';
import type { CustomFieldDef } from '../core/contacts/types.ts';
import { estimateMessage, type TariffGrid } from '../core/pricing/index.ts';
import { InvalidRequest, InvalidState, NotFound, type FieldProblem } from './errors.ts';
import type { Clock, MessageClass } from './ports.ts';
import type { Campaign, CampaignDraft, CampaignDrafts, CampaignFigures, CampaignLife, CampaignStats } from './ports/campaigns.ts';
import type { Audience, Audiences, ContactBase, ContactBases, ContactLists, Segments } from './ports/contacts.ts';

/** What campaigns read of the contacts: the bases, lists and segment an audience names, and the audience itself. */
export type CampaignContacts = Pick<ContactBases, 'findBase'> & Pick<ContactLists, 'findList'> & Pick<Segments, 'findSegment'> & Audiences;
import { sendingAddress, type Sender, type SubmitDeps } from './submit-messages.ts';
import { campaignMessage } from './campaign-message.ts';
import { checkPerimeter, GEO_SKIPS, perimeterOf, type GeoAudience, type GeoPresenceStore } from './geo-presence.ts';
import type { Perimeter } from '../core/geo/index.ts';

export interface CampaignDeps {
  /** A client's side of the campaigns: drafts, their life, their figures (the runner adds the sending: run-campaigns.ts). */
  campaigns: CampaignDrafts & CampaignLife & CampaignFigures;
  contacts: CampaignContacts;
  submit: Pick<SubmitDeps, 'shortCodes' | 'consents' | 'notify' | 'route'>;
  clock: Clock;
  /** The grid campaigns are priced with (dry run, cost so far). */
  tariff: TariffGrid;
  /** Geolocation acceptances and localisation hits, for perimeter campaigns (dry run, statistics). */
  geoPresence?: Pick<GeoPresenceStore, 'acceptedAmong' | 'campaignHits'> | undefined;
}

/** A campaign as a client writes it: bases, lists and segment by id or name. */
export interface CampaignInput extends AudienceInput {
  name: string;
  text: string;
  class?: MessageClass;
  brand?: string;
  shortCode?: string;
  /** Sender shown on the handset: the short code (default) or an alphanumeric sender ID. */
  from?: string;
  /** ISO 8601: when the campaign starts once launched; absent: at launch. */
  sendAt?: string;
  /** Qualify the recipients before sending (docs/operators.md, "Qualification"): terminated numbers are left out. */
  qualifyBeforeSending?: boolean;
  /**
   * Géo Présence (docs/campaigns.md): only the recipients inside this area when their chunk is sent, and who accepted
   * geolocated marketing, are sent to. Only on a 35ABC short code of an account with the "geo-presence" option.
   */
  perimeter?: Perimeter;
}

export async function createCampaign(deps: CampaignDeps, sender: Sender, input: CampaignInput): Promise<Campaign> {
  const draft = await draftOf(deps, sender, input);
  return deps.campaigns.create(sender.accountId, draft, deps.clock.now());
}

export async function editCampaign(deps: CampaignDeps, sender: Sender, id: string, input: CampaignInput): Promise<Campaign> {
  const campaign = await findCampaign(deps, sender.accountId, id);
  nextStatus('edit', campaign.status);
  const updated = await deps.campaigns.update(campaign, await draftOf(deps, sender, input), deps.clock.now());
  return updated ?? raced(campaign);
}

export async function findCampaign(deps: Pick<CampaignDeps, 'campaigns'>, accountId: string, id: string): Promise<Campaign> {
  const campaign = await deps.campaigns.get(accountId, id);
  if (!campaign) throw new NotFound(`campaign ${id}`);
  return campaign;
}

/**
 * Launch (now, or at its send time when that is still ahead: scheduled), pause, resume or cancel. Messages already
 * queued follow: held back by a pause, released by a resume, cancelled with the campaign.
 */
export async function actOnCampaign(deps: CampaignDeps, sender: Sender, id: string, action: 'launch' | 'pause' | 'resume' | 'cancel'): Promise<Campaign> {
  const campaign = await findCampaign(deps, sender.accountId, id);
  const now = deps.clock.now();
  const sendTimeInFuture = campaign.sendAt !== null && campaign.sendAt > now;
  const step: CampaignAction = action === 'launch' && sendTimeInFuture ? 'schedule' : action;
  const to = nextStatus(step, campaign.status, { sendTimeInFuture });
  if (action === 'launch') await refuseIfEveryMessageBreaksARule(deps, sender, campaign, now);
  const moved = await deps.campaigns.move(campaign, to, now);
  if (!moved) return raced(campaign);
  if (action === 'pause') await deps.campaigns.holdMessages(moved, now);
  if (action === 'resume') await deps.campaigns.releaseMessages(moved, now);
  if (action === 'cancel') await deps.campaigns.cancelMessages(moved, now);
  if (moved.status === 'running') deps.submit.notify();
  return moved;
}

/** Recipients tried before a launch: enough to tell a text that breaks a rule for everyone. */
const LAUNCH_PROBE = 20;

/**
 * A text that breaks a message rule (say, marketing not starting with the brand) would have every recipient
 * refused: say so at launch, with the rule, rather than send a campaign of suppressed messages.
 */
async function refuseIfEveryMessageBreaksARule(deps: CampaignDeps, sender: Sender, campaign: Campaign, now: Date): Promise<void> {
  const { audience, bases } = await audienceOf(deps, campaign);
  const template = templateOf(campaign, bases);
  const members = await deps.contacts.audience(audience, { accountId: campaign.accountId, brand: campaign.brand, now }, '0', LAUNCH_PROBE);
  const known = deps.submit.shortCodes();
  const messages = members.map((member) => campaignMessage(campaign, template, sender, known, member, now, deps.submit.route));
  if (messages.length === 0 || messages.some((m) => m.error?.code !== 'refused')) return;
  throw new InvalidRequest([{ field: '/text', reason: `every recipient tried would be refused: ${messages[0]!.error!.reason}` }]);
}

export interface CampaignReport extends CampaignStats {
  campaign: Campaign;
  sent: number;
  delivered: number;
  failed: number;
  suppressed: number;
  /** Not final yet: queued, held, being submitted, or submitted and waiting for the receipt. */
  pending: number;
  /** SMS parts billed so far: sent ones, or delivered ones when the tariff bills on delivery. */
  billedParts: number;
  /** The billed parts at the campaign tariff, micro-euros. */
  costSoFar: number;
  /**
   * A perimeter campaign: the numbers asked of the location provider (each a billable hit of the account) and the
   * recipients left out, by why (also in failedByReason).
   */
  geoPresence: { perimeter: Perimeter; localisationHits: number; skipped: Record<keyof typeof GEO_SKIPS, number> } | null;
}

const PENDING = ['queued', 'held', 'submitting', 'submitted', 'in_doubt'];
const FAILED = ['undeliverable', 'expired', 'rejected', 'unknown', 'failed'];
const SENT = ['submitted', 'delivered', ...FAILED.filter((s) => s !== 'failed')];

export async function campaignReport(deps: CampaignDeps, accountId: string, id: string): Promise<CampaignReport> {
  const campaign = await findCampaign(deps, accountId, id);
  const stats = await deps.campaigns.stats(campaign);
  const sum = (statuses: string[], of: Record<string, number> = stats.byStatus) => statuses.reduce((total, status) => total + (of[status] ?? 0), 0);
  const billedParts = sum(billedStatuses(deps.tariff), stats.partsByStatus);
  return {
    ...stats,
    campaign,
    sent: sum(SENT),
    delivered: stats.byStatus.delivered ?? 0,
    failed: sum(FAILED),
    suppressed: stats.byStatus.suppressed ?? 0,
    pending: sum(PENDING),
    billedParts,
    costSoFar: billedParts > 0 ? estimateMessage({ grid: deps.tariff, segments: billedParts }).amount : 0,
    geoPresence: await geoReport(deps, campaign, stats.failedByReason),
  };
}

async function geoReport(deps: CampaignDeps, campaign: Campaign, failedByReason: Record<string, number>): Promise<CampaignReport['geoPresence']> {
  const perimeter = perimeterOf(campaign);
  if (!perimeter) return null;
  const skipped = Object.fromEntries(Object.keys(GEO_SKIPS).map((code) => [code, failedByReason[code] ?? 0])) as Record<keyof typeof GEO_SKIPS, number>;
  return { perimeter, localisationHits: (await deps.geoPresence?.campaignHits(campaign.id)) ?? 0, skipped };
}

/** The statuses whose parts the tariff bills: delivered ones, or every one that left for the operator. */
/** The statuses whose parts the grid bills: delivered ones, or every one sent. */
export function billedStatuses(tariff: TariffGrid): string[] {
  const sms = tariff.charges.find((c) => c.kind === 'per-unit' && c.unit === 'sms');
  return sms && 'billable' in sms && sms.billable === 'when-delivered' ? ['delivered'] : SENT;
}

/** The audience the store reads: bases, lists, the segment's filter, and the custom fields of the bases. */
export async function audienceOf(deps: Pick<CampaignDeps, 'contacts'>, campaign: Pick<Campaign, 'accountId' | 'audience'>): Promise<{ audience: Audience; bases: ContactBase[] }> {
  const bases = await basesOf(deps, campaign.accountId, campaign.audience.baseIds);
  const segment = campaign.audience.segmentId ? await findInBases(bases, (base) => deps.contacts.findSegment(base, campaign.audience.segmentId!)) : undefined;
  return {
    audience: { baseIds: bases.map((b) => b.id), listIds: campaign.audience.listIds, segment: segment?.filter ?? null, customFields: customFieldsOf(bases) },
    bases,
  };
}

/** The message template, compiled against the fields of the campaign's bases. */
export function templateOf(campaign: Pick<Campaign, 'template'>, bases: readonly ContactBase[]): Template {
  return compileTemplate(campaign.template, customFieldsOf(bases));
}

async function draftOf(deps: CampaignDeps, sender: Sender, input: CampaignInput): Promise<CampaignDraft> {
  const problems: FieldProblem[] = [];
  if (!input.name?.trim()) problems.push({ field: '/name', reason: 'a campaign needs a name' });
  const { bases, listIds, segmentId } = await resolveAudience(deps, sender.accountId, input, problems);
  try {
    compileTemplate(input.text ?? '', customFieldsOf(bases));
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    problems.push(...error.problems.map((p) => ({ field: '/text', reason: `${p.reason} (position ${p.position})` })));
  }
  const address = sendingAddress(input, sender, deps.submit.shortCodes(), problems);
  const read = input.sendAt === undefined ? null : readInstant(input.sendAt);
  if (read && 'reason' in read) problems.push({ field: '/sendAt', reason: read.reason });
  const sendAt = read instanceof Date ? read : null;
  const klass = input.class ?? 'marketing';
  const perimeter = checkPerimeter(input.perimeter, address?.shortCode, klass, sender.settings.options, problems);
  if (problems.length > 0 || !address) throw new InvalidRequest(problems);
  const audience: GeoAudience = { baseIds: bases.map((b) => b.id), listIds, segmentId, ...(input.qualifyBeforeSending ? { qualify: true } : {}), ...(perimeter ? { perimeter } : {}) };
  return {
    name: input.name.trim(),
    class: klass,
    brand: input.brand ?? sender.brand,
    shortCode: address.shortCode,
    sender: address.from,
    template: input.text,
    audience,
    sendAt,
  };
}

/** What a client names an audience with: bases, lists and a segment, each by id or name. */
export interface AudienceInput {
  bases: string[];
  lists?: string[];
  segment?: string;
}

/** The bases, lists and segment an audience names; what cannot be found goes to `problems`, with its field. */
export async function resolveAudience(
  deps: Pick<CampaignDeps, 'contacts'>,
  accountId: string,
  input: AudienceInput,
  problems: FieldProblem[],
): Promise<{ bases: ContactBase[]; listIds: string[]; segmentId: string | null }> {
  if (!Array.isArray(input.bases) || input.bases.length === 0) problems.push({ field: '/bases', reason: 'name at least one contact base' });
  const bases = (await Promise.all((input.bases ?? []).map((b) => deps.contacts.findBase(accountId, b)))).flatMap((base, i) => {
    if (base) return [base];
    problems.push({ field: `/bases/${i}`, reason: `no contact base "${input.bases[i]}" in this account` });
    return [];
  });
  const listIds = await resolveAll(bases, input.lists ?? [], (base, name) => deps.contacts.findList(base, name), '/lists', 'list', problems);
  const [segmentId] = input.segment ? await resolveAll(bases, [input.segment], (base, name) => deps.contacts.findSegment(base, name), '/segment', 'segment', problems) : [];
  return { bases, listIds, segmentId: segmentId ?? null };
}

/** Lists or segments named by id or name, each looked up in the campaign's bases. */
async function resolveAll<T extends { id: string }>(
  bases: ContactBase[],
  names: string[],
  find: (base: ContactBase, name: string) => Promise<T | undefined>,
  field: string,
  what: string,
  problems: FieldProblem[],
): Promise<string[]> {
  const found = await Promise.all(names.map((name) => findInBases(bases, (base) => find(base, name))));
  return found.flatMap((item, i) => {
    if (item) return [item.id];
    problems.push({ field: names.length === 1 && field === '/segment' ? field : `${field}/${i}`, reason: `no ${what} "${names[i]}" in the campaign's bases` });
    return [];
  });
}

async function findInBases<T>(bases: readonly ContactBase[], find: (base: ContactBase) => Promise<T | undefined>): Promise<T | undefined> {
  for (const base of bases) {
    const found = await find(base);
    if (found) return found;
  }
  return undefined;
}

async function basesOf(deps: Pick<CampaignDeps, 'contacts'>, accountId: string, ids: string[]): Promise<ContactBase[]> {
  const bases = await Promise.all(ids.map((id) => deps.contacts.findBase(accountId, id)));
  return bases.filter((b): b is ContactBase => b !== undefined);
}

function customFieldsOf(bases: readonly ContactBase[]): CustomFieldDef[] {
  const byName = new Map<string, CustomFieldDef>();
  for (const base of bases) for (const field of base.customFields) if (!byName.has(field.name)) byName.set(field.name, field);
  return [...byName.values()];
}

function raced(campaign: Campaign): never {
  throw new InvalidState(`campaign ${campaign.id} changed meanwhile (it was ${campaign.status}): read it again`);
}
