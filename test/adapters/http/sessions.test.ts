import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/app/passwords.ts';
import { PgSignInStore } from '../../../src/adapters/store/sign-in-store.ts';
import { createLogger } from '../../../src/adapters/log.ts';
import { parseConfig } from '../../../src/config/load.ts';
import { startRelais } from '../../../src/main.ts';
import { Browser, movableClock } from '../../support/browser.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';

const HOUR = 3_600_000;
const PASSWORD = 'correct horse battery';

// Every sign-in costs a scrypt hash (tens of milliseconds, more on a loaded machine): a generous limit, not a wait.
describe('signing in (cookie sessions, CSRF, sign-out, first sign-ins)', { timeout: 60_000 }, () => {
  const clock = movableClock();
  let t: TestRelais;
  let store: PgSignInStore;
  const browser = () => new Browser(t.relais.httpUrl!);

  /** A user of the test account with these rights, active, with PASSWORD. */
  async function user(email: string, grant: { rights?: string[]; brands?: string[] | null; administrator?: boolean } = {}) {
    return store.createUser(
      { email, name: email, language: 'fr', accountId: t.accountId, staffRole: null, administrator: grant.administrator ?? false, rights: grant.rights ?? [], brands: grant.brands ?? null, passwordHash: await hashPassword(PASSWORD) },
      clock.now(),
    );
  }

  beforeAll(async () => {
    t = await startTestRelais({}, {}, clock);
    store = new PgSignInStore(t.relais.db);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('the first start created admin@localhost and demo@localhost, their passwords saved owner-readable only', async () => {
    const first = t.relais.firstSignIns!;
    expect(first.map((f) => f.email)).toEqual(['admin@localhost', 'demo@localhost']);
    for (const f of first) {
      expect(readFileSync(f.file, 'utf8').trim()).toBe(f.password);
      expect(statSync(f.file).mode & 0o777).toBe(0o600);
      expect(f.password.length).toBeGreaterThanOrEqual(12);
    }
    const admin = browser();
    const signedIn = await admin.signIn('ADMIN@localhost', first[0]!.password);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user).toMatchObject({ email: 'admin@localhost', account: null, staffRole: 'operator-admin', administrator: false });
    expect(signedIn.body.secondFactor).toBeNull();
    // Staff name the account they act on.
    expect((await admin.call('GET', '/v1/messages', undefined, { headers: { 'relais-account': 'test' } })).status).toBe(200);
    expect((await admin.call('GET', '/v1/messages')).status).toBe(422);

    const demo = browser();
    const demoIn = await demo.signIn('demo@localhost', first[1]!.password);
    expect(demoIn.body.user).toMatchObject({ account: 'demo', staffRole: null, administrator: true, brands: null });
    expect(demoIn.body.user.rights).toContain('users');
    expect((await demo.call('GET', '/v1/messages')).status).toBe(200);
  });

  it('a second start creates no sign-in (and, behind a TLS proxy, the cookie is Secure)', async () => {
    const again = await startRelais(
      parseConfig({ http: { port: 0, trustProxy: true }, roles: ['api'], simulator: { enabled: false }, log: { level: 'silent' }, database: { url: t.tdb.url, dataDir: t.relais.config.database.dataDir } }),
      { log: createLogger('silent'), clock },
    );
    try {
      expect(again.firstSignIns).toBeUndefined();
      expect((await store.listUsers()).filter((u) => u.email.endsWith('@localhost')).length).toBe(2);
      const behindProxy = new Browser(again.httpUrl!, { 'x-forwarded-proto': 'https' });
      expect((await behindProxy.signIn('demo@localhost', t.relais.firstSignIns![1]!.password)).status).toBe(200);
      expect(behindProxy.lastSetCookie).toMatch(/; Secure/);
    } finally {
      await again.stop();
    }
  });

  it('the cookie is HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP; GET /v1/session tells who is signed in', async () => {
    await user('alice@example.com', { rights: ['messages'] });
    const b = browser();
    const answer = await b.signIn('alice@example.com', PASSWORD);
    expect(answer.status).toBe(200);
    expect(b.lastSetCookie).toMatch(/^relais_session=[A-Za-z0-9_-]{40,}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);
    const session = await b.call('GET', '/v1/session');
    expect(session.body).toEqual(answer.body);
    expect(session.body.user).toMatchObject({ email: 'alice@example.com', account: 'test', rights: ['messages'], brands: null, administrator: false });
    // Only the SHA-256 of the cookie is stored.
    const { rows } = await t.relais.db.pool.query('SELECT encode(token_hash, $$hex$$) AS h FROM sessions');
    expect(rows.some((r: { h: string }) => r.h.includes(b.cookie!))).toBe(false);
  });

  it('wrong password, unknown e-mail: 401; not signed in: 401', async () => {
    expect((await browser().signIn('alice@example.com', 'wrong password!')).status).toBe(401);
    expect((await browser().signIn('nobody@example.com', PASSWORD)).status).toBe(401);
    expect((await browser().call('GET', '/v1/session')).status).toBe(401);
    expect((await browser().call('GET', '/v1/messages')).status).toBe(401);
  });

  it('a signed-in user has their rights: what they hold works, what they lack is 403', async () => {
    await user('stats@example.com', { rights: ['statistics'] });
    const b = browser();
    await b.signIn('stats@example.com', PASSWORD);
    expect((await b.call('GET', '/v1/messages')).status).toBe(403);
    const alice = browser();
    await alice.signIn('alice@example.com', PASSWORD);
    expect((await alice.call('GET', '/v1/messages')).status).toBe(200);
  });

  it('a cookie-authenticated write without the CSRF token is refused; with it, accepted; a Bearer key needs none', async () => {
    const b = browser();
    await b.signIn('alice@example.com', PASSWORD);
    const message = { to: '+33612345678', text: 'Bonjour', class: 'transactional' };
    const without = await b.call('POST', '/v1/messages', message, { csrf: false });
    expect(without.status).toBe(403);
    expect(without.body.detail).toMatch(/X-CSRF-Token/);
    const wrong = await b.call('POST', '/v1/messages', message, { csrf: false, headers: { 'x-csrf-token': 'not-the-token' } });
    expect(wrong.status).toBe(403);
    const withToken = await b.call('POST', '/v1/messages', message);
    expect(withToken.status).toBe(202);
    expect((await t.api('POST', '/v1/messages', message)).status).toBe(202);
  });

  it('a request with both an API key and a cookie is the key’s', async () => {
    const demo = browser();
    await demo.signIn('demo@localhost', t.relais.firstSignIns![1]!.password);
    const sent = await demo.call('POST', '/v1/messages', { to: '+33612345679', text: 'Depuis demo', class: 'transactional' });
    expect(sent.status).toBe(202);
    const asKey = await demo.call('GET', `/v1/messages/${sent.body.id}`, undefined, { headers: { authorization: `Bearer ${t.key}` } });
    expect(asKey.status).toBe(404); // the key is of account "test", which does not see demo's message
    expect((await demo.call('GET', `/v1/messages/${sent.body.id}`)).status).toBe(200);
  });

  it('a session ends after 2 hours without a request', async () => {
    const b = browser();
    await b.signIn('alice@example.com', PASSWORD);
    clock.advance(HOUR + 59 * 60_000);
    expect((await b.call('GET', '/v1/session')).status).toBe(200);
    clock.advance(HOUR + 59 * 60_000);
    expect((await b.call('GET', '/v1/session')).status).toBe(200);
    clock.advance(2 * HOUR);
    expect((await b.call('GET', '/v1/session')).status).toBe(401);
  });

  it('a session ends 12 hours after signing in, however busy', async () => {
    const b = browser();
    await b.signIn('alice@example.com', PASSWORD);
    for (let hour = 1; hour < 12; hour++) {
      clock.advance(HOUR);
      expect((await b.call('GET', '/v1/session')).status).toBe(200);
    }
    clock.advance(HOUR);
    expect((await b.call('GET', '/v1/session')).status).toBe(401);
  });

  it('last_seen_at is written at most once a minute', async () => {
    const b = browser();
    await b.signIn('alice@example.com', PASSWORD);
    const seen = async () => (await t.relais.db.pool.query('SELECT last_seen_at FROM sessions ORDER BY created_at DESC LIMIT 1')).rows[0].last_seen_at.getTime();
    const start = await seen();
    clock.advance(30_000);
    await b.call('GET', '/v1/session');
    expect(await seen()).toBe(start);
    clock.advance(31_000);
    await b.call('GET', '/v1/session');
    expect(await seen()).toBeGreaterThan(start);
  });

  it('signing out: the cookie, even stolen, is refused afterwards; signing out needs the CSRF token', async () => {
    const b = browser();
    await b.signIn('alice@example.com', PASSWORD);
    const thief = b.copy();
    expect((await thief.call('GET', '/v1/session')).status).toBe(200);
    expect((await b.call('DELETE', '/v1/session', undefined, { csrf: false })).status).toBe(403);
    expect((await b.call('DELETE', '/v1/session')).status).toBe(204);
    expect(b.lastSetCookie).toMatch(/^relais_session=; .*Max-Age=0/);
    expect((await thief.call('GET', '/v1/session')).status).toBe(401);
    expect((await thief.call('GET', '/v1/messages')).status).toBe(401);
  });

  it('signing out everywhere ends every session of the user, not those of others', async () => {
    const laptop = browser();
    const phone = browser();
    const other = browser();
    await laptop.signIn('alice@example.com', PASSWORD);
    await phone.signIn('alice@example.com', PASSWORD);
    await other.signIn('stats@example.com', PASSWORD);
    expect((await phone.call('DELETE', '/v1/sessions')).status).toBe(204);
    expect((await laptop.call('GET', '/v1/session')).status).toBe(401);
    expect((await phone.call('GET', '/v1/session')).status).toBe(401);
    expect((await other.call('GET', '/v1/session')).status).toBe(200);
  });

  it('a disabled user, or a user of a closed account, is refused at once', async () => {
    const bob = await user('bob@example.com', { rights: ['messages'] });
    const b = browser();
    await b.signIn('bob@example.com', PASSWORD);
    expect((await b.call('GET', '/v1/messages')).status).toBe(200);
    await store.disableUser(bob.id, clock.now());
    expect((await b.call('GET', '/v1/messages')).status).toBe(401);
    expect((await browser().signIn('bob@example.com', PASSWORD)).status).toBe(401);

    await user('carol@example.com', { rights: ['messages'] });
    const c = browser();
    await c.signIn('carol@example.com', PASSWORD);
    await t.relais.db.pool.query(`UPDATE accounts SET status = 'closed' WHERE id = $1`, [t.accountId]);
    try {
      expect((await c.call('GET', '/v1/messages')).status).toBe(401);
      expect((await browser().signIn('carol@example.com', PASSWORD)).status).toBe(401);
    } finally {
      await t.relais.db.pool.query(`UPDATE accounts SET status = 'active' WHERE id = $1`, [t.accountId]);
    }
  });

  it('a signed-in user changes their password with the current one; their other sessions end, this one stays', async () => {
    const dora = await user('dora@example.com', { rights: ['messages'] });
    const here = browser();
    const elsewhere = browser();
    await here.signIn('dora@example.com', PASSWORD);
    await elsewhere.signIn('dora@example.com', PASSWORD);
    expect((await here.call('PUT', '/v1/session/password', { currentPassword: 'not the password', newPassword: 'a brand new password' })).status).toBe(401);
    expect((await here.call('PUT', '/v1/session/password', { currentPassword: PASSWORD, newPassword: 'too short' })).status).toBe(422);
    expect((await here.call('PUT', '/v1/session/password', { currentPassword: PASSWORD, newPassword: 'a brand new password' }, { csrf: false })).status).toBe(403);
    expect((await here.call('PUT', '/v1/session/password', { currentPassword: PASSWORD, newPassword: 'a brand new password' })).status).toBe(204);
    expect((await here.call('GET', '/v1/session')).status).toBe(200);
    expect((await elsewhere.call('GET', '/v1/session')).status).toBe(401);
    expect((await browser().signIn('dora@example.com', PASSWORD)).status).toBe(401);
    expect((await browser().signIn('dora@example.com', 'a brand new password')).status).toBe(200);
    expect(dora.id).toBeTruthy();
  });

  it('every failed sign-in is in the audit trail', async () => {
    const { rows } = await t.relais.db.pool.query(`SELECT actor_kind, detail FROM audit_events WHERE action = 'session.sign-in' AND result = 'refused'`);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.map((r: { detail: { email: string } }) => r.detail.email)).toContain('nobody@example.com');
    expect(rows.find((r: { detail: { email: string } }) => r.detail.email === 'nobody@example.com').actor_kind).toBe('anonymous');
  });

  it('the outbox directory is under the data directory by default', () => {
    expect(t.relais.mailOutbox).toBe(path.join(t.relais.config.database.dataDir, 'outbox'));
  });
});
