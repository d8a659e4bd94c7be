/**
 * Template previews and campaigns over HTTP, through a running Relais and its built-in SMSC simulator: preview a
 * text (an accented name puts its message in UCS-2), write a campaign, dry-run it (an opted-out and a no-consent
 * recipient left out of a marketing campaign), launch it, follow its statistics until the simulator has delivered
 * every message; actions the campaign's status does not allow get 409 with a reason. The clock starts on a
 * working Tuesday at 10:00 in Paris, inside every send window, and runs at the real pace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../support/csv.ts';
import { clockFrom, startTestRelais, type TestRelais } from '../../support/relais.ts';

const TUESDAY_10H_PARIS = new Date('2026-11-24T09:00:00Z');
const clock = clockFrom(TUESDAY_10H_PARIS);
const TEXT = 'Dupont : Bonjour {prénom|cher client}, -20 % sur tout le rayon jardin ce samedi';

describe('campaigns over HTTP', () => {
  let t: TestRelais;
  let seq = 0;
  beforeAll(async () => {
    t = await startTestRelais({ campaigns: { pollIntervalMs: 50, chunk: 100, aheadSeconds: 1 } }, { brand: 'Dupont' }, clock);
  });
  afterAll(() => t?.stop());

  /**
   * A base of four contacts: Loïc (opted in, an accented name), Bruno (opted in, then STOP), Chloé (no consent)
   * and Anne (opted in).
   */
  async function audience(): Promise<{ base: string; mobiles: string[] }> {
    const base = `clients-${++seq}`;
    const mobiles = [1, 2, 3, 4].map((i) => `+3361200${seq}${String(i).padStart(3, '0')}`);
    await t.api('POST', '/v1/bases', { name: base });
    const names = ['Loïc', 'Bruno', 'Chloé', 'Anne'];
    const saved = await t.api('POST', `/v1/bases/${base}/contacts`, { contacts: mobiles.map((mobile, i) => ({ mobile, firstName: names[i] })) });
    expect(saved.body).toEqual({ inserted: 4, merged: 0 });
    const recorded = await t.api('POST', '/v1/consents', {
      events: [
        { msisdn: mobiles[0], kind: 'opt-in', channel: 'web form' },
        { msisdn: mobiles[1], kind: 'opt-in', channel: 'web form' },
        { msisdn: mobiles[1], kind: 'opt-out', channel: 'SMS' },
        { msisdn: mobiles[3], kind: 'soft-opt-in', channel: 'shop' },
      ],
    });
    expect(recorded.status).toBe(201);
    return { base, mobiles };
  }

  /** Polls the campaign's statistics until `done` holds (or fails after the timeout with the last ones seen). */
  async function statsWhen(id: string, done: (stats: any) => boolean, timeoutMs = 15_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await t.api('GET', `/v1/campaigns/${id}/stats`);
      if (done(body)) return body;
      if (Date.now() > deadline) throw new Error(`timed out waiting for the campaign's statistics; last seen: ${JSON.stringify(body)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('previews a text over an audience: the accented name puts its message in UCS-2', async () => {
    const { base, mobiles } = await audience();
    const preview = await t.api('POST', '/v1/templates/preview', { text: TEXT, bases: [base] });
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({
      recipients: 4,
      contacts: 4,
      previewed: 4,
      byEncoding: { gsm7: 3, ucs2: 1 },
      segments: { 1: 4 },
      maxSegments: 1,
      totalSegments: 4,
      ucs2Because: [{ recipient: mobiles[0], characters: ['ï'] }],
      fromTemplate: [],
      stopMentionAdded: true,
      samples: [
        { recipient: mobiles[0], text: 'Dupont : Bonjour Loïc, -20 % sur tout le rayon jardin ce samedi' },
        { recipient: mobiles[1], text: 'Dupont : Bonjour Bruno, -20 % sur tout le rayon jardin ce samedi' },
        { recipient: mobiles[2], text: 'Dupont : Bonjour Chloé, -20 % sur tout le rayon jardin ce samedi' },
      ],
    });

    const sampled = await t.api('POST', '/v1/templates/preview', { text: 'Dupont : {firstName}', bases: [base], sample: 2, class: 'transactional' });
    expect(sampled.body).toMatchObject({ recipients: 4, previewed: 2, stopMentionAdded: false });
  });

  it('answers a text with mistakes with each mistake’s position and reason', async () => {
    const { base } = await audience();
    const wrong = await t.api('POST', '/v1/templates/preview', { text: 'Dupont : Bonjour {prenon}, {custom.points', bases: [base] });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ status: 422, title: 'Invalid request' });
    expect(wrong.body.errors).toEqual([
      { field: '/text', position: 17, length: 8, code: 'unknown-field', reason: 'unknown field {prenon}: did you mean {prénom}?' },
      { field: '/text', position: 27, length: expect.any(Number), code: 'unclosed-brace', reason: expect.stringContaining('unclosed {') },
    ]);
    const unknownBase = await t.api('POST', '/v1/templates/preview', { text: TEXT, bases: ['nowhere'] });
    expect(unknownBase.status).toBe(422);
    expect(unknownBase.body.errors).toEqual([{ field: '/bases/0', reason: 'no contact base "nowhere" in this account' }]);
  });

  it('writes a campaign, dry-runs it (STOP and no consent left out), launches it, and its messages are delivered', async () => {
    const { base, mobiles } = await audience();
    const created = await t.api('POST', '/v1/campaigns', { name: 'Jardin samedi', text: TEXT, bases: [base] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Jardin samedi',
      status: 'draft',
      actions: ['launch', 'cancel', 'edit'],
      class: 'marketing',
      brand: 'Dupont',
      text: TEXT,
      audience: { bases: [expect.any(String)], lists: [], segment: null },
      sendAt: null,
      queued: 0,
    });
    const id = created.body.id;
    expect((await t.api('GET', `/v1/campaigns/${id}`)).body).toEqual(created.body);
    expect((await t.api('GET', '/v1/campaigns')).body.campaigns).toContainEqual(created.body);

    const paused = await t.api('POST', `/v1/campaigns/${id}/pause`);
    expect(paused.status).toBe(409);
    expect(paused.body.detail).toMatch(/^a draft campaign cannot be paused; allowed: .*launch/);

    const edited = await t.api('PUT', `/v1/campaigns/${id}`, { name: 'Jardin samedi (v2)', text: TEXT, bases: [base] });
    expect(edited.body).toMatchObject({ status: 'draft', name: 'Jardin samedi (v2)' });

    const dryRun = await t.api('POST', `/v1/campaigns/${id}/dry-run`);
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).toMatchObject({
      campaignId: id,
      audience: { contacts: 4, recipients: 4 },
      messages: 2,
      excluded: { stop: 1, 'no-consent': 1 },
      deferred: { byWindow: 0, byCap: 0, until: null },
      encoding: { gsm7: 1, ucs2: 1 },
      parts: 3,
      ucs2Because: [{ recipient: mobiles[0], characters: expect.arrayContaining(['ï']) }],
      cost: { microEuros: expect.any(Number), euros: expect.stringMatching(/^\d+\.\d{2,6}$/) },
    });
    expect(dryRun.body.cost.microEuros).toBeGreaterThan(0);
    expect(dryRun.body.samples.map((s: { recipient: string }) => s.recipient)).toEqual([mobiles[0], mobiles[3]]);
    expect(dryRun.body.samples[1].text).toMatch(/^Dupont : Bonjour Anne, .* STOP au \d+$/);
    expect(dryRun.body.ruleSets).toEqual(['Orange OPS + AF2M 2026']);
    expect(dryRun.body.cost).toMatchObject({ billedThisMonth: expect.any(Number), cliff: null });

    const file = await fetch(`${t.relais.httpUrl}/v1/campaigns/${id}/dry-run/recipients`, { headers: { authorization: `Bearer ${t.key}` } });
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    const rows = parseCsv(await file.text());
    expect(rows[0]).toEqual(['recipient', 'outcome', 'reason', 'goesAt', 'encoding', 'segments', 'ruleSet', 'detail', 'route']);
    expect(rows.slice(1).map(([recipient, outcome, reason, , , , , , route]) => [recipient, outcome, reason, route]).sort()).toEqual(
      [
        [mobiles[0], 'send', '', 'simulator'],
        [mobiles[1], 'excluded', 'stop', ''],
        [mobiles[2], 'excluded', 'no-consent', ''],
        [mobiles[3], 'send', '', 'simulator'],
      ].sort(),
    );
    expect((await t.api('GET', '/v1/campaigns/00000000-0000-7000-8000-000000000000/dry-run/recipients')).status).toBe(404);

    const launched = await t.api('POST', `/v1/campaigns/${id}/launch`);
    expect(launched.status).toBe(200);
    expect(launched.body).toMatchObject({ status: 'running', actions: ['pause', 'cancel'], startedAt: expect.any(String) });

    const editRunning = await t.api('PUT', `/v1/campaigns/${id}`, { name: 'too late', text: TEXT, bases: [base] });
    expect(editRunning.status).toBe(409);
    expect(editRunning.body.detail).toContain('a running campaign cannot be edited (content and audience can change only before sending starts)');

    const stats = await statsWhen(id, (s) => s.delivered === 2 && s.campaign.status === 'completed');
    expect(stats).toMatchObject({
      sent: 2,
      delivered: 2,
      failed: 0,
      suppressed: 2,
      pending: 0,
      failedByReason: { opposition: 1, consent: 1 },
      stopsAfter: 0,
      billedParts: 3,
      costSoFar: { microEuros: dryRun.body.cost.microEuros, euros: dryRun.body.cost.euros },
      campaign: { id, status: 'completed', queued: 4, finishedAt: expect.any(String) },
    });

    const cancelled = await t.api('POST', `/v1/campaigns/${id}/cancel`);
    expect(cancelled.status).toBe(409);
    expect(cancelled.body.detail).toBe('a completed campaign cannot be cancelled; nothing can be done to a completed campaign');
  });

  it('refuses a campaign whose bases, lists or text are wrong, with every problem', async () => {
    const { base } = await audience();
    const wrong = await t.api('POST', '/v1/campaigns', { name: 'x', text: 'Dupont : {prenon}', bases: [base, 'nowhere'], lists: ['none'] });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors.map((e: { field: string }) => e.field)).toEqual(['/bases/1', '/lists/0', '/text']);
    const brandless = await t.api('POST', '/v1/campaigns', { name: 'sans marque', text: 'Bonjour {prénom}, -20 % ce samedi', bases: [base] });
    expect(brandless.status).toBe(201);
    const launched = await t.api('POST', `/v1/campaigns/${brandless.body.id}/launch`);
    expect(launched.status).toBe(422);
    expect(launched.body.errors[0]).toMatchObject({ field: '/text', reason: expect.stringContaining('every recipient tried would be refused') });
    expect((await t.api('GET', `/v1/campaigns/${brandless.body.id}`)).body.status).toBe('draft');
    expect((await t.api('GET', '/v1/campaigns/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await t.api('POST', '/v1/campaigns/nope/launch')).status).toBe(404);
  });
});
