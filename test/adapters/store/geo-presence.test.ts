/**
 * Géo Présence against the real store: who accepted geolocated marketing (the latest event wins, an opt-out of the
 * consent ledger after an acceptance ends it, a retracted opt-out does not); a perimeter chunk asks the provider
 * only about those, records every number asked as a hit of its billing month in Paris time, even when refused or
 * off; the month's hits are on the account's usage and on its month-close invoice when its plan prices them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocationSimulator } from '../../../src/adapters/location/simulator.ts';
import { closeMonth, invoicesOf, PgBillingStore } from '../../../src/adapters/store/billing-store.ts';
import { PgGeoPresenceStore } from '../../../src/adapters/store/geo-presence-store.ts';
import { PgOperatorCostStore } from '../../../src/adapters/store/operator-cost-store.ts';
import { localisationMonth, presentMembers, type GeoPresenceDeps } from '../../../src/app/geo-presence.ts';
import type { AudienceMember } from '../../../src/app/ports.ts';
import { rateUsage } from '../../../src/core/billing/index.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../../support/db.ts';

const NOTRE_DAME = { lat: 48.853, lon: 2.3499 };
const PERIMETER = { circle: { centre: NOTRE_DAME, radiusMetres: 1_000 } };
/** 23:30 on 30 November in Paris (22:30 UTC). */
const LAST_EVENING_OF_NOVEMBER = new Date('2026-11-30T22:30:00Z');
/** 00:30 on 1 December in Paris, still 30 November in UTC: a December hit. */
const FIRST_NIGHT_OF_DECEMBER = new Date('2026-11-30T23:30:00Z');

const n = (i: number) => `+3361200${String(i).padStart(4, '0')}`;

