/**
 * Who is who, rights and keys, as the aggregator and an account use them over HTTP: accounts created with their
 * company identity (numbers checked), the CONTACT reply built from it, the account's brands, API keys with rights
 * (shown once, last use, revocation), users and the one administrator, and a suspension that refuses writes and
 * holds queued messages until the account is reactivated, when they are delivered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { PgMessageStore } from '../../src/adapters/store/message-store.ts';
import { PgUserStore } from '../../src/adapters/store/user-store.ts';
import { startTestRelais, type TestRelais } from '../support/relais.ts';

/** Asks until `done` holds for the answer (a change reaches the doors within a second), or gives up after 10 s. */
async function eventually<T>(ask: () => Promise<T>, done: (answer: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = await ask();
    if (done(answer) || Date.now() > deadline) return answer;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('accounts, keys, users and suspension', { timeout: 60_000 }, () => {
  let t: TestRelais;
  let aggregator: Record<string, string>;
  let mobile = 0;
  const fresh = () => `+336120099${String(++mobile).padStart(2, '0')}`;
  const as = (key: string) => ({ authorization: `Bearer ${key}` });

  beforeAll(async () => {
    t = await startTestRelais({}, { brand: 'Dupont' });
    aggregator = as(await new PgAccountStore(t.relais.db).createAggregatorKey('ops', new Date()));
  });
  afterAll(() => t?.stop());

  it('creates an account with its company identity, the numbers checked, and lists it with its status', async () => {
    const wrong = await t.api('POST', '/v1/aggregator/accounts', { name: 'wrong', siren: '732 829 321', siret: '73282932000075', vatNumber: 'FR45732829320' }, aggregator);
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors.map((e: { field: string }) => e.field)).toEqual(['/siren', '/siret', '/vatNumber']);
    expect(wrong.body.errors[0].reason).toContain('Luhn');

    const identity = { legalName: 'Jardins Martin SARL', siren: '732 829 320', siret: '732 829 320 00074', vatNumber: 'FR 44 732829320', postalAddress: '3 rue des Lilas, 69001 Lyon', contactEmail: 'contact@jardins.example', contactPhone: '04 72 00 00 00' };
    const created = await t.api('POST', '/v1/aggregator/accounts', { name: 'jardins', brand: 'Jardins Martin', ...identity, administrator: { email: 'paul@jardins.example', name: 'Paul Martin' } }, aggregator);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'jardins', brand: 'Jardins Martin', brands: ['Jardins Martin'], status: 'active', statusReason: null });
    expect(created.body.identity).toEqual({ ...identity, siren: '732829320', siret: '73282932000074', vatNumber: 'FR44732829320' });
    expect((await t.api('POST', '/v1/aggregator/accounts', { name: 'jardins' }, aggregator)).status).toBe(409);
    // Only the aggregator creates accounts.
    expect((await t.api('POST', '/v1/aggregator/accounts', { name: 'mine' })).status).toBe(401);
    const listed = await t.api('GET', '/v1/aggregator/accounts', undefined, aggregator);
    expect(listed.body.accounts).toContainEqual(expect.objectContaining({ name: 'jardins', status: 'active' }));
    // Its administrator is invited with it.
    const users = await t.api('GET', '/v1/users', undefined, { ...aggregator, 'relais-account': 'jardins' });
    expect(users.body.users).toEqual([expect.objectContaining({ email: 'paul@jardins.example', administrator: true, status: 'invited' })]);
  });

  it('answers CONTACT with the company identity when no contact reply is set', async () => {
    await t.api('PATCH', '/v1/aggregator/accounts/test', { legalName: 'Dupont SAS', postalAddress: '1 rue de la Paix, 75002 Paris', contactEmail: 'contact@dupont.example' }, aggregator);
    const to = fresh();
    const shortCode = (await new PgAccountStore(t.relais.db).findById(t.accountId))!.defaultShortCode!;
    await t.relais.simulator!.sendMo({ from: to.slice(1), to: shortCode, text: 'CONTACT' });
    const reply = await eventually(
      async () => (await t.api('GET', '/v1/messages?limit=20')).body.messages.find((m: { to: string }) => m.to === to),
      (m) => m !== undefined,
    );
    expect(reply).toMatchObject({ class: 'transactional', text: 'Dupont SAS - 1 rue de la Paix, 75002 Paris - contact@dupont.example' });
  });

  it("refuses a message, consent or campaign naming a brand that is not one of the account's, until the aggregator adds it", async () => {
    const to = fresh();
    const refused = await t.api('POST', '/v1/messages', { to, text: 'Votre commande est prête', class: 'transactional', brand: 'Jardins' });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ field: '/brand', reason: expect.stringContaining('"Jardins" is not one of the account\'s brands (Dupont)') }]);
    expect((await t.api('POST', '/v1/consents', { msisdn: to, kind: 'opt-in', brand: 'Jardins' })).status).toBe(422);
    expect((await t.api('POST', '/v1/campaigns', { name: 'x', text: 'Jardins : promo', bases: ['none'], brand: 'Jardins' })).status).toBe(422);

    const added = await t.api('PATCH', '/v1/aggregator/accounts/test', { brands: ['Jardins'] }, aggregator);
    expect(added.body.brands).toEqual(['Dupont', 'Jardins']);
    const accepted = await eventually(() => t.api('POST', '/v1/messages', { to, text: 'Votre commande est prête', class: 'transactional', brand: 'Jardins' }), (r) => r.status !== 422);
    expect(accepted.status).toBe(202);

    // The account manages its brands itself too (the "settings" right).
    const own = await t.api('PUT', '/v1/account/brands', { brands: ['Jardins', 'Fleurs'] });
    expect(own.body).toMatchObject({ name: 'test', brand: 'Dupont', brands: ['Dupont', 'Jardins', 'Fleurs'], status: 'active', identity: { legalName: 'Dupont SAS' } });
    const keyWithoutSettings = as((await t.api('POST', '/v1/api-keys', { name: 'no settings', rights: ['messages'] })).body.key);
    expect((await t.api('PUT', '/v1/account/brands', { brands: [] }, keyWithoutSettings)).status).toBe(403);
  });

  it('makes API keys with a name and rights, shown once, listed with their last use, revoked at once', async () => {
    const made = await t.api('POST', '/v1/api-keys', { name: 'boutique', rights: ['messages'] });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'boutique', rights: ['messages'], brands: null, lastUsedAt: null, key: expect.stringMatching(/^rl_/) });
    const shop = as(made.body.key);

    expect((await t.api('POST', '/v1/messages', { to: fresh(), text: 'Votre colis arrive', class: 'transactional' }, shop)).status).toBe(202);
    const consents = await t.api('GET', `/v1/consents/${fresh()}`, undefined, shop);
    expect(consents.status).toBe(403);
    expect(consents.body.detail).toContain('"consents" right');

    const listed = await eventually(
      async () => (await t.api('GET', '/v1/api-keys')).body.apiKeys.find((k: { id: string }) => k.id === made.body.id),
      (k) => k.lastUsedAt !== null,
    );
    expect(listed).toMatchObject({ name: 'boutique', rights: ['messages'], prefix: made.body.key.slice(0, 9), lastUsedAt: expect.any(String) });
    expect(listed).not.toHaveProperty('key');
    // The key made before rights existed (the test's own) holds every right.
    expect((await t.api('GET', '/v1/api-keys')).body.apiKeys[0]).toMatchObject({ rights: null, brands: null });

    // Nobody grants more than they hold: a key that may manage keys only cannot make one that sends.
    const keysOnly = as((await t.api('POST', '/v1/api-keys', { name: 'keys', rights: ['api-keys'] })).body.key);
    const more = await t.api('POST', '/v1/api-keys', { name: 'more', rights: ['messages'] }, keysOnly);
    expect(more.status).toBe(403);
    expect((await t.api('POST', '/v1/api-keys', { name: 'bad', rights: ['everything'] })).status).toBe(400);

    expect((await t.api('DELETE', `/v1/api-keys/${made.body.id}`)).status).toBe(204);
    const revoked = await eventually(() => t.api('POST', '/v1/messages', { to: fresh(), text: 'Votre colis arrive', class: 'transactional' }, shop), (r) => r.status === 401);
    expect(revoked.status).toBe(401);
    expect((await t.api('DELETE', `/v1/api-keys/${made.body.id}`)).status).toBe(404);
  });

  it('invites users with rights and brands, and hands the administration over: one administrator at a time', async () => {
    const users = new PgUserStore(t.relais.db);
    const admin = await users.createUser({ email: 'anne@dupont.example', name: 'Anne', accountId: t.accountId, administrator: true }, new Date());
    const invited = await t.api('POST', '/v1/users', { email: 'bruno@dupont.example', name: 'Bruno', language: 'en', rights: ['campaigns', 'statistics'], brands: ['Jardins'] });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ email: 'bruno@dupont.example', language: 'en', administrator: false, rights: ['campaigns', 'statistics'], brands: ['Jardins'], status: 'invited' });
    expect((await t.api('POST', '/v1/users', { email: 'BRUNO@dupont.example', name: 'Bruno', rights: [] })).status).toBe(409);
    expect((await t.api('POST', '/v1/users', { email: 'carla@dupont.example', name: 'Carla', rights: [], brands: ['Nowhere'] })).status).toBe(422);

    const changed = await t.api('PATCH', `/v1/users/${invited.body.id}`, { rights: ['campaigns'] });
    expect(changed.body.rights).toEqual(['campaigns']);
    expect((await t.api('PATCH', `/v1/users/${admin.id}`, { rights: ['campaigns'] })).status).toBe(409);

    // A key is not the administrator: only they, or the aggregator, hand the administration over.
    expect((await t.api('POST', `/v1/users/${invited.body.id}/administrator`)).status).toBe(403);
    const handed = await t.api('POST', `/v1/users/${invited.body.id}/administrator`, undefined, { ...aggregator, 'relais-account': 'test' });
    expect(handed.body).toMatchObject({ administrator: true, brands: null });
    const all = (await t.api('GET', '/v1/users')).body.users;
    expect(all.filter((u: { administrator: boolean }) => u.administrator).map((u: { email: string }) => u.email)).toEqual(['bruno@dupont.example']);
    expect(all.find((u: { id: string }) => u.id === admin.id)).toMatchObject({ administrator: false, rights: expect.arrayContaining(['users', 'billing']) });
  });

  it('suspends an account: writes refused with the reason, reads allowed, queued messages held and delivered once reactivated', async () => {
    const accounts = new PgAccountStore(t.relais.db);
    const shortCode = (await accounts.findById(t.accountId))!.defaultShortCode!;
    const neighbour = await accounts.createAccount({ name: 'voisin', defaultShortCode: shortCode }, new Date());
    const neighbourKey = as(await accounts.createApiKey(neighbour.id, null, new Date()));

    const waiting = await t.api('POST', '/v1/messages', { to: fresh(), text: 'Rendez-vous demain 10 h', sendAt: new Date(Date.now() + 60_000).toISOString(), class: 'transactional' });
    expect(waiting.body.status).toBe('queued');
    const suspended = await t.api('POST', '/v1/aggregator/accounts/test/suspend', { reason: 'unpaid invoice 2026-11' }, aggregator);
    expect(suspended.body).toMatchObject({ status: 'suspended', statusReason: 'unpaid invoice 2026-11' });
    expect((await t.api('GET', `/v1/messages/${waiting.body.id}`)).body).toMatchObject({ status: 'held', events: expect.arrayContaining([expect.objectContaining({ status: 'held', reason: 'the account was suspended: unpaid invoice 2026-11' })]) });

    const refused = await eventually(() => t.api('POST', '/v1/messages', { to: fresh(), text: 'Encore un', class: 'transactional' }), (r) => r.status === 403);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('is suspended: unpaid invoice 2026-11');
    expect((await t.api('GET', '/v1/messages?limit=1')).status).toBe(200);

    // A message queued for the suspended account anyway (as a campaign's would be) is not claimed: the
    // neighbour's, due later on the same short code, is delivered while it waits.
    const [stuck] = (await new PgMessageStore(t.relais.db).insertMessages(
      [{ accountId: t.accountId, recipient: fresh(), sender: shortCode, shortCode, class: 'transactional', body: 'Code 1234', encoding: 'gsm7', segments: 1, dueAt: new Date(Date.now() - 1000), clientReference: null, brand: 'Dupont', status: 'queued', error: null, compliance: null, cap: null }],
      new Date(),
    ) as { ids: string[] }).ids;
    const theirs = await t.api('POST', '/v1/messages', { to: fresh(), text: 'Votre code 5678', class: 'transactional' }, neighbourKey);
    expect((await eventually(() => t.api('GET', `/v1/messages/${theirs.body.id}`, undefined, neighbourKey), (r) => r.body.status === 'delivered')).body.status).toBe('delivered');
    expect((await t.api('GET', `/v1/messages/${stuck}`)).body.status).toBe('queued');

    const reactivated = await t.api('POST', '/v1/aggregator/accounts/test/reactivate', {}, aggregator);
    expect(reactivated.body).toMatchObject({ status: 'active', statusReason: null });
    expect((await t.api('GET', `/v1/messages/${waiting.body.id}`)).body.status).toBe('queued');
    expect((await t.waitFor(stuck!, (s) => s === 'delivered')).status).toBe('delivered');
    expect((await eventually(() => t.api('POST', '/v1/messages', { to: fresh(), text: 'De retour', class: 'transactional' }), (r) => r.status === 202)).status).toBe(202);
  });

  it('closes an account for good: its doors refuse, and it cannot be reactivated', async () => {
    await t.api('POST', '/v1/aggregator/accounts', { name: 'ferme' }, aggregator);
    const closed = await t.api('DELETE', '/v1/aggregator/accounts/ferme', { reason: 'contract ended' }, aggregator);
    expect(closed.body).toMatchObject({ status: 'closed', statusReason: 'contract ended' });
    expect((await t.api('POST', '/v1/aggregator/accounts/ferme/reactivate', {}, aggregator)).status).toBe(409);
  });
});
