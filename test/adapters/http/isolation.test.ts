/**
 * Isolation, generated from the OpenAPI document: every operation under /v1 (the aggregator's aside) is called
 * with (a) another account's key, (b) a key of the account lacking the operation's right, (c) a key limited to
 * another brand of the account, (d) the aggregator's operator-support for writes; each is refused (403 or 404)
 * or answers for its own scope only, and nothing of the account changes (its rows, compared before and after).
 * A route added without a fixture here, or under a tag whose right is unknown here, fails this test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../src/adapters/http/server.ts';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { PgEmailStore } from '../../../src/adapters/store/email-store.ts';
import { PgSmppAccountStore } from '../../../src/adapters/store/smpp-account-store.ts';
import { RIGHTS, type Right } from '../../../src/core/access/rights.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';

interface Operation {
  method: string;
  path: string;
  tags: string[];
  params: string[];
  hasBody: boolean;
}

/** The right each tag's operations need (the route's own override where it has one). */
const RIGHT_OF_TAG: Record<string, Right> = {
  messages: 'messages',
  webhooks: 'settings',
  consents: 'consents',
  inbound: 'inbound',
  contacts: 'contacts',
  imports: 'contacts',
  campaigns: 'campaigns',
  'api-keys': 'api-keys',
  users: 'users',
  account: 'settings',
  audit: 'users',
  billing: 'billing',
  statistics: 'statistics',
  incidents: 'incidents',
  doors: 'settings',
  keywords: 'settings',
  qualification: 'contacts',
  'geo-presence': 'contacts',
};
const RIGHT_OF_OPERATION: Record<string, Right> = {
  'GET /v1/campaigns/{id}/stats': 'statistics',
  'POST /v1/users/{id}/invitation': 'users',
  'PATCH /v1/account/sign-in': 'users',
};
/** Of the sign-in routes, those about the account; the others are about one's own session (a key has none). */
const isAccountOperation = (method: string, path: string, tags: string[]) => tags[0] !== 'sign-in' || `${method} ${path}` in RIGHT_OF_OPERATION;

const MSISDN = '+33612345678';
/** Text only the account's own objects hold: an answer to anyone else must never contain it. */
const MARK = 'mk7731';

