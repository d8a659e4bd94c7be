/**
 * Signing in (docs/accounts.md, "Signing in", "Second factor", "The first sign-in"): e-mail and password,
 * sessions behind a cookie, a second factor (TOTP or a code sent by SMS through Relais itself), back-off after
 * failures, invitations and password resets by single-use links sent by e-mail.
 */
import { randomInt } from 'node:crypto';
import { generate as generateTotp, generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import { generatePassword, hashPassword, randomToken, sameSecret, sha256, verifyPassword } from './passwords.ts';
import { ADMINISTRATOR_GRANT, type Principal, type Right, type StaffRole } from '../core/access/rights.ts';
import {
  EMAIL_BACK_OFF,
  failuresToRead,
  IP_BACK_OFF,
  lockedUntil,
  passwordProblem,
  SESSION_LIFETIME,
  sessionState,
  shouldTouch,
  type BackOff,
  type SessionLifetime,
} from '../core/access/sign-in.ts';
import { InvalidRequest, InvalidState, NotFound } from './errors.ts';
import type { Clock } from './ports.ts';
import type { AuditRecorder } from './ports/audit.ts';

export { generatePassword };

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/** Sends an e-mail (through the SMTP relay, or into the outbox directory). */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

/** A user as signing in needs them: who they are, their account and its rules, their secrets (hashed). */
export interface SignInUser {
  id: string;
  email: string;
  name: string;
  language: 'fr' | 'en';
  accountId: string | null;
  accountName: string | null;
  accountStatus: 'active' | 'suspended' | 'closed' | null;
  /** The account's administrator requires a second factor of its users. */
  requireSecondFactor: boolean;
  staffRole: StaffRole | null;
  administrator: boolean;
  rights: string[];
  brands: string[] | null;
  phone: string | null;
  passwordHash: string | null;
  totpSecret: string | null;
  /** An authenticator being enrolled, not confirmed yet. */
  totpPendingSecret: string | null;
  totpLastStep: number | null;
  secondFactor: 'totp' | 'sms' | null;
  status: 'invited' | 'active' | 'disabled';
}

export interface StoredSession {
  userId: string;
  csrfToken: string;
  secondFactorPending: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

export interface NewUser {
  email: string;
  name: string;
  language: 'fr' | 'en';
  accountId: string | null;
  staffRole: StaffRole | null;
  administrator: boolean;
  rights: string[];
  brands: string[] | null;
  phone?: string | null;
  passwordHash: string | null;
}

export type TokenPurpose = 'invitation' | 'password-reset' | 'sms-code';

/** Users, sessions, single-use tokens and sign-in failures (adapters/store/sign-in-store.ts); secrets arrive hashed. */
export interface SignInStore {
  findUserByEmail(email: string): Promise<SignInUser | undefined>;
  findUserById(id: string): Promise<SignInUser | undefined>;
  setPassword(userId: string, passwordHash: string, now: Date): Promise<void>;
  setPendingTotp(userId: string, secret: string): Promise<void>;
  /** MUST make the pending secret (when it is still `secret`) the second factor, with `step` as the last accepted. */
  enrolTotp(userId: string, secret: string, step: number): Promise<boolean>;
  setSecondFactor(userId: string, method: 'totp' | 'sms' | null, phone?: string): Promise<void>;
  /** MUST record the step and answer true only when it is later than the last one accepted (no replay). */
  acceptTotpStep(userId: string, step: number): Promise<boolean>;
  setRequireSecondFactor(accountId: string, required: boolean): Promise<void>;
  createSession(
    tokenHash: Buffer,
    session: { userId: string; csrfToken: string; secondFactorPending: boolean; ip: string | null; userAgent: string | null; expiresAt: Date },
    now: Date,
  ): Promise<void>;
  findSession(tokenHash: Buffer): Promise<StoredSession | undefined>;
  touchSession(tokenHash: Buffer, now: Date): Promise<void>;
  completeSecondFactor(tokenHash: Buffer, now: Date): Promise<void>;
  revokeSession(tokenHash: Buffer, now: Date): Promise<void>;
  /** Ends the user's sessions, but `keep` when given. */
  revokeAllSessions(userId: string, now: Date, keep?: Buffer): Promise<number>;
  /** When the user's latest token of this purpose was made. */
  lastTokenAt(userId: string, purpose: TokenPurpose): Promise<Date | undefined>;
  /** MUST kill the user's earlier unused tokens of the same purpose. */
  createToken(userId: string, purpose: TokenPurpose, tokenHash: Buffer, now: Date, expiresAt: Date): Promise<void>;
  /** MUST use the token at most once, even under concurrent calls. */
  useToken(tokenHash: Buffer, purpose: TokenPurpose, now: Date): Promise<string | undefined>;
  tokenUser(tokenHash: Buffer, purpose: TokenPurpose, now: Date): Promise<string | undefined>;
  tryCode(userId: string, codeHash: Buffer, now: Date, maxAttempts: number): Promise<'ok' | 'wrong' | 'none'>;
  recordFailure(emailKey: string, ip: string, at: Date): Promise<void>;
  failures(by: { emailKey: string } | { ip: string }, since: Date, limit: number): Promise<Date[]>;
  clearFailures(emailKey: string): Promise<void>;
}

export interface SignInDeps {
  store: SignInStore;
  clock: Clock;
  audit: AuditRecorder;
  mailer: Mailer;
  /** Sends a transactional SMS on the platform's own traffic (the one-time code of the second factor). */
  sendSms: (to: string, text: string) => Promise<void>;
  /** Where the portal is reached: the links of the mails point there. */
  publicUrl: string;
  lifetime?: SessionLifetime;
}

/** The e-mail or the password is wrong (or the user cannot sign in): one answer for all, to tell nothing. */
export class WrongCredentials extends Error {
  constructor(message = 'wrong e-mail address or password') {
    super(message);
  }
}

/** Too many failures: no try is looked at before `until`. */
export class LockedOut extends Error {
  /** Seconds from now to `until` (the Retry-After of an HTTP answer). */
  readonly retryAfterSeconds: number;
  constructor(
    readonly until: Date,
    now: Date,
  ) {
    super(`too many failed sign-ins: try again after ${until.toISOString()}`);
    this.retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  }
}

export const INVITATION_LIFETIME_MS = 7 * 24 * 3_600_000;
export const RESET_LIFETIME_MS = 3_600_000;
export const RESET_MAIL_INTERVAL_MS = 60_000;
export const SMS_CODE_LIFETIME_MS = 5 * 60_000;
export const SMS_CODE_TRIES = 5;
export const SESSION_COOKIE = 'relais_session';

/** A session found from its cookie, with its user, as the HTTP layer resolves it on every request. */
export interface SignedIn {
  tokenHash: Buffer;
  session: StoredSession;
  user: SignInUser;
  principal: Principal;
}

/** What a client is told about its session (GET /v1/session). */
export interface SessionView {
  user: {
    id: string;
    email: string;
    name: string;
    language: 'fr' | 'en';
    account: string | null;
    staffRole: 'operator-admin' | 'operator-support' | null;
    administrator: boolean;
    rights: string[];
    brands: string[] | null;
  };
  csrfToken: string;
  /** The second factor still to give before the session reaches anything; null once given (or when none is due). */
  secondFactor: 'totp' | 'sms' | null;
}

const emailKey = (email: string) => email.trim().toLowerCase();

/** The principal of a signed-in user: staff by their role, an administrator with every right. */
export function principalOf(user: SignInUser): Principal {
  if (user.staffRole) return { kind: 'staff', id: user.id, role: user.staffRole, via: 'user' };
  const grant = user.administrator ? ADMINISTRATOR_GRANT : { rights: new Set(user.rights as Right[]), brands: user.brands };
  return { kind: 'user', id: user.id, accountId: user.accountId!, administrator: user.administrator, ...grant };
}

export function sessionView(user: SignInUser, session: Pick<StoredSession, 'csrfToken' | 'secondFactorPending'>): SessionView {
  const principal = principalOf(user);
  return {
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      language: user.language,
      account: user.accountName,
      staffRole: user.staffRole,
      administrator: user.administrator,
      rights: principal.kind === 'user' ? [...principal.rights] : [],
      brands: principal.kind === 'user' && principal.brands ? [...principal.brands] : null,
    },
    csrfToken: session.csrfToken,
    secondFactor: session.secondFactorPending ? secondFactorMethod(user) : null,
  };
}

/** Whether the user may be signed in at all: active, and their account (if any) not closed. */
function mayUse(user: SignInUser): boolean {
  return user.status === 'active' && user.accountStatus !== 'closed';
}

/** A second factor is due when the user enrolled one or their account requires one. */
function secondFactorDue(user: SignInUser): boolean {
  return user.secondFactor !== null || user.requireSecondFactor;
}

/** The second factor asked: the one enrolled; else, when required, an SMS to their phone if known, TOTP otherwise. */
function secondFactorMethod(user: SignInUser): 'totp' | 'sms' {
  return user.secondFactor ?? (user.phone ? 'sms' : 'totp');
}

interface From {
  ip: string;
  userAgent?: string | undefined;
}

/** Until when sign-ins of this e-mail address or from this IP address are refused, if they are. */
async function lockOf(deps: SignInDeps, key: string, ip: string): Promise<Date | undefined> {
  const now = deps.clock.now();
  const read = (by: { emailKey: string } | { ip: string }, rule: BackOff) =>
    deps.store.failures(by, new Date(now.getTime() - rule.windowMs), failuresToRead(rule)).then((at) => lockedUntil(at, now, rule));
  const [byEmail, byIp] = await Promise.all([read({ emailKey: key }, EMAIL_BACK_OFF), read({ ip }, IP_BACK_OFF)]);
  if (!byEmail) return byIp;
  if (!byIp) return byEmail;
  return byEmail > byIp ? byEmail : byIp;
}

/** A failed try: recorded for the back-off and in the audit trail; refused with the lockout when it starts one. */
async function refuse(deps: SignInDeps, key: string, from: From, user: SignInUser | undefined, reason: string, action = 'session.sign-in'): Promise<never> {
  const now = deps.clock.now();
  await deps.store.recordFailure(key, from.ip, now);
  const until = await lockOf(deps, key, from.ip);
  await audit(deps, { action, result: 'refused', user, ip: from.ip, detail: { email: key, reason, ...(until ? { lockedUntil: until.toISOString() } : {}) } });
  throw until ? new LockedOut(until, now) : new WrongCredentials(action === 'session.second-factor' ? 'wrong code' : undefined);
}

async function audit(
  deps: SignInDeps,
  event: { action: string; result: 'ok' | 'refused'; user: SignInUser | undefined; ip: string | null; detail?: Record<string, unknown> },
): Promise<void> {
  const { user } = event;
  await deps.audit.record({
    at: deps.clock.now(),
    accountId: user?.accountId ?? null,
    actor: { kind: user ? (user.staffRole ? 'staff' : 'user') : 'anonymous', id: user?.id ?? null, label: user?.email ?? null },
    ip: event.ip,
    action: event.action,
    object: user ? { type: 'user', id: user.id } : null,
    result: event.result,
    status: null,
    detail: event.detail ?? null,
  });
}

/**
 * Signs in with e-mail and password: the new session's cookie value (shown once, stored hashed) and what the client
 * is told. With a second factor due, the session reaches nothing but the second-factor step (an SMS code is sent now).
 */
export async function signIn(deps: SignInDeps, credentials: { email: string; password: string }, from: From): Promise<{ cookie: string; view: SessionView; expiresAt: Date }> {
  const key = emailKey(credentials.email);
  const lock = await lockOf(deps, key, from.ip);
  if (lock) {
    await audit(deps, { action: 'session.sign-in', result: 'refused', user: undefined, ip: from.ip, detail: { email: key, reason: 'locked out', lockedUntil: lock.toISOString() } });
    throw new LockedOut(lock, deps.clock.now());
  }
  const user = await deps.store.findUserByEmail(key);
  const matches = await verifyPassword(credentials.password, user?.passwordHash ?? null);
  if (!user || !matches) return refuse(deps, key, from, user, user ? 'wrong password' : 'unknown e-mail address');
  if (!mayUse(user)) return refuse(deps, key, from, user, user.status !== 'active' ? `user ${user.status}` : 'account closed');

  await deps.store.clearFailures(key);
  const now = deps.clock.now();
  const lifetime = deps.lifetime ?? SESSION_LIFETIME;
  const cookie = randomToken();
  const session = { userId: user.id, csrfToken: randomToken(), secondFactorPending: secondFactorDue(user), ip: from.ip, userAgent: from.userAgent ?? null, expiresAt: new Date(now.getTime() + lifetime.absoluteMs) };
  await deps.store.createSession(sha256(cookie), session, now);
  if (session.secondFactorPending && secondFactorMethod(user) === 'sms') await sendSmsCode(deps, user);
  await audit(deps, { action: 'session.sign-in', result: 'ok', user, ip: from.ip, detail: session.secondFactorPending ? { secondFactor: secondFactorMethod(user) } : {} });
  return { cookie, view: sessionView(user, session), expiresAt: session.expiresAt };
}

/** The session a cookie names, when it is live and its user may still sign in (seen now: at most one write a minute). */
export async function resolveSession(deps: Pick<SignInDeps, 'store' | 'clock' | 'lifetime'>, cookie: string): Promise<SignedIn | undefined> {
  const tokenHash = sha256(cookie);
  const session = await deps.store.findSession(tokenHash);
  if (!session) return undefined;
  const now = deps.clock.now();
  const lifetime = deps.lifetime ?? SESSION_LIFETIME;
  if (sessionState(session, now, lifetime) !== 'live') return undefined;
  const user = await deps.store.findUserById(session.userId);
  if (!user || !mayUse(user)) return undefined;
  if (shouldTouch(session, now, lifetime)) await deps.store.touchSession(tokenHash, now);
  return { tokenHash, session, user, principal: principalOf(user) };
}

/** Whether a write carries the session's CSRF token. */
export function csrfMatches(signedIn: SignedIn, token: string | undefined): boolean {
  return token !== undefined && sameSecret(token, signedIn.session.csrfToken);
}

export async function signOut(deps: SignInDeps, signedIn: SignedIn, ip: string): Promise<void> {
  await deps.store.revokeSession(signedIn.tokenHash, deps.clock.now());
  await audit(deps, { action: 'session.sign-out', result: 'ok', user: signedIn.user, ip });
}

/** Ends every session of the user (this one too); how many there were. */
export async function signOutEverywhere(deps: SignInDeps, userId: string, ip: string | null): Promise<number> {
  const user = await deps.store.findUserById(userId);
  const ended = await deps.store.revokeAllSessions(userId, deps.clock.now());
  await audit(deps, { action: 'session.sign-out-everywhere', result: 'ok', user, ip, detail: { sessions: ended } });
  return ended;
}

// ---------------------------------------------------------------------------------------------
// Second factor
// ---------------------------------------------------------------------------------------------

const TOTP_ISSUER = 'Relais';

/** Sends a fresh 6-digit code by SMS (the previous one dies); 5 minutes, one use, at most 5 tries. */
async function sendSmsCode(deps: SignInDeps, user: SignInUser): Promise<void> {
  if (!user.phone) throw new InvalidState('no phone number is known for this user: the code cannot be sent by SMS');
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const now = deps.clock.now();
  await deps.store.createToken(user.id, 'sms-code', codeHash(user.id, code), now, new Date(now.getTime() + SMS_CODE_LIFETIME_MS));
  const text = user.language === 'en' ? `Relais: your sign-in code is ${code}. It is valid for 5 minutes.` : `Relais : votre code de connexion est ${code}. Il est valable 5 minutes.`;
  await deps.sendSms(user.phone, text);
}

/** A code of 6 digits is hashed with its user (the same code of two users hashes apart). */
const codeHash = (userId: string, code: string) => sha256(`${userId}:${code}`);

/** Sends another SMS code to a session waiting for its second factor. */
export async function resendSmsCode(deps: SignInDeps, signedIn: SignedIn): Promise<void> {
  if (!signedIn.session.secondFactorPending || secondFactorMethod(signedIn.user) !== 'sms') throw new InvalidState('no SMS code is awaited by this session');
  await sendSmsCode(deps, signedIn.user);
}

/** Checks a TOTP code (the current step or the one before, never a step already accepted); the step it matched. */
async function totpStep(deps: Pick<SignInDeps, 'clock'>, secret: string, code: string): Promise<number | undefined> {
  if (!/^[0-9]{6}$/.test(code)) return undefined;
  const result = await verifyTotp({ secret, token: code, epoch: Math.floor(deps.clock.now().getTime() / 1000), epochTolerance: [30, 0] });
  return result.valid ? (result as { timeStep?: number }).timeStep : undefined;
}

/** The second factor of a session signed in with its password: the session then reaches what the user may. */
export async function giveSecondFactor(deps: SignInDeps, signedIn: SignedIn, code: string, ip: string): Promise<SessionView> {
  const { user } = signedIn;
  if (!signedIn.session.secondFactorPending) throw new InvalidState('this session has already given its second factor');
  const key = emailKey(user.email);
  const lock = await lockOf(deps, key, ip);
  if (lock) throw new LockedOut(lock, deps.clock.now());
  const method = secondFactorMethod(user);
  let ok = false;
  if (method === 'sms') {
    const outcome = await deps.store.tryCode(user.id, codeHash(user.id, code.trim()), deps.clock.now(), SMS_CODE_TRIES);
    ok = outcome === 'ok';
  } else if (user.secondFactor === 'totp' && user.totpSecret) {
    const step = await totpStep(deps, user.totpSecret, code.trim());
    ok = step !== undefined && (await deps.store.acceptTotpStep(user.id, step));
  } else {
    // Enrolling at sign-in (the account requires a second factor, the user had none).
    if (!user.totpPendingSecret) throw new InvalidState('no authenticator is enrolled yet: POST /v1/session/totp gives its secret first');
    const step = await totpStep(deps, user.totpPendingSecret, code.trim());
    ok = step !== undefined && (await deps.store.enrolTotp(user.id, user.totpPendingSecret, step));
  }
  if (!ok) return refuse(deps, key, { ip }, user, `wrong ${method} code`, 'session.second-factor');
  await deps.store.completeSecondFactor(signedIn.tokenHash, deps.clock.now());
  await audit(deps, { action: 'session.second-factor', result: 'ok', user, ip, detail: { method } });
  const refreshed = (await deps.store.findUserById(user.id))!;
  return sessionView(refreshed, { csrfToken: signedIn.session.csrfToken, secondFactorPending: false });
}

/**
 * Starts enrolling an authenticator app: a new secret and its otpauth:// URI (for a QR code). It counts once a code
 * made with it is given (the second-factor step, or `confirmTotp`). A session still owing its second factor may
 * only do this when no authenticator is enrolled yet.
 */
export async function startTotp(deps: SignInDeps, signedIn: SignedIn): Promise<{ secret: string; uri: string }> {
  const { user, session } = signedIn;
  if (session.secondFactorPending && (user.secondFactor !== null || secondFactorMethod(user) !== 'totp')) {
    throw new InvalidState('give the second factor already enrolled first');
  }
  const secret = generateSecret();
  await deps.store.setPendingTotp(user.id, secret);
  return { secret, uri: generateURI({ issuer: TOTP_ISSUER, label: user.email, secret }) };
}

/** Confirms the authenticator being enrolled with a code it shows: from now on it is the user's second factor. */
export async function confirmTotp(deps: SignInDeps, signedIn: SignedIn, code: string): Promise<void> {
  const user = (await deps.store.findUserById(signedIn.user.id))!;
  const pending = user.totpPendingSecret;
  if (!pending) throw new InvalidState('no authenticator is being enrolled: POST /v1/session/totp first');
  const step = await totpStep(deps, pending, code.trim());
  if (step === undefined || !(await deps.store.enrolTotp(user.id, pending, step))) throw new InvalidRequest([{ field: '/code', reason: 'this is not the code the authenticator shows now' }]);
}

/** Whether the account's users must give a second factor when they sign in (decided by someone holding "users"; the route is on the audit trail). */
export async function requireSecondFactor(deps: SignInDeps, accountId: string, required: boolean): Promise<void> {
  await deps.store.setRequireSecondFactor(accountId, required);
}

/** The user's second factor becomes a code sent by SMS to this phone. */
export async function chooseSms(deps: SignInDeps, signedIn: SignedIn, phone: string): Promise<void> {
  if (signedIn.session.secondFactorPending) throw new InvalidState('give the second factor first');
  await deps.store.setSecondFactor(signedIn.user.id, 'sms', phone);
}

/** For tests and the command line: the TOTP code of a secret at an instant. */
export function totpCode(secret: string, at: Date): Promise<string> {
  return generateTotp({ secret, epoch: Math.floor(at.getTime() / 1000) });
}

// ---------------------------------------------------------------------------------------------
// Invitations and password resets
// ---------------------------------------------------------------------------------------------

const MAILS = {
  invitation: {
    fr: (name: string, link: string) => ({
      subject: 'Votre accès à Relais',
      text: `Bonjour ${name},\n\nUn accès à Relais vous a été ouvert. Pour choisir votre mot de passe (12 caractères au moins), suivez ce lien, valable 7 jours et une seule fois :\n\n${link}\n\nSi vous n'attendiez pas cette invitation, ignorez ce message.\n`,
    }),
    en: (name: string, link: string) => ({
      subject: 'Your access to Relais',
      text: `Hello ${name},\n\nAn access to Relais was opened for you. To choose your password (at least 12 characters), follow this link, valid for 7 days and once only:\n\n${link}\n\nIf you did not expect this invitation, ignore this message.\n`,
    }),
  },
  reset: {
    fr: (name: string, link: string) => ({
      subject: 'Réinitialisation de votre mot de passe Relais',
      text: `Bonjour ${name},\n\nPour choisir un nouveau mot de passe, suivez ce lien, valable une heure et une seule fois :\n\n${link}\n\nToutes vos sessions ouvertes seront fermées. Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.\n`,
    }),
    en: (name: string, link: string) => ({
      subject: 'Resetting your Relais password',
      text: `Hello ${name},\n\nTo choose a new password, follow this link, valid for one hour and once only:\n\n${link}\n\nEvery open session of yours will be closed. If you asked for nothing, ignore this message: your password does not change.\n`,
    }),
  },
} as const;

function link(deps: SignInDeps, page: string, token: string): string {
  return `${deps.publicUrl.replace(/\/+$/, '')}/${page}?token=${encodeURIComponent(token)}`;
}

/** (Re)sends a user's invitation: a link valid 7 days, once; an earlier invitation's link dies. */
export async function sendInvitation(deps: SignInDeps, userId: string, by?: { principal: Principal; ip: string | null }): Promise<void> {
  const user = await deps.store.findUserById(userId);
  if (!user) throw new NotFound(`user ${userId}`);
  if (user.status !== 'invited') throw new InvalidState(`the user is ${user.status}: only an invited user is sent an invitation (a password reset serves the others)`);
  const token = randomToken();
  const now = deps.clock.now();
  await deps.store.createToken(user.id, 'invitation', sha256(token), now, new Date(now.getTime() + INVITATION_LIFETIME_MS));
  await deps.mailer.send({ to: user.email, ...MAILS.invitation[user.language](user.name, link(deps, 'invitation', token)) });
  await deps.audit.record({
    at: now,
    accountId: user.accountId,
    actor: { kind: by ? by.principal.kind : 'system', id: by?.principal.id ?? null, label: null },
    ip: by?.ip ?? null,
    action: 'user.invite',
    object: { type: 'user', id: user.id },
    result: 'ok',
    status: null,
    detail: null,
  });
}

/** Sends a password-reset link when the address is an active user's; tells nothing either way. */
export async function requestPasswordReset(deps: SignInDeps, email: string, ip: string): Promise<void> {
  const user = await deps.store.findUserByEmail(emailKey(email));
  await audit(deps, { action: 'user.password-reset-request', result: user && mayUse(user) ? 'ok' : 'refused', user, ip, detail: { email: emailKey(email) } });
  if (!user || !mayUse(user)) return;
  const now = deps.clock.now();
  // At most one mail a minute per user, whoever asks: the address cannot be flooded through this form.
  const last = await deps.store.lastTokenAt(user.id, 'password-reset');
  if (last && now.getTime() - last.getTime() < RESET_MAIL_INTERVAL_MS) return;
  const token = randomToken();
  await deps.store.createToken(user.id, 'password-reset', sha256(token), now, new Date(now.getTime() + RESET_LIFETIME_MS));
  await deps.mailer.send({ to: user.email, ...MAILS.reset[user.language](user.name, link(deps, 'password-reset', token)) });
}

const deadLink = () => new InvalidRequest([{ field: '/token', reason: 'this link is unknown, already used or expired: ask for another' }]);

/** Sets the password a link allows (the link is used up); returns the user. */
async function setPasswordWith(deps: SignInDeps, purpose: 'invitation' | 'password-reset', token: string, password: string): Promise<SignInUser> {
  const now = deps.clock.now();
  const userId = await deps.store.tokenUser(sha256(token), purpose, now);
  const user = userId && (await deps.store.findUserById(userId));
  if (!user || user.status === 'disabled' || user.accountStatus === 'closed') throw deadLink();
  const problem = passwordProblem(password, user.email);
  if (problem) throw new InvalidRequest([{ field: '/password', reason: problem }]);
  const hash = await hashPassword(password);
  if ((await deps.store.useToken(sha256(token), purpose, now)) !== user.id) throw deadLink();
  await deps.store.setPassword(user.id, hash, now);
  return user;
}

/** A password reset: the new password, and every session of the user ends. */
export async function resetPassword(deps: SignInDeps, token: string, password: string, ip: string): Promise<void> {
  const user = await setPasswordWith(deps, 'password-reset', token, password);
  await deps.store.revokeAllSessions(user.id, deps.clock.now());
  await deps.store.clearFailures(emailKey(user.email));
  await audit(deps, { action: 'user.password-reset', result: 'ok', user, ip });
}

/** An invitation accepted: the user chose their password and is active. */
export async function acceptInvitation(deps: SignInDeps, token: string, password: string, ip: string): Promise<void> {
  const user = await setPasswordWith(deps, 'invitation', token, password);
  await audit(deps, { action: 'user.invitation-accept', result: 'ok', user, ip });
}

/**
 * A signed-in user changes their password, giving the current one (a wrong one counts as a failed sign-in); their
 * other sessions end.
 */
export async function changePassword(deps: SignInDeps, signedIn: SignedIn, current: string, next: string, ip: string): Promise<void> {
  const key = emailKey(signedIn.user.email);
  const lock = await lockOf(deps, key, ip);
  if (lock) throw new LockedOut(lock, deps.clock.now());
  const user = (await deps.store.findUserById(signedIn.user.id))!;
  if (!(await verifyPassword(current, user.passwordHash))) return refuse(deps, key, { ip }, user, 'wrong current password', 'user.password-change');
  const hash = await checkedPasswordHash(next, user.email);
  const now = deps.clock.now();
  await deps.store.setPassword(user.id, hash, now);
  await deps.store.revokeAllSessions(user.id, now, signedIn.tokenHash);
  await audit(deps, { action: 'user.password-change', result: 'ok', user, ip });
}

/** A password chosen by its user or generated: checked against the policy, then hashed. */
export async function checkedPasswordHash(password: string, email: string): Promise<string> {
  const problem = passwordProblem(password, email);
  if (problem) throw new InvalidRequest([{ field: '/password', reason: problem }]);
  return hashPassword(password);
}
