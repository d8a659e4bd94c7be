import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/app/passwords.ts';
import { PgSignInStore } from '../../../src/adapters/store/sign-in-store.ts';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { Browser, movableClock } from '../../support/browser.ts';
import { lastMailTo, mailsIn } from '../../support/outbox.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';

const DAY = 24 * 3_600_000;
const NEW_PASSWORD = 'a long new password';

// Every sign-in costs a scrypt hash (tens of milliseconds, more on a loaded machine): a generous limit, not a wait.
describe('invitations and password resets: single-use expiring links sent by e-mail', { timeout: 60_000 }, () => {
  const clock = movableClock();
  let t: TestRelais;
  let store: PgSignInStore;
  let outbox: string;
  const browser = () => new Browser(t.relais.httpUrl!);

  const invited = (email: string, language: 'fr' | 'en' = 'fr', accountId?: string) =>
    store.createUser({ email, name: 'Grace Hopper', language, accountId: accountId ?? t.accountId, staffRole: null, administrator: false, rights: ['messages'], brands: null, passwordHash: null }, clock.now());

  beforeAll(async () => {
    t = await startTestRelais({}, {}, clock);
    store = new PgSignInStore(t.relais.db);
    outbox = t.relais.mailOutbox!;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('an invitation is mailed in French by default; its link sets the password once; the user can then sign in', async () => {
    const grace = await invited('grace@example.com');
    expect(grace.status).toBe('invited');
    expect((await browser().signIn('grace@example.com', NEW_PASSWORD)).status).toBe(401);
    expect((await t.api('POST', `/v1/users/${grace.id}/invitation`)).status).toBe(202);

    const mail = await lastMailTo(outbox, 'grace@example.com');
    expect(mail.subject).toBe('Votre accès à Relais');
    expect(mail.text).toMatch(/Bonjour Grace Hopper/);
    expect(mail.link.startsWith(`${t.relais.httpUrl}/invitation?token=`)).toBe(true);

    const tooShort = await browser().call('POST', '/v1/invitations/accept', { token: mail.token, password: 'short' });
    expect(tooShort.status).toBe(422);
    expect(tooShort.body.errors[0]).toMatchObject({ field: '/password' });
    expect((await browser().call('POST', '/v1/invitations/accept', { token: mail.token, password: 'grace@example.com' })).status).toBe(422);
    expect((await browser().call('POST', '/v1/invitations/accept', { token: mail.token, password: NEW_PASSWORD })).status).toBe(204);
    const again = await browser().call('POST', '/v1/invitations/accept', { token: mail.token, password: 'another long password' });
    expect(again.status).toBe(422);
    expect(again.body.errors[0]).toMatchObject({ field: '/token' });

    const signedIn = await browser().signIn('grace@example.com', NEW_PASSWORD);
    expect(signedIn.status).toBe(200);
    expect((await store.findUserById(grace.id))!.status).toBe('active');
    // Active now: no invitation is sent any more.
    expect((await t.api('POST', `/v1/users/${grace.id}/invitation`)).status).toBe(409);
  });

  it('an invitation link dies after 7 days, and when a newer one is sent', async () => {
    const ada = await invited('ada@example.com', 'en');
    await t.api('POST', `/v1/users/${ada.id}/invitation`);
    const first = await lastMailTo(outbox, 'ada@example.com');
    expect(first.subject).toBe('Your access to Relais');
    await t.api('POST', `/v1/users/${ada.id}/invitation`);
    const second = await lastMailTo(outbox, 'ada@example.com');
    expect(second.token).not.toBe(first.token);
    expect((await browser().call('POST', '/v1/invitations/accept', { token: first.token, password: NEW_PASSWORD })).status).toBe(422);

    clock.advance(7 * DAY + 60_000);
    expect((await browser().call('POST', '/v1/invitations/accept', { token: second.token, password: NEW_PASSWORD })).status).toBe(422);
    await t.api('POST', `/v1/users/${ada.id}/invitation`);
    clock.advance(7 * DAY - 60_000);
    expect((await browser().call('POST', '/v1/invitations/accept', { token: (await lastMailTo(outbox, 'ada@example.com')).token, password: NEW_PASSWORD })).status).toBe(204);
  });

  it('an account cannot invite the users of another account (404), nor can a user without the "users" right (403)', async () => {
    const other = await new PgAccountStore(t.relais.db).createAccount({ name: 'other' }, clock.now());
    const stranger = await invited('stranger@example.com', 'fr', other.id);
    expect((await t.api('POST', `/v1/users/${stranger.id}/invitation`)).status).toBe(404);
    const b = browser();
    await b.signIn('grace@example.com', NEW_PASSWORD); // holds "messages" only
    const ada = await invited('linus@example.com');
    expect((await b.call('POST', `/v1/users/${ada.id}/invitation`)).status).toBe(403);
  });

  it('a password reset is mailed (in the user’s language); the link sets a new password once and ends every session', async () => {
    const user = await store.createUser(
      { email: 'ken@example.com', name: 'Ken', language: 'en', accountId: t.accountId, staffRole: null, administrator: false, rights: ['messages'], brands: null, passwordHash: await hashPassword('the old long password') },
      clock.now(),
    );
    const before = browser();
    expect((await before.signIn('ken@example.com', 'the old long password')).status).toBe(200);

    const mailsBefore = (await mailsIn(outbox)).length;
    expect((await browser().call('POST', '/v1/password-reset', { email: 'nobody@example.com' })).status).toBe(202);
    expect((await mailsIn(outbox)).length).toBe(mailsBefore);

    expect((await browser().call('POST', '/v1/password-reset', { email: 'KEN@example.com' })).status).toBe(202);
    const mail = await lastMailTo(outbox, 'ken@example.com');
    expect(mail.subject).toBe('Resetting your Relais password');
    expect(mail.link.startsWith(`${t.relais.httpUrl}/password-reset?token=`)).toBe(true);

    expect((await browser().call('POST', '/v1/password-reset/confirm', { token: mail.token, password: NEW_PASSWORD })).status).toBe(204);
    expect((await before.call('GET', '/v1/session')).status).toBe(401);
    expect((await browser().call('POST', '/v1/password-reset/confirm', { token: mail.token, password: 'yet another password' })).status).toBe(422);
    expect((await browser().signIn('ken@example.com', 'the old long password')).status).toBe(401);
    expect((await browser().signIn('ken@example.com', NEW_PASSWORD)).status).toBe(200);
    expect(user.id).toBeTruthy();
  });

  it('at most one reset mail a minute per user, whoever asks', async () => {
    const count = async () => (await mailsIn(outbox)).filter((m) => m.to.includes('ken@example.com')).length;
    clock.advance(61_000);
    const before = await count();
    expect((await browser().call('POST', '/v1/password-reset', { email: 'ken@example.com' })).status).toBe(202);
    expect((await browser().call('POST', '/v1/password-reset', { email: 'ken@example.com' })).status).toBe(202);
    expect(await count()).toBe(before + 1);
    clock.advance(61_000);
    await browser().call('POST', '/v1/password-reset', { email: 'ken@example.com' });
    expect(await count()).toBe(before + 2);
  });

  it('a password-reset link dies after an hour; an invitation link is no reset link', async () => {
    clock.advance(61_000);
    const before = (await mailsIn(outbox)).length;
    await browser().call('POST', '/v1/password-reset', { email: 'ken@example.com' });
    expect((await mailsIn(outbox)).length).toBe(before + 1);
    const mail = await lastMailTo(outbox, 'ken@example.com');
    expect((await browser().call('POST', '/v1/invitations/accept', { token: mail.token, password: 'a third long password' })).status).toBe(422);
    clock.advance(3_600_000 + 1_000);
    expect((await browser().call('POST', '/v1/password-reset/confirm', { token: mail.token, password: 'a third long password' })).status).toBe(422);
    expect((await browser().signIn('ken@example.com', NEW_PASSWORD)).status).toBe(200);
  });
});
