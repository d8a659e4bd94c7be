import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/core/compliance/index.ts';
import { measure } from '../../../src/core/text/index.ts';
import { marketing, ruleOutcome, transactional } from './build.ts';

const stop = (input: Parameters<typeof decide>[0]) => {
  const outcome = decide(input);
  return { ...ruleOutcome(outcome, 'stop-mention'), finalText: outcome.finalText, decision: outcome.decision };
};

describe('STOP mention with the short code as sender (docs/domain.md rule 2; Orange OPS offer (2016), §Déontologie : mieux protéger le client final; SMS Partner documentation)', () => {
  it('marketing gets "STOP au <short code>" when it has none', () => {
    const result = stop(marketing({ text: 'Dupont : -20 % ce week-end' }));
    expect(result.finalText).toBe('Dupont : -20 % ce week-end STOP au 36123');
    expect(result.verdict).toBe('pass');
  });

  it.each(['Dupont : -20 % ce week-end. STOP au 36123', 'Dupont : -20 %. Stop au 36123', 'Dupont : -20 %, répondez stop au 36123', 'Dupont : -20 %. STOP SMS au 36123'])(
    'a mention already there is detected whatever its case: %j is left as it is',
    (text) => {
      const result = stop(marketing({ text }));
      expect(result.finalText).toBe(text);
      expect(result.reason).toContain('already');
    },
  );

  it('"non-stop" or "stopper" is not a STOP mention', () => {
    expect(stop(marketing({ text: 'Dupont : ouvert non-stop, stoppez tout !' })).finalText).toMatch(/STOP au 36123$/);
  });

  it.each(['Dupont : STOP aux prix fous ce week-end', 'Dupont : -20 % sur https://dupont.example/stop', 'Dupont : -20 %, répondez stop pour ne plus recevoir'])(
    'the word STOP without the short code tells nobody how to opt out: %j gets the mention',
    (text) => {
      const result = stop(marketing({ text }));
      expect(result.finalText).toBe(`${text} STOP au 36123`);
      expect(result.verdict).toBe('pass');
    },
  );

  it('a mention naming another short code is refused: replies there never reach this account', () => {
    const result = stop(marketing({ text: 'Dupont : -20 % ce week-end. STOP au 36999' }));
    expect(result.verdict).toBe('fail');
    expect(result.decision.kind).toBe('reject');
    expect(result.reason).toBe('the text says to send STOP to 36999, but STOP for this message is read on 36123: name 36123, or leave the mention out and it is added');
    expect(stop(marketing({ text: 'Dupont : STOP au 36123 ou STOP au 36999' })).verdict).toBe('fail');
  });

  it('the account’s own wording, already in the text, is detected', () => {
    const result = stop(marketing({ text: 'Dupont : -20 %. Pour ne plus rien recevoir envoyez STOP par SMS au 36123', policy: { stopWording: { shortCode: 'Pour ne plus rien recevoir envoyez STOP par SMS au {shortCode}' } } }));
    expect(result.finalText).toBe('Dupont : -20 %. Pour ne plus rien recevoir envoyez STOP par SMS au 36123');
  });

  it('the wording is account data', () => {
    const result = stop(marketing({ policy: { stopWording: { shortCode: 'Désabonnement : STOP au {shortCode}' } } }));
    expect(result.finalText).toMatch(/ Désabonnement : STOP au 36123$/);
  });

  it('an account wording outside GSM 03.38 is used but flagged, with the cost of the standard wording', () => {
    const result = stop(marketing({ text: `Dupont : ${'x'.repeat(100)}`, policy: { stopWording: { shortCode: 'Arrêt : STOP au {shortCode}' } } }));
    expect(result.finalText).toMatch(/ Arrêt : STOP au 36123$/);
    expect(result).toMatchObject({ verdict: 'flag', reason: expect.stringContaining("'STOP au 36123' would take 1 part") });
  });

  it('the mention is part of the text sent, so it counts in the parts and the cost', () => {
    const text = `Dupont : ${'x'.repeat(140)}`;
    const result = stop(marketing({ text }));
    expect(measure(text).segments).toBe(1);
    expect(measure(result.finalText).segments).toBe(2);
    expect(result.reason).toBe("added 'STOP au 36123' (14 characters, counted in the parts and the cost)");
  });
});

