import { describe, expect, it } from 'vitest';
import { AF2M_2026, decide, ORANGE_OPS_2016, type RuleSet } from '../../../src/core/compliance/index.ts';
import { marketing, ruleOutcome, transactional } from './build.ts';

const OPS = { name: ORANGE_OPS_2016.name, version: ORANGE_OPS_2016.version };
const AF2M = { name: AF2M_2026.name, version: AF2M_2026.version };

function windowAt(now: string, ruleSet: Pick<RuleSet, 'name' | 'version'>, recipient: { e164?: string; departement?: string } = {}) {
  const outcome = decide(marketing({ now: new Date(now), policy: { ruleSet }, recipient }));
  return { decision: outcome.decision, window: ruleOutcome(outcome, 'send-window') };
}

function expectDeferredTo(now: string, until: string, ruleSet = OPS, recipient = {}) {
  const { decision, window } = windowAt(now, ruleSet, recipient);
  expect(decision).toMatchObject({ kind: 'defer', until: new Date(until) });
  expect(window.verdict).toBe('defer');
  return window;
}

describe('Orange OPS 2016: jours ouvrables Monday–Saturday 8:00–22:00, public holidays excluded (Orange OPS offer (2016), §Déontologie : mieux protéger le client final; PROJETCOM deontology annex, Part II Art. 2)', () => {
  it.each([
    ['Wednesday noon', '2026-03-25T12:00:00+01:00'],
    ['Wednesday 8:00 sharp', '2026-03-25T08:00:00+01:00'],
    ['Wednesday 21:59:59', '2026-03-25T21:59:59+01:00'],
    ['a Saturday afternoon (Saturday is a jour ouvrable)', '2026-03-28T15:00:00+01:00'],
  ])('%s: allowed', (_, now) => {
    expect(windowAt(now, OPS)).toMatchObject({ decision: { kind: 'allow' }, window: { verdict: 'pass' } });
  });

  it.each([
    ['before 8:00 → the same morning', '2026-03-25T07:59:00+01:00', '2026-03-25T08:00:00+01:00'],
    ['at 22:00 (the window closes) → next morning', '2026-03-25T22:00:00+01:00', '2026-03-26T08:00:00+01:00'],
    ['Saturday night → Monday, over Sunday', '2026-03-21T22:30:00+01:00', '2026-03-23T08:00:00+01:00'],
    ['Sunday → Monday', '2026-03-22T10:00:00+01:00', '2026-03-23T08:00:00+01:00'],
    ['1 May (Fête du travail) → 2 May', '2026-05-01T10:00:00+02:00', '2026-05-02T08:00:00+02:00'],
    ['Easter Sunday → over Easter Monday to Tuesday', '2026-04-05T10:00:00+02:00', '2026-04-07T08:00:00+02:00'],
    ['Saturday 14 July night → over Sunday to Monday', '2029-07-14T09:00:00+02:00', '2029-07-16T08:00:00+02:00'],
  ])('%s', (_, now, until) => {
    expectDeferredTo(now, until);
  });

  it('the reason says why and until when, in the recipient’s time', () => {
    expect(expectDeferredTo('2026-05-01T10:00:00+02:00', '2026-05-02T08:00:00+02:00').reason).toBe(
      "outside the send window in the recipient's time: 2026-05-01 is a public holiday (Fête du travail); deferred to 2026-05-02 08:00 Europe/Paris",
    );
    expect(expectDeferredTo('2026-03-22T10:00:00+01:00', '2026-03-23T08:00:00+01:00').reason).toContain('2026-03-22 is a Sunday');
  });

  it('transactional messages go at any hour, any day', () => {
    const outcome = decide(transactional({ now: new Date('2026-05-01T03:00:00+02:00'), policy: { ruleSet: OPS } }));
    expect(outcome.decision.kind).toBe('allow');
    expect(ruleOutcome(outcome, 'send-window').verdict).toBe('not-applicable');
  });
});

describe('AF2M 2026: 8:00–21:30, Sundays and public holidays tolerated but flagged (docs/domain.md rule 4)', () => {
  it('21:29 goes, 21:30 waits for the next morning', () => {
    expect(windowAt('2026-03-25T21:29:00+01:00', AF2M).decision.kind).toBe('allow');
    expectDeferredTo('2026-03-25T21:30:00+01:00', '2026-03-26T08:00:00+01:00', AF2M);
  });

  it.each([
    ['a Sunday', '2026-03-22T10:00:00+01:00', 'is a Sunday'],
    ['14 July', '2026-07-14T10:00:00+02:00', 'public holiday (Fête Nationale de la France)'],
  ])('%s: sent, flagged as not recommended', (_, now, why) => {
    const { decision, window } = windowAt(now, AF2M);
    expect(decision.kind).toBe('allow');
    expect(window).toMatchObject({ verdict: 'flag', reason: expect.stringContaining(why) });
    expect(window.reason).toContain('tolerated, not recommended');
  });

  it('Saturday night is deferred to Sunday morning, and the reason says Sunday is only tolerated', () => {
    expect(expectDeferredTo('2026-03-21T22:00:00+01:00', '2026-03-22T08:00:00+01:00', AF2M).reason).toContain('tolerated, not recommended');
  });
});

