/**
 * Géo Présence through a running Relais, its SMSC simulator and its location simulator: a campaign with a
 * perimeter is refused off a 35ABC short code; on one, only the recipients who accepted geolocated marketing are
 * located, only those inside the area get the message, the others are counted by why; every number asked is a
 * localisation hit of the account, priced at the Orange M2M grid; locating one number is refused without the
 * acceptance, billed with it (even refused), and audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgBillingStore } from '../../../src/adapters/store/billing-store.ts';
import { destination } from '../../../src/core/geo/index.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';
import { eventually } from '../../support/waiting.ts';

const NOTRE_DAME = { lat: 48.853, lon: 2.3499 };
const EIFFEL_TOWER = { lat: 48.8584, lon: 2.2945 };
/** About 400 m north-east of Notre-Dame. */
const PONT_MARIE = { lat: 48.8561, lon: 2.3526 };
const INSIDE = '+33611000001';
const OUTSIDE = '+33611000002';
const REFUSED = '+33611000003';
const OFF = '+33611000004';
const NO_GEO_CONSENT = '+33611000005';
const STOPPED_SINCE = '+33611000006';
const PERIMETER = { circle: { centre: NOTRE_DAME, radiusMetres: 1_000 } };
const TUESDAY_10H_PARIS = new Date('2026-11-24T09:00:00Z');

