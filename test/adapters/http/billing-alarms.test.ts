/**
 * Alarms and the aggregator's side of billing over HTTP (docs/billing.md): alarm settings with every problem listed,
 * the hard cap shown as a hold as soon as the settings are saved, alarms listed, the right "billing" required; the
 * margin report as JSON and CSV, and the reconciliation of an operator's CSV with bad rows rejected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyPrefixOf, PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { clockFrom, startTestRelais, type TestRelais } from '../../support/relais.ts';

const PART = 30_000;
const EURO = 1_000_000;

describe('alarms and operator costs over HTTP', () => {
  let t: TestRelais;
  let shortCode: string;
  const aggregator = async (method: string, path: string, body?: string | object, contentType = 'application/json') => {
    const response = await fetch(`${t.relais.httpUrl}/v1/aggregator${path}`, {
      method,
      headers: { authorization: `Bearer ${t.relais.aggregatorApiKey}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type') ?? '', body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text } as { status: number; type: string; body: any };
  };

  beforeAll(async () => {
    t = await startTestRelais({ roles: ['api'] }, {}, clockFrom(new Date('2026-11-20T10:00:00Z')));
    const { rows } = await t.relais.db.pool.query<{ short_code: string }>(`SELECT short_code FROM account_short_codes WHERE account_id = $1`, [t.accountId]);
    shortCode = rows[0]!.short_code;
    // The standard 10 operations/s of an OPS short code: no throughput option.
    await t.relais.db.pool.query(`UPDATE short_codes SET rate_per_second = 10`);
    // 10 parts delivered and 2 undeliverable this month, as the receipts would have written them.
    await t.relais.db.pool.query(
      `INSERT INTO usage_lines (message_id, part_index, account_id, brand, class, short_code, route, final_state, settled_by, month, settled_at)
       SELECT gen_random_uuid(), 0, $1, 'test', 'transactional', $2, 'sim', CASE WHEN n <= 10 THEN 'delivered' ELSE 'undeliverable' END, 'receipt', '2026-11', '2026-11-20T09:00:00Z'
       FROM generate_series(1, 12) n`,
      [t.accountId, shortCode],
    );
  });
  afterAll(() => t?.stop());

  it('refuses settings with problems, each with its field, and changes nothing', async () => {
    const refused = await t.api('PUT', '/v1/alarms/settings', { hardCap: true, hours: { days: [1], from: 20, to: 8 }, notify: { emails: ['not an address'], phones: [], webhooks: false } });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['/hardCap', '/hours/to', '/notify/emails']);
    expect((await t.api('GET', '/v1/alarms/settings')).body).toEqual({ settings: null, hold: null });
  });

  it('holds sending as soon as the cap is below what was used, lists the alarms, and releases when the limit is raised', async () => {
    const settings = { monthlyBudget: 1 * EURO, monthlyVolume: 10, thresholds: [80, 100], hardCap: true, notify: { emails: [], phones: [], webhooks: true } };
    const saved = await t.api('PUT', '/v1/alarms/settings', settings);
    expect(saved.status).toBe(200);
    expect(saved.body.hold).toMatchObject({ month: '2026-11', reason: expect.stringContaining('the hard cap of 2026-11 is reached') });
    const listed = await t.api('GET', '/v1/alarms?period=2026-11');
    expect(listed.body.alarms.map((a: { key: string }) => a.key).sort()).toEqual(['hard-cap', 'volume-100', 'volume-80']);
    expect(listed.body.alarms.find((a: { key: string }) => a.key === 'volume-100')).toMatchObject({ kind: 'volume-threshold', period: '2026-11', figures: { value: 10, limit: 10 } });
    expect(listed.body.hold).not.toBeNull();

    const raised = await t.api('PUT', '/v1/alarms/settings', { ...settings, monthlyVolume: 1_000 });
    expect(raised.body.hold).toBeNull();
    expect((await t.api('PUT', '/v1/alarms/settings', settings)).body.hold).not.toBeNull();
    expect((await t.api('DELETE', '/v1/alarms/settings')).status).toBe(204);
    expect((await t.api('GET', '/v1/alarms/settings')).body).toEqual({ settings: null, hold: null });
    expect((await t.api('PUT', '/v1/alarms/settings', { ...settings, monthlyVolume: 1_000 })).status).toBe(200);
    const trail = await t.api('GET', '/v1/audit?action=alarms.settings.update');
    expect(trail.body.events.length).toBeGreaterThanOrEqual(4);
  });

  it('needs the right "billing"', async () => {
    const accounts = new PgAccountStore(t.relais.db);
    const key = await accounts.createApiKey(t.accountId, 'messages only', new Date());
    await t.relais.db.pool.query('UPDATE api_keys SET rights = $1 WHERE key_prefix = $2', [['messages'], keyPrefixOf(key)]);
    const response = await fetch(`${t.relais.httpUrl}/v1/alarms`, { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(403);
  });

  it('reports the month’s operator cost and margin per account and short code, as JSON and CSV', async () => {
    const report = await aggregator('GET', '/billing/report?month=2026-11');
    expect(report.status).toBe(200);
    const account = report.body.accounts.find((a: { name: string }) => a.name === 'test');
    expect(account).toMatchObject({ delivered: 10, invoiced: false, revenue: 10 * PART });
    const code = report.body.shortCodes.find((s: { shortCode: string }) => s.shortCode === shortCode);
    expect(code).toMatchObject({ delivered: 10, revenue: 10 * PART, cost: 150 * EURO + 10 * PART });
    expect(report.body.totals.cost).toBe(report.body.operator.total);
    expect(report.body.totals.margin).toBe(report.body.totals.revenue - report.body.totals.cost);

    const csv = await aggregator('GET', '/billing/report?month=2026-11&format=csv');
    expect(csv.type).toContain('text/csv');
    expect(csv.body).toContain('"kind","name","delivered","revenue","cost","margin"');
    expect(csv.body).toContain(`"short-code","${shortCode}","10","0.300000","150.300000","-150.000000"`);
  });

  it('imports the operator’s counts, rejecting bad rows with their line, and lists the differences', async () => {
    const file = `Numéro court;Mois;SMS-MT\r\n${shortCode};2026-11;12\r\n36999;2026-11;abc\r\n36998;2026-11;4\r\n`;
    const imported = await aggregator('POST', '/billing/reconciliation?month=2026-11', file, 'text/csv');
    expect(imported.status).toBe(200);
    expect(imported.body.rejected).toEqual([{ line: 3, reason: 'delivered "abc" must be a whole number ≥ 0' }]);
    expect(imported.body.rows).toEqual([
      { shortCode, relais: 10, operator: 12, difference: 2, status: 'differs' },
      { shortCode: '36998', relais: 0, operator: 4, difference: 4, status: 'only-operator' },
    ].sort((a, b) => (a.shortCode < b.shortCode ? -1 : 1)));
    expect(imported.body.totals).toEqual({ relais: 10, operator: 16, difference: 6 });
    expect((await aggregator('GET', '/billing/reconciliation?month=2026-11')).body).toMatchObject({ imported: true, differences: 2 });

    const nothing = await aggregator('POST', '/billing/reconciliation?month=2026-11', 'foo;bar\r\n1;2\r\n', 'text/csv');
    expect(nothing.status).toBe(422);
    expect((await aggregator('GET', '/billing/reconciliation?month=2026-11')).body.totals.operator).toBe(16); // nothing lost
  });

  it('keeps the operator contract as data, refusing an unknown grid', async () => {
    expect((await aggregator('GET', '/billing/operator-contract')).body).toEqual({ contract: { grids: ['orange-ops@2016', 'orange-ops-oadc@2016'] }, custom: false });
    const refused = await aggregator('PUT', '/billing/operator-contract', { grids: ['nope'] });
    expect(refused.status).toBe(422);
    const set = await aggregator('PUT', '/billing/operator-contract', { grids: ['orange-ops', 'orange-ops-qualification'], qualifiedMsisdns: [{ month: '2026-11', count: 100 }] });
    expect(set.status).toBe(200);
    expect((await aggregator('GET', '/billing/report?month=2026-11')).body.operator.shared).toBe(201 * EURO);
  });
});