describe('Géo Présence store', () => {
  let tdb: TestDatabase;
  let store: PgGeoPresenceStore;
  let accountId: string;
  let now = LAST_EVENING_OF_NOVEMBER;
  const clock = { now: () => now };

  beforeAll(async () => {
    tdb = await createTestDatabase(primaryTarget());
    store = new PgGeoPresenceStore(tdb.db);
    const { rows } = await tdb.db.pool.query<{ id: string }>(`INSERT INTO accounts (id, name, in_doubt_policy, created_at) VALUES (gen_random_uuid(), 'geo', 'hold', $1) RETURNING id`, [now]);
    accountId = rows[0]!.id;
  });
  afterAll(() => tdb?.drop());

  const accept = (recipient: string, accepted: boolean, occurredAt: Date, brand = 'Dupont') =>
    store.recordConsent({ accountId, brand, recipient, accepted, channel: 'web form', wording: null, reference: null, occurredAt }, occurredAt);
  const optOut = async (recipient: string, occurredAt: Date, brand = 'Dupont') => {
    const { rows } = await tdb.db.pool.query<{ id: string }>(
      `INSERT INTO consent_events (id, account_id, brand, recipient, kind, source, occurred_at, recorded_at, dated) VALUES (gen_random_uuid(), $1, $2, $3, 'opt-out', 'stop-mo', $4, $4, true) RETURNING id`,
      [accountId, brand, recipient, occurredAt],
    );
    return rows[0]!.id;
  };
  const at = (minutes: number) => new Date(LAST_EVENING_OF_NOVEMBER.getTime() - 86_400_000 + minutes * 60_000);

  it('tells who accepts geolocated marketing now', async () => {
    await accept(n(1), true, at(1));
    await accept(n(2), true, at(1));
    await accept(n(2), false, at(2)); // withdrawn
    await accept(n(3), false, at(1));
    await accept(n(3), true, at(2)); // accepted again
    await accept(n(4), true, at(1));
    await optOut(n(4), at(2)); // STOP after the acceptance
    await optOut(n(5), at(1));
    await accept(n(5), true, at(2)); // an acceptance after the STOP stands (marketing consent is checked apart)
    await accept(n(6), true, at(1));
    await optOut(n(6), at(2), '*'); // a STOP for every brand
    await accept(n(7), true, at(1), 'Autre'); // another brand's
    const retracted = await optOut(n(8), at(2));
    await accept(n(8), true, at(1));
    await tdb.db.pool.query(`INSERT INTO consent_retractions (event_id, at, reason) VALUES ($1, $2, 'import rolled back')`, [retracted, at(3)]);

    const accepted = await store.acceptedAmong(accountId, 'Dupont', Array.from({ length: 9 }, (_, i) => n(i + 1)));
    expect([...accepted].sort()).toEqual([n(1), n(3), n(5), n(8)]);
    expect(await store.consentOf(accountId, 'Dupont', n(4))).toMatchObject({ accepted: false, latest: { accepted: true, channel: 'web form' } });
    expect(await store.consentOf(accountId, 'Dupont', n(9))).toEqual({ accepted: false, latest: null });
    await expect(tdb.db.pool.query(`DELETE FROM geolocation_consents`)).rejects.toThrow('append-only');
  });

  it('locates only the consenting members of a chunk, and bills every number asked in its Paris month', async () => {
    const provider = new LocationSimulator({ refused: [n(3)], off: [n(5)], positions: { [n(1)]: NOTRE_DAME, [n(8)]: { lat: 48.8584, lon: 2.2945 } } });
    const deps: GeoPresenceDeps = { provider, store, clock, batch: 2 };
    const member = (i: number, consent: AudienceMember['consent'] = 'opt-in') => ({ contact: { mobile: n(i) }, consent }) as AudienceMember;
    const members = [member(1), member(2), member(3), member(4), member(5), member(8), member(1), member(9, null)];
    const campaign = { id: '0193a1a2-0000-7000-8000-000000000001', accountId, brand: 'Dupont', audience: { baseIds: [], listIds: [], segmentId: null, perimeter: PERIMETER } };

    now = LAST_EVENING_OF_NOVEMBER;
    const { toGuard: present, skipped } = await presentMembers(deps, campaign, members);
    expect(present.map((m) => m.contact.mobile)).toEqual([n(1), n(1)]);
    expect(skipped.map((s) => [s.member.contact.mobile, s.skip])).toEqual([
      [n(2), 'no-geolocation-consent'],
      [n(3), 'not-located'],
      [n(4), 'no-geolocation-consent'],
      [n(5), 'not-located'],
      [n(8), 'outside-perimeter'],
      [n(9), 'no-geolocation-consent'],
    ]);
    // n(1) (twice in the chunk), n(3), n(5), n(8): asked once each.
    expect(provider.asked).toBe(4);
    expect(await store.campaignHits(campaign.id)).toBe(4);
    expect(await store.hitsIn('2026-11', accountId)).toEqual({ hits: 4, located: 2 });

    now = FIRST_NIGHT_OF_DECEMBER;
    await presentMembers(deps, campaign, [member(1)]);
    expect(await store.hitsIn('2026-11', accountId)).toEqual({ hits: 4, located: 2 });
    expect(await store.hitsIn('2026-12', accountId)).toEqual({ hits: 1, located: 1 });
    const december = await localisationMonth(deps, accountId);
    expect(december.hits).toBe(1);

    // Only a message that would leave now is worth a localisation: deferred ones are skipped, suppressed ones pass
    // on to the guard unlocated; a chunk with nothing to send now but something later waits, asking nothing.
    const asked = provider.asked;
    const timing = (m: { contact: { mobile: string } }) => (m.contact.mobile === n(3) ? 'later' : m.contact.mobile === n(5) ? 'never' : 'now');
    const timed = await presentMembers(deps, campaign, [member(1), member(3), member(5)], timing);
    expect(timed.toGuard.map((m) => m.contact.mobile)).toEqual([n(1), n(5)]);
    expect(timed.skipped.map((s) => [s.member.contact.mobile, s.skip])).toEqual([[n(3), 'not-now']]);
    expect(provider.asked).toBe(asked + 1);
    expect(await presentMembers(deps, campaign, [member(3), member(5), member(2)], timing)).toEqual({ toGuard: [], skipped: [], waiting: true });
    expect(provider.asked).toBe(asked + 1);
    expect(december).toMatchObject({ month: '2026-12', hits: 1, located: 1, cost: { total: 100_000_000 + 80_000 } });
    expect(await localisationMonth(deps, accountId, '2026-11')).toMatchObject({ hits: 4 });
  });

  it('puts the hits on the account’s usage and month-close invoice when its plan prices them', async () => {
    const plan = { grids: ['orange-ops', 'orange-localisation'], billed: 'delivered' as const, noReceipt: 'free' as const };
    const billing = new PgBillingStore(tdb.db);
    await billing.setPlan(accountId, plan, 'postpaid', 'test', LAST_EVENING_OF_NOVEMBER);
    const localisation = await billing.localisationOf(accountId, '2026-11');
    expect(localisation).toEqual({ hits: 4, located: 2 });
    const hitLine = (lines: readonly { rule: string }[]) => lines.find((l) => l.rule === 'localisation-hit');
    expect(hitLine(rateUsage({ plan, month: '2026-11', counts: [], shortCodes: [], localisation }).lines)).toMatchObject({ quantity: 4, amount: 320_000 });

    expect(await closeMonth(tdb.db, '2026-11', new Date('2026-12-02T08:00:00Z'))).toMatchObject({ issued: 1 });
    const [invoice] = await invoicesOf(tdb.db, { accountId });
    expect(invoice!.lines.map((l) => l.rule)).toEqual(expect.arrayContaining(['localisation-monthly', 'localisation-hit']));
    expect(hitLine(invoice!.lines)).toMatchObject({ quantity: 4, amount: 320_000 });
  });

  it("prices the month's hits in the operator's cost, unless the contract gives the operator's own count", async () => {
    const costs = new PgOperatorCostStore(tdb.db);
    await costs.setContract({ grids: ['orange-ops', 'orange-localisation'] }, LAST_EVENING_OF_NOVEMBER);
    const operatorHits = async () => (await costs.marginReport('2026-11')).operator.lines.find((l) => l.rule === 'localisation-hit');
    expect(await operatorHits()).toMatchObject({ quantity: 4, amount: 320_000 });
    await costs.setContract({ grids: ['orange-ops', 'orange-localisation'], localisationHits: [{ month: '2026-11', count: 2_500 }] }, LAST_EVENING_OF_NOVEMBER);
    // 2,500 hits: the whole month at the 17 % band.
    expect(await operatorHits()).toMatchObject({ quantity: 2_500, discountBasisPoints: 1_700, amount: 166_000_000 });
  });
});
