/**
 * Incident tickets over HTTP: the lifecycle a client and the support go through (opening, qualification, a wait for
 * the client, the client's answer, a file, resolution with its cause, closing), the clock over a weekend and a
 * holiday, rights, isolation, notifications (webhook deliveries, e-mails) and the monthly report.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyPrefixOf, PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';

describe('incident tickets over HTTP', () => {
  let t: TestRelais;
  let now = new Date('2026-11-06T17:00:00+01:00'); // a Friday
  let accounts: PgAccountStore;
  let aggregatorKey: string;
  let supportKey: string;
  let otherKey: string;
  let withoutIncidents: string;
  let onlyIncidents: string;
  let reference: string;
  /** The webhook receiver: every body POSTed to it, and a wait for the first of a type. */
  const received: any[] = [];
  const waiters: { type: string; resolve: (body: any) => void }[] = [];
  let receiver: Server;
  const receivedOfType = (type: string) =>
    new Promise<any>((resolve) => {
      const seen = received.find((b) => b.type === type);
      if (seen) resolve(seen);
      else waiters.push({ type, resolve });
    });

  const call = async (key: string, method: string, url: string, body?: unknown) => {
    const response = await fetch(t.relais.httpUrl + url, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('json');
    return { status: response.status, body: json && text ? JSON.parse(text) : text, headers: response.headers } as { status: number; body: any; headers: Headers };
  };
  const keyWith = async (rights: string[]) => {
    const key = await accounts.createApiKey(t.accountId, `only ${rights.join(',')}`, now);
    await t.relais.db.pool.query('UPDATE api_keys SET rights = $1 WHERE key_prefix = $2', [rights, keyPrefixOf(key)]);
    return key;
  };
  const staff = (method: string, url: string, body?: unknown) => call(aggregatorKey, method, `/v1/aggregator${url}`, body);

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const parsed = JSON.parse(body);
        received.push(parsed);
        for (const w of waiters.filter((w) => w.type === parsed.type)) w.resolve(parsed);
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    t = await startTestRelais(
      { roles: ['api', 'webhooks'], webhooks: { allowTargets: ['127.0.0.1'] }, mail: { supportAddress: 'support@aggregator.example' } },
      { brand: 'Dupont' },
      { now: () => now },
    );
    accounts = new PgAccountStore(t.relais.db);
    aggregatorKey = await accounts.createAggregatorKey('incidents test', now);
    supportKey = await accounts.createAggregatorKey('support', now, 'operator-support');
    otherKey = await accounts.createApiKey((await accounts.createAccount({ name: 'other' }, now)).id, 'other', now);
    withoutIncidents = await keyWith(['messages', 'settings']);
    onlyIncidents = await keyWith(['incidents']);
    for (const [email, rights] of [['contact@dupont.example', ['incidents']], ['sales@dupont.example', ['messages']]] as const) {
      await t.relais.db.pool.query(`INSERT INTO users (id, email, name, account_id, rights, status, created_at) VALUES (gen_random_uuid(), $1, $1, $2, $3, 'active', now())`, [
        email,
        t.accountId,
        rights,
      ]);
    }
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    expect((await t.api('POST', '/v1/webhooks', { url: hook, events: ['incident'] })).status).toBe(201);
  });
  afterAll(async () => {
    await t?.stop();
    receiver?.close();
  });

  it('is opened by the holders of the "incidents" right only', async () => {
    const refused = await call(withoutIncidents, 'POST', '/v1/incidents', { title: 'x', description: 'y' });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('"incidents"');
    const opened = await call(onlyIncidents, 'POST', '/v1/incidents', {
      title: 'Accusés de réception absents',
      description: 'Depuis 16 h, aucun accusé de réception sur le 36001.',
      severity: 'major',
      category: 'receipts',
    });
    expect(opened.status).toBe(201);
    reference = opened.body.reference;
    expect(reference).toBe('INC-2026-000001');
    expect(opened.headers.get('location')).toBe(`/v1/incidents/${reference}`);
    expect(opened.body).toMatchObject({ status: 'open', severity: 'major', qualified: false, clock: { running: true, businessMinutes: 0, targetMinutes: 720 } });
    expect(opened.body.openedBy).toBe(`API key ${keyPrefixOf(onlyIncidents)}`);
    expect((await call(withoutIncidents, 'GET', `/v1/incidents/${reference}`)).status).toBe(403);
  });

  it('hides a ticket from other accounts and lets operator-support read but not change', async () => {
    expect((await call(otherKey, 'GET', `/v1/incidents/${reference}`)).status).toBe(404);
    expect((await call(otherKey, 'POST', `/v1/incidents/${reference}/comments`, { text: 'hello' })).status).toBe(404);
    expect((await call(otherKey, 'GET', '/v1/incidents')).body.incidents).toEqual([]);
    expect((await call(supportKey, 'GET', `/v1/aggregator/incidents/${reference}`)).status).toBe(200);
    expect((await call(supportKey, 'POST', `/v1/aggregator/incidents/${reference}/qualify`, { severity: 'critical', category: 'delivery' })).status).toBe(403);
    expect((await call(t.key, 'GET', '/v1/aggregator/incidents')).status).toBe(401);
  });

  it('is qualified, waits for the client over the weekend, resumes on the client’s answer', async () => {
    const qualified = await staff('POST', `/incidents/${reference}/qualify`, { severity: 'critical', category: 'delivery' });
    expect(qualified.body).toMatchObject({ severity: 'critical', category: 'delivery', qualified: true, clock: { targetMinutes: 360 } });

    now = new Date('2026-11-06T17:30:00+01:00');
    const waiting = await staff('POST', `/incidents/${reference}/status`, { status: 'waiting-for-client', note: 'Quel message, quel numéro ?' });
    expect(waiting.body).toMatchObject({ status: 'waiting-for-client', clock: { running: false, businessMinutes: 30 } });

    // The client cannot resolve; a closing of an unresolved ticket is refused with what is possible.
    const early = await call(t.key, 'POST', `/v1/incidents/${reference}/status`, { status: 'closed' });
    expect(early.status).toBe(409);

    now = new Date('2026-11-10T09:00:00+01:00'); // Tuesday: Monday was spent waiting
    const seen = await t.api('GET', `/v1/incidents/${reference}`);
    expect(seen.body.clock).toMatchObject({ running: false, businessMinutes: 30, waitingMinutes: 30 + 600 + 60 });
    const answered = await t.api('POST', `/v1/incidents/${reference}/comments`, { text: 'Le message 0193…, vers le 06 12 34 56 78.' });
    expect(answered.status).toBe(201);
    expect(answered.body.status).toBe('open');
    expect(answered.body.history.map((h: any) => [h.status, h.side])).toEqual([
      ['open', 'client'],
      ['waiting-for-client', 'provider'],
      ['open', 'client'],
    ]);
  });

  it('takes files within the limits and gives them back as they were', async () => {
    const content = Buffer.from('submit_sm_resp 0x00000058\n');
    const attached = await t.api('POST', `/v1/incidents/${reference}/attachments`, { filename: 'trace.txt', contentType: 'text/plain', content: content.toString('base64') });
    expect(attached.status).toBe(201);
    expect(attached.body).toMatchObject({ filename: 'trace.txt', contentType: 'text/plain', size: content.length, side: 'client' });
    const download = await fetch(`${t.relais.httpUrl}/v1/incidents/${reference}/attachments/${attached.body.id}`, { headers: { authorization: `Bearer ${t.key}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toContain('text/plain');
    expect(download.headers.get('content-disposition')).toContain('trace.txt');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(content);
    expect((await call(otherKey, 'GET', `/v1/incidents/${reference}/attachments/${attached.body.id}`)).status).toBe(404);

    const badType = await t.api('POST', `/v1/incidents/${reference}/attachments`, { filename: 'x.html', contentType: 'text/html', content: 'PGI+' });
    expect(badType.status).toBe(422);
    expect(badType.body.errors[0].field).toBe('/contentType');
    const withPath = await t.api('POST', `/v1/incidents/${reference}/attachments`, { filename: '../etc/passwd', contentType: 'text/plain', content: 'eA==' });
    expect(withPath.status).toBe(422);
    const tooBig = await t.api('POST', `/v1/incidents/${reference}/attachments`, { filename: 'big.bin', contentType: 'application/octet-stream', content: Buffer.alloc(5 * 1024 * 1024 + 1).toString('base64') });
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.errors).toEqual([{ field: '/content', reason: 'the file has 5242881 bytes; at most 5242880 are taken' }]);
    expect((await t.api('GET', `/v1/incidents/${reference}`)).body.attachments).toHaveLength(1);
  });

  it('is resolved with its cause only, over a holiday, and closes with its duration', async () => {
    now = new Date('2026-11-12T10:00:00+01:00'); // Thursday; Wednesday 11 November is a public holiday
    const noCause = await staff('POST', `/incidents/${reference}/status`, { status: 'resolved' });
    expect(noCause.status).toBe(422);
    expect(noCause.body.errors[0].field).toBe('/cause');
    const resolved = await staff('POST', `/incidents/${reference}/status`, { status: 'resolved', cause: 'Lien SMPP vers le SMSC bloqué ; session relancée.' });
    expect(resolved.body).toMatchObject({ status: 'resolved', cause: 'Lien SMPP vers le SMSC bloqué ; session relancée.', clock: { running: false } });
    // Friday 30 min + Tuesday 9 h + Thursday 2 h.
    expect(resolved.body.clock.businessMinutes).toBe(30 + 540 + 120);

    now = new Date('2026-11-13T15:00:00+01:00');
    const closed = await t.api('POST', `/v1/incidents/${reference}/status`, { status: 'closed', note: 'Confirmé, merci.' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', closedAt: now.toISOString(), clock: { businessMinutes: 690, overdue: true } });
    expect((await t.api('POST', `/v1/incidents/${reference}/comments`, { text: 'encore' })).status).toBe(409);
    const reopen = await staff('POST', `/incidents/${reference}/status`, { status: 'open' });
    expect(reopen.status).toBe(409);
    expect(reopen.body.detail).toContain('closed for good');
  });

  it('numbers tickets continuously within a year, afresh each year', async () => {
    const second = await t.api('POST', '/v1/incidents', { title: 'Question', description: 'Facture' });
    expect(second.body.reference).toBe('INC-2026-000002');
    now = new Date('2027-01-01T00:30:00+01:00');
    const next = await t.api('POST', '/v1/incidents', { title: 'Bonne année', description: 'Rien ne part' });
    expect(next.body.reference).toBe('INC-2027-000001');
    // Openings at once take numbers one after the other, without a gap nor a duplicate.
    const together = await Promise.all(Array.from({ length: 6 }, (_, i) => t.api('POST', '/v1/incidents', { title: `En même temps ${i}`, description: '…' })));
    expect(together.map((r) => r.body.reference).sort()).toEqual([2, 3, 4, 5, 6, 7].map((n) => `INC-2027-00000${n}`));
    const list = await t.api('GET', '/v1/incidents?status=open&limit=100');
    expect(list.body.incidents.map((i: any) => i.reference).slice(-2)).toEqual(['INC-2027-000001', 'INC-2026-000002']);
    const theirs = await staff('GET', '/incidents?account=test&status=closed');
    expect(theirs.body.incidents.map((i: any) => i.reference)).toEqual([reference]);
  });

  it('reports the month against the targets, in JSON and CSV', async () => {
    const report = await staff('GET', '/incidents/report?month=2026-11');
    expect(report.status).toBe(200);
    expect(report.body.tickets).toEqual([
      expect.objectContaining({ reference, account: 'test', severity: 'critical', businessMinutes: 690, targetMinutes: 360, met: false }),
    ]);
    expect(report.body.bySeverity[0]).toEqual({ severity: 'critical', targetMinutes: 360, tickets: 1, met: 0, missed: 1, meanMinutes: 690, maxMinutes: 690 });
    const csv = await staff('GET', '/incidents/report.csv?month=2026-11');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.body.split('\r\n')[1]).toMatch(/^INC-2026-000001,test,critical,delivery,.*,690,360,no,Lien SMPP/);
    expect((await staff('GET', '/incidents/report?month=2026-13')).status).toBe(400);
  });

  it('notifies the account’s webhooks and its incident contacts and the support desk by e-mail', async () => {
    const { rows } = await t.relais.db.pool.query(
      `SELECT d.payload FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.account_id = $1 AND d.payload->'incident'->>'reference' = $2 ORDER BY d.id`,
      [t.accountId, reference],
    );
    expect(rows.map((r) => [r.payload.type, r.payload.incident.status])).toEqual([
      ['incident.opened', 'open'],
      ['incident.status', 'open'],
      ['incident.status', 'waiting-for-client'],
      ['incident.comment', 'open'],
      ['incident.comment', 'open'],
      ['incident.status', 'resolved'],
      ['incident.closed', 'closed'],
    ]);
    const closed = await receivedOfType('incident.closed');
    expect(closed).toMatchObject({ id: expect.any(String), type: 'incident.closed', incident: { reference, status: 'closed', cause: expect.stringContaining('SMPP'), clock: { businessMinutes: 690 } } });
    expect(rows[3].payload.comment).toEqual({ author: `API key ${keyPrefixOf(t.key)}`, side: 'client', text: 'Le message 0193…, vers le 06 12 34 56 78.' });

    const dir = t.relais.mailOutbox!;
    const mails = readdirSync(dir).map((f) => readFileSync(path.join(dir, f), 'utf8')).filter((m) => m.includes(reference));
    const to = (address: string) => mails.filter((m) => new RegExp(`^To: ${address}`, 'm').test(m)).length;
    expect(to('support@aggregator.example')).toBe(7);
    expect(to('contact@dupont.example')).toBe(7);
    expect(to('sales@dupont.example')).toBe(0);
  });
});