describe('STOP mention is on for marketing and removable only for transactional traffic (SMS Partner documentation)', () => {
  it('transactional messages get none by default', () => {
    const result = stop(transactional());
    expect(result.verdict).toBe('not-applicable');
    expect(result.finalText).toBe(transactional().text);
  });

  it('an account may want it on transactional messages too, or one message may ask for it', () => {
    expect(stop(transactional({ policy: { stopOnTransactional: true } })).finalText).toMatch(/STOP au 36123$/);
    expect(stop(transactional({ stopMention: true })).finalText).toMatch(/STOP au 36123$/);
    expect(stop(transactional({ policy: { stopOnTransactional: true }, stopMention: false })).finalText).not.toContain('STOP');
  });

  it('a marketing message asking to go without it still gets it, flagged', () => {
    const result = stop(marketing({ stopMention: false }));
    expect(result.finalText).toMatch(/STOP au 36123$/);
    expect(result.verdict).toBe('flag');
    expect(result.reason).toContain('cannot go without its STOP mention');
  });
});

describe('STOP mention with an alphanumeric sender: "STOP SMS au <36CDE>", not surcharged (PROJETCOM deontology annex, Part II Art. 2)', () => {
  const alphanumeric = { shortCode: '36123', alphanumeric: 'Dupont' };

  it('a GSM text gets the GSM-safe "non surtaxé" wording; the trace gives the cost of "sans surcoût"', () => {
    const text = `Dupont : ${'x'.repeat(100)}`;
    const result = stop(marketing({ text, sender: alphanumeric }));
    expect(result.finalText).toBe(`${text} STOP SMS au 36123 (non surtaxé)`);
    expect(measure(result.finalText)).toMatchObject({ encoding: 'gsm7', segments: 1 });
    // With "sans surcoût" the 142 characters would be UCS-2: 3 parts of 67 instead of one GSM part.
    expect(result.reason).toContain("'STOP SMS au 36123 (sans surcoût)' would take 3 parts");
  });

  it('a text already in UCS-2 gets PROJETCOM\'s own words "sans surcoût": they cost nothing more', () => {
    const text = 'Dupont : c’est la fête des mères';
    const result = stop(marketing({ text, sender: alphanumeric }));
    expect(result.finalText).toBe(`${text} STOP SMS au 36123 (sans surcoût)`);
    expect(result.verdict).toBe('pass');
  });

  it('the short code for STOP can be another than the carrying one (the <36CDE> of the PROJETCOM deontology annex)', () => {
    expect(stop(marketing({ sender: alphanumeric, policy: { stopShortCode: '36999' } })).finalText).toMatch(/STOP SMS au 36999 \(non surtaxé\)$/);
  });

  it('an account wording that forces UCS-2 is used but flagged, with the GSM-safe alternative and its cost', () => {
    const text = `Dupont : ${'x'.repeat(100)}`;
    const result = stop(marketing({ text, sender: alphanumeric, policy: { stopWording: { alphanumeric: 'STOP SMS au {shortCode}, SMS sans surcoût' } } }));
    expect(result.finalText).toBe(`${text} STOP SMS au 36123, SMS sans surcoût`);
    expect(result.verdict).toBe('flag');
    expect(result.reason).toContain("'û' is not GSM 03.38");
    expect(result.reason).toContain("'STOP SMS au 36123 (non surtaxé)' would take 1 part");
  });

  it.each([
    ['Dupont : -20 %. STOP SMS au 36123 (non surtaxé)', 'pass'],
    ['Dupont : -20 %. stop sms au 36123, sans surcoût', 'pass'],
    ['Dupont : -20 %. STOP SMS au 36123', 'fail'],
    ['Dupont : -20 %. STOP SMS au 36999 (non surtaxé)', 'fail'],
  ])('a mention already in %j: %s', (text, verdict) => {
    const result = stop(marketing({ text, sender: alphanumeric }));
    expect(result.verdict).toBe(verdict);
    expect(result.finalText).toBe(text);
    if (verdict === 'fail') expect(result.decision.kind).toBe('reject');
  });

  it('"Répondez STOP" names no short code: the mention that does is added', () => {
    const result = stop(marketing({ text: 'Dupont : -20 %. Répondez STOP', sender: alphanumeric }));
    expect(result.finalText).toBe('Dupont : -20 %. Répondez STOP STOP SMS au 36123 (non surtaxé)');
  });
});
