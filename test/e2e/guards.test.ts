/**
 * The per-recipient guards at intake and at the claim (issue "Consent, STOP, CONTACT"): consent from the
 * ledger, opposition, the daily marketing cap, send windows, message rules — and STOP, START and CONTACT by
 * SMS through the built-in simulator. The clock starts on a working Tuesday at 10:00 in Paris, inside every
 * send window, and runs at the real pace. Everything runs twice: MOs through the SMPP and the UCP simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgConsentStore } from '../../src/adapters/store/consent-store.ts';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { PgMoStore } from '../../src/adapters/store/mo-store.ts';
import type { NewConsentEvent } from '../../src/app/ports.ts';
import { clockFrom, startTestRelais, type TestRelais } from '../support/relais.ts';

const TUESDAY_10H_PARIS = new Date('2026-11-24T09:00:00Z');
const clock = clockFrom(TUESDAY_10H_PARIS);

describe.each(['smpp', 'ucp'])('guards on every message, MOs over %s', (protocol) => {
  let t: TestRelais;
  let consents: PgConsentStore;
  let seq = 0;
  /** A recipient no other test uses. */
  const fresh = () => `+3361234${String(++seq).padStart(4, '0')}`;
  const consent = (recipient: string, kind: NewConsentEvent['kind'] = 'opt-in', brand = 'Dupont') =>
    consents.record([{ accountId: t.accountId, brand, recipient, kind, source: 'api', occurredAt: clock.now() }], clock.now());
  const marketing = (to: string, extra: Record<string, unknown> = {}) => t.api('POST', '/v1/messages', { to, text: 'Dupont : -20 % sur tout le rayon jardin ce samedi', class: 'marketing', ...extra });
  /** Marketing the recipient actually received: a reply is attributed to what reached the handset. */
  const received = async (to: string, extra: Record<string, unknown> = {}) => {
    const sent = await marketing(to, extra);
    expect((await t.waitFor(sent.body.id, (s) => s === 'delivered')).status).toBe('delivered');
  };

  beforeAll(async () => {
    t = await startTestRelais({ simulator: { protocol } }, { brand: 'Dupont', brands: ['Jardins'], contactReply: 'Dupont SAS, 1 rue de la Paix 75002 Paris, contact@dupont.example', keywords: { stop: ['BASTA'] } }, clock);
    consents = new PgConsentStore(t.relais.db);
  });
  afterAll(() => t?.stop());

  it('keeps marketing to a recipient without recorded consent, suppressed with the rule and the reason', async () => {
    const sent = await marketing(fresh());
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ status: 'suppressed', error: { code: 'consent' } });
    const stored = await t.api('GET', `/v1/messages/${sent.body.id}`);
    expect(stored.body).toMatchObject({ status: 'suppressed', error: { code: 'consent' }, doneAt: expect.any(String) });
  });

  it('sends marketing with consent, the STOP mention added to the text, and delivers it', async () => {
    const to = fresh();
    await consent(to);
    const sent = await marketing(to);
    expect(sent.body.status).toBe('queued');
    const message = await t.waitFor(sent.body.id, (s) => s === 'delivered');
    expect(message.text).toMatch(/^Dupont : -20 % sur tout le rayon jardin ce samedi.*STOP au 36001$/s);
  });

  it('suppresses marketing to a recipient who opted out, for that brand only', async () => {
    const to = fresh();
    await consent(to);
    await consent(to, 'opt-out');
    expect((await marketing(to)).body).toMatchObject({ status: 'suppressed', error: { code: 'opposition' } });
    await consent(to, 'opt-in', 'Jardins');
    expect((await marketing(to, { brand: 'Jardins', text: 'Jardins : semis offerts ce week-end' })).body.status).toBe('queued');
  });

  it('moves a second marketing SMS the same day to the next day’s window opening (one a day per brand)', async () => {
    const to = fresh();
    await consent(to);
    const first = await marketing(to);
    const second = await marketing(to);
    expect(first.body.status).toBe('queued');
    expect(second.body.status).toBe('queued');
    // Wednesday 08:00 in Paris
    expect(second.body.dueAt).toBe('2026-11-25T07:00:00.000Z');
  });

  it('suppresses the second one instead for an account whose cap policy is reject', async () => {
    const accounts = new PgAccountStore(t.relais.db);
    const strict = await accounts.createAccount({ name: 'strict', defaultShortCode: '36001', brand: 'Dupont', capPolicy: 'reject' }, clock.now());
    const key = await accounts.createApiKey(strict.id, null, clock.now());
    const to = fresh();
    await consents.record([{ accountId: strict.id, brand: 'Dupont', recipient: to, kind: 'opt-in', source: 'api', occurredAt: clock.now() }], clock.now());
    const send = () =>
      fetch(`${t.relais.httpUrl}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ to, text: 'Dupont : -20 % sur tout le rayon jardin ce samedi', class: 'marketing' }),
      }).then((r) => r.json() as Promise<{ status: string; error: { code: string; reason: string } | null }>);
    expect((await send()).status).toBe('queued');
    const second = await send();
    expect(second).toMatchObject({ status: 'suppressed', error: { code: 'frequency-cap' } });
    expect(second.error!.reason).toContain('2026-11-24');
  });

  it('defers marketing scheduled outside the send window to the next opening in the recipient’s time', async () => {
    const to = fresh();
    await consent(to);
    const late = await marketing(to, { sendAt: '2026-11-24T22:30:00Z' }); // 23:30 in Paris
    expect(late.body).toMatchObject({ status: 'queued', dueAt: '2026-11-25T07:00:00.000Z' });
  });

  it('refuses advertising in a transactional message, naming the field and the rule', async () => {
    const refused = await t.api('POST', '/v1/messages', { to: fresh(), text: 'Votre colis arrive demain. Promo -50 % sur tout le site avec le code COLIS50 !', class: 'transactional' });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: '/text', reason: expect.stringContaining('no-advertising-in-transactional') })]);
  });

  it('STOP by SMS: opted out before the acknowledgement; queued marketing is suppressed, not sent', async () => {
    const to = fresh();
    await consent(to);
    const later = await marketing(to, { sendAt: new Date(clock.now().getTime() + 1_500).toISOString() });
    expect(later.body.status).toBe('queued');
    await t.relais.simulator!.sendMo({ from: to.slice(1), to: '36001', text: '  Stop ' });
    const history = await consents.history(t.accountId, to);
    // Nothing reached the number yet: the STOP opts out of every brand of the accounts on the short code.
    expect(history.at(-1)).toMatchObject({ kind: 'opt-out', brand: '*', source: 'stop-mo' });
    const message = await t.waitFor(later.body.id, (s) => s === 'suppressed' || s === 'delivered', 10_000);
    expect(message).toMatchObject({ status: 'suppressed', error: { code: 'opposition' } });
  });

  it('STOP naming a brand opts out of that brand only, when the number had marketing from several', async () => {
    const to = fresh();
    await consent(to);
    await consent(to, 'opt-in', 'Jardins');
    await received(to);
    await received(to, { brand: 'Jardins', text: 'Jardins : semis offerts ce week-end' });
    await t.relais.simulator!.sendMo({ from: to.slice(1), to: '36001', text: 'STOP Jardins' });
    const history = await consents.history(t.accountId, to);
    expect(history.at(-1)).toMatchObject({ kind: 'opt-out', brand: 'Jardins', source: 'stop-mo' });
    expect(history.filter((e) => e.kind === 'opt-out')).toHaveLength(1);
    expect((await marketing(to)).body.status).toBe('queued');
  });

  it('reads the words the account added to the STOP keywords', async () => {
    const to = fresh();
    await consent(to);
    await received(to);
    await t.relais.simulator!.sendMo({ from: to.slice(1), to: '36001', text: 'Basta !' });
    expect((await consents.history(t.accountId, to)).at(-1)).toMatchObject({ kind: 'opt-out', source: 'stop-mo', wording: 'Basta !' });
  });

  it('START by SMS re-opens consent', async () => {
    const to = fresh();
    await consent(to);
    await received(to);
    await t.relais.simulator!.sendMo({ from: to.slice(1), to: '36001', text: 'STOP' });
    await t.relais.simulator!.sendMo({ from: to.slice(1), to: '36001', text: 'start' });
    expect((await consents.history(t.accountId, to)).map((e) => `${e.kind}/${e.source}`)).toEqual(['opt-in/api', 'opt-out/stop-mo', 'opt-in/start-mo']);
  });

  it('CONTACT by SMS is answered with the account’s identity from the same short code', async () => {
    const to = fresh();
    await t.relais.simulator!.sendMo({ from: to.slice(1), to: '36001', text: 'Contact' });
    const { body } = await t.api('GET', `/v1/messages?limit=5`);
    const reply = body.messages.find((m: { to: string }) => m.to === to);
    expect(reply).toMatchObject({ class: 'transactional', from: '36001', text: 'Dupont SAS, 1 rue de la Paix 75002 Paris, contact@dupont.example' });
  });

  it('gives each account sharing the short code its own copy of a STOP nobody’s recent marketing explains', async () => {
    const other = await new PgAccountStore(t.relais.db).createAccount({ name: `voisin-${protocol}`, brand: 'Voisin', defaultShortCode: '36001' }, clock.now());
    const to = fresh();
    await t.relais.simulator!.sendMo({ from: to.slice(1), to: '36001', text: 'STOP' });
    const mos = new PgMoStore(t.relais.db);
    const [mine] = (await mos.listInbound(t.accountId, 20)).filter((m) => m.from === to.slice(1));
    const [theirs] = (await mos.listInbound(other.id, 20)).filter((m) => m.from === to.slice(1));
    expect(mine).toMatchObject({ text: 'STOP', intent: 'stop' });
    expect(theirs).toMatchObject({ text: 'STOP', intent: 'stop' });
    expect(theirs!.id).not.toBe(mine!.id);
    expect((await consents.history(other.id, to)).at(-1)).toMatchObject({ kind: 'opt-out', source: 'stop-mo', reference: `mo:${theirs!.id}` });
    expect((await consents.history(t.accountId, to)).at(-1)).toMatchObject({ kind: 'opt-out', source: 'stop-mo', reference: `mo:${mine!.id}` });
  });

  it('shows the MOs attributed to the account, with what each asked for', async () => {
    const to = fresh();
    await consent(to);
    await received(to);
    await t.relais.simulator!.sendMo({ from: to.slice(1), to: '36001', text: 'Je viendrai samedi' });
    await t.relais.simulator!.sendMo({ from: to.slice(1), to: '36001', text: 'STOP' });
    const { body } = await t.api('GET', '/v1/inbound?limit=2');
    expect(body.inbound.map((m: { text: string; intent: string; brand: string }) => [m.text, m.intent, m.brand])).toEqual([
      ['STOP', 'stop', 'Dupont'],
      ['Je viendrai samedi', 'other', 'Dupont'],
    ]);
  });
});
