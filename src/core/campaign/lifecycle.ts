/**
 * The life of a campaign, as one table (like core/message/status.ts for a message).
 *
 *   draft ──schedule──► scheduled ──start (the send time has come)──► running ──complete──► completed
 *   draft | scheduled ──launch (send now)──► running
 *   scheduled | running ──pause──► paused
 *   paused ──resume──► scheduled (its send time is still in the future) | running (otherwise)
 *   draft | scheduled | running | paused ──cancel──► cancelled
 *   draft | scheduled ──edit──► the same state (content and audience change only before sending starts)
 *
 * completed and cancelled are final: nothing can be done to them.
 */
import { IllegalTransition } from './errors.ts';

export const campaignStatuses = ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

export const campaignActions = ['schedule', 'launch', 'start', 'pause', 'resume', 'complete', 'cancel', 'edit'] as const;
export type CampaignAction = (typeof campaignActions)[number];

/** Where an action leads when the answer depends on the campaign's send time (resume). */
export interface SendTimeTarget {
  /** When the campaign has a send time still in the future. */
  readonly sendTimeInFuture: CampaignStatus;
  /** When it has none, or it has passed. */
  readonly otherwise: CampaignStatus;
}

export type TransitionTarget = CampaignStatus | SendTimeTarget;

/** What the table cannot know and the caller (the app, which holds the clock) tells it. */
export interface TransitionContext {
  /** Whether the campaign has a send time still in the future; required to resume a paused campaign. */
  readonly sendTimeInFuture?: boolean;
}

/** For each state, the actions it allows and where each leads. An action absent from a row is illegal there. */
export const campaignTransitions: Readonly<Record<CampaignStatus, Readonly<Partial<Record<CampaignAction, TransitionTarget>>>>> = {
  draft: { schedule: 'scheduled', launch: 'running', cancel: 'cancelled', edit: 'draft' },
  scheduled: { launch: 'running', start: 'running', pause: 'paused', cancel: 'cancelled', edit: 'scheduled' },
  running: { pause: 'paused', complete: 'completed', cancel: 'cancelled' },
  paused: { resume: { sendTimeInFuture: 'scheduled', otherwise: 'running' }, cancel: 'cancelled' },
  completed: {},
  cancelled: {},
};

/** How an action reads in "a draft campaign cannot be …". */
const pastParticiples: Readonly<Record<CampaignAction, string>> = {
  schedule: 'scheduled',
  launch: 'launched',
  start: 'started',
  pause: 'paused',
  resume: 'resumed',
  complete: 'completed',
  cancel: 'cancelled',
  edit: 'edited',
};

/** The actions allowed from a state, in the order of `campaignActions`. */
export function allowedActions(from: CampaignStatus): readonly CampaignAction[] {
  const row = campaignTransitions[from];
  return campaignActions.filter((action) => row[action] !== undefined);
}

/** Whether nothing can be done to a campaign in this state any more (completed, cancelled). */
export function isFinal(status: CampaignStatus): boolean {
  return allowedActions(status).length === 0;
}

function refusal(action: CampaignAction, from: CampaignStatus): IllegalTransition {
  const allowed = allowedActions(from);
  const head = `a ${from} campaign cannot be ${pastParticiples[action]}`;
  const tail = allowed.length === 0 ? `nothing can be done to a ${from} campaign` : `allowed: ${allowed.join(', ')}`;
  const why = action === 'edit' ? ' (content and audience can change only before sending starts)' : '';
  return new IllegalTransition(from, action, allowed, `${head}${why}; ${tail}`);
}

/**
 * The state a campaign in `from` reaches by `action`, or IllegalTransition when the table does not allow it.
 * Resuming a paused campaign needs `context.sendTimeInFuture` (true: back to scheduled, false: running now): left
 * out, it throws a TypeError rather than guess, since guessing "running" would send a campaign before its time.
 */
export function nextStatus(action: CampaignAction, from: CampaignStatus, context: TransitionContext = {}): CampaignStatus {
  const target = campaignTransitions[from][action];
  if (target === undefined) throw refusal(action, from);
  if (typeof target === 'string') return target;
  if (context.sendTimeInFuture === undefined) {
    throw new TypeError(`to ${action} a ${from} campaign, say whether its send time is still in the future (context.sendTimeInFuture)`);
  }
  return context.sendTimeInFuture ? target.sendTimeInFuture : target.otherwise;
}
