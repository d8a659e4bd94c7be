import { describe, expect, it } from 'vitest';
import { decide, ORANGE_OPS_2016, type RuleSet } from '../../../src/core/compliance/index.ts';
import type { MessageClass } from '../../../src/core/message/status.ts';
import { marketing, ruleOutcome, transactional } from './build.ts';

const senderOf = (sender: { shortCode?: string; alphanumeric?: string }, policy = {}) => ruleOutcome(decide(marketing({ sender, policy })), 'sender-id');

describe('sender ID (OADC) (docs/domain.md rule 6; PROJETCOM deontology annex, Part II Art. 1; Orange OPS offer (2016), §Déontologie : mieux lutter contre le SPAM)', () => {
  it('the short code is the default sender', () => {
    expect(senderOf({})).toMatchObject({ verdict: 'pass', reason: 'the short code 36123 is the sender' });
  });

  it.each([
    ['3612', 'exactly 5 digits'],
    ['12345', 'outside the push-SMS ranges'],
  ])('the short code %j is refused: %s', (shortCode, why) => {
    expect(senderOf({ shortCode })).toMatchObject({ verdict: 'fail', reason: expect.stringContaining(why) });
  });

  it.each([
    ['an alphanumeric name', { alphanumeric: '+33612345678' }],
    ['a national mobile', { alphanumeric: '06 12 34 56 78' }],
    ['the short code field', { shortCode: '+33612345678' }],
  ])('never a mobile MSISDN as sender (Orange OPS offer (2016): no commercial sends from SIM cards): in %s', (_, sender) => {
    expect(senderOf(sender)).toMatchObject({ verdict: 'fail', reason: expect.stringContaining('is a mobile number') });
  });

  it.each([
    ['Dupont', 'pass', ''],
    ['Dupont2026', 'pass', ''],
    ['12345678', 'fail', 'at least one letter A–Z'],
    ['DupontEtFils', 'fail', 'at most 11 GSM characters'],
    ['Dupont&Fils', 'fail', '"&" is not accepted'],
    ['Dupont Fils', 'fail', '" " is not accepted'],
    ['Crêperie', 'fail', '"ê" is not accepted'],
  ])('the alphanumeric sender %j: %s %s', (alphanumeric, verdict, why) => {
    expect(senderOf({ alphanumeric })).toMatchObject({ verdict, reason: expect.stringContaining(why) });
  });

  it('the accepted characters are data: an aggregator accepting space, "&", "." and "-" says so in its rule set', () => {
    const lenient: RuleSet = { ...ORANGE_OPS_2016, name: 'Lenient senders', version: '1', sender: { ...ORANGE_OPS_2016.sender, characters: 'A-Za-z0-9 &.\\-' } };
    const check = (alphanumeric: string) => ruleOutcome(decide(marketing({ sender: { alphanumeric }, policy: { ruleSet: lenient } }), [lenient]), 'sender-id');
    expect(check('Dupont&Fils').verdict).toBe('pass');
    // The deny-list compares letters and digits only: "NO-REPLY" is "NoReply".
    expect(check('NO-REPLY')).toMatchObject({ verdict: 'fail', reason: expect.stringContaining('generic') });
  });

  it.each([
    ['SFR', 'operator'],
    ['free', 'operator'],
    ['IMPOTS', 'public authority'],
    ['Info', 'generic'],
    ['NOREPLY', 'generic'],
    ['SexShop', 'adult'],
    ['HotXXX', 'adult'],
  ])('the deny-list refuses %j (%s), ignoring case', (alphanumeric, why) => {
    expect(senderOf({ alphanumeric })).toMatchObject({ verdict: 'fail', reason: expect.stringContaining(why) });
  });

  it('an exact-match entry does not refuse a longer name: "InfoDupont" is fine', () => {
    expect(senderOf({ alphanumeric: 'InfoDupont' }).verdict).toBe('pass');
  });

  it('a denied name approved for the account goes, flagged; an account with approved names may use only those', () => {
    expect(senderOf({ alphanumeric: 'CAF' }, { approvedSenders: ['CAF'] }).verdict).toBe('flag');
    expect(senderOf({ alphanumeric: 'Martin' }, { approvedSenders: ['Dupont'] })).toMatchObject({ verdict: 'fail', reason: expect.stringContaining('not approved') });
    expect(senderOf({ alphanumeric: 'dupont' }, { approvedSenders: ['Dupont'] }).verdict).toBe('pass');
  });
});

describe('short-code range ↔ class of traffic (docs/domain.md rule 8; Orange OPS offer (2016), §Déontologie : mieux lutter contre le SPAM)', () => {
  const rangeOf = (messageClass: MessageClass, shortCode: string, policy = {}) => {
    const build = messageClass === 'marketing' ? marketing : transactional;
    return ruleOutcome(decide(build({ sender: { shortCode }, policy })), 'short-code-range');
  };

  it.each([
    ['marketing', '36123', 'pass'],
    ['marketing', '35123', 'fail'],
    ['marketing', '34123', 'fail'],
    ['marketing', '37123', 'fail'],
    ['marketing', '38123', 'fail'],
    ['transactional', '36123', 'pass'],
    ['transactional', '34123', 'flag'],
    ['transactional', '38123', 'flag'],
    ['transactional', '35123', 'fail'],
    ['transactional', '37123', 'fail'],
  ] as const)('%s on %s: %s', (messageClass, shortCode, verdict) => {
    expect(rangeOf(messageClass, shortCode).verdict).toBe(verdict);
  });

  it('marketing on 35ABC needs the Géo Présence option', () => {
    expect(rangeOf('marketing', '35123', { geoPresence: true }).verdict).toBe('pass');
    expect(rangeOf('marketing', '35123').reason).toContain('Géo Présence');
  });

  it('the reason names the ranges that fit', () => {
    expect(rangeOf('marketing', '37123').reason).toBe('37123 is a 37ABC short code (interpersonal Web2SMS): marketing traffic goes on 35ABC or 36ABC; send from such a short code');
  });
});
