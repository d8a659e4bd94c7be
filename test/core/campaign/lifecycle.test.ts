import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  CampaignError,
  campaignActions,
  campaignStatuses,
  campaignTransitions,
  IllegalTransition,
  isFinal,
  nextStatus,
  type CampaignAction,
  type CampaignStatus,
} from '../../../src/core/campaign/index.ts';

/** The refusal thrown by `nextStatus`, for its fields. */
function refusal(action: CampaignAction, from: CampaignStatus): IllegalTransition {
  try {
    nextStatus(action, from, { sendTimeInFuture: false });
  } catch (error) {
    if (error instanceof IllegalTransition) return error;
    throw error;
  }
  throw new Error(`${action} from ${from} was allowed`);
}

const legal: [CampaignAction, CampaignStatus, CampaignStatus][] = [
  ['schedule', 'draft', 'scheduled'],
  ['launch', 'draft', 'running'],
  ['launch', 'scheduled', 'running'],
  ['start', 'scheduled', 'running'],
  ['pause', 'running', 'paused'],
  ['pause', 'scheduled', 'paused'],
  ['complete', 'running', 'completed'],
  ['cancel', 'draft', 'cancelled'],
  ['cancel', 'scheduled', 'cancelled'],
  ['cancel', 'running', 'cancelled'],
  ['cancel', 'paused', 'cancelled'],
  ['edit', 'draft', 'draft'],
  ['edit', 'scheduled', 'scheduled'],
];

describe('campaign life cycle', () => {
  it.each(legal)('%s takes a %s campaign to %s', (action, from, to) => {
    expect(nextStatus(action, from)).toBe(to);
  });

  it('resumes a paused campaign to scheduled while its send time is ahead, else to running', () => {
    expect(nextStatus('resume', 'paused', { sendTimeInFuture: true })).toBe('scheduled');
    expect(nextStatus('resume', 'paused', { sendTimeInFuture: false })).toBe('running');
  });

  it('refuses to guess where a resume leads', () => {
    expect(() => nextStatus('resume', 'paused')).toThrow(TypeError);
    expect(() => nextStatus('resume', 'paused')).toThrow(/sendTimeInFuture/);
  });

  it('allows exactly the hand-listed transitions plus resume, and refuses every other pair', () => {
    const allowed = new Set([...legal.map(([action, from]) => `${action}:${from}`), 'resume:paused']);
    for (const from of campaignStatuses) {
      for (const action of campaignActions) {
        if (allowed.has(`${action}:${from}`)) expect(() => nextStatus(action, from, { sendTimeInFuture: true })).not.toThrow();
        else expect(refusal(action, from)).toMatchObject({ from, action, allowed: allowedActions(from) });
      }
    }
  });

  it('every target of the table is a known status', () => {
    for (const row of Object.values(campaignTransitions)) {
      for (const target of Object.values(row)) {
        const targets = typeof target === 'string' ? [target] : [target.sendTimeInFuture, target.otherwise];
        for (const status of targets) expect(campaignStatuses).toContain(status);
      }
    }
    expect(Object.keys(campaignTransitions).sort()).toEqual([...campaignStatuses].sort());
  });

  it('says why, and what can be done instead', () => {
    const paused = refusal('pause', 'draft');
    expect(paused).toBeInstanceOf(CampaignError);
    expect(paused.message).toBe('a draft campaign cannot be paused; allowed: schedule, launch, cancel, edit');
    expect(paused.reason).toBe(paused.message);
    expect(refusal('pause', 'completed').message).toBe('a completed campaign cannot be paused; nothing can be done to a completed campaign');
    expect(refusal('edit', 'running').message).toBe(
      'a running campaign cannot be edited (content and audience can change only before sending starts); allowed: pause, complete, cancel',
    );
    expect(refusal('start', 'draft').allowed).toEqual(['schedule', 'launch', 'cancel', 'edit']);
    expect(refusal('resume', 'running').message).toBe('a running campaign cannot be resumed; allowed: pause, complete, cancel');
    expect(refusal('launch', 'paused').message).toBe('a paused campaign cannot be launched; allowed: resume, cancel');
    expect(refusal('cancel', 'cancelled').allowed).toEqual([]);
  });

  it('lists the allowed actions of each state', () => {
    expect(allowedActions('draft')).toEqual(['schedule', 'launch', 'cancel', 'edit']);
    expect(allowedActions('scheduled')).toEqual(['launch', 'start', 'pause', 'cancel', 'edit']);
    expect(allowedActions('running')).toEqual(['pause', 'complete', 'cancel']);
    expect(allowedActions('paused')).toEqual(['resume', 'cancel']);
    expect(allowedActions('completed')).toEqual([]);
    expect(allowedActions('cancelled')).toEqual([]);
  });

  it('knows the final states', () => {
    expect(campaignStatuses.filter(isFinal)).toEqual(['completed', 'cancelled']);
  });

  it('no action ever leaves completed or cancelled (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom<CampaignStatus>('completed', 'cancelled'), fc.constantFrom(...campaignActions), fc.option(fc.boolean(), { nil: undefined }), (from, action, sendTimeInFuture) => {
        expect(() => nextStatus(action, from, { sendTimeInFuture })).toThrow(IllegalTransition);
      }),
    );
  });

  it('any sequence of actions that is allowed keeps the campaign in a known state, and a final state is never left (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...campaignActions), fc.boolean()), { maxLength: 30 }), (steps) => {
        let status: CampaignStatus = 'draft';
        let finalReached = false;
        for (const [action, sendTimeInFuture] of steps) {
          if (!allowedActions(status).includes(action)) continue;
          expect(finalReached).toBe(false);
          status = nextStatus(action, status, { sendTimeInFuture });
          expect(campaignStatuses).toContain(status);
          finalReached = isFinal(status);
        }
      }),
    );
  });
});
