/**
 * The rules of signing in (docs/accounts.md, "Signing in"), pure: what a password must be, when a session has
 * expired, when too many failures lock an e-mail address or an IP address out. Time is given, never read.
 */

export const MIN_PASSWORD_LENGTH = 12;

/** Why a password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, email: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `a password has at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) return 'the password cannot be the e-mail address';
  return undefined;
}

/** How long a session lives: without a request for `idleMs` it ends; whatever happens it ends `absoluteMs` after sign-in. */
export interface SessionLifetime {
  idleMs: number;
  absoluteMs: number;
  /** last_seen_at is written at most this often (a request in between does not write). */
  touchEveryMs: number;
}

export const SESSION_LIFETIME: SessionLifetime = { idleMs: 2 * 3_600_000, absoluteMs: 12 * 3_600_000, touchEveryMs: 60_000 };

export interface SessionTimes {
  lastSeenAt: Date;
  /** The absolute end (sign-in + absoluteMs). */
  expiresAt: Date;
  revokedAt: Date | null;
}

export type SessionState = 'live' | 'idle' | 'expired' | 'revoked';

export function sessionState(session: SessionTimes, now: Date, lifetime: SessionLifetime = SESSION_LIFETIME): SessionState {
  if (session.revokedAt) return 'revoked';
  if (now.getTime() >= session.expiresAt.getTime()) return 'expired';
  if (now.getTime() - session.lastSeenAt.getTime() >= lifetime.idleMs) return 'idle';
  return 'live';
}

/** Whether this request should record that the session was seen (at most once per touchEveryMs). */
export function shouldTouch(session: SessionTimes, now: Date, lifetime: SessionLifetime = SESSION_LIFETIME): boolean {
  return now.getTime() - session.lastSeenAt.getTime() >= lifetime.touchEveryMs;
}

/**
 * Back-off after failed sign-ins: from `threshold` failures within `windowMs`, the key (an e-mail address, an IP
 * address) is locked after its last failure for `firstLockMs`, doubled at each further failure, at most `maxLockMs`.
 */
export interface BackOff {
  threshold: number;
  windowMs: number;
  firstLockMs: number;
  maxLockMs: number;
}

/** Per e-mail address: 5 failures (since the last successful sign-in, within a day) lock it 1 min, then 2, 4… up to 1 h. */
export const EMAIL_BACK_OFF: BackOff = { threshold: 5, windowMs: 24 * 3_600_000, firstLockMs: 60_000, maxLockMs: 3_600_000 };
/** Per IP address: 20 failures within 15 minutes, whatever the addresses tried, lock it 1 min, then 2, 4… up to 1 h. */
export const IP_BACK_OFF: BackOff = { threshold: 20, windowMs: 15 * 60_000, firstLockMs: 60_000, maxLockMs: 3_600_000 };

/** Until when the failures lock their key out, or undefined when they do not (any more). */
export function lockedUntil(failures: readonly Date[], now: Date, rule: BackOff): Date | undefined {
  const recent = failures.filter((at) => now.getTime() - at.getTime() < rule.windowMs);
  if (recent.length < rule.threshold) return undefined;
  const last = Math.max(...recent.map((at) => at.getTime()));
  const lockMs = Math.min(rule.firstLockMs * 2 ** (recent.length - rule.threshold), rule.maxLockMs);
  const until = new Date(last + lockMs);
  return until.getTime() > now.getTime() ? until : undefined;
}

/** How many failures the store must read to decide (older or more ones change nothing). */
export function failuresToRead(rule: BackOff): number {
  return rule.threshold + Math.ceil(Math.log2(rule.maxLockMs / rule.firstLockMs)) + 1;
}
