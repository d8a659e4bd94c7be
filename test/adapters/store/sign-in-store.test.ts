/** The sign-in store's MUSTs (app/sign-in.ts SignInStore), on the embedded and the external PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/app/passwords.ts';
import { PgSignInStore } from '../../../src/adapters/store/sign-in-store.ts';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../../support/db.ts';

describe.each(databaseTargets())('the sign-in store on $name PostgreSQL', (target) => {
  let tdb: TestDatabase;
  let store: PgSignInStore;
  let userId: string;
  const now = new Date('2026-03-02T10:00:00Z');
  const later = (ms: number) => new Date(now.getTime() + ms);

  beforeAll(async () => {
    tdb = await createTestDatabase(target);
    store = new PgSignInStore(tdb.db);
    userId = (await store.createUser({ email: 'Zoe@Example.com', name: 'Zoé', language: 'fr', accountId: null, staffRole: 'operator-support', administrator: false, rights: [], brands: null, passwordHash: 'scrypt$x' }, now)).id;
  });
  afterAll(() => tdb?.drop());

  it('finds a user by e-mail whatever its case', async () => {
    expect((await store.findUserByEmail(' zoe@EXAMPLE.com'))?.id).toBe(userId);
  });

  it('a token is used at most once, even by concurrent requests, and not after it expired', async () => {
    await store.createToken(userId, 'password-reset', sha256('t1'), now, later(3_600_000));
    const uses = await Promise.all(Array.from({ length: 8 }, () => store.useToken(sha256('t1'), 'password-reset', later(1000))));
    expect(uses.filter((u) => u === userId)).toHaveLength(1);
    await store.createToken(userId, 'password-reset', sha256('t2'), now, later(3_600_000));
    expect(await store.useToken(sha256('t2'), 'password-reset', later(3_600_000))).toBeUndefined();
    expect(await store.useToken(sha256('t2'), 'invitation', later(1000))).toBeUndefined();
  });

  it('a new token of a purpose kills the earlier unused ones of that purpose only', async () => {
    await store.createToken(userId, 'invitation', sha256('i1'), now, later(60_000));
    await store.createToken(userId, 'password-reset', sha256('r1'), now, later(60_000));
    await store.createToken(userId, 'invitation', sha256('i2'), now, later(60_000));
    expect(await store.tokenUser(sha256('i1'), 'invitation', now)).toBeUndefined();
    expect(await store.tokenUser(sha256('i2'), 'invitation', now)).toBe(userId);
    expect(await store.tokenUser(sha256('r1'), 'password-reset', now)).toBe(userId);
  });

  it('an SMS code takes at most the allowed wrong tries, then nothing; a right one is used once', async () => {
    await store.createToken(userId, 'sms-code', sha256('c1'), now, later(300_000));
    expect(await store.tryCode(userId, sha256('nope'), now, 2)).toBe('wrong');
    expect(await store.tryCode(userId, sha256('nope'), now, 2)).toBe('wrong');
    expect(await store.tryCode(userId, sha256('c1'), now, 2)).toBe('none');
    await store.createToken(userId, 'sms-code', sha256('c2'), now, later(300_000));
    const tries = await Promise.all(Array.from({ length: 4 }, () => store.tryCode(userId, sha256('c2'), now, 5)));
    expect(tries.filter((t) => t === 'ok')).toHaveLength(1);
  });

  it('a TOTP step is accepted once, and never one older than the last accepted', async () => {
    expect(await store.acceptTotpStep(userId, 100)).toBe(true);
    expect(await store.acceptTotpStep(userId, 100)).toBe(false);
    expect(await store.acceptTotpStep(userId, 99)).toBe(false);
    expect(await store.acceptTotpStep(userId, 101)).toBe(true);
  });

  it('an authenticator being enrolled replaces the enrolled one only when confirmed, and only if still the one pending', async () => {
    await store.setPendingTotp(userId, 'SECRET-A');
    expect(await store.enrolTotp(userId, 'SECRET-A', 500)).toBe(true);
    await store.setPendingTotp(userId, 'SECRET-B');
    await store.setPendingTotp(userId, 'SECRET-C');
    expect((await store.findUserById(userId))).toMatchObject({ totpSecret: 'SECRET-A', totpPendingSecret: 'SECRET-C', secondFactor: 'totp' });
    expect(await store.enrolTotp(userId, 'SECRET-B', 501)).toBe(false);
    expect(await store.enrolTotp(userId, 'SECRET-C', 502)).toBe(true);
    expect(await store.findUserById(userId)).toMatchObject({ totpSecret: 'SECRET-C', totpPendingSecret: null, totpLastStep: 502 });
  });

  it('failures are read per e-mail or per IP address, latest first, since a time; a success clears the e-mail’s', async () => {
    for (const [email, ip, ms] of [['a', '1.1.1.1', 0], ['a', '2.2.2.2', 1000], ['b', '1.1.1.1', 2000]] as const) await store.recordFailure(email, ip, later(ms));
    expect(await store.failures({ emailKey: 'a' }, now, 10)).toEqual([later(1000)]);
    expect(await store.failures({ ip: '1.1.1.1' }, new Date(now.getTime() - 1), 10)).toEqual([later(2000), now]);
    await store.clearFailures('a');
    expect(await store.failures({ emailKey: 'a' }, new Date(0), 10)).toEqual([]);
    expect(await store.failures({ ip: '1.1.1.1' }, new Date(0), 10)).toHaveLength(2);
  });
});
