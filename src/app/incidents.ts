/**
 * Incident tickets (docs/incidents.md): opened by the people of an account who hold the "incidents" right,
 * qualified and worked by the aggregator's support, with a clock over the provider's business hours. Every change
 * is written in one transaction with its webhook deliveries; the e-mails follow the commit (a mail that fails is
 * logged, the change stands).
 */
import { InvalidRequest, InvalidState, NotFound } from './errors.ts';
import type { Clock, Logger } from './ports.ts';
import type { Mailer } from './sign-in.ts';
import {
  actionTowards,
  incidentReport,
  incidentTransition,
  IllegalIncidentTransition,
  monthSpan,
  PROVIDER_HOURS,
  readClock,
  RESTORATION_TARGETS,
  type BusinessHours,
  type Category,
  type ClosedTicket,
  type IncidentAction,
  type IncidentReport,
  type IncidentStatus,
  type Severity,
} from '../core/incidents/index.ts';

/** Who wrote or changed something: the account's side or the provider's, and a readable name. */
export interface Author {
  side: 'client' | 'provider';
  name: string;
}

export interface StatusChange {
  at: Date;
  status: IncidentStatus;
  side: Author['side'];
  author: string;
  note: string | null;
}

export interface IncidentComment {
  id: string;
  at: Date;
  side: Author['side'];
  author: string;
  text: string;
}

