/**
 * The consent ledger over HTTP as a client uses it: record opt-ins and opt-outs, read a recipient's state and
 * history, export the proof an operator asks for (JSON or CSV).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { startTestRelais, type TestRelais } from '../support/relais.ts';
import { parseCsv } from '../support/csv.ts';


/** A recorded event as the ledger shows it (what recording it did is not part of it). */
function asInLedger({ duplicate: _duplicate, notice: _notice, ...event }: Record<string, unknown>) {
  return event;
}

describe('the consent ledger over HTTP', () => {
  let t: TestRelais;
  let seq = 0;
  beforeAll(async () => {
    // The brands the account speaks for (a consent naming another is refused).
    t = await startTestRelais({}, { brands: ['Acme', 'Bidule', '@Acme', ...Array.from({ length: 10 }, (_, i) => `brand-${i}`)] });
  });
  afterAll(() => t?.stop());

  /** Each test works on its own recipient: 06 12 00 00 01, 06 12 00 00 02… */
  const fresh = () => {
    const digits = String(12_000_000 + ++seq).padStart(8, '0');
    return { national: `06${digits}`, e164: `+336${digits}` };
  };
  const download = async (path: string, key = t.key) => {
    const response = await fetch(t.relais.httpUrl + path, { headers: { authorization: `Bearer ${key}` } });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  };

  it('records an opt-in for the account’s brand (its name by default), now, from the API', async () => {
    const r = fresh();
    const before = Date.now();
    const recorded = await t.api('POST', '/v1/consents', { msisdn: r.national, kind: 'opt-in', channel: 'web form', wording: 'Offres Acme par SMS (v3)', reference: 'form-881', ip: '203.0.113.7' });
    expect(recorded.status).toBe(201);
    expect(recorded.body).toEqual({
      id: expect.any(String),
      msisdn: r.e164,
      brand: 'test',
      kind: 'opt-in',
      source: 'api',
      channel: 'web form',
      wording: 'Offres Acme par SMS (v3)',
      reference: 'form-881',
      ip: '203.0.113.7',
      occurredAt: expect.any(String),
      dated: false,
      recordedAt: expect.any(String),
      retracted: null,
      duplicate: false,
      notice: null,
    });
    expect(recorded.body.occurredAt).toBe(recorded.body.recordedAt);
    expect(new Date(recorded.body.recordedAt).getTime()).toBeGreaterThanOrEqual(before - 1);

    const read = await t.api('GET', `/v1/consents/${r.national}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      msisdn: r.e164,
      brands: [{ brand: 'test', consent: 'opt-in', optedOut: false, since: recorded.body.occurredAt }],
      history: [asInLedger(recorded.body)],
    });
  });

  it('records a batch, and answers with the state per brand and the history oldest first', async () => {
    const r = fresh();
    const batch = await t.api('POST', '/v1/consents', {
      events: [
        { msisdn: r.e164, brand: 'Acme', kind: 'opt-in', occurredAt: '2026-01-10T09:00:00+01:00' },
        { msisdn: r.e164, brand: 'Bidule', kind: 'soft-opt-in', occurredAt: '2026-01-11T09:00:00Z' },
        // STOP to a shared short code: every brand of the account.
        { msisdn: r.national, brand: '*', kind: 'opt-out', channel: 'SMS', occurredAt: '2026-02-01T12:00:00Z' },
        // A new sign-up for Acme re-opens Acme only.
        { msisdn: r.national, brand: 'Acme', kind: 'opt-in', channel: 'shop', occurredAt: '2026-03-01T12:00:00.250Z' },
        // Recorded late, happened first.
        { msisdn: r.national, brand: 'Acme', kind: 'opt-in', channel: 'paper', occurredAt: '2025-12-24T18:00:00+01:00' },
      ],
    });
    expect(batch.status).toBe(201);
    expect(batch.body.count).toBe(5);
    expect(batch.body.events.map((e: { source: string }) => e.source)).toEqual(['api', 'api', 'api', 'api', 'api']);
    expect(batch.body.events[0].occurredAt).toBe('2026-01-10T08:00:00.000Z');

    const read = await t.api('GET', `/v1/consents/${encodeURIComponent(r.e164)}`);
    expect(read.body.brands).toEqual([
      { brand: '*', consent: 'none', optedOut: true, since: '2026-02-01T12:00:00.000Z' },
      { brand: 'Acme', consent: 'opt-in', optedOut: false, since: '2026-03-01T12:00:00.250Z' },
      { brand: 'Bidule', consent: 'none', optedOut: true, since: '2026-02-01T12:00:00.000Z' },
    ]);
    expect(read.body.history.map((e: { occurredAt: string }) => e.occurredAt)).toEqual([
      '2025-12-24T17:00:00.000Z',
      '2026-01-10T08:00:00.000Z',
      '2026-01-11T09:00:00.000Z',
      '2026-02-01T12:00:00.000Z',
      '2026-03-01T12:00:00.250Z',
    ]);
  });

  it('reads a number however it is written in the path', async () => {
    const r = fresh();
    await t.api('POST', '/v1/consents', { msisdn: r.e164, kind: 'opt-out' });
    const forms = [r.national, r.e164, encodeURIComponent(r.e164), r.e164.slice(1), encodeURIComponent(`${r.national.slice(0, 2)} ${r.national.slice(2, 4)} ${r.national.slice(4)}`)];
    for (const form of forms) {
      const read = await t.api('GET', `/v1/consents/${form}`);
      expect(read.status, form).toBe(200);
      expect(read.body.msisdn, form).toBe(r.e164);
      expect(read.body.history, form).toHaveLength(1);
    }
  });

  it('answers an unknown recipient with no consent rather than 404', async () => {
    const read = await t.api('GET', `/v1/consents/${fresh().national}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ msisdn: expect.stringMatching(/^\+336/), brands: [], history: [] });
  });

  it('refuses a number that is not a mobile number, saying why', async () => {
    for (const [typed, why] of [
      ['0612', /too short/],
      ['not-a-number', /not a phone number/],
      ['0142345678', /mobile/],
    ] as const) {
      for (const path of [`/v1/consents/${typed}`, `/v1/consents/${typed}/export`]) {
        const read = await t.api('GET', path);
        expect(read.status, path).toBe(422);
        expect(read.headers.get('content-type')).toContain('application/problem+json');
        expect(read.body.errors).toEqual([{ field: '/msisdn', reason: expect.stringMatching(why) }]);
      }
    }
  });

  it('records a batch all or none, listing every problem with its position', async () => {
    const r = fresh();
    const future = new Date(Date.now() + 6 * 60_000).toISOString();
    const soon = new Date(Date.now() + 4 * 60_000).toISOString();
    const bad = await t.api('POST', '/v1/consents', {
      events: [
        { msisdn: r.national, kind: 'opt-in', occurredAt: soon },
        { msisdn: 'nope', kind: 'opt-in' },
        { msisdn: '0142345678', kind: 'opt-in' },
        { msisdn: r.national, kind: 'opt-in', occurredAt: future },
        { msisdn: r.national, kind: 'opt-in', occurredAt: 'yesterday' },
        { msisdn: r.national, kind: 'opt-in', occurredAt: '2026-03-01T10:00:00' },
        { msisdn: r.national, kind: 'opt-in', brand: '*' },
        { msisdn: r.national, kind: 'soft-opt-in', brand: '*' },
        { msisdn: r.national, kind: 'opt-out', brand: '*', ip: '999.1.1.1' },
      ],
    });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body).toMatchObject({ title: 'Invalid request', status: 422 });
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual([
      '/events/1/msisdn',
      '/events/2/msisdn',
      '/events/3/occurredAt',
      '/events/4/occurredAt',
      '/events/5/occurredAt',
      '/events/6/brand',
      '/events/7/brand',
      '/events/8/ip',
    ]);
    expect(bad.body.errors[2].reason).toMatch(/future/);
    expect(bad.body.errors[4].reason).toMatch(/time zone/);
    expect((await t.api('GET', `/v1/consents/${r.national}`)).body.history).toEqual([]);

    const single = await t.api('POST', '/v1/consents', { msisdn: r.national, kind: 'opt-in', occurredAt: future });
    expect(single.status).toBe(422);
    expect(single.body.errors).toEqual([{ field: '/occurredAt', reason: expect.stringMatching(/future/) }]);
    expect((await t.api('POST', '/v1/consents', { msisdn: r.national, kind: 'opt-in', occurredAt: soon })).status).toBe(201);
  });

  it('refuses a body that does not match the schema', async () => {
    const r = fresh();
    for (const body of [
      { msisdn: r.national, kind: 'maybe' },
      { msisdn: r.national },
      { msisdn: r.national, kind: 'opt-in', source: 'portal' },
      { events: [] },
      { events: Array.from({ length: 10_001 }, () => ({ msisdn: r.national, kind: 'opt-in' })) },
    ]) {
      const bad = await t.api('POST', '/v1/consents', body);
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await t.api('GET', `/v1/consents/${r.national}`)).body.history).toEqual([]);
  });

  it('records 10,000 events in one request', async () => {
    const r = fresh();
    const events = Array.from({ length: 10_000 }, (_, i) => ({ msisdn: r.national, brand: `brand-${i % 10}`, kind: 'opt-in', reference: `import-${i}` }));
    const recorded = await t.api('POST', '/v1/consents', { events });
    expect(recorded.status).toBe(201);
    expect(recorded.body.count).toBe(10_000);
    const read = await t.api('GET', `/v1/consents/${r.national}`);
    expect(read.body.history).toHaveLength(10_000);
    expect(read.body.history.map((e: { reference: string }) => e.reference)).toEqual(events.map((e) => e.reference));
    expect(read.body.brands).toHaveLength(10);
  });

  it('keeps each account’s ledger to itself', async () => {
    const r = fresh();
    await t.api('POST', '/v1/consents', { msisdn: r.national, kind: 'opt-in', brand: 'Acme' });
    const accounts = new PgAccountStore(t.relais.db);
    const other = await accounts.createAccount({ name: 'other', brand: 'Autre' }, new Date());
    const key = await accounts.createApiKey(other.id, null, new Date());
    const headers = { authorization: `Bearer ${key}` };

    const seen = await t.api('GET', `/v1/consents/${r.national}`, undefined, headers);
    expect(seen.body).toEqual({ msisdn: r.e164, brands: [], history: [] });
    const exported = await t.api('GET', `/v1/consents/${r.national}/export`, undefined, headers);
    expect(exported.body).toMatchObject({ account: 'other', events: [] });

    // Without a brand, an event is for the account's brand, as a message is.
    const theirs = await t.api('POST', '/v1/consents', { msisdn: r.national, kind: 'opt-out' }, headers);
    expect(theirs.body.brand).toBe('Autre');
    const mine = await t.api('GET', `/v1/consents/${r.national}`);
    expect(mine.body.history).toHaveLength(1);
    expect(mine.body.brands).toEqual([expect.objectContaining({ brand: 'Acme', consent: 'opt-in' })]);
  });

  it('changes and deletes nothing: a correction is a new event', async () => {
    const r = fresh();
    const recorded = await t.api('POST', '/v1/consents', { msisdn: r.national, kind: 'opt-in' });
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      expect((await t.api(method, `/v1/consents/${r.national}`, method === 'DELETE' ? undefined : { kind: 'opt-out' })).status).toBe(404);
    }
    expect((await t.api('DELETE', `/v1/consents/${r.national}/${recorded.body.id}`)).status).toBe(404);
    expect((await t.api('GET', `/v1/consents/${r.national}`)).body.history).toEqual([asInLedger(recorded.body)]);
  });

  it('needs an API key', async () => {
    const response = await fetch(`${t.relais.httpUrl}/v1/consents/0612345678`);
    expect(response.status).toBe(401);
  });

  describe('the proof for an operator', () => {
    const r = fresh();
    const wording = 'J’accepte de recevoir les offres "Acme", par SMS;\r\nretrait : STOP au 36001';
    const inputs = [
      { msisdn: r.national, brand: 'Acme', kind: 'opt-in', channel: 'web, mobile', wording, reference: '=HYPERLINK("http://evil.example","clic")', ip: '2001:db8::7', occurredAt: '2026-01-10T09:00:00+01:00' },
      { msisdn: r.national, brand: '@Acme', kind: 'soft-opt-in', channel: '+shop', reference: '-1+1', occurredAt: '2026-01-11T09:00:00Z' },
      { msisdn: r.national, brand: '*', kind: 'opt-out', channel: 'SMS', wording: 'STOP', occurredAt: '2026-02-01T12:00:00Z' },
    ];
    let recorded: any[];
    beforeAll(async () => {
      recorded = (await t.api('POST', '/v1/consents', { events: inputs })).body.events;
    });

    it('downloads every event with all its fields as JSON, with the account and the export time', async () => {
      const before = Date.now();
      const exported = await download(`/v1/consents/${r.national}/export`);
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const today = new Date().toISOString().slice(0, 10);
      expect(exported.headers.get('content-disposition')).toBe(`attachment; filename="consent-${r.e164.slice(1)}-${today}.json"`);
      expect(exported.headers.get('cache-control')).toBe('no-store');
      const body = JSON.parse(exported.bytes.toString('utf8'));
      expect(body).toEqual({
        account: 'test',
        msisdn: r.e164,
        exportedAt: expect.any(String),
        brands: [
          { brand: '*', consent: 'none', optedOut: true, since: '2026-02-01T12:00:00.000Z' },
          { brand: '@Acme', consent: 'none', optedOut: true, since: '2026-02-01T12:00:00.000Z' },
          { brand: 'Acme', consent: 'none', optedOut: true, since: '2026-02-01T12:00:00.000Z' },
        ],
        events: recorded.map(asInLedger),
      });
      expect(new Date(body.exportedAt).getTime()).toBeGreaterThanOrEqual(before - 1);
      expect(body.events[0].wording).toBe(wording);
      expect((await download(`/v1/consents/${r.national}/export?format=json`)).bytes.toString('utf8')).toContain(r.e164);
    });

    it('downloads them as CSV: header row, RFC 4180 quoting, UTF-8, formulas neutralised', async () => {
      const exported = await download(`/v1/consents/${encodeURIComponent(r.e164)}/export?format=csv`);
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
      const today = new Date().toISOString().slice(0, 10);
      expect(exported.headers.get('content-disposition')).toBe(`attachment; filename="consent-${r.e164.slice(1)}-${today}.csv"`);
      expect(exported.headers.get('cache-control')).toBe('no-store');

      expect([...exported.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = new TextDecoder('utf-8', { fatal: true }).decode(exported.bytes.subarray(3));
      const rows = parseCsv(text);
      expect(rows[0]).toEqual(['id', 'msisdn', 'brand', 'kind', 'source', 'channel', 'wording', 'reference', 'ip', 'occurredAt', 'dated', 'recordedAt', 'retractedAt', 'retractedReason']);
      expect(rows).toHaveLength(4);
      for (const row of rows) expect(row).toHaveLength(14);
      const [first, second, third] = rows.slice(1) as [string[], string[], string[]];

      expect(first).toEqual([
        recorded[0].id,
        r.e164,
        'Acme',
        'opt-in',
        'api',
        'web, mobile',
        wording,
        `'=HYPERLINK("http://evil.example","clic")`,
        '2001:db8::7',
        '2026-01-10T08:00:00.000Z',
        'true',
        recorded[0].recordedAt,
        '',
        '',
      ]);
      expect(second.slice(1, 9)).toEqual([r.e164, "'@Acme", 'soft-opt-in', 'api', "'+shop", '', "'-1+1", '']);
      expect(third.slice(2, 8)).toEqual(['*', 'opt-out', 'api', 'SMS', 'STOP', '']);

      // The raw lines: every field quoted (so that a spreadsheet splitting on ";" keeps each cell whole), quotes doubled, the msisdn as is.
      expect(text).toContain(`,"${r.e164}","Acme","opt-in","api","web, mobile","J’accepte de recevoir les offres ""Acme"", par SMS;\r\nretrait : STOP au 36001","'=HYPERLINK(""http://evil.example"",""clic"")","2001:db8::7",`);
      expect(text).toContain(`,"${r.e164}","'@Acme","soft-opt-in","api","'+shop",,"'-1+1",,"2026-01-11T09:00:00.000Z",`);
      expect(text.endsWith('\r\n')).toBe(true);
    });

    it('exports a header row alone for a recipient without events', async () => {
      const exported = await download(`/v1/consents/${fresh().national}/export?format=csv`);
      expect(exported.status).toBe(200);
      expect(exported.bytes.toString('utf8')).toBe('\uFEFF"id","msisdn","brand","kind","source","channel","wording","reference","ip","occurredAt","dated","recordedAt","retractedAt","retractedReason"\r\n');
    });

    it('refuses another format', async () => {
      const exported = await t.api('GET', `/v1/consents/${r.national}/export?format=xlsx`);
      expect(exported.status).toBe(400);
      expect(exported.body.errors).toEqual([{ field: '/format', reason: expect.stringMatching(/^got "xlsx"; allowed: "json", "csv"$/) }]);
    });
  });
});