describe('Géo Présence', () => {
  let t: TestRelais;
  const offset = TUESDAY_10H_PARIS.getTime() - Date.now();
  const clock = { now: () => new Date(Date.now() + offset) };

  beforeAll(async () => {
    t = await startTestRelais(
      {
        campaigns: { pollIntervalMs: 50, chunk: 100, aheadSeconds: 1 },
        simulator: { shortCode: '35001', ratePerSecond: 100 },
        geoPresence: {
          simulator: {
            refused: [REFUSED],
            off: [OFF],
            positions: {
              [INSIDE]: PONT_MARIE,
              [OUTSIDE]: EIFFEL_TOWER,
              [NO_GEO_CONSENT]: destination(NOTRE_DAME, 90, 100),
              [STOPPED_SINCE]: destination(NOTRE_DAME, 180, 200),
            },
          },
        },
      },
      { brand: 'Dupont', options: ['geo-presence'], shortCodes: ['35001', '36001'] },
      clock,
    );
    expect((await t.api('POST', '/v1/bases', { name: 'quartier' })).status).toBe(201);
    const everyone = [INSIDE, OUTSIDE, REFUSED, OFF, NO_GEO_CONSENT, STOPPED_SINCE];
    expect((await t.api('POST', '/v1/bases/quartier/contacts', { contacts: everyone.map((mobile, i) => ({ mobile, firstName: `Client${i}` })) })).status).toBeLessThan(300);
    for (const msisdn of everyone) {
      expect((await t.api('POST', '/v1/consents', { msisdn, kind: 'opt-in', channel: 'web form', occurredAt: new Date(clock.now().getTime() - 60_000).toISOString() })).status).toBe(201);
    }
    for (const msisdn of [INSIDE, OUTSIDE, REFUSED, OFF, STOPPED_SINCE]) {
      const accepted = await t.api('POST', '/v1/geolocation-consents', { msisdn, accepted: true, channel: 'web form', wording: 'Offres près de chez vous v1' });
      expect(accepted).toMatchObject({ status: 201, body: { msisdn, brand: 'Dupont', accepted: true } });
    }
    // An opt-out after the acceptance ends it.
    expect((await t.api('POST', '/v1/consents', { msisdn: STOPPED_SINCE, kind: 'opt-out' })).status).toBe(201);
  });
  afterAll(() => t?.stop());

  const hitsThisMonth = async () => (await t.api('GET', '/v1/locations/usage')).body.hits as number;

  it('records and reads the acceptance of geolocated marketing; an opt-out after it ends it', async () => {
    expect((await t.api('GET', `/v1/geolocation-consents/${encodeURIComponent(INSIDE)}`)).body).toMatchObject({ accepted: true, latest: { accepted: true, wording: 'Offres près de chez vous v1' } });
    expect((await t.api('GET', `/v1/geolocation-consents/${encodeURIComponent(STOPPED_SINCE)}`)).body).toMatchObject({ accepted: false, latest: { accepted: true } });
    expect((await t.api('GET', '/v1/geolocation-consents/0611000005')).body).toEqual({ msisdn: NO_GEO_CONSENT, brand: 'Dupont', accepted: false, latest: null });
    expect(await t.api('POST', '/v1/geolocation-consents', { msisdn: 'hello', accepted: true })).toMatchObject({ status: 422, body: { errors: [{ field: '/msisdn' }] } });
  });

  it('refuses a perimeter off a 35ABC short code, and a perimeter that does not hold, with the reason', async () => {
    const campaign = { name: 'soldes', text: 'Dupont : -20 % dans notre boutique de la Cité', bases: ['quartier'], perimeter: PERIMETER };
    const on36 = await t.api('POST', '/v1/campaigns', { ...campaign, shortCode: '36001' });
    expect(on36.status).toBe(422);
    expect(on36.body.errors).toContainEqual({ field: '/perimeter', reason: expect.stringContaining('35ABC') });
    const polygon = await t.api('POST', '/v1/campaigns', { ...campaign, perimeter: { polygon: [NOTRE_DAME, NOTRE_DAME, NOTRE_DAME] } });
    expect(polygon).toMatchObject({ status: 422, body: { errors: [{ field: '/perimeter/polygon', reason: expect.stringContaining('no area') }] } });
    const transactional = await t.api('POST', '/v1/campaigns', { ...campaign, class: 'transactional' });
    expect(transactional.body.errors).toContainEqual({ field: '/perimeter', reason: expect.stringContaining('marketing only') });
  });

  it('sends a perimeter campaign only to the consenting recipients inside the area, counts the others, bills every number located', async () => {
    const created = await t.api('POST', '/v1/campaigns', { name: 'soldes', text: 'Dupont : -20 % dans notre boutique de la Cité', bases: ['quartier'], perimeter: PERIMETER });
    expect(created).toMatchObject({ status: 201, body: { shortCode: '35001', perimeter: PERIMETER } });
    const id = created.body.id as string;

    const dryRun = await t.api('POST', `/v1/campaigns/${id}/dry-run`);
    expect(dryRun.body).toMatchObject({ excluded: { 'no-geolocation-consent': 2 }, geoPresence: { perimeter: PERIMETER, toLocate: 4 }, messages: 4 });
    const before = await hitsThisMonth();
    expect(before).toBe(0); // a dry run locates nobody

    expect((await t.api('POST', `/v1/campaigns/${id}/launch`)).status).toBe(200);
    await eventually(async () => (await t.api('GET', `/v1/campaigns/${id}/stats`)).body.campaign.status === 'completed', 'the campaign to complete', 15_000, 50);
    const stats = (await t.api('GET', `/v1/campaigns/${id}/stats`)).body;
    expect(stats).toMatchObject({
      delivered: 1,
      suppressed: 5,
      geoPresence: { perimeter: PERIMETER, localisationHits: 4, skipped: { 'no-geolocation-consent': 2, 'outside-perimeter': 1, 'not-located': 2 } },
      failedByReason: { 'no-geolocation-consent': 2, 'outside-perimeter': 1, 'not-located': 2 },
    });
    const { rows } = await t.relais.db.pool.query(`SELECT recipient FROM messages WHERE campaign_id = $1 AND status <> 'suppressed'`, [id]);
    expect(rows).toEqual([{ recipient: INSIDE }]);

    const usage = (await t.api('GET', '/v1/locations/usage')).body;
    expect(usage).toMatchObject({ hits: 4, located: 2 });
    expect(usage.cost.lines).toEqual([
      expect.objectContaining({ rule: 'localisation-monthly', amount: 100_000_000 }),
      expect.objectContaining({ rule: 'localisation-hit', quantity: 4, unitPrice: 80_000, discountBasisPoints: 0, amount: 320_000 }),
    ]);
    expect(usage.cost.total).toEqual({ microEuros: 100_320_000, euros: '100.32' });

    // With the localisation grid in the account's plan, the hits are on its monthly usage like its SMS.
    await new PgBillingStore(t.relais.db).setPlan(t.accountId, { grids: ['orange-ops', 'orange-localisation'], billed: 'delivered', noReceipt: 'free' }, 'postpaid', 'test', clock.now());
    const month = (await t.api('GET', '/v1/usage')).body;
    expect(month.localisation).toEqual({ hits: 4, located: 2 });
    expect(month.cost.lines).toContainEqual(expect.objectContaining({ grid: 'orange-localisation@2012', rule: 'localisation-hit', quantity: 4, amount: 320_000 }));
  });

  it('locates one number that accepted, bills it even when refused, refuses one that did not (nothing billed), audited', async () => {
    const before = await hitsThisMonth();
    const found = await t.api('POST', '/v1/locations', { msisdn: INSIDE });
    expect(found).toMatchObject({ status: 200, body: { msisdn: INSIDE, state: 'located', position: PONT_MARIE, billed: true } });
    expect(found.body.accuracyMetres).toBeGreaterThan(0);
    expect((await t.api('POST', '/v1/locations', { msisdn: '06 11 00 00 03' })).body).toMatchObject({ state: 'refused', position: null, accuracyMetres: null });
    expect(await hitsThisMonth()).toBe(before + 2);

    const refused = await t.api('POST', '/v1/locations', { msisdn: '0611000005' });
    expect(refused).toMatchObject({ status: 422, body: { errors: [{ field: '/msisdn', reason: expect.stringContaining('not accepted geolocated marketing') }] } });
    expect(await hitsThisMonth()).toBe(before + 2);

    const trail = await t.api('GET', '/v1/audit?action=locations');
    expect(trail.body.events.map((e: { action: string; result: string }) => [e.action, e.result])).toContainEqual(['locations.locate', 'ok']);
  });

  it("exports a person's acceptances and localisations, erases the acceptances; the hits billed stay, under a pseudonym", async () => {
    const before = await hitsThisMonth();
    const exported = (await t.api('POST', '/v1/gdpr/export', { msisdn: INSIDE })).body;
    expect(exported.geolocationConsents).toEqual([expect.objectContaining({ brand: 'Dupont', accepted: true, channel: 'web form' })]);
    expect(exported.localisationHits.map((h: { outcome: string }) => h.outcome)).toEqual(['inside', 'located']);
    expect((await t.api('POST', '/v1/gdpr/erase', { msisdn: INSIDE })).status).toBe(200);
    expect((await t.api('GET', `/v1/geolocation-consents/${encodeURIComponent(INSIDE)}`)).body).toMatchObject({ accepted: false, latest: null });
    expect(await hitsThisMonth()).toBe(before);
    const { rows } = await t.relais.db.pool.query(`SELECT count(*)::int AS n FROM location_hits WHERE msisdn = $1`, [INSIDE]);
    expect(rows[0].n).toBe(0);
  });
});
