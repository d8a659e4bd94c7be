/**
 * Qualification in-process (store + HTTP): a number qualified within the time to live is neither looked up nor
 * billed again; past it, it is looked up again; a terminated number leaves every base of the account at once, its
 * removal audited; each lookup is a billable event of the account; the "contacts" right and the account's own
 * qualifications only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qualifyMobiles, TERMINATED_BY_LOOKUP } from '../../../src/app/qualification.ts';
import { OperatorLookupSimulator } from '../../../src/adapters/operator-lookup/simulator.ts';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { PgContactStore } from '../../../src/adapters/store/contact-store.ts';
import { PgOperatorCostStore } from '../../../src/adapters/store/operator-cost-store.ts';
import { PgQualificationStore } from '../../../src/adapters/store/qualification-store.ts';
import { billingMonth } from '../../../src/core/billing/index.ts';
import { RIGHTS } from '../../../src/core/access/rights.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';

const DAY = 86_400_000;
const TERMINATED = '+33612000003';
const UNKNOWN = '+33612000004';

describe('qualification', () => {
  let t: TestRelais;
  let shift = 0;
  const clock = { now: () => new Date(Date.now() + shift) };
  let store: PgQualificationStore;
  const billed = (accountId = t.accountId) => store.lookupsIn(billingMonth(clock.now()), accountId);
  /** The account's billable lookups of every month (the clock moves across a month's end). */
  const everyLookup = async () =>
    (await t.relais.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM qualification_lookups WHERE account_id = $1`, [t.accountId])).rows[0]!.n;

  beforeAll(async () => {
    t = await startTestRelais({ roles: ['api', 'campaigns'], campaigns: { pollIntervalMs: 50 }, qualification: { ttlDays: 30, simulator: { terminated: [TERMINATED], unknown: [UNKNOWN] } } }, {}, clock);
    store = new PgQualificationStore(t.relais.db);
  });
  afterAll(() => t?.stop());

  it('answers per number; a number within its time to live is neither looked up nor billed again; past it, it is', async () => {
    const first = await t.api('POST', '/v1/qualifications', { numbers: ['06 12 00 00 01', '+33612000002', '0612000001', '0612000004'] });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ numbers: 3, lookedUp: 3, cached: 0, valid: 2, unknown: 1, terminated: 0 });
    expect(first.body.results).toEqual([
      { msisdn: '+33612000001', operator: expect.any(String), state: 'valid', checkedAt: expect.any(String), cached: false, removedContacts: 0 },
      expect.objectContaining({ msisdn: '+33612000002', state: 'valid', cached: false }),
      expect.objectContaining({ msisdn: UNKNOWN, operator: null, state: 'unknown' }),
    ]);
    expect(await billed()).toBe(3);

    shift += 29 * DAY;
    const again = await t.api('POST', '/v1/qualifications', { numbers: ['0612000001', '0612000005'] });
    expect(again.body).toMatchObject({ numbers: 2, lookedUp: 1, cached: 1 });
    expect(again.body.results[0]).toMatchObject({ msisdn: '+33612000001', cached: true, checkedAt: first.body.results[0].checkedAt });
    expect(await everyLookup()).toBe(4);

    shift += 2 * DAY;
    const expired = await t.api('POST', '/v1/qualifications', { numbers: ['0612000001'] });
    expect(expired.body).toMatchObject({ lookedUp: 1, cached: 0 });
    const latest = await t.api('GET', '/v1/qualifications/0612000001');
    expect(latest).toMatchObject({ status: 200, body: { msisdn: '+33612000001', state: 'valid', checkedAt: expired.body.results[0].checkedAt } });
    expect(await everyLookup()).toBe(5);
  });

  it('does not ask the lookup service again for a cached number', async () => {
    const lookup = new OperatorLookupSimulator();
    const deps = { lookup, store, contacts: new PgContactStore(t.relais.db), clock, ttlDays: 30 };
    await qualifyMobiles(deps, t.accountId, ['+33612000010', '+33612000011']);
    expect(lookup.asked).toBe(2);
    const answers = await qualifyMobiles(deps, t.accountId, ['+33612000011', '+33612000010']);
    expect(lookup.asked).toBe(2);
    expect(answers.map((a) => [a.msisdn, a.cached])).toEqual([['+33612000011', true], ['+33612000010', true]]);
  });

  it('removes a terminated number from every base of the account at once, audited', async () => {
    for (const name of ['clients', 'prospects']) {
      expect((await t.api('POST', '/v1/bases', { name })).status).toBe(201);
      expect((await t.api('POST', `/v1/bases/${name}/contacts`, { mobile: '0612000003' })).status).toBeLessThan(300);
      expect((await t.api('POST', `/v1/bases/${name}/contacts`, { mobile: '0612000020' })).status).toBeLessThan(300);
    }
    const before = await billed();
    const done = await t.api('POST', '/v1/qualifications', { base: 'clients' });
    expect(done).toMatchObject({ status: 200, body: { base: { name: 'clients' }, numbers: 2, lookedUp: 2, terminated: 1, removedContacts: 2 } });
    expect(await billed()).toBe(before + 2);
    for (const name of ['clients', 'prospects']) expect((await t.api('GET', `/v1/bases/${name}`)).body.contacts).toBe(1);
    const { rows } = await t.relais.db.pool.query(`SELECT mobile, reason FROM contact_removals WHERE account_id = $1 AND mobile = $2`, [t.accountId, TERMINATED]);
    expect(rows).toEqual([
      { mobile: TERMINATED, reason: TERMINATED_BY_LOOKUP },
      { mobile: TERMINATED, reason: TERMINATED_BY_LOOKUP },
    ]);
    const trail = await t.api('GET', '/v1/audit?action=qualifications');
    expect(trail.body.events[0]).toMatchObject({ action: 'qualifications.qualify', result: 'ok', status: 200 });
    expect((await t.api('GET', `/v1/qualifications/${encodeURIComponent(TERMINATED)}`)).body).toMatchObject({ state: 'terminated' });
  });

  it('refuses bad input, a key without the "contacts" right, and shows no other account its qualifications', async () => {
    expect(await t.api('POST', '/v1/qualifications', { numbers: ['0612000001', 'hello'] })).toMatchObject({ status: 422, body: { errors: [{ field: '/numbers/1' }] } });
    expect((await t.api('POST', '/v1/qualifications', {})).status).toBe(422);
    expect((await t.api('POST', '/v1/qualifications', { numbers: ['0612000001'], base: 'clients' })).status).toBe(422);
    expect((await t.api('POST', '/v1/qualifications', { base: 'nope' })).status).toBe(404);
    expect((await t.api('GET', '/v1/qualifications/0699999999')).status).toBe(404);

    const accounts = new PgAccountStore(t.relais.db);
    const noContacts = await accounts.createApiKey(t.accountId, null, new Date(), { rights: RIGHTS.filter((r) => r !== 'contacts'), brands: null });
    const as = (key: string) => ({ authorization: `Bearer ${key}` });
    expect((await t.api('POST', '/v1/qualifications', { numbers: ['0612000001'] }, as(noContacts))).status).toBe(403);
    expect((await t.api('GET', '/v1/qualifications/0612000001', undefined, as(noContacts))).status).toBe(403);

    const other = await accounts.createAccount({ name: 'other' }, new Date());
    const otherKey = await accounts.createApiKey(other.id, null, new Date());
    expect((await t.api('GET', '/v1/qualifications/0612000001', undefined, as(otherKey))).status).toBe(404);
    const own = await t.api('POST', '/v1/qualifications', { numbers: ['0612000001'] }, as(otherKey));
    expect(own.body).toMatchObject({ lookedUp: 1, cached: 0 });
    expect(await billed(other.id)).toBe(1);
  });

  it("prices the month's lookups in the operator's cost, unless the contract gives the operator's own count", async () => {
    const costs = new PgOperatorCostStore(t.relais.db);
    const month = billingMonth(clock.now());
    const counted = await store.lookupsIn(month);
    expect(counted).toBeGreaterThan(0);
    const qualifiedLine = async () => (await costs.marginReport(month)).operator.lines.find((l) => l.rule === 'msisdn-qualified');
    await costs.setContract({ grids: ['orange-ops@2016', 'orange-ops-qualification@2016'] }, clock.now());
    expect(await qualifiedLine()).toMatchObject({ quantity: counted, unitPrice: 10_000, amount: counted * 10_000 });
    await costs.setContract({ grids: ['orange-ops@2016', 'orange-ops-qualification@2016'], qualifiedMsisdns: [{ month, count: 1234 }] }, clock.now());
    expect(await qualifiedLine()).toMatchObject({ quantity: 1234 });
  });

  it("bills the account its month's lookups: GET /v1/usage shows them, counted and priced", async () => {
    const month = billingMonth(clock.now());
    const counted = await billed();
    expect(counted).toBeGreaterThan(0);
    const usage = await t.api('GET', `/v1/usage?month=${month}`);
    expect(usage.status).toBe(200);
    expect(usage.body.qualified).toBe(counted);
    expect(usage.body.cost.lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ grid: 'qualification@ops-2016', rule: 'qualification-monthly', quantity: 1, amount: 200_000_000 }),
        expect.objectContaining({ grid: 'qualification@ops-2016', rule: 'msisdn-qualified', quantity: counted, amount: counted * 10_000 }),
      ]),
    );
  });

  it('a campaign qualified before sending leaves the terminated numbers out, and removes them from the contacts', async () => {
    expect((await t.api('POST', '/v1/bases', { name: 'campagne' })).status).toBe(201);
    for (const mobile of ['0612000030', '0612000031', '0612000003']) expect((await t.api('POST', '/v1/bases/campagne/contacts', { mobile })).status).toBeLessThan(300);
    const created = await t.api('POST', '/v1/campaigns', { name: 'rappel', text: 'Votre rendez-vous est confirmé.', class: 'transactional', bases: ['campagne'], qualifyBeforeSending: true });
    expect(created).toMatchObject({ status: 201, body: { qualifyBeforeSending: true } });
    expect((await t.api('POST', `/v1/campaigns/${created.body.id}/launch`)).status).toBe(200);
    let campaign = created.body;
    while (campaign.queued < 2) campaign = (await t.api('GET', `/v1/campaigns/${created.body.id}`)).body;
    expect(campaign.queued).toBe(2);
    expect((await t.api('GET', '/v1/bases/campagne')).body.contacts).toBe(2);
    const plain = await t.api('POST', '/v1/campaigns', { name: 'sans', text: 'Votre rendez-vous est confirmé.', class: 'transactional', bases: ['campagne'] });
    expect(plain.body.qualifyBeforeSending).toBe(false);
  });
});
