/**
 * The audit trail over HTTP: a change is recorded with who, on behalf of which account, from where, what, on which
 * object and the result; refusals too (401, 403, 404, 422); exports are recorded, plain reads are not; an account
 * sees its own trail only, the aggregator every account's; filters, pages and the CSV export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyPrefixOf, PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { actionOf } from '../../../src/adapters/http/audit-hook.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';
import { parseCsv } from '../../support/csv.ts';

describe('audit trail over HTTP', () => {
  let t: TestRelais;
  let accounts: PgAccountStore;
  let otherKey: string;
  let otherAccountId: string;
  let aggregatorKey: string;
  let keyId: string;
  beforeAll(async () => {
    t = await startTestRelais({ roles: ['api'] }, { brand: 'Dupont' });
    accounts = new PgAccountStore(t.relais.db);
    const other = await accounts.createAccount({ name: 'other' }, new Date());
    otherAccountId = other.id;
    otherKey = await accounts.createApiKey(other.id, 'other', new Date());
    aggregatorKey = await accounts.createAggregatorKey('audit test', new Date());
    keyId = (await accounts.listApiKeys(t.accountId))[0]!.id;
  });
  afterAll(() => t?.stop());

  const call = async (key: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(t.relais.httpUrl + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('json');
    return { status: response.status, body: json && text ? JSON.parse(text) : text, headers: response.headers } as { status: number; body: any; headers: Headers };
  };
  /** The account's trail, newest first, as its administrator's key reads it. */
  const trail = async (query = '') => (await t.api('GET', `/v1/audit${query}`)).body.events as any[];
  const staffTrail = async (query = '') => (await call(aggregatorKey, 'GET', `/v1/aggregator/audit${query}`)).body.events as any[];
  /** A key of the test account holding only these rights. */
  const keyWith = async (rights: string[]) => {
    const key = await accounts.createApiKey(t.accountId, `only ${rights.join(',')}`, new Date());
    await t.relais.db.pool.query('UPDATE api_keys SET rights = $1 WHERE key_prefix = $2', [rights, keyPrefixOf(key)]);
    return key;
  };

  it('records a change: who, for which account, from where, what, on which object, when, with what result', async () => {
    const before = Date.now();
    const created = await t.api('POST', '/v1/bases', { name: 'clients' });
    expect(created.status).toBe(201);
    const [entry] = await trail('?action=bases.create');
    expect(entry).toEqual({
      id: expect.any(String),
      at: expect.any(String),
      accountId: t.accountId,
      actor: { kind: 'key', id: keyId, label: keyPrefixOf(t.key) },
      ip: '127.0.0.1',
      action: 'bases.create',
      object: { type: 'base', id: created.body.id },
      result: 'ok',
      status: 201,
      detail: { route: 'POST /v1/bases' },
    });
    expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(before - 1000);

    await t.api('POST', '/v1/bases/clients/contacts', { mobile: '0612000001' });
    expect((await t.api('DELETE', '/v1/bases/clients/contacts/0612000001')).status).toBe(204);
    const [removed] = await trail('?action=bases.contacts.delete');
    expect(removed).toMatchObject({ object: { type: 'contact', id: '0612000001' }, result: 'ok', status: 204, detail: { route: 'DELETE /v1/bases/:base/contacts/:mobile', params: { base: 'clients' } } });
  });

  it('records refused writes with the reason: missing right (403), unknown object (404), bad input (422), unknown key (401)', async () => {
    const messagesOnly = await keyWith(['messages']);
    expect((await call(messagesOnly, 'POST', '/v1/bases', { name: 'forbidden' })).status).toBe(403);
    expect((await t.api('DELETE', '/v1/bases/no-such-base/contacts/0612000002')).status).toBe(404);
    expect((await t.api('POST', '/v1/bases', { name: 'bad', customFields: [{ name: 'Points fidélité', type: 'number' }] })).status).toBe(422);

    const refused = await trail('?result=refused');
    expect(refused.map((e) => [e.action, e.status])).toEqual([
      ['bases.create', 422],
      ['bases.contacts.delete', 404],
      ['bases.create', 403],
    ]);
    expect(refused[2]).toMatchObject({ actor: { kind: 'key', label: keyPrefixOf(messagesOnly) }, accountId: t.accountId, detail: { reason: expect.stringContaining('"contacts" right') } });
    expect(refused[1].detail.reason).toContain('no-such-base');

    const unknown = await call('rl_nosuchkey000', 'POST', '/v1/campaigns', {});
    expect(unknown.status).toBe(401);
    const [anonymous] = await staffTrail('?actor=anonymous');
    expect(anonymous).toMatchObject({ accountId: null, actor: { kind: 'anonymous', id: null, label: 'rl_nosuch' }, action: 'campaigns.create', result: 'refused', status: 401 });
    // Not the account's: nobody could tell which account the caller meant.
    expect(await trail('?actor=anonymous')).toEqual([]);
  });

  it('records exports of personal data, the trail’s own export included; plain reads are not recorded', async () => {
    const count = async () => (await trail('?limit=1000')).length;
    const before = await count();
    await t.api('GET', '/v1/bases');
    await t.api('GET', '/v1/bases/clients/contacts');
    await t.api('GET', '/v1/audit');
    expect(await count()).toBe(before);

    const exported = await call(t.key, 'GET', '/v1/consents/0612000001/export?format=csv');
    expect(exported.status).toBe(200);
    const [entry] = await trail('?action=consents.export');
    expect(entry).toMatchObject({ actor: { kind: 'key', id: keyId }, object: { type: 'consent', id: '0612000001' }, result: 'ok', status: 200, detail: { query: { format: 'csv' } } });

    expect((await call(t.key, 'GET', '/v1/audit.csv?action=bases')).status).toBe(200);
    expect(await trail('?action=audit.export')).toEqual([expect.objectContaining({ result: 'ok', detail: { route: 'GET /v1/audit.csv', query: { action: 'bases' } } })]);
  });

  it('records refused message submissions only: each accepted message is its own record', async () => {
    const before = await trail('?action=messages');
    const sent = await t.api('POST', '/v1/messages', { to: '+33612345678', text: 'Hello', class: 'transactional' });
    expect(sent.status).toBe(202);
    expect(await trail('?action=messages')).toEqual(before);
    const campaignsOnly = await keyWith(['campaigns']);
    expect((await call(campaignsOnly, 'POST', '/v1/messages', { to: '+33612345678', text: 'Hello', class: 'transactional' })).status).toBe(403);
    expect(await trail('?action=messages')).toEqual([expect.objectContaining({ action: 'messages.create', result: 'refused', status: 403 }), ...before]);
  });

  it('shows an account its own trail only, to its administrator and holders of "users"', async () => {
    const created = await call(otherKey, 'POST', '/v1/bases', { name: 'theirs' });
    expect(created.status).toBe(201);
    const theirs = (await call(otherKey, 'GET', '/v1/audit')).body.events as any[];
    expect(theirs.map((e) => e.action)).toEqual(['bases.create']);
    expect(theirs.every((e) => e.accountId === otherAccountId)).toBe(true);
    expect((await trail('?limit=1000')).some((e) => e.accountId !== t.accountId)).toBe(false);
    expect(await trail(`?object=${created.body.id}`)).toEqual([]);

    const contactsOnly = await keyWith(['contacts']);
    expect((await call(contactsOnly, 'GET', '/v1/audit')).status).toBe(403);
    expect((await call(contactsOnly, 'GET', '/v1/audit.csv')).status).toBe(403);
    expect((await call(await keyWith(['users']), 'GET', '/v1/audit?limit=1')).status).toBe(200);
  });

  it('filters by actor, action, object, result and time, and pages with a cursor', async () => {
    const campaignsOnly = await keyWith(['campaigns', 'contacts']);
    for (const name of ['f1', 'f2', 'f3']) expect((await call(campaignsOnly, 'POST', '/v1/bases', { name })).status).toBe(201);
    const byActor = await trail(`?actor=${keyPrefixOf(campaignsOnly)}`);
    expect(byActor.map((e) => e.action)).toEqual(['bases.create', 'bases.create', 'bases.create']);
    const byId = await trail(`?actor=${byActor[0].actor.id}`);
    expect(byId).toEqual(byActor);

    const first = (await t.api('GET', `/v1/audit?actor=${keyPrefixOf(campaignsOnly)}&limit=2`)).body;
    expect(first.events).toEqual(byActor.slice(0, 2));
    const second = (await t.api('GET', `/v1/audit?actor=${keyPrefixOf(campaignsOnly)}&limit=2&cursor=${first.nextCursor}`)).body;
    expect(second).toEqual({ events: byActor.slice(2), nextCursor: null });
    expect((await t.api('GET', '/v1/audit?cursor=nonsense')).status).toBe(422);

    const f2 = byActor[1];
    expect(await trail(`?object=${f2.object.id}`)).toEqual([f2]);
    expect(await trail(`?object=base:${f2.object.id}`)).toEqual([f2]);
    expect(await trail(`?object=campaign:${f2.object.id}`)).toEqual([]);
    expect(await trail(`?from=${encodeURIComponent(f2.at)}&to=${encodeURIComponent(byActor[0].at)}&actor=${keyPrefixOf(campaignsOnly)}`)).toContainEqual(f2);
    expect(await trail(`?to=${encodeURIComponent(byActor[2].at)}&actor=${keyPrefixOf(campaignsOnly)}`)).toEqual([]);
    expect((await trail('?action=bases')).length).toBeGreaterThan(3);
    expect((await trail('?action=base')).length).toBe(0);
    expect((await trail('?result=ok&action=bases.create')).every((e) => e.result === 'ok')).toBe(true);
    expect((await t.api('GET', '/v1/audit?result=maybe')).status).toBe(400);
  });

  it('exports the trail as CSV with the same filters', async () => {
    const response = await call(t.key, 'GET', '/v1/audit.csv?action=bases.create&result=ok');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="audit.csv"');
    const rows = parseCsv((response.body as string).replace(/^\uFEFF/, ''));
    expect(rows[0]).toEqual(['id', 'at', 'accountId', 'actorKind', 'actorId', 'actorLabel', 'ip', 'action', 'objectType', 'objectId', 'result', 'status', 'detail']);
    const listed = await trail('?action=bases.create&result=ok&limit=1000');
    expect(rows.slice(1).map((r) => r[0])).toEqual(listed.map((e) => e.id));
    expect(rows[1]).toEqual([listed[0].id, listed[0].at, t.accountId, 'key', listed[0].actor.id, listed[0].actor.label, '127.0.0.1', 'bases.create', 'base', listed[0].object.id, 'ok', '201', '{"route":"POST /v1/bases"}']);
  });

  it('shows the aggregator every account’s trail, one account on request; its own changes are recorded on the account', async () => {
    const all = await staffTrail('?limit=1000');
    expect(new Set(all.map((e) => e.accountId))).toEqual(new Set([t.accountId, otherAccountId, null]));
    const other = await staffTrail('?account=other');
    expect(other.map((e) => e.action)).toEqual(['bases.create']);
    expect((await call(aggregatorKey, 'GET', '/v1/aggregator/audit?account=nobody')).status).toBe(404);
    expect((await call(t.key, 'GET', '/v1/aggregator/audit')).status).toBe(401);

    expect((await call(aggregatorKey, 'PATCH', '/v1/aggregator/accounts/other', { marketingPerDay: 1 })).status).toBe(200);
    const [provisioned] = await staffTrail('?account=other&action=aggregator');
    expect(provisioned).toMatchObject({ accountId: otherAccountId, actor: { kind: 'staff', label: keyPrefixOf(aggregatorKey) }, action: 'aggregator.accounts.update', object: { type: 'account', id: 'other' }, result: 'ok' });
    // The account sees what the aggregator changed on it.
    expect((await call(otherKey, 'GET', '/v1/audit?action=aggregator')).body.events).toEqual([provisioned]);

    // Staff acting through an account's routes, naming it.
    expect((await call(aggregatorKey, 'POST', '/v1/bases', { name: 'by-staff' }, { 'relais-account': 'other' })).status).toBe(201);
    expect((await call(otherKey, 'GET', '/v1/audit?action=bases.create')).body.events[0]).toMatchObject({ accountId: otherAccountId, actor: { kind: 'staff', label: keyPrefixOf(aggregatorKey) } });

    const csv = await call(aggregatorKey, 'GET', '/v1/aggregator/audit.csv?account=other');
    expect(parseCsv((csv.body as string).replace(/^\uFEFF/, '')).length).toBe(1 + (await staffTrail('?account=other&limit=1000')).length);
    expect((await staffTrail('?action=aggregator.audit.export'))[0]).toMatchObject({ actor: { kind: 'staff' }, result: 'ok', detail: { query: { account: 'other' } } });
  });
});

describe('action names', () => {
  it('are made from the route: fixed segments, and what was done when the path does not say it', () => {
    expect(actionOf('POST', '/v1/campaigns')).toBe('campaigns.create');
    expect(actionOf('PUT', '/v1/campaigns/:id')).toBe('campaigns.update');
    expect(actionOf('POST', '/v1/campaigns/:id/launch')).toBe('campaigns.launch');
    expect(actionOf('DELETE', '/v1/webhooks/:id')).toBe('webhooks.delete');
    expect(actionOf('PATCH', '/v1/aggregator/accounts/:name')).toBe('aggregator.accounts.update');
    expect(actionOf('POST', '/v1/aggregator/accounts')).toBe('aggregator.accounts.create');
    expect(actionOf('POST', '/v1/contacts/terminated')).toBe('contacts.terminated');
    expect(actionOf('GET', '/v1/consents/:msisdn/export')).toBe('consents.export');
    expect(actionOf('GET', '/v1/imports/:id/errors')).toBe('imports.errors.export');
    expect(actionOf('GET', '/v1/audit.csv')).toBe('audit.export');
  });
});