/** A valid body for each operation that takes one (as a client of the account would send it, for brand Alpha). */
const BODIES: Record<string, unknown> = {
  'POST /v1/messages': { to: '+33612345679', text: 'Alpha : autre', class: 'transactional', brand: 'Alpha' },
  'POST /v1/webhooks': { url: 'http://127.0.0.1:9/other' },
  'PATCH /v1/webhooks/{id}': { events: ['delivered'] },
  'POST /v1/consents': { msisdn: MSISDN, kind: 'opt-out', brand: 'Alpha' },
  'POST /v1/bases': { name: 'other-base' },
  'POST /v1/bases/{base}/fields': { fields: [{ name: 'extra', type: 'text' }] },
  'POST /v1/bases/{base}/contacts': { mobile: '0612000009' },
  'POST /v1/contacts/terminated': { mobiles: ['0612000001'] },
  'POST /v1/bases/{base}/lists': { name: 'other-list' },
  'POST /v1/bases/{base}/lists/{list}/members': { mobiles: ['0612000001'] },
  'POST /v1/bases/{base}/segments': { name: 'other-segment', filter: { match: 'all', conditions: [{ inList: 'vip' }] } },
  'POST /v1/imports': 'csv',
  'POST /v1/imports/{id}/resume': 'csv',
  'POST /v1/templates/preview': { text: 'Alpha : bonjour', bases: ['clients'], brand: 'Alpha' },
  'POST /v1/campaigns': { name: 'other', text: 'Alpha : promo', bases: ['clients'], brand: 'Alpha' },
  'PUT /v1/campaigns/{id}': { name: 'renamed', text: 'Alpha : promo', bases: ['clients'], brand: 'Alpha' },
  'POST /v1/api-keys': { name: 'other', rights: ['messages'], brands: ['Alpha'] },
  'PATCH /v1/users/{id}': { name: 'Renamed' },
  'PUT /v1/account/brands': { brands: ['Beta'] },
  'POST /v1/users': { email: 'other@a.example', name: 'Other', rights: ['messages'], brands: ['Alpha'] },
  'PATCH /v1/account/sign-in': { requireSecondFactor: false },
  'POST /v1/incidents': { title: 'other', description: 'other' },
  'POST /v1/incidents/{id}/comments': { text: 'other' },
  'POST /v1/incidents/{id}/status': { status: 'closed' },
  'POST /v1/incidents/{id}/attachments': { filename: 'other.txt', contentType: 'text/plain', content: 'eA==' },
  'PUT /v1/alarms/settings': { monthlyVolume: 1000, notify: { emails: [], phones: [], webhooks: false } },
  'PUT /v1/doors/smpp/{systemId}/allowed-ips': { allowedIps: ['192.0.2.0/24'] },
  'PUT /v1/doors/email/text-from': { textFrom: 'subject' },
  'PUT /v1/keywords': { stop: ['BASTA'], contact: ['INFOS'] },
  'PUT /v1/keywords/contact-reply': { contactReply: 'Other SA' },
  'POST /v1/qualifications': { numbers: ['0612000001'] },
  'POST /v1/geolocation-consents': { msisdn: MSISDN, accepted: true, brand: 'Alpha', channel: 'web form' },
  'POST /v1/locations': { msisdn: MSISDN, brand: 'Alpha' },
};
const QUERIES: Record<string, string> = { 'POST /v1/imports': '?base=clients' };

/** Tables whose rows belong to an account through a parent, and how to find the account's. */
const CHILD_ROWS: Record<string, string> = {
  contacts: 'base_id IN (SELECT id FROM contact_bases WHERE account_id = $1)',
  contact_lists: 'base_id IN (SELECT id FROM contact_bases WHERE account_id = $1)',
  segments: 'base_id IN (SELECT id FROM contact_bases WHERE account_id = $1)',
  contact_list_members: 'list_id IN (SELECT l.id FROM contact_lists l JOIN contact_bases b ON b.id = l.base_id WHERE b.account_id = $1)',
  import_chunks: 'import_id IN (SELECT id FROM imports WHERE account_id = $1)',
  import_rejections: 'import_id IN (SELECT id FROM imports WHERE account_id = $1)',
  import_undo: 'import_id IN (SELECT id FROM imports WHERE account_id = $1)',
  import_notices: 'import_id IN (SELECT id FROM imports WHERE account_id = $1)',
  message_parts: 'message_id IN (SELECT id FROM messages WHERE account_id = $1)',
  webhook_deliveries: 'webhook_id IN (SELECT id FROM webhooks WHERE account_id = $1)',
  consent_retractions: 'event_id IN (SELECT id FROM consent_events WHERE account_id = $1)',
};

