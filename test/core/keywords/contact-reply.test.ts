/**
 * What an account may write and add itself (docs/keywords.md, "What the account changes itself"): a CONTACT reply of
 * at most 2 SMS parts, counted as the message will be cut; its own STOP and CONTACT words, each refused at its place
 * when an MO could not be read with it; START words kept as the aggregator set them.
 */
import { describe, expect, it } from 'vitest';
import { ownKeywordProblems, withOwnKeywords } from '../../../src/app/account-keywords.ts';
import { contactReplyProblem } from '../../../src/core/keywords/index.ts';

describe('the CONTACT reply an account writes', () => {
  it('takes up to 2 parts: 306 GSM characters, 134 in UCS-2', () => {
    expect(contactReplyProblem('Dupont SA - 1 rue de la Paix, 75002 Paris - 01 23 45 67 89')).toBeUndefined();
    expect(contactReplyProblem('a'.repeat(306))).toBeUndefined();
    expect(contactReplyProblem('a'.repeat(307))).toMatch(/3 SMS parts \(GSM 7 bits/);
    expect(contactReplyProblem('✆'.repeat(134))).toBeUndefined();
    expect(contactReplyProblem('✆'.repeat(135))).toMatch(/3 SMS parts in UCS-2 \(because of "✆"\)/);
  });

  it('refuses an empty reply, one too long to store and one with a character that cannot be sent', () => {
    expect(contactReplyProblem('   ')).toMatch(/empty/);
    expect(contactReplyProblem('a'.repeat(321))).toMatch(/at most 320/);
    expect(contactReplyProblem('Dupont\u0000SA')).toMatch(/cannot be sent/);
  });
});

describe("an account's own keywords", () => {
  it('names each word an MO could not be read with, and keeps the others', () => {
    const problems = ownKeywordProblems({ stop: ['BASTA', 'merci', 'basta'], contact: ['INFOS', 'STOPP'] }, null);
    expect(problems.map((p) => p.field)).toEqual(['/stop/1', '/contact/1']);
    expect(problems[1]!.reason).toMatch(/same word/);
  });

  it('stores the words trimmed, with the START words the aggregator set, and nothing when there are none', () => {
    expect(withOwnKeywords({ stop: [' BASTA '], contact: [] }, { start: ['REPRENDRE'], stop: ['OLD'] })).toEqual({ start: ['REPRENDRE'], stop: ['BASTA'] });
    expect(withOwnKeywords({ stop: [], contact: [] }, null)).toBeNull();
  });
});
