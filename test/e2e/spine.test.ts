/**
 * The spine end to end (issue "The spine"): HTTP API → outbox → dispatcher → SMPP → simulator → receipt →
 * status and webhooks, over real sockets on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/adapters/webhooks/signature.ts';
import { PgWebhookStore } from '../../src/adapters/store/webhook-store.ts';
import { eventually } from '../support/waiting.ts';
import { startTestRelais, type TestRelais } from '../support/relais.ts';

describe('one SMS from the API to the handset and back', () => {
  let t: TestRelais;
  beforeAll(async () => {
    t = await startTestRelais();
  });
  afterAll(() => t?.stop());

  it('returns an id at once, then shows queued → submitting → submitted → delivered with the SMSC id', async () => {
    const started = Date.now();
    const sent = await t.api('POST', '/v1/messages', { to: '06 12 34 56 78', text: 'Hello', class: 'transactional' });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ status: 'queued', to: '+33612345678', segments: 1, encoding: 'gsm7' });
    const message = await t.waitFor(sent.body.id, (s) => s === 'delivered');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(message).toMatchObject({ status: 'delivered', to: '+33612345678', from: '36001', error: null });
    expect(message.events.map((e: { status: string }) => e.status)).toEqual(['queued', 'submitting', 'submitted', 'delivered']);
    expect(message.parts).toHaveLength(1);
    expect(message.parts[0].smscMessageId).toEqual(expect.any(String));
    expect(message.parts[0].receipt.state).toBe('delivered');
    expect(new Date(message.submittedAt).getTime()).toBeLessThanOrEqual(new Date(message.doneAt).getTime());
  });

  it('sends a long UCS-2 message as concatenated parts, each with its own receipt', async () => {
    const text = 'Votre colis arrive demain — suivi 📦 '.repeat(8);
    const sent = await t.api('POST', '/v1/messages', { to: '+33698765432', text, class: 'transactional' });
    expect(sent.body.encoding).toBe('ucs2');
    expect(sent.body.segments).toBeGreaterThan(1);
    const message = await t.waitFor(sent.body.id, (s) => s === 'delivered');
    expect(message.parts).toHaveLength(sent.body.segments);
    expect(new Set(message.parts.map((p: { smscMessageId: string }) => p.smscMessageId)).size).toBe(sent.body.segments);
  });

  it('accepts a batch of 2,000 and delivers every message', async () => {
    const messages = Array.from({ length: 2_000 }, (_, i) => ({ to: `+3361000${String(i).padStart(4, '0')}`, text: `Code ${i}`, class: 'transactional', reference: `b-${i}` }));
    const sent = await t.api('POST', '/v1/messages', { messages });
    expect(sent.status).toBe(202);
    expect(sent.body.count).toBe(2_000);
    const deadline = Date.now() + 30_000;
    let summary;
    do {
      await new Promise((r) => setTimeout(r, 200));
      summary = (await t.api('GET', '/v1/messages/summary')).body;
    } while ((summary.byStatus.delivered ?? 0) < 2_002 && Date.now() < deadline);
    expect(summary.byStatus.delivered).toBe(2_002);
  });

  it('replays an Idempotency-Key instead of queuing twice, and refuses the key on another request', async () => {
    const body = { to: '+33611111111', text: 'Once', class: 'transactional' };
    const first = await t.api('POST', '/v1/messages', body, { 'idempotency-key': 'order-77' });
    const again = await t.api('POST', '/v1/messages', body, { 'idempotency-key': 'order-77' });
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, replayed: true });
    const other = await t.api('POST', '/v1/messages', { ...body, text: 'Twice?' }, { 'idempotency-key': 'order-77' });
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
  });

  it('rejects a malformed request with a reason a person can act on, and changes nothing', async () => {
    const total = async () => Object.values((await t.api('GET', '/v1/messages/summary')).body.byStatus as Record<string, number>).reduce((a, b) => a + b, 0);
    const before = await total();
    const bad = await t.api('POST', '/v1/messages', {
      messages: [
        { to: '+33612345678', text: 'ok', class: 'transactional' },
        { to: 'not a number', text: 'ko', class: 'transactional' },
        { to: '+33612345678', text: 'x'.repeat(1_600), class: 'marketing' },
      ],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['/messages/1/to', '/messages/2/text']);
    const schema = await t.api('POST', '/v1/messages', { to: '+33612345678', text: 'hi', class: 'promo' });
    expect(schema.status).toBe(400);
    expect(schema.body.errors[0].field).toContain('class');
    const noAuth = await fetch(`${t.relais.httpUrl}/v1/messages/summary`);
    expect(noAuth.status).toBe(401);
    expect((await t.api('GET', '/v1/messages/00000000-0000-7000-8000-000000000000')).status).toBe(404);
    expect(await total()).toBe(before);
  });

  it('takes curl -d bodies (JSON sent as a form) as the README shows', async () => {
    const response = await fetch(`${t.relais.httpUrl}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: '{"to":"+33612345678","text":"Hello","class":"transactional"}',
    });
    expect(response.status).toBe(202);
  });

  it('lists messages with filters and a cursor', async () => {
    const page = await t.api('GET', '/v1/messages?limit=2&status=delivered');
    expect(page.body.messages).toHaveLength(2);
    expect(page.body.messages.every((m: { status: string }) => m.status === 'delivered')).toBe(true);
    const next = await t.api('GET', `/v1/messages?limit=2&status=delivered&cursor=${page.body.nextCursor}`);
    expect(next.body.messages[0].id).not.toBe(page.body.messages[0].id);
    expect(new Date(next.body.messages[0].createdAt) <= new Date(page.body.messages[1].createdAt)).toBe(true);
  });

  it('serves the generated OpenAPI document', async () => {
    const response = await fetch(`${t.relais.httpUrl}/docs/json`);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/messages', '/v1/messages/{id}', '/v1/webhooks', '/v1/webhooks/{id}/deliveries']));
  });
});

describe('webhooks', () => {
  let t: TestRelais;
  let receiver: Server;
  let url: string;
  const received: { body: string; signature: string; delivery: string }[] = [];
  let failuresLeft = 2;

  beforeAll(async () => {
    // The receiver is on loopback, which webhooks may reach only when the aggregator allows it.
    t = await startTestRelais({ webhooks: { retryScheduleSeconds: [0, 0, 0], allowTargets: ['127.0.0.1'] } });
    receiver = createServer(async (request: IncomingMessage, response) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      if (failuresLeft-- > 0) return response.writeHead(503).end();
      received.push({ body, signature: String(request.headers['relais-signature']), delivery: String(request.headers['relais-delivery']) });
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  });
  afterAll(async () => {
    await t?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('posts every status change, signed, retrying until the receiver answers 2xx, with the history visible', async () => {
    const created = await t.api('POST', '/v1/webhooks', { url, events: ['queued', 'submitted', 'delivered'] });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    const sent = await t.api('POST', '/v1/messages', { to: '+33612345678', text: 'Hook me', class: 'transactional', reference: 'R-1' });
    await t.waitFor(sent.body.id, (s) => s === 'delivered');
    // Wait until the sender has recorded every delivery as done (it records after the receiver answers).
    const deadline = Date.now() + 10_000;
    let history = await t.api('GET', `/v1/webhooks/${created.body.id}/deliveries`);
    while (Date.now() < deadline && (history.body.deliveries.length < 3 || history.body.deliveries.some((d: { status: string }) => d.status !== 'delivered'))) {
      await new Promise((r) => setTimeout(r, 50));
      history = await t.api('GET', `/v1/webhooks/${created.body.id}/deliveries`);
    }

    const statuses = received.map((r) => JSON.parse(r.body)).filter((p) => p.message.id === sent.body.id).map((p) => p.status);
    expect(statuses.sort()).toEqual(['delivered', 'queued', 'submitted']);
    for (const r of received) expect(verifySignature(created.body.secret, r.body, r.signature, Math.floor(Date.now() / 1000))).toBe(true);
    expect(verifySignature('wrong-secret-000000', received[0]!.body, received[0]!.signature, Math.floor(Date.now() / 1000))).toBe(false);
    expect(JSON.parse(received[0]!.body).message.reference).toBe('R-1');

    const attempts = history.body.deliveries.flatMap((d: { attempts: { httpStatus: number }[] }) => d.attempts.map((a) => a.httpStatus));
    expect(attempts.filter((s: number) => s === 503)).toHaveLength(2);
    expect(history.body.deliveries.every((d: { status: string }) => d.status === 'delivered')).toBe(true);

    // The history page by page, and by state.
    const base = `/v1/webhooks/${created.body.id}/deliveries`;
    const first = await t.api('GET', `${base}?limit=2`);
    const rest = await t.api('GET', `${base}?limit=500&cursor=${first.body.nextCursor}`);
    expect([...first.body.deliveries, ...rest.body.deliveries].map((d: { id: string }) => d.id)).toEqual(history.body.deliveries.map((d: { id: string }) => d.id));
    expect(rest.body.nextCursor).toBeNull();
    expect((await t.api('GET', `${base}?status=failed`)).body).toEqual({ deliveries: [], nextCursor: null });
    expect((await t.api('GET', `${base}?cursor=not-a-cursor`)).status).toBe(400);
  });

  it('posts the MOs attributed to the account (a reply, a STOP) to the webhooks that subscribed to "inbound"', async () => {
    const created = await t.api('POST', '/v1/webhooks', { url, events: ['inbound'] });
    expect(created.status).toBe(201);
    failuresLeft = 0;
    // Two accounts send on this short code (the demo one and ours): our marketing SMS is what attributes the replies to us.
    await t.api('POST', '/v1/consents', { msisdn: '+33698765432', brand: 'test', kind: 'opt-in', channel: 'web form' });
    const offer = await t.api('POST', '/v1/messages', { to: '+33698765432', text: 'test : portes ouvertes samedi', class: 'marketing' });
    await t.waitFor(offer.body.id, (s) => s === 'delivered');
    await t.relais.simulator!.sendMo({ from: '33698765432', to: '36001', text: 'Oui, je serai là samedi' });
    await t.relais.simulator!.sendMo({ from: '33698765432', to: '36001', text: 'stop' });
    const inbound = () => received.map((r) => JSON.parse(r.body)).filter((p) => p.type === 'inbound');
    await eventually(() => inbound().length === 2, 'the two MOs at the webhook', 10_000, 20);
    const [reply, stop] = inbound().sort((a, b) => a.at.localeCompare(b.at) || (a.inbound.intent === 'stop' ? 1 : -1));
    expect(reply.inbound).toMatchObject({ from: '33698765432', to: '36001', text: 'Oui, je serai là samedi', intent: 'other' });
    expect(stop.inbound).toMatchObject({ text: 'stop', intent: 'stop', keyword: 'STOP' });
    for (const r of received.filter((r) => JSON.parse(r.body).type === 'inbound')) {
      expect(verifySignature(created.body.secret, r.body, r.signature, Math.floor(Date.now() / 1000))).toBe(true);
    }
    const history = await t.api('GET', `/v1/webhooks/${created.body.id}/deliveries`);
    expect(history.body.deliveries.map((d: { inboundId: string | null; messageId: string | null }) => [Boolean(d.inboundId), d.messageId])).toEqual([
      [true, null],
      [true, null],
    ]);
  });

  it('supports listing, pausing and deleting webhooks', async () => {
    const created = await t.api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/none' });
    expect(created.body.events).not.toContain('submitting');
    const paused = await t.api('PATCH', `/v1/webhooks/${created.body.id}`, { active: false });
    expect(paused.body.active).toBe(false);
    expect((await t.api('GET', '/v1/webhooks')).body.webhooks.map((w: { id: string }) => w.id)).toContain(created.body.id);
    expect((await t.api('DELETE', `/v1/webhooks/${created.body.id}`)).status).toBe(204);
    expect((await t.api('GET', `/v1/webhooks/${created.body.id}`)).status).toBe(404);
    expect((await t.api('POST', '/v1/webhooks', { url: 'ftp://example' })).status).toBe(400);
  });
});

describe('webhook targets', () => {
  let t: TestRelais;
  let receiver: Server;
  let port = 0;
  let calls = 0;

  beforeAll(async () => {
    t = await startTestRelais({ webhooks: { retryScheduleSeconds: [0] } });
    receiver = createServer((_request, response) => {
      calls++;
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(async () => {
    await t?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('refuses loopback, private, link-local and metadata addresses, by address or by the name localhost', async () => {
    for (const url of [`http://127.0.0.1:${port}/hook`, 'http://169.254.169.254/latest/meta-data/', 'http://10.1.2.3/hook', 'http://192.168.1.10/', 'http://[::1]:8080/', 'http://[::ffff:127.0.0.1]/', 'http://[fd00:ec2::254]/', `http://localhost:${port}/`]) {
      const refused = await t.api('POST', '/v1/webhooks', { url });
      expect(refused.status, url).toBe(422);
      expect(refused.body.errors, url).toEqual([{ field: '/url', reason: expect.stringMatching(/loopback, private, link-local or metadata address/) }]);
    }
    const created = await t.api('POST', '/v1/webhooks', { url: 'https://hooks.example.com/relais' });
    expect(created.status).toBe(201);
    expect((await t.api('PATCH', `/v1/webhooks/${created.body.id}`, { url: 'http://169.254.169.254/' })).status).toBe(422);
    expect((await t.api('POST', '/v1/webhooks', { url: `https://example.com/${'a'.repeat(3000)}` })).status).toBe(400);
  });

  it('checks the address again when delivering, after resolving the name: a name that resolves to loopback is never called', async () => {
    // Stored as if it had been registered under a name that resolved elsewhere then.
    const webhook = await new PgWebhookStore(t.relais.db).create(t.accountId, { url: `http://localhost:${port}/hook`, events: ['queued'], secret: 'x'.repeat(16) }, new Date());
    const sent = await t.api('POST', '/v1/messages', { to: '+33612345678', text: 'Hello', class: 'transactional' });
    expect(sent.status).toBe(202);
    let deliveries: any[] = [];
    await eventually(async () => {
      deliveries = (await t.api('GET', `/v1/webhooks/${webhook.id}/deliveries`)).body.deliveries;
      return deliveries[0]?.status === 'failed';
    }, 'the delivery to give up');
    expect(deliveries[0].attempts[0].error).toMatch(/localhost resolves to .*loopback/);
    expect(calls).toBe(0);
  });
});

