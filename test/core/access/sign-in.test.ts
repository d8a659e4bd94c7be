import { describe, expect, it } from 'vitest';
import { EMAIL_BACK_OFF, IP_BACK_OFF, failuresToRead, lockedUntil, passwordProblem, sessionState, shouldTouch } from '../../../src/core/access/sign-in.ts';

const at = (iso: string) => new Date(iso);
const minutes = (n: number) => n * 60_000;

describe('password policy', () => {
  it('at least 12 characters, counted as characters, not bytes', () => {
    expect(passwordProblem('short pass1', 'a@b.c')).toMatch(/12/);
    expect(passwordProblem('éééééééééééé', 'a@b.c')).toBeUndefined();
  });
  it('never the e-mail address, whatever its case', () => {
    expect(passwordProblem('Alice@Example.com', 'alice@example.com')).toMatch(/e-mail/);
  });
});

describe('session expiry', () => {
  const signedIn = at('2026-01-01T08:00:00Z');
  const session = { lastSeenAt: signedIn, expiresAt: new Date(signedIn.getTime() + 12 * 3_600_000), revokedAt: null };
  it('idle after 2 hours without a request, expired 12 hours after sign-in, revoked when signed out', () => {
    expect(sessionState(session, at('2026-01-01T09:59:59Z'))).toBe('live');
    expect(sessionState(session, at('2026-01-01T10:00:00Z'))).toBe('idle');
    expect(sessionState({ ...session, lastSeenAt: at('2026-01-01T19:30:00Z') }, at('2026-01-01T20:00:00Z'))).toBe('expired');
    expect(sessionState({ ...session, revokedAt: signedIn }, signedIn)).toBe('revoked');
  });
  it('seen at most once a minute', () => {
    expect(shouldTouch(session, new Date(signedIn.getTime() + 59_999))).toBe(false);
    expect(shouldTouch(session, new Date(signedIn.getTime() + 60_000))).toBe(true);
  });
});

describe('back-off after failed sign-ins', () => {
  const now = at('2026-01-01T12:00:00Z');
  const failures = (n: number, lastAt = now) => Array.from({ length: n }, (_, i) => new Date(lastAt.getTime() - i * 1000));

  it('4 failures of an e-mail address lock nothing; the 5th locks it 1 minute, then 2, 4… at most an hour', () => {
    expect(lockedUntil(failures(4), now, EMAIL_BACK_OFF)).toBeUndefined();
    expect(lockedUntil(failures(5), now, EMAIL_BACK_OFF)).toEqual(new Date(now.getTime() + minutes(1)));
    expect(lockedUntil(failures(6), now, EMAIL_BACK_OFF)).toEqual(new Date(now.getTime() + minutes(2)));
    expect(lockedUntil(failures(7), now, EMAIL_BACK_OFF)).toEqual(new Date(now.getTime() + minutes(4)));
    expect(lockedUntil(failures(40), now, EMAIL_BACK_OFF)).toEqual(new Date(now.getTime() + minutes(60)));
  });

  it('the lock lifts when its time has passed', () => {
    const last = new Date(now.getTime() - minutes(1));
    expect(lockedUntil(failures(5, last), now, EMAIL_BACK_OFF)).toBeUndefined();
    expect(lockedUntil(failures(6, last), now, EMAIL_BACK_OFF)).toEqual(new Date(last.getTime() + minutes(2)));
  });

  it('an IP address is locked from 20 failures within 15 minutes; older ones do not count', () => {
    expect(lockedUntil(failures(19), now, IP_BACK_OFF)).toBeUndefined();
    expect(lockedUntil(failures(20), now, IP_BACK_OFF)).toEqual(new Date(now.getTime() + minutes(1)));
    const old = failures(20, new Date(now.getTime() - minutes(16)));
    expect(lockedUntil([...old, now], now, IP_BACK_OFF)).toBeUndefined();
  });

  it('reading the latest failuresToRead failures decides as reading them all', () => {
    for (const rule of [EMAIL_BACK_OFF, IP_BACK_OFF]) {
      const all = failures(200);
      expect(lockedUntil(all.slice(0, failuresToRead(rule)), now, rule)).toEqual(lockedUntil(all, now, rule));
    }
  });
});
