/**
 * For random principals (a subset of the rights, a brand limit or none, staff roles) and random operations, an
 * operation succeeds iff `allows` says the rights allow it: in the core, and over HTTP on a running Relais.
 * Delegation never escalates: whatever a grant someone may hand out allows, they are allowed themselves.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { allows, canDelegate, RIGHTS, STAFF_ROLES, type Grant, type Need, type Principal, type Right } from '../../../src/core/access/rights.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';

const BRANDS = ['Alpha', 'Beta'] as const;
/** What only a principal reaching every brand reaches (webhooks, contact bases: the whole account's). */
const EVERY_BRAND = '*';

const right = fc.constantFrom(...RIGHTS);
const grant: fc.Arbitrary<Grant> = fc.record({
  rights: fc.subarray([...RIGHTS]).map((r) => new Set<Right>(r)),
  brands: fc.option(fc.subarray([...BRANDS]), { nil: null }),
});
const accountPrincipal: fc.Arbitrary<Principal> = fc.oneof(
  grant.map((g) => ({ kind: 'key' as const, id: 'k', accountId: 'a', ...g })),
  fc.tuple(grant, fc.boolean()).map(([g, administrator]) => ({ kind: 'user' as const, id: 'u', accountId: 'a', administrator, ...g })),
);
const principal: fc.Arbitrary<Principal> = fc.oneof(accountPrincipal, fc.constantFrom(...STAFF_ROLES).map((role) => ({ kind: 'staff' as const, id: 's', role, via: 'user' as const })));
const need: fc.Arbitrary<Need> = fc.record({ right, write: fc.boolean(), brand: fc.option(fc.constantFrom(...BRANDS, EVERY_BRAND), { nil: undefined }) });

describe('rights, as a property', () => {
  it('allows exactly what the rights and brands give: staff by role, others by right and brand', () => {
    fc.assert(
      fc.property(principal, need, (p, n) => {
        const expected =
          p.kind === 'staff' ? p.role === 'operator-admin' || !n.write : p.rights.has(n.right) && (n.brand === undefined || p.brands === null || p.brands.includes(n.brand));
        expect(allows(p, n)).toBe(expected);
      }),
    );
  });

  it('never lets anyone hand out a grant that allows what they are not allowed', () => {
    fc.assert(
      fc.property(principal, grant, need, (p, g, n) => {
        fc.pre(canDelegate(p, g));
        const delegate: Principal = { kind: 'key', id: 'd', accountId: 'a', ...g };
        if (allows(delegate, n) && !(p.kind === 'user' && p.administrator)) expect(allows(p, n)).toBe(true);
      }),
    );
  });
});

interface Operation {
  need: Need;
  method: string;
  path: () => string;
  body?: unknown;
}

describe('rights over HTTP, as a property', { timeout: 120_000 }, () => {
  let t: TestRelais;
  let accounts: PgAccountStore;
  const ids: Record<string, string> = {};
  let seq = 0;

  beforeAll(async () => {
    t = await startTestRelais({ roles: ['api'] }, { brand: 'Alpha', brands: ['Alpha', 'Beta'] });
    accounts = new PgAccountStore(t.relais.db);
    ids.message = (await t.api('POST', '/v1/messages', { to: '+33612345678', text: 'Alpha : bonjour', brand: 'Alpha', class: 'transactional' })).body.id;
    await t.api('POST', '/v1/bases', { name: 'clients' });
    ids.campaign = (await t.api('POST', '/v1/campaigns', { name: 'c', text: 'Alpha : promo', bases: ['clients'], brand: 'Alpha' })).body.id;
  });
  afterAll(() => t?.stop());

  const mobile = () => `+336130${String(++seq).padStart(5, '0')}`;
  const operations: Operation[] = [
    { need: { right: 'messages', write: false }, method: 'GET', path: () => '/v1/messages' },
    { need: { right: 'messages', write: false, brand: 'Alpha' }, method: 'GET', path: () => `/v1/messages/${ids.message}` },
    { need: { right: 'messages', write: true, brand: 'Alpha' }, method: 'POST', path: () => '/v1/messages', body: () => ({ to: mobile(), text: 'Alpha : code 1', brand: 'Alpha', class: 'transactional' }) },
    { need: { right: 'messages', write: true, brand: 'Beta' }, method: 'POST', path: () => '/v1/messages', body: () => ({ to: mobile(), text: 'Beta : code 2', brand: 'Beta', class: 'transactional' }) },
    { need: { right: 'consents', write: false }, method: 'GET', path: () => '/v1/consents/+33612345678' },
    { need: { right: 'consents', write: true, brand: 'Beta' }, method: 'POST', path: () => '/v1/consents', body: () => ({ msisdn: mobile(), kind: 'opt-in', brand: 'Beta' }) },
    { need: { right: 'campaigns', write: false, brand: 'Alpha' }, method: 'GET', path: () => `/v1/campaigns/${ids.campaign}` },
    { need: { right: 'statistics', write: false, brand: 'Alpha' }, method: 'GET', path: () => `/v1/campaigns/${ids.campaign}/stats` },
    { need: { right: 'settings', write: false, brand: EVERY_BRAND }, method: 'GET', path: () => '/v1/webhooks' },
    { need: { right: 'contacts', write: false, brand: EVERY_BRAND }, method: 'GET', path: () => '/v1/bases' },
    { need: { right: 'inbound', write: false }, method: 'GET', path: () => '/v1/inbound' },
    { need: { right: 'api-keys', write: false }, method: 'GET', path: () => '/v1/api-keys' },
    { need: { right: 'users', write: false }, method: 'GET', path: () => '/v1/users' },
  ];

  const httpPrincipal = fc.oneof(
    { weight: 4, arbitrary: grant.map((g) => ({ kind: 'key' as const, ...g })) },
    { weight: 1, arbitrary: fc.constantFrom(...STAFF_ROLES).map((role) => ({ kind: 'staff' as const, role })) },
  );

  it('answers 2xx iff allows() allows the operation, for random keys and staff', async () => {
    await fc.assert(
      fc.asyncProperty(httpPrincipal, fc.constantFrom(...operations), async (who, op) => {
        const now = new Date();
        const key =
          who.kind === 'staff'
            ? await accounts.createAggregatorKey(null, now, who.role)
            : await accounts.createApiKey(t.accountId, null, now, { rights: [...who.rights], brands: who.brands });
        const p: Principal = who.kind === 'staff' ? { kind: 'staff', id: 's', role: who.role, via: 'key' } : { id: 'k', accountId: t.accountId, ...who, kind: 'key' };
        const body = (op.body as (() => unknown) | undefined)?.();
        const { status } = await t.api(op.method, op.path(), body, { authorization: `Bearer ${key}`, ...(who.kind === 'staff' ? { 'relais-account': 'test' } : {}) });
        const succeeded = status >= 200 && status < 300;
        expect(succeeded, `${op.method} ${op.path()} by ${JSON.stringify({ ...who, rights: who.kind === 'key' ? [...who.rights] : undefined })}: ${status}`).toBe(allows(p, op.need));
        if (!succeeded) expect([403, 404]).toContain(status);
      }),
      { numRuns: 60 },
    );
  });
});
