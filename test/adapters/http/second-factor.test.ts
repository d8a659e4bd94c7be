import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/app/passwords.ts';
import { PgSignInStore } from '../../../src/adapters/store/sign-in-store.ts';
import { totpCode } from '../../../src/app/sign-in.ts';
import { Browser, movableClock } from '../../support/browser.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';

const PASSWORD = 'correct horse battery';

// Every sign-in costs a scrypt hash (tens of milliseconds, more on a loaded machine): a generous limit, not a wait.
describe('second factor: TOTP, or a code sent by SMS through Relais itself', { timeout: 60_000 }, () => {
  const clock = movableClock();
  let t: TestRelais;
  let store: PgSignInStore;
  const browser = () => new Browser(t.relais.httpUrl!);

  const user = async (email: string, phone: string | null = null) =>
    store.createUser({ email, name: email, language: 'fr', accountId: t.accountId, staffRole: null, administrator: false, rights: ['messages'], brands: null, phone, passwordHash: await hashPassword(PASSWORD) }, clock.now());

  /** The last SMS the platform queued to this number, and the code it carries. */
  async function smsTo(phone: string): Promise<{ body: string; code: string; account: string; class: string }> {
    const { rows } = await t.relais.db.pool.query(
      `SELECT m.body, m.class, a.name AS account FROM messages m JOIN accounts a ON a.id = m.account_id WHERE m.recipient = $1 ORDER BY m.created_at DESC, m.id DESC LIMIT 1`,
      [phone],
    );
    const row = rows[0];
    return { body: row.body, class: row.class, account: row.account, code: /(\d{6})/.exec(row.body)![1]! };
  }

  beforeAll(async () => {
    t = await startTestRelais({}, {}, clock);
    store = new PgSignInStore(t.relais.db);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('the account requires it: a user without one enrols an authenticator at sign-in; until the code, the session reaches nothing', async () => {
    await user('tina@example.com');
    const required = await t.api('PATCH', '/v1/account/sign-in', { requireSecondFactor: true });
    expect(required.status).toBe(200);
    const { rows } = await t.relais.db.pool.query(`SELECT actor_kind, detail FROM audit_events WHERE action = 'account.require-second-factor' AND account_id = $1`, [t.accountId]);
    expect(rows).toEqual([{ actor_kind: 'key', detail: { required: true } }]);

    const b = browser();
    const signedIn = await b.signIn('tina@example.com', PASSWORD);
    expect(signedIn.body.secondFactor).toBe('totp');
    expect((await b.call('GET', '/v1/messages')).status).toBe(401);
    expect((await b.call('GET', '/v1/session')).body.secondFactor).toBe('totp');
    expect((await b.call('POST', '/v1/session/second-factor', { code: '123456' })).status).toBe(409); // nothing enrolled yet

    const enrol = await b.call('POST', '/v1/session/totp');
    expect(enrol.status).toBe(200);
    expect(enrol.body.uri).toMatch(/^otpauth:\/\/totp\/Relais:tina%40example.com\?secret=/);
    expect((await b.call('POST', '/v1/session/second-factor', { code: '000000' })).status).toBe(401);
    const code = await totpCode(enrol.body.secret, clock.now());
    const given = await b.call('POST', '/v1/session/second-factor', { code });
    expect(given.status).toBe(200);
    expect(given.body.secondFactor).toBeNull();
    expect((await b.call('GET', '/v1/messages')).status).toBe(200);
    expect((await store.findUserByEmail('tina@example.com'))!.secondFactor).toBe('totp');

    // The next sign-in asks for the authenticator's code; the code already used is not taken twice.
    const next = browser();
    expect((await next.signIn('tina@example.com', PASSWORD)).body.secondFactor).toBe('totp');
    expect((await next.call('POST', '/v1/session/totp')).status).toBe(409); // cannot re-enrol instead of giving the factor
    expect((await next.call('POST', '/v1/session/second-factor', { code })).status).toBe(401);
    clock.advance(30_000);
    expect((await next.call('POST', '/v1/session/second-factor', { code: await totpCode(enrol.body.secret, clock.now()) })).status).toBe(200);
  });

  it('a user with a phone gets a 6-digit code by SMS, queued on the platform’s own transactional traffic', async () => {
    await user('sam@example.com', '+33611223344');
    const b = browser();
    const signedIn = await b.signIn('sam@example.com', PASSWORD);
    expect(signedIn.body.secondFactor).toBe('sms');
    const sms = await smsTo('+33611223344');
    expect(sms).toMatchObject({ account: 'relais', class: 'transactional' });
    expect(sms.body).toMatch(/^Relais : votre code de connexion est \d{6}\. Il est valable 5 minutes\.$/);
    expect((await b.call('GET', '/v1/messages')).status).toBe(401);
    const given = await b.call('POST', '/v1/session/second-factor', { code: sms.code });
    expect(given.status).toBe(200);
    expect((await b.call('GET', '/v1/messages')).status).toBe(200);
    // Used once.
    const again = browser();
    await again.signIn('sam@example.com', PASSWORD);
    const fresh = await smsTo('+33611223344');
    expect(fresh.code === sms.code || (await again.call('POST', '/v1/session/second-factor', { code: sms.code })).status === 401).toBe(true);
  });

  it('an SMS code lives 5 minutes; a new one kills the old one', async () => {
    const b = browser();
    await b.signIn('sam@example.com', PASSWORD);
    const old = await smsTo('+33611223344');
    expect((await b.call('POST', '/v1/session/second-factor/sms')).status).toBe(202);
    const fresh = await smsTo('+33611223344');
    if (fresh.code !== old.code) expect((await b.call('POST', '/v1/session/second-factor', { code: old.code })).status).toBe(401);
    clock.advance(5 * 60_000 + 1_000);
    expect((await b.call('POST', '/v1/session/second-factor', { code: fresh.code })).status).toBe(401);
    await b.call('POST', '/v1/session/second-factor/sms');
    expect((await b.call('POST', '/v1/session/second-factor', { code: (await smsTo('+33611223344')).code })).status).toBe(200);
  });

  it('an SMS code dies after 5 wrong tries (and wrong codes count towards the lockout)', async () => {
    clock.advance(3_600_000);
    const b = browser();
    await b.signIn('sam@example.com', PASSWORD);
    const { code } = await smsTo('+33611223344');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 4; i++) expect((await b.call('POST', '/v1/session/second-factor', { code: wrong })).status).toBe(401);
    expect((await b.call('POST', '/v1/session/second-factor', { code: wrong })).status).toBe(429);
    clock.advance(61_000);
    expect((await b.call('POST', '/v1/session/second-factor', { code })).status).not.toBe(200);
  });

  it('a user may choose the SMS code even when the account does not require a second factor', async () => {
    await t.api('PATCH', '/v1/account/sign-in', { requireSecondFactor: false });
    await user('uma@example.com');
    const b = browser();
    expect((await b.signIn('uma@example.com', PASSWORD)).body.secondFactor).toBeNull();
    expect((await b.call('PUT', '/v1/session/sms', { phone: '+33699887766' })).status).toBe(204);
    const next = browser();
    expect((await next.signIn('uma@example.com', PASSWORD)).body.secondFactor).toBe('sms');
    expect((await next.call('POST', '/v1/session/second-factor', { code: (await smsTo('+33699887766')).code })).status).toBe(200);
  });

  it('a signed-in user enrols an authenticator and confirms it with a code', async () => {
    await user('vera@example.com');
    const b = browser();
    await b.signIn('vera@example.com', PASSWORD);
    const enrol = await b.call('POST', '/v1/session/totp');
    expect((await b.call('POST', '/v1/session/totp/confirm', { code: '000000' })).status).toBe(422);
    expect((await b.call('POST', '/v1/session/totp/confirm', { code: await totpCode(enrol.body.secret, clock.now()) })).status).toBe(204);
    const next = browser();
    expect((await next.signIn('vera@example.com', PASSWORD)).body.secondFactor).toBe('totp');

    // Enrolling another one and not confirming it leaves the first one in force.
    clock.advance(30_000);
    expect((await next.call('POST', '/v1/session/second-factor', { code: await totpCode(enrol.body.secret, clock.now()) })).status).toBe(200);
    const other = await next.call('POST', '/v1/session/totp');
    expect(other.body.secret).not.toBe(enrol.body.secret);
    const later = browser();
    expect((await later.signIn('vera@example.com', PASSWORD)).body.secondFactor).toBe('totp');
    expect((await later.call('POST', '/v1/session/second-factor', { code: await totpCode(other.body.secret, clock.now()) })).status).toBe(401);
    clock.advance(30_000);
    expect((await later.call('POST', '/v1/session/second-factor', { code: await totpCode(enrol.body.secret, clock.now()) })).status).toBe(200);
  });

  it('only a principal holding the "users" right sets the requirement', async () => {
    const b = browser();
    await b.signIn('vera@example.com', PASSWORD);
    clock.advance(30_000);
    await b.call('POST', '/v1/session/second-factor', { code: await totpCode((await store.findUserByEmail('vera@example.com'))!.totpSecret!, clock.now()) });
    expect((await b.call('PATCH', '/v1/account/sign-in', { requireSecondFactor: true })).status).toBe(403);
  });
});
