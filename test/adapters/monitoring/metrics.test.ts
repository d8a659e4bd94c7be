/**
 * The Prometheus endpoint and the reports API, on Relais in-process (docs/monitoring.md): a scrape without the token
 * is refused; a message sent moves the submit and receipt counters and the API latency histogram; the route and the
 * HTTP door show up; the availability report says so as JSON and CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { monthOf } from '../../../src/core/reports/months.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';

const TOKEN = 'scrape-token-0123456789';
let t: TestRelais;
let aggregatorKey: string;

beforeAll(async () => {
  t = await startTestRelais({ monitoring: { metrics: { enabled: true, port: 0, token: TOKEN } } });
  aggregatorKey = await new PgAccountStore(t.relais.db).createAggregatorKey('reports', new Date());
});
afterAll(() => t?.stop());

const scrape = (token?: string) => fetch(`http://127.0.0.1:${t.relais.metricsPort}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

/** The value of one sample of the exposition text (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('metrics endpoint', () => {
  it('refuses a scrape without the token, or with another', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape('not-the-token-at-all')).status).toBe(401);
    const ok = await scrape(TOKEN);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
    // The admin listener's liveness answer needs no token (processes without the api role have no other).
    expect(await (await fetch(`http://127.0.0.1:${t.relais.metricsPort}/health`)).json()).toEqual({ status: 'alive' });
  });

  it('counts a submit and its receipt, times the API, and shows the route and the door up', async () => {
    const before = await (await scrape(TOKEN)).text();
    const sent = await t.api('POST', '/v1/messages', { to: '+33612345678', text: 'Votre code : 1234', class: 'transactional' });
    expect(sent.status).toBe(202);
    await t.waitFor(sent.body.id, (status) => status === 'delivered');
    // The receipt's counter moves before the store records it: by the time the message reads delivered, it has.
    const after = await (await scrape(TOKEN)).text();

    const accepted = { route: 'simulator', outcome: 'accepted' };
    expect(sample(after, 'relais_submits_total', accepted) - sample(before, 'relais_submits_total', accepted)).toBe(1);
    expect(sample(after, 'relais_receipts_total', { route: 'simulator', state: 'delivered' }) - sample(before, 'relais_receipts_total', { route: 'simulator', state: 'delivered' })).toBe(1);
    expect(sample(after, 'relais_submit_seconds_count', { route: 'simulator' })).toBeGreaterThanOrEqual(1);
    const posts = { method: 'POST', route: '/v1/messages', status: '202' };
    expect(sample(after, 'relais_http_request_seconds_count', posts) - sample(before, 'relais_http_request_seconds_count', posts)).toBe(1);
    expect(sample(after, 'relais_up', { kind: 'route', subject: 'simulator' })).toBe(1);
    expect(sample(after, 'relais_up', { kind: 'door', subject: 'http' })).toBe(1);
    expect(after).toMatch(/relais_queue_depth|relais_webhook_backlog\{what="pending"\} 0/);
  });
});

describe('reports API', () => {
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${t.relais.httpUrl}${path}`, { headers: { authorization: `Bearer ${aggregatorKey}`, ...headers } });

  it("answers the month's availability per route and door, as JSON and as CSV, and the month's traffic", async () => {
    const trafficOf = async () => ((await (await get(`/v1/aggregator/reports/traffic?month=${monthOf(new Date())}`)).json()) as any).lines.find((l: any) => l.shortCode === '36001');
    const before = await trafficOf();
    const sent = await t.api('POST', '/v1/messages', { to: '+33612345679', text: 'Votre code : 5678', class: 'transactional' });
    await t.waitFor(sent.body.id, (status) => status === 'delivered');
    const month = monthOf(new Date());
    // The recorder writes within a second of a transition: poll for the route's "up" row. (On a loaded machine the
    // route may also have been handed back and taken again — a lease renewed late —: stopped, then up, never down.)
    let body: any;
    for (let i = 0; i < 200; i++) {
      body = await (await get(`/v1/aggregator/reports/availability?month=${month}`)).json();
      if (body.subjects?.find((s: any) => s.kind === 'route')?.availability.upMs > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(body.subjects.map((s: any) => `${s.kind}:${s.subject}`)).toEqual(['door:http', 'route:simulator']);
    expect(body.subjects[1].availability).toMatchObject({ downMs: 0, ratio: 1, meetsTarget: true });

    const csv = await get(`/v1/aggregator/reports/availability?month=${month}`, { accept: 'text/csv' });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toContain('"kind","subject","month","availability"');
    expect(lines[2]).toMatch(/^"route","simulator",/);

    const after = await trafficOf();
    expect(after.mtSubmitted - before.mtSubmitted).toBe(1);
    expect(after.subscribedPerSecond).toBe(1000);
  });

  it('refuses a month that is not one, and an account key', async () => {
    expect((await get('/v1/aggregator/reports/traffic?month=2026-13')).status).toBe(400);
    const asAccount = await fetch(`${t.relais.httpUrl}/v1/aggregator/reports/traffic?month=2026-11`, { headers: { authorization: `Bearer ${t.key}` } });
    expect(asAccount.status).toBe(401);
  });
});

describe('the Grafana dashboard (docs/grafana-dashboard.json)', () => {
  it('charts only metrics Relais exposes', async () => {
    const { readFileSync } = await import('node:fs');
    const { Metrics } = await import('../../../src/adapters/monitoring/metrics.ts');
    const metrics = new Metrics({
      queries: { queueDepth: async () => [{ shortCode: '36001', class: 'marketing', due: 1, scheduled: 0, submitting: 0 }], webhookBacklog: async () => ({ pending: 0, due: 0, oldestDueSeconds: 0 }) },
      subjects: () => [],
    });
    const exposed = await metrics.registry.getMetricsAsJSON();
    const names = new Set(exposed.map((m) => m.name));
    const dashboard = JSON.parse(readFileSync(new URL('../../../docs/grafana-dashboard.json', import.meta.url), 'utf8'));
    const charted = new Set<string>();
    for (const panel of dashboard.panels) for (const target of panel.targets ?? []) for (const name of target.expr.match(/relais_[a-z0-9_]+/g) ?? []) charted.add(name.replace(/_(bucket|count|sum)$/, ''));
    expect(charted.size).toBeGreaterThan(10);
    expect([...charted].filter((name) => !names.has(name))).toEqual([]);
  });
});
