import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/app/passwords.ts';
import { PgSignInStore } from '../../../src/adapters/store/sign-in-store.ts';
import { Browser, movableClock } from '../../support/browser.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';

const PASSWORD = 'correct horse battery';

// Every try costs a scrypt hash (tens of milliseconds, more on a loaded machine): a generous limit, not a wait.
describe('brute force: back-off per e-mail address and per IP address', { timeout: 120_000 }, () => {
  const clock = movableClock();
  let t: TestRelais;
  const browser = () => new Browser(t.relais.httpUrl!);

  beforeAll(async () => {
    t = await startTestRelais({}, {}, clock);
    const store = new PgSignInStore(t.relais.db);
    for (const email of ['eve@example.com', 'frank@example.com']) {
      await store.createUser({ email, name: email, language: 'en', accountId: t.accountId, staffRole: null, administrator: false, rights: ['messages'], brands: null, passwordHash: await hashPassword(PASSWORD) }, clock.now());
    }
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('the 5th failure for an e-mail address locks it out, said with the time; the right password waits too; then it lifts', async () => {
    for (let i = 1; i <= 4; i++) expect((await browser().signIn('eve@example.com', `wrong password ${i}`)).status).toBe(401);
    const fifth = await browser().signIn('Eve@Example.com', 'wrong password 5');
    expect(fifth.status).toBe(429);
    expect(fifth.headers.get('retry-after')).toBe('60');
    const until = /try again after (\S+)$/.exec(fifth.body.detail)![1]!;
    expect(new Date(until).getTime() - clock.now().getTime()).toBeGreaterThan(55_000);

    const meanwhile = await browser().signIn('eve@example.com', PASSWORD);
    expect(meanwhile.status).toBe(429);
    expect(Number(meanwhile.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Another address is not locked.
    expect((await browser().signIn('frank@example.com', PASSWORD)).status).toBe(200);

    clock.advance(61_000);
    expect((await browser().signIn('eve@example.com', PASSWORD)).status).toBe(200);
    // A success forgets the failures: the next wrong password is a plain 401.
    expect((await browser().signIn('eve@example.com', 'wrong again!!')).status).toBe(401);

    const { rows } = await t.relais.db.pool.query(`SELECT count(*)::int AS n FROM sign_in_failures WHERE email_key = 'eve@example.com' AND NOT forgiven`);
    expect(rows[0].n).toBe(1);
    const audit = await t.relais.db.pool.query(`SELECT detail FROM audit_events WHERE action = 'session.sign-in' AND result = 'refused' AND detail->>'email' = 'eve@example.com'`);
    expect(audit.rows.length).toBe(7); // 5 failures, 1 refused while locked, 1 failure after
    expect(audit.rows.some((r: { detail: { reason: string } }) => r.detail.reason === 'locked out')).toBe(true);
  });

  it('20 failures from one IP address within 15 minutes lock it out, whatever the addresses tried', async () => {
    clock.advance(16 * 60_000);
    for (let i = 1; i < 20; i++) expect((await browser().signIn(`guess${i}@example.com`, 'not the password')).status).toBe(401);
    expect((await browser().signIn('guess20@example.com', 'not the password')).status).toBe(429);
    const locked = await browser().signIn('frank@example.com', PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.detail).toMatch(/too many failed sign-ins: try again after/);
    clock.advance(61_000);
    expect((await browser().signIn('frank@example.com', PASSWORD)).status).toBe(200);
  });
});
