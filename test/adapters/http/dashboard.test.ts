/**
 * The dashboard's figures (GET /v1/statistics/summary), the Send page's choices (GET /v1/senders) and the aggregator
 * console's routes and traffic, against Relais in-process with its built-in simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/app/passwords.ts';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { PgSignInStore } from '../../../src/adapters/store/sign-in-store.ts';
import { periodFigures, periodStarts } from '../../../src/core/statistics/summary.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';

describe('the periods and their figures (pure)', () => {
  it('starts today and the month at midnight in Paris, and names each status once', () => {
    // 23:30 UTC on 31 March 2026 is already 1 April in Paris (summer time)
    const { today, month } = periodStarts(new Date('2026-03-31T23:30:00Z'));
    expect(today.toISOString()).toBe('2026-03-31T22:00:00.000Z');
    expect(month.toISOString()).toBe('2026-03-31T22:00:00.000Z');
    const figures = periodFigures({ delivered: 5, submitted: 2, undeliverable: 1, failed: 1, queued: 3, in_doubt: 1, suppressed: 4 });
    expect(figures).toMatchObject({ accepted: 17, sent: 8, delivered: 5, failed: 2, pending: 4, notSent: 4 });
  });
});

describe('dashboard and aggregator console over HTTP', { timeout: 60_000 }, () => {
  let t: TestRelais;
  let aggregatorKey: string;
  const asAggregator = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(t.relais.httpUrl + path, {
      method,
      headers: { authorization: `Bearer ${aggregatorKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    t = await startTestRelais();
    aggregatorKey = await new PgAccountStore(t.relais.db).createAggregatorKey('dashboard test', new Date());
  });
  afterAll(async () => t?.stop());

  it('counts today’s and the month’s messages, the STOPs, and says what waits', async () => {
    const sent = await t.api('POST', '/v1/messages', { to: '+33612345678', text: 'Votre code : 1234', class: 'transactional' });
    expect(sent.status).toBe(202);
    await t.waitFor(sent.body.id, (s) => s === 'delivered');
    const later = await t.api('POST', '/v1/messages', { to: '+33612345679', text: 'Rappel', class: 'transactional', sendAt: new Date(Date.now() + 86_400_000).toISOString() });
    expect(later.status).toBe(202);
    const shortCode = (await t.api('GET', '/v1/senders')).body.shortCodes[0].number;
    expect((await asAggregator('POST', '/v1/aggregator/simulator/mo', { from: '33612345678', to: shortCode, text: 'STOP' })).status).toBe(200);

    const { status, body } = await t.api('GET', '/v1/statistics/summary');
    expect(status).toBe(200);
    expect(body.zone).toBe('Europe/Paris');
    expect(body.today).toMatchObject({ accepted: 2, sent: 1, delivered: 1, failed: 0, pending: 1, stops: 1 });
    expect(body.month.accepted).toBeGreaterThanOrEqual(2);
    expect(body.queue).toMatchObject({ ready: 0, later: 1, submitting: 0 });
    expect(typeof body.today.spend === 'number' || body.today.spend === null).toBe(true);
  });

  it('lists the account’s short codes and approved senders for the Send page', async () => {
    await asAggregator('PATCH', '/v1/aggregator/accounts/test', { alphanumericSenders: ['MaBoutique'] });
    // A provisioning change reaches every process within a second (the account is read again): wait for it
    let answer = await t.api('GET', '/v1/senders');
    for (const deadline = Date.now() + 5_000; answer.body.alphanumericSenders.length === 0 && Date.now() < deadline; ) answer = await t.api('GET', '/v1/senders');
    const { status, body } = answer;
    expect(status).toBe(200);
    expect(body.shortCodes).toEqual([expect.objectContaining({ default: true })]);
    expect(body.alphanumericSenders).toEqual(['MaBoutique']);
  });

  it('shows the aggregator each route’s link bound by this process, its rate and queue, and every account’s traffic', async () => {
    const routes = await asAggregator('GET', '/v1/aggregator/routes');
    expect(routes.status).toBe(200);
    const route = routes.body.routes[0];
    expect(route.link.state).toBe('bound');
    expect(route.shortCodes[0]).toMatchObject({ ratePerSecond: expect.any(Number), queue: { ready: 0, later: 1, submitting: 0 } });
    const traffic = await asAggregator('GET', '/v1/aggregator/traffic');
    expect(traffic.body.accounts).toContainEqual(expect.objectContaining({ account: 'test', today: expect.objectContaining({ accepted: 2, delivered: 1 }) }));
    // An account's key is not the aggregator's
    const refused = await fetch(`${t.relais.httpUrl}/v1/aggregator/routes`, { headers: { authorization: `Bearer ${t.key}` } });
    expect(refused.status).toBe(401);
  });

  it('lets a signed-in aggregator’s person in, with the CSRF token on changes, and keeps an account’s user out', async () => {
    const store = new PgSignInStore(t.relais.db);
    const passwordHash = await hashPassword('correct horse battery staple');
    const person = { name: 'Personne', language: 'fr' as const, administrator: false, rights: [], brands: null, passwordHash };
    await store.createUser({ ...person, email: 'ops@aggregator.example', accountId: null, staffRole: 'operator-admin' }, new Date());
    await store.createUser({ ...person, email: 'user@test.example', accountId: t.accountId, staffRole: null, administrator: true }, new Date());
    const signIn = async (email: string) => {
      const response = await fetch(`${t.relais.httpUrl}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'correct horse battery staple' }) });
      expect(response.status).toBe(200);
      const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
      return { cookie, csrf: ((await response.json()) as { csrfToken: string }).csrfToken };
    };
    const staff = await signIn('ops@aggregator.example');
    expect((await fetch(`${t.relais.httpUrl}/v1/aggregator/routes`, { headers: { cookie: staff.cookie } })).status).toBe(200);
    const suspend = (csrf?: string) =>
      fetch(`${t.relais.httpUrl}/v1/aggregator/accounts/test/suspend`, { method: 'POST', headers: { cookie: staff.cookie, 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) }, body: JSON.stringify({ reason: 'essai' }) });
    expect((await suspend()).status).toBe(403);
    expect((await suspend(staff.csrf)).status).toBe(200);
    expect((await asAggregator('POST', '/v1/aggregator/accounts/test/reactivate', {})).status).toBe(200);
    const user = await signIn('user@test.example');
    expect((await fetch(`${t.relais.httpUrl}/v1/aggregator/accounts`, { headers: { cookie: user.cookie } })).status).toBe(403);
  });
});