export interface AttachmentInfo {
  id: string;
  at: Date;
  side: Author['side'];
  author: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface Incident {
  id: string;
  reference: string;
  accountId: string;
  accountName: string;
  title: string;
  description: string;
  severity: Severity;
  category: Category;
  qualifiedAt: Date | null;
  status: IncidentStatus;
  openedBy: string;
  openedAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
  cause: string | null;
  /** Business milliseconds on the clock at closing (null before). */
  businessMs: number | null;
  history: StatusChange[];
}

export interface IncidentDetail extends Incident {
  comments: IncidentComment[];
  attachments: AttachmentInfo[];
}

/** What the webhooks of the ticket's account receive (docs/incidents.md, "Notifications"). */
export interface IncidentEvent {
  type: 'incident.opened' | 'incident.status' | 'incident.comment' | 'incident.closed';
  at: string;
  incident: Record<string, unknown>;
  comment?: { author: string; side: string; text: string };
}

/** One change of a ticket, written at once (with its event) by the store. */
export interface IncidentChange {
  status?: StatusChange;
  resolvedAt?: Date | null;
  closedAt?: Date;
  cause?: string;
  businessMs?: number;
  qualification?: { severity: Severity; category: Category; at: Date };
  comment?: Omit<IncidentComment, 'id'>;
  attachment?: Omit<AttachmentInfo, 'size'> & { content: Buffer };
}

export interface NewIncident {
  accountId: string;
  title: string;
  description: string;
  severity: Severity;
  category: Category;
  openedBy: Author;
  at: Date;
}

/** Which tickets: of one account (null: every account, the aggregator's view). */
export type Scope = { accountId: string } | null;

export interface IncidentStore {
  /** Opens a ticket with the next reference of its year, and queues its event. */
  open(input: NewIncident, event: (incident: Incident) => IncidentEvent): Promise<Incident>;
  find(scope: Scope, reference: string): Promise<IncidentDetail | undefined>;
  list(scope: Scope, filter: { status?: IncidentStatus | undefined; limit: number }): Promise<Incident[]>;
  /**
   * Reads the ticket locked, lets `decide` say the change (or throw), writes the change and its event: two changes of
   * one ticket at once are done one after the other, each on what the other left.
   */
  change(scope: Scope, reference: string, decide: (incident: IncidentDetail) => { change: IncidentChange; event: (after: Incident) => IncidentEvent }): Promise<IncidentDetail>;
  attachment(scope: Scope, reference: string, id: string): Promise<(AttachmentInfo & { content: Buffer }) | undefined>;
  closedBetween(from: Date, to: Date): Promise<ClosedTicket[]>;
  /** The e-mail addresses of the account's people who follow its tickets (active, holding the "incidents" right). */
  contacts(accountId: string): Promise<string[]>;
}

export interface IncidentDeps {
  store: IncidentStore;
  clock: Clock;
  mailer?: Mailer | undefined;
  /** The aggregator's support desk: told of every ticket's events. */
  supportAddress?: string | undefined;
  /** Where the portal is reached (links in the mails). */
  publicUrl?: string | undefined;
  hours?: BusinessHours;
  log?: Logger | undefined;
}

/** Attachments: at most this many bytes each, this many per ticket, of these types. */
export const ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;
export const ATTACHMENTS_PER_TICKET = 20;
export const ATTACHMENT_TYPES = [
  'text/plain',
  'text/csv',
  'application/pdf',
  'application/json',
  'application/zip',
  'image/png',
  'image/jpeg',
  'message/rfc822',
  'application/vnd.tcpdump.pcap',
  'application/octet-stream',
] as const;

const hoursOf = (deps: IncidentDeps) => deps.hours ?? PROVIDER_HOURS;

/** The ticket as the API shows it: with its clock read now and its target. */
export function presentIncident(deps: IncidentDeps, incident: Incident) {
  const reading = readClock(incident.history, hoursOf(deps), deps.clock.now());
  const businessMs = incident.businessMs ?? reading.businessMs;
  const targetMs = RESTORATION_TARGETS[incident.severity];
  return {
    reference: incident.reference,
    account: incident.accountName,
    title: incident.title,
    description: incident.description,
    severity: incident.severity,
    category: incident.category,
    qualified: incident.qualifiedAt !== null,
    status: incident.status,
    openedBy: incident.openedBy,
    openedAt: incident.openedAt.toISOString(),
    resolvedAt: incident.resolvedAt?.toISOString() ?? null,
    closedAt: incident.closedAt?.toISOString() ?? null,
    cause: incident.cause,
    clock: {
      running: incident.status === 'open',
      businessMinutes: Math.floor(businessMs / 60_000),
      waitingMinutes: Math.floor(reading.waitingMs / 60_000),
      targetMinutes: targetMs / 60_000,
      overdue: businessMs > targetMs,
    },
    history: incident.history.map((h) => ({ ...h, at: h.at.toISOString() })),
  };
}

export function presentDetail(deps: IncidentDeps, incident: IncidentDetail) {
  return {
    ...presentIncident(deps, incident),
    comments: incident.comments.map((c) => ({ ...c, at: c.at.toISOString() })),
    attachments: incident.attachments.map((a) => ({ ...a, at: a.at.toISOString() })),
  };
}

function eventOf(type: IncidentEvent['type'], deps: IncidentDeps, incident: Incident, comment?: IncidentEvent['comment']): IncidentEvent {
  const { history: _history, description: _description, ...shown } = presentIncident(deps, incident);
  return { type, at: deps.clock.now().toISOString(), incident: shown, ...(comment ? { comment } : {}) };
}

/** Opens a ticket for an account. */
export async function openIncident(
  deps: IncidentDeps,
  input: { accountId: string; title: string; description: string; severity?: Severity | undefined; category?: Category | undefined; author: Author },
): Promise<IncidentDetail> {
  const problems = [...textProblems('/title', input.title, 200), ...textProblems('/description', input.description, 20_000)];
  if (problems.length > 0) throw new InvalidRequest(problems);
  const incident = await deps.store.open(
    {
      accountId: input.accountId,
      title: input.title.trim(),
      description: input.description.trim(),
      severity: input.severity ?? 'minor',
      category: input.category ?? 'other',
      openedBy: input.author,
      at: deps.clock.now(),
    },
    (opened) => eventOf('incident.opened', deps, opened),
  );
  await mail(deps, incident, `ouvert par ${input.author.name}`, `${incident.title}\n\n${incident.description}`);
  return (await deps.store.find(null, incident.reference))!;
}

/** Takes the ticket to `to` (the table says by which action), with a note. */
export async function setIncidentStatus(
  deps: IncidentDeps,
  scope: Scope,
  reference: string,
  request: { to: IncidentStatus; note?: string | undefined; cause?: string | undefined; author: Author },
): Promise<IncidentDetail> {
  const note = request.note?.trim() || null;
  const cause = request.cause?.trim() || undefined;
  let action: IncidentAction | undefined;
  const after = await changeOf(deps, scope, reference, (incident) => {
    action = actionTowards(incident.status, request.to);
    if (!action) throw new InvalidState(new IllegalIncidentTransition(incident.status, towardsAction(request.to)).message);
    allowedTo(request.author, action, incident.status);
    const to = incidentTransition(incident.status, action);
    if (to instanceof IllegalIncidentTransition) throw new InvalidState(to.message);
    const now = deps.clock.now();
    const status: StatusChange = { at: now, status: to, side: request.author.side, author: request.author.name, note };
    const change: IncidentChange = { status };
    if (action === 'resolve') {
      if (!cause) throw new InvalidRequest([{ field: '/cause', reason: 'a ticket is resolved with its cause (what failed, what was done)' }]);
      Object.assign(change, { resolvedAt: now, cause });
    }
    if (action === 'reopen') change.resolvedAt = null;
    if (action === 'close') {
      const history = [...incident.history, status];
      Object.assign(change, { closedAt: now, businessMs: readClock(history, hoursOf(deps), now).businessMs, ...(cause ? { cause } : {}) });
    }
    return { change, event: (changed) => eventOf(to === 'closed' ? 'incident.closed' : 'incident.status', deps, changed) };
  });
  const said = { wait: 'en attente de votre réponse', resume: 'repris', resolve: 'résolu', reopen: 'rouvert', close: 'clos' }[action!];
  const body = [note, action === 'resolve' || action === 'close' ? `Cause : ${after.cause ?? ''}` : null].filter(Boolean).join('\n\n');
  await mail(deps, after, `${said} par ${request.author.name}`, body);
  return after;
}

/** Requalifies a ticket (the provider's support). */
export async function qualifyIncident(deps: IncidentDeps, reference: string, request: { severity: Severity; category: Category; author: Author }): Promise<IncidentDetail> {
  const after = await changeOf(deps, null, reference, (incident) => {
    if (incident.status === 'closed') throw new InvalidState('a closed ticket keeps its qualification');
    return {
      change: { qualification: { severity: request.severity, category: request.category, at: deps.clock.now() } },
      event: (changed) => eventOf('incident.status', deps, changed),
    };
  });
  await mail(deps, after, `qualifié par ${request.author.name}`, `Gravité : ${after.severity}\nCatégorie : ${after.category}`);
  return after;
}

/** A comment; the client's answer to a ticket waiting for it resumes the clock. */
export async function commentIncident(deps: IncidentDeps, scope: Scope, reference: string, request: { text: string; author: Author }): Promise<IncidentDetail> {
  const problems = textProblems('/text', request.text, 20_000);
  if (problems.length > 0) throw new InvalidRequest(problems);
  const text = request.text.trim();
  const after = await changeOf(deps, scope, reference, (incident) => {
    if (incident.status === 'closed') throw new InvalidState('a closed ticket takes no more comments: open a new ticket');
    const now = deps.clock.now();
    const change: IncidentChange = { comment: { at: now, side: request.author.side, author: request.author.name, text } };
    if (incident.status === 'waiting-for-client' && request.author.side === 'client') {
      change.status = { at: now, status: 'open', side: 'client', author: request.author.name, note: 'the client answered' };
    }
    return { change, event: (changed) => eventOf('incident.comment', deps, changed, { author: request.author.name, side: request.author.side, text }) };
  });
  await mail(deps, after, `commentaire de ${request.author.name}`, text);
  return after;
}

/** Joins a file to a ticket. */
export async function attachToIncident(
  deps: IncidentDeps,
  scope: Scope,
  reference: string,
  request: { filename: string; contentType: string; content: Buffer; author: Author; id: string },
): Promise<AttachmentInfo> {
  const problems = [...textProblems('/filename', request.filename, 200)];
  if (/[\\/\u0000-\u001f]/.test(request.filename)) problems.push({ field: '/filename', reason: 'a file name has no path and no control characters' });
  const contentType = request.contentType.toLowerCase().split(';')[0]!.trim();
  if (!(ATTACHMENT_TYPES as readonly string[]).includes(contentType)) problems.push({ field: '/contentType', reason: `"${request.contentType}" is not taken; one of ${ATTACHMENT_TYPES.join(', ')}` });
  if (request.content.length === 0) problems.push({ field: '/content', reason: 'the file is empty' });
  if (request.content.length > ATTACHMENT_MAX_BYTES) problems.push({ field: '/content', reason: `the file has ${request.content.length} bytes; at most ${ATTACHMENT_MAX_BYTES} are taken` });
  if (problems.length > 0) throw new InvalidRequest(problems);
  const now = deps.clock.now();
  const after = await changeOf(deps, scope, reference, (incident) => {
    if (incident.status === 'closed') throw new InvalidState('a closed ticket takes no more files: open a new ticket');
    if (incident.attachments.length >= ATTACHMENTS_PER_TICKET) throw new InvalidState(`a ticket holds at most ${ATTACHMENTS_PER_TICKET} files`);
    return {
      change: {
        attachment: { id: request.id, at: now, side: request.author.side, author: request.author.name, filename: request.filename.trim(), contentType, content: request.content },
        comment: { at: now, side: request.author.side, author: request.author.name, text: `Pièce jointe : ${request.filename.trim()} (${request.content.length} octets)` },
      },
      event: (changed) => eventOf('incident.comment', deps, changed, { author: request.author.name, side: request.author.side, text: `attached ${request.filename.trim()}` }),
    };
  });
  await mail(deps, after, `pièce jointe de ${request.author.name}`, `${request.filename.trim()} (${request.content.length} octets)`);
  return after.attachments.find((a) => a.id === request.id)!;
}

/** The monthly report: tickets closed in the month (Paris), their durations against their targets. */
export async function monthlyIncidentReport(deps: IncidentDeps, month: string): Promise<IncidentReport> {
  const span = monthSpan(month, hoursOf(deps).zone);
  if (!span) throw new InvalidRequest([{ field: '/month', reason: `"${month}" is not a month YYYY-MM` }]);
  return incidentReport(month, await deps.store.closedBetween(span.from, span.to));
}

export async function findIncident(deps: IncidentDeps, scope: Scope, reference: string): Promise<IncidentDetail> {
  return (await deps.store.find(scope, reference)) ?? Promise.reject(new NotFound(`incident ${reference}`));
}

async function changeOf(deps: IncidentDeps, scope: Scope, reference: string, decide: Parameters<IncidentStore['change']>[2]): Promise<IncidentDetail> {
  try {
    return await deps.store.change(scope, reference, decide);
  } catch (error) {
    if (error instanceof IncidentNotFound) throw new NotFound(`incident ${reference}`);
    throw error;
  }
}

/** The store's answer to a change of a ticket the scope does not reach. */
export class IncidentNotFound extends Error {}

/** The client takes its ticket off hold, reopens a resolved one or closes it; waiting and resolving are the provider's. */
function allowedTo(author: Author, action: IncidentAction, from: IncidentStatus): void {
  if (author.side === 'provider') return;
  if (action === 'wait' || action === 'resolve') throw new InvalidState(`the provider's support ${action === 'wait' ? 'puts a ticket on hold for the client' : 'resolves a ticket'}; a ${from} ticket stays so until then`);
}

function towardsAction(to: IncidentStatus): IncidentAction {
  return ({ open: 'resume', 'waiting-for-client': 'wait', resolved: 'resolve', closed: 'close' } as const)[to];
}

function textProblems(field: string, text: string, max: number) {
  if (text.trim() === '') return [{ field, reason: 'must not be empty' }];
  if (text.length > max) return [{ field, reason: `at most ${max} characters` }];
  return [];
}

/** Tells the account's incident contacts and the support desk; a mail that fails is logged, the change stands. */
async function mail(deps: IncidentDeps, incident: Incident, what: string, body: string): Promise<void> {
  if (!deps.mailer) return;
  try {
    const recipients = new Set(await deps.store.contacts(incident.accountId));
    if (deps.supportAddress) recipients.add(deps.supportAddress);
    const link = deps.publicUrl ? `\n\n${deps.publicUrl.replace(/\/$/, '')}/incidents/${incident.reference}` : '';
    const subject = `[${incident.reference}] ${incident.title} — ${what}`;
    const text = `Ticket ${incident.reference} (${incident.accountName}) : ${what}.\nStatut : ${incident.status} · gravité : ${incident.severity} · catégorie : ${incident.category}\n\n${body}${link}\n`;
    for (const to of recipients) await deps.mailer.send({ to, subject, text });
  } catch (error) {
    deps.log?.warn({ err: error, incident: incident.reference }, 'incident mail not sent');
  }
}

