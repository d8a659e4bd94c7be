/**
 * Retention and a person's rights over HTTP (docs/retention.md): export and erasure are audited without the number;
 * after the erasure, marketing to a number that had opted out is still refused at the intake (POST /v1/messages);
 * an account may only shorten its periods; the aggregator runs the job (or its dry run) and reads the runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';

describe('retention and GDPR rights over HTTP', () => {
  let t: TestRelais;
  let aggregatorKey: string;
  beforeAll(async () => {
    t = await startTestRelais({ roles: ['api'] }, { brand: 'Dupont' });
    aggregatorKey = await new PgAccountStore(t.relais.db).createAggregatorKey('retention test', new Date());
  });
  afterAll(() => t?.stop());

  const aggregator = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(t.relais.httpUrl + path, {
      method,
      headers: { authorization: `Bearer ${aggregatorKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const marketing = (to: string) => t.api('POST', '/v1/messages', { to, text: 'Dupont : -20 % sur tout le rayon jardin ce samedi', class: 'marketing' });

  it('erases a number that had opted out and still refuses marketing to it, even after an opt-in that does not re-open consent', async () => {
    const number = '0612009901';
    expect((await t.api('POST', '/v1/consents', { msisdn: number, kind: 'opt-in', channel: 'web form' })).status).toBe(201);
    expect((await t.api('POST', '/v1/consents', { msisdn: number, kind: 'opt-out' })).status).toBe(201);
    expect((await marketing(number)).body).toMatchObject({ status: 'suppressed', error: { code: 'opposition' } });

    const exported = await t.api('POST', '/v1/gdpr/export', { msisdn: number });
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({ msisdn: '+33612009901', consents: [{ kind: 'opt-in' }, { kind: 'opt-out' }], messages: [{ status: 'suppressed' }] });
    const csv = await fetch(`${t.relais.httpUrl}/v1/gdpr/export`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ msisdn: number, format: 'csv' }),
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((await csv.text()).split('\r\n').filter(Boolean).map((line) => line.split(',')[0])).toEqual(['"record"', '"message"', '"consent"', '"consent"']);

    const erased = await t.api('POST', '/v1/gdpr/erase', { msisdn: number });
    expect(erased.status).toBe(200);
    expect(erased.body.accounts).toEqual([expect.objectContaining({ messages: 1, consents: 2, oppositionsKept: 1 })]);
    const after = await t.api('POST', '/v1/gdpr/export', { msisdn: number });
    expect(after.body).toMatchObject({ messages: [], contacts: [], consents: [{ kind: 'opt-out', pseudonymised: true }] });

    expect((await t.api('POST', '/v1/consents', { msisdn: number, kind: 'opt-in' })).status).toBe(201);
    expect((await marketing(number)).body).toMatchObject({ status: 'suppressed', error: { code: 'opposition' } });

    const trail = (await t.api('GET', '/v1/audit?action=gdpr')).body.events as any[];
    expect(trail.map((e) => e.action)).toEqual(['gdpr.export', 'gdpr.erase', 'gdpr.export', 'gdpr.export']);
    expect(JSON.stringify(trail)).not.toContain('12009901');
  });

  it('lets an account shorten its periods, never lengthen them', async () => {
    expect((await t.api('GET', '/v1/retention')).body).toEqual({
      effective: { exchangeDays: 30, prospectDays: 365, unansweredSolicitations: 2 },
      ceiling: { exchangeDays: 30, prospectDays: 365, unansweredSolicitations: 2 },
      chosen: null,
    });
    const longer = await t.api('PUT', '/v1/retention', { exchangeDays: 60 });
    expect(longer.status).toBe(422);
    expect((await t.api('PUT', '/v1/retention', { exchangeDays: 7 })).body.effective.exchangeDays).toBe(7);
    expect((await aggregator('PUT', '/v1/aggregator/accounts/test/retention', { exchangeDays: 90 })).status).toBe(200);
    expect((await t.api('PUT', '/v1/retention', { exchangeDays: 60 })).body.effective).toEqual({ exchangeDays: 60, prospectDays: 365, unansweredSolicitations: 2 });
  });

  it('runs the retention job for the aggregator, a dry run first, and lists the runs', async () => {
    const dry = await aggregator('POST', '/v1/aggregator/retention/runs', { dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, counts: { 'campaign-exchanges': 0, exchanges: 0, audit: 0 } });
    const run = await aggregator('POST', '/v1/aggregator/retention/runs', {});
    expect(run.body.counts).toEqual(dry.body.counts);
    const runs = await aggregator('GET', '/v1/aggregator/retention/runs');
    expect(runs.body.runs.map((r: any) => r.dryRun)).toEqual([false, true]);
    expect((await t.api('POST', '/v1/aggregator/retention/runs', { dryRun: true })).status).toBe(401);
  });
});