describe('isolation of accounts, rights and brands over every operation', { timeout: 120_000 }, () => {
  let t: TestRelais;
  let operations: Operation[];
  const keys: Record<string, string> = {};
  const fixtures: Record<string, string> = {};

  const call = async (key: string, op: Operation, headers: Record<string, string> = {}) => {
    const id = `${op.method} ${op.path}`;
    const body = BODIES[id];
    const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(fixtureFor(op.path, name))) + (QUERIES[id] ?? '');
    const response = await fetch(t.relais.httpUrl + url, {
      method: op.method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': body === 'csv' ? 'text/csv' : 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: body === 'csv' ? `mobile;firstName\r\n0612000008;Autre\r\n` : JSON.stringify(body) }),
    });
    return { status: response.status, text: await response.text() };
  };

  const fixtureFor = (path: string, name: string): string => {
    if (name === 'id') {
      const area = /^\/v1\/([a-z-]+)/.exec(path)![1]!;
      const value = fixtures[area];
      if (!value) throw new Error(`no fixture for {id} under /v1/${area}: add one to this test`);
      return value;
    }
    const value = fixtures[name];
    if (!value) throw new Error(`no fixture for the path parameter {${name}} of ${path}: add one to this test`);
    return value;
  };

  /** Every row of the account, table by table, as text (an API key's last use aside: it is written when used). */
  const snapshot = async (): Promise<Record<string, string>> => {
    const { rows: tables } = await t.relais.db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'account_id' AND table_name NOT IN ('audit_events')`,
    );
    const where: Record<string, string> = { accounts: 'id = $1', ...CHILD_ROWS };
    for (const { table_name } of tables) where[table_name] = 'account_id = $1';
    const out: Record<string, string> = {};
    for (const [table, condition] of Object.entries(where)) {
      const { rows } = await t.relais.db.pool.query<{ s: string | null }>(
        `SELECT string_agg((to_jsonb(x) - 'last_used_at')::text, E'\\n' ORDER BY (to_jsonb(x) - 'last_used_at')::text) AS s FROM ${table} x WHERE ${condition}`,
        [t.accountId],
      );
      out[table] = rows[0]!.s ?? '';
    }
    return out;
  };

  beforeAll(async () => {
    t = await startTestRelais({ roles: ['api'], webhooks: { allowTargets: ['127.0.0.1'] } }, { brand: 'Alpha', brands: ['Alpha', 'Beta'] });
    const accounts = new PgAccountStore(t.relais.db);
    const now = new Date();
    const other = await accounts.createAccount({ name: 'other', brand: 'Other' }, now);
    keys.other = await accounts.createApiKey(other.id, null, now);
    keys.beta = await accounts.createApiKey(t.accountId, 'beta', now, { rights: RIGHTS, brands: ['Beta'] });
    for (const right of RIGHTS) keys[`without ${right}`] = await accounts.createApiKey(t.accountId, null, now, { rights: RIGHTS.filter((r) => r !== right), brands: null });
    keys.admin = await accounts.createAggregatorKey(null, now);
    keys.support = await accounts.createAggregatorKey(null, now, 'operator-support');

    const ok = async (method: string, path: string, body?: unknown) => {
      const r = await t.api(method, path, body);
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
      return r.body;
    };
    fixtures.messages = (await ok('POST', '/v1/messages', { to: MSISDN, text: `Alpha : ${MARK} message`, class: 'transactional', brand: 'Alpha' })).id;
    fixtures.webhooks = (await ok('POST', '/v1/webhooks', { url: `http://127.0.0.1:9/${MARK}` })).id;
    await ok('POST', '/v1/consents', { msisdn: MSISDN, kind: 'opt-in', channel: 'web form', wording: `${MARK} wording`, brand: 'Alpha' });
    await ok('POST', '/v1/bases', { name: 'clients' });
    await ok('POST', '/v1/bases/clients/contacts', { mobile: '0612000001', firstName: `${MARK}contact` });
    await ok('POST', '/v1/bases/clients/lists', { name: 'vip' });
    await ok('POST', '/v1/bases/clients/segments', { name: 'fideles', filter: { match: 'all', conditions: [{ inList: 'vip' }] } });
    await ok('POST', '/v1/qualifications', { numbers: [MSISDN] });
    await ok('POST', '/v1/geolocation-consents', { msisdn: MSISDN, accepted: true, channel: 'web form', wording: `${MARK} geolocation`, brand: 'Alpha' });
    // No invoice nor credit note is issued in this test: their numbers answer 404 to everyone, the account included.
    await new PgSmppAccountStore(t.relais.db).setCredential(t.accountId, { systemId: 'alphasmpp', password: 'secret' }, now);
    await new PgEmailStore(t.relais.db).allowSenders(t.accountId, ['sender@alpha.example'], now);
    Object.assign(fixtures, { systemId: 'alphasmpp', address: 'sender@alpha.example' });
    Object.assign(fixtures, { msisdn: MSISDN, base: 'clients', mobile: '0612000001', list: 'vip', segment: 'fideles', number: 'F2026-000001', month: '2026-11' });
    const imported = await fetch(`${t.relais.httpUrl}/v1/imports?base=clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'text/csv' },
      body: `mobile;firstName\r\n0612000002;${MARK}imported\r\n`,
    });
    expect(imported.status).toBe(201);
    fixtures.imports = ((await imported.json()) as { id: string }).id;
    fixtures.campaigns = (await ok('POST', '/v1/campaigns', { name: `${MARK} campaign`, text: 'Alpha : promo', bases: ['clients'], brand: 'Alpha' })).id;
    fixtures['api-keys'] = (await ok('POST', '/v1/api-keys', { name: `${MARK} key`, rights: ['messages'], brands: ['Alpha'] })).id;
    fixtures.incidents = (await ok('POST', '/v1/incidents', { title: `${MARK} incident`, description: `${MARK} description` })).reference;
    fixtures.attachment = (await ok('POST', `/v1/incidents/${fixtures.incidents}/attachments`, { filename: `${MARK}.txt`, contentType: 'text/plain', content: 'eA==' })).id;
    fixtures.users = (await ok('POST', '/v1/users', { email: `${MARK}@a.example`, name: `${MARK} user`, rights: ['messages'], brands: ['Alpha'] })).id;
    await t.relais.db.pool.query(
      `INSERT INTO inbound_messages (id, route, sender, recipient, body, received_at, account_id, brand, intent) VALUES (gen_random_uuid(), 'sim', '33612345678', '36001', $2, now(), $1, 'Alpha', 'other')`,
      [t.accountId, `${MARK} inbound`],
    );

    const document = (await openApiDocument()) as { paths: Record<string, Record<string, { tags?: string[]; requestBody?: unknown }>> };
    operations = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/v1/') && !path.startsWith('/v1/aggregator/'))
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({
          method: method.toUpperCase(),
          path,
          tags: op.tags ?? [],
          params: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
          hasBody: op.requestBody !== undefined,
        })),
      )
      .filter((op) => isAccountOperation(op.method, op.path, op.tags));
  });
  afterAll(() => t?.stop());

  const rightOf = (op: Operation): Right => {
    const right = RIGHT_OF_OPERATION[`${op.method} ${op.path}`] ?? RIGHT_OF_TAG[op.tags[0] ?? ''];
    if (!right) throw new Error(`${op.method} ${op.path} has the tag ${op.tags[0]}, whose right this test does not know: add it`);
    return right;
  };
  /** An operation that names no object of the account answers for the caller's own scope (its account, its brands). */
  // A number or a month names no object of the account: each key reads its own account's (a statement of 2026-11).
  const namesAnObject = (op: Operation) => op.params.some((p) => p !== 'msisdn' && p !== 'month');

  it('knows every operation: a body for each that takes one, a right for each tag, a fixture for each path parameter', () => {
    expect(operations.length).toBeGreaterThan(50);
    for (const op of operations) {
      rightOf(op);
      if (op.hasBody) expect(BODIES, `no body for ${op.method} ${op.path}: add one to this test`).toHaveProperty([`${op.method} ${op.path}`]);
      for (const p of op.params) fixtureFor(op.path, p);
    }
  });

  it('refuses every operation to a key lacking its right, and changes nothing', async () => {
    const before = await snapshot();
    for (const op of operations) {
      const { status, text } = await call(keys[`without ${rightOf(op)}`]!, op);
      expect(status, `${op.method} ${op.path} without "${rightOf(op)}": ${text}`).toBe(403);
      expect(text).not.toContain(MARK);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("never shows nor changes the account's objects to another account's key", async () => {
    const before = await snapshot();
    for (const op of operations) {
      const { status, text } = await call(keys.other!, op);
      if (namesAnObject(op)) expect([403, 404], `${op.method} ${op.path} with another account's key: ${status} ${text}`).toContain(status);
      expect(text, `${op.method} ${op.path} with another account's key`).not.toContain(MARK);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('never shows nor changes the objects of brand Alpha to a key limited to brand Beta', async () => {
    const before = await snapshot();
    for (const op of operations) {
      const { status, text } = await call(keys.beta!, op);
      // A read of a list or of a recipient answers with Beta's part only; anything else is refused.
      if (op.method !== 'GET' || namesAnObject(op)) expect([403, 404], `${op.method} ${op.path} with a key limited to Beta: ${status} ${text}`).toContain(status);
      expect(text, `${op.method} ${op.path} with a key limited to Beta`).not.toContain(MARK);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("lets the aggregator's operator-support read every account route but change nothing", async () => {
    const before = await snapshot();
    for (const op of operations) {
      const { status, text } = await call(keys.support!, op, { 'relais-account': 'test' });
      const write = op.method !== 'GET' && !['/v1/templates/preview', '/v1/campaigns/{id}/dry-run'].includes(op.path);
      if (write) expect(status, `${op.method} ${op.path} by operator-support: ${text}`).toBe(403);
      else if (op.path.includes('{number}')) expect(status, `${op.method} ${op.path} by operator-support: ${text}`).toBe(404);
      else expect(status, `${op.method} ${op.path} by operator-support: ${text}`).toBeLessThan(300);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("lets operator-admin act on an account named by the Relais-Account header, and only so", async () => {
    const message = await fetch(`${t.relais.httpUrl}/v1/messages/${fixtures.messages}`, { headers: { authorization: `Bearer ${keys.admin}`, 'relais-account': 'test' } });
    expect(message.status).toBe(200);
    const unnamed = await fetch(`${t.relais.httpUrl}/v1/messages/${fixtures.messages}`, { headers: { authorization: `Bearer ${keys.admin}` } });
    expect(unnamed.status).toBe(422);
    const elsewhere = await fetch(`${t.relais.httpUrl}/v1/messages/${fixtures.messages}`, { headers: { authorization: `Bearer ${keys.admin}`, 'relais-account': 'other' } });
    expect(elsewhere.status).toBe(404);
  });

  it("refuses the aggregator's routes to account keys, and their writes to operator-support", async () => {
    const list = (key: string) => fetch(`${t.relais.httpUrl}/v1/aggregator/accounts`, { headers: { authorization: `Bearer ${key}` } });
    expect((await list(t.key)).status).toBe(401);
    expect((await list(keys.support!)).status).toBe(200);
    const suspend = await fetch(`${t.relais.httpUrl}/v1/aggregator/accounts/test/suspend`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.support}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'unpaid' }),
    });
    expect(suspend.status).toBe(403);
    expect((await new PgAccountStore(t.relais.db).findById(t.accountId))!.status).toBe('active');
  });

  // Last: the account's own key reaches every operation (the refusals above are not refusals of everything); the
  // administration is handed over by the administrator or the aggregator only, never by a key.
  it("lets the account's own key through every operation", async () => {
    const order = (op: Operation) => (op.method === 'DELETE' ? 2 : /cancel|rollback|administrator/.test(op.path) ? 1 : 0);
    for (const op of [...operations].sort((a, b) => order(a) - order(b))) {
      const byAggregator = op.path === '/v1/users/{id}/administrator';
      const { status, text } = byAggregator ? await call(keys.admin!, op, { 'relais-account': 'test' }) : await call(t.key, op);
      expect([401, 403], `${op.method} ${op.path} with the account's key: ${status} ${text}`).not.toContain(status);
      if (op.method === 'GET' && !namesAnObject(op)) expect(status).toBe(200);
    }
  });
});