describe('DST changes in Europe/Paris (last Sunday of March and of October)', () => {
  it.each([
    ['OPS, Saturday night before spring forward → Monday 8:00 CEST', OPS, '2026-03-28T23:00:00+01:00', '2026-03-30T06:00:00Z'],
    ['AF2M, Saturday night before spring forward → Sunday 8:00 CEST', AF2M, '2026-03-28T23:00:00+01:00', '2026-03-29T06:00:00Z'],
    ['AF2M, 7:30 CEST on the spring-forward Sunday → 8:00 CEST', AF2M, '2026-03-29T05:30:00Z', '2026-03-29T06:00:00Z'],
    ['OPS, Saturday night before fall back → Monday 8:00 CET', OPS, '2026-10-24T22:30:00+02:00', '2026-10-26T07:00:00Z'],
    ['AF2M, Saturday night before fall back → Sunday 8:00 CET', AF2M, '2026-10-24T22:30:00+02:00', '2026-10-25T07:00:00Z'],
    ['AF2M, 2:30 the first time on the fall-back night → 8:00 CET', AF2M, '2026-10-25T00:30:00Z', '2026-10-25T07:00:00Z'],
  ])('%s', (_, ruleSet, now, until) => {
    expectDeferredTo(now, until, ruleSet);
  });
});

describe('the recipient’s time and holidays, not the sender’s (docs/domain.md rule 4)', () => {
  it.each([
    ['Guadeloupe (UTC−4): Paris noon is 7:00 there', '+590690001234', '2026-03-25T12:00:00+01:00', '2026-03-25T08:00:00-04:00'],
    ['Réunion (UTC+4): Paris 19:00 is 22:00 there', '+262692123456', '2026-03-25T19:00:00+01:00', '2026-03-26T08:00:00+04:00'],
    ['Martinique, 22 May (abolition day)', '+596696201234', '2026-05-22T10:00:00-04:00', '2026-05-23T08:00:00-04:00'],
    ['Guyane, 10 June (abolition day)', '+594694201234', '2026-06-10T10:00:00-03:00', '2026-06-11T08:00:00-03:00'],
    ['Mayotte, 27 April (abolition day)', '+262639012345', '2026-04-27T10:00:00+03:00', '2026-04-28T08:00:00+03:00'],
    ['Réunion, 20 December (abolition day)', '+262692123456', '2028-12-20T10:00:00+04:00', '2028-12-21T08:00:00+04:00'],
  ])('%s', (_, e164, now, until) => {
    expectDeferredTo(now, until, OPS, { e164 });
  });

  it('an overseas abolition day is a working day in metropolitan France', () => {
    expect(windowAt('2026-04-27T10:00:00+02:00', OPS).decision.kind).toBe('allow');
  });

  it('Alsace-Moselle’s 26 December applies only when the contact record gives the département', () => {
    const now = '2029-12-26T10:00:00+01:00';
    expect(windowAt(now, OPS).decision.kind).toBe('allow');
    expectDeferredTo(now, '2029-12-27T08:00:00+01:00', OPS, { departement: '57' });
  });

  it('Saint-Martin (département 978) keeps 28 May, not Guadeloupe’s 27 May', () => {
    const guadeloupe = '+590690001234';
    expectDeferredTo('2026-05-27T10:00:00-04:00', '2026-05-28T08:00:00-04:00', OPS, { e164: guadeloupe });
    expect(windowAt('2026-05-27T10:00:00-04:00', OPS, { e164: guadeloupe, departement: '978' }).decision.kind).toBe('allow');
    expectDeferredTo('2026-05-28T10:00:00-04:00', '2026-05-29T08:00:00-04:00', OPS, { e164: guadeloupe, departement: '978' });
  });

  it('a number outside the French plan is held to metropolitan time and holidays, and the trace says so', () => {
    const window = expectDeferredTo('2026-03-25T07:00:00+01:00', '2026-03-25T08:00:00+01:00', OPS, { e164: '+447911123456' });
    expect(window.reason).toContain('outside the French plan');
  });
});
