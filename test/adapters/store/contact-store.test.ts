/**
 * Contacts in PostgreSQL, fed by the import use case from real CSV bytes (src/app/import-contacts.ts over
 * src/adapters/csv): rows settled chunk by chunk with the line reached, rejected rows kept with their line and
 * reason, duplicates merged, consent evidence recorded; an interrupted import resumed without loss or repeat; a
 * rollback that undoes exactly what the import did; segments counted. On the embedded PostgreSQL and, when
 * DATABASE_URL is set, on the external one.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCsv } from '../../../src/adapters/csv/csv-source.ts';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { PgConsentStore } from '../../../src/adapters/store/consent-store.ts';
import { PgContactStore } from '../../../src/adapters/store/contact-store.ts';
import { importContacts, type ImportRequest, type RecordSource } from '../../../src/app/import-contacts.ts';
import type { ContactBase, ImportRecord } from '../../../src/app/ports.ts';
import { HYGIENE_WINDOW_DAYS, UNKNOWN_SUBSCRIBER_ERRORS, UNKNOWN_SUBSCRIBER_LIMIT, UNREACHABLE_REASON } from '../../../src/core/contacts/index.ts';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../../support/db.ts';

const t0 = new Date('2026-06-01T10:00:00Z');
const clock = { now: () => t0 };
const mobile = (i: number) => `06${String(10_000_000 + i).padStart(8, '0')}`;
const e164 = (i: number) => `+336${String(10_000_000 + i).padStart(8, '0')}`;

describe.each(databaseTargets())('contacts and imports on $name PostgreSQL', (target) => {
  let tdb: TestDatabase;
  let contacts: PgContactStore;
  let consents: PgConsentStore;
  let accountId: string;
  let n = 0;

  beforeAll(async () => {
    tdb = await createTestDatabase(target);
    contacts = new PgContactStore(tdb.db);
    consents = new PgConsentStore(tdb.db);
    accountId = (await new PgAccountStore(tdb.db).createAccount({ name: 'acme' }, t0)).id;
  });
  afterAll(() => tdb?.drop());

  const freshBase = () => contacts.createBase(accountId, `base ${n++}`, [{ name: 'points', type: 'number' }], t0);
  const request = (base: ContactBase, extra: Partial<ImportRequest> = {}): ImportRequest => ({
    accountId,
    base,
    list: null,
    fileName: 'test.csv',
    mapping: {},
    consent: { brand: 'Acme', channel: 'web form', wording: 'v3' },
    ...extra,
  });
  const run = async (base: ContactBase, bytes: Buffer | string, extra: Partial<ImportRequest> = {}) =>
    importContacts({ contacts, clock }, request(base, extra), await openCsv(Readable.from([Buffer.from(bytes)])));
  const rejections = async (record: ImportRecord) => {
    const all = [];
    for await (const r of contacts.rejections(record)) all.push(r);
    return all;
  };
  const count = async (base: ContactBase) => (await tdb.db.pool.query('SELECT count(*)::int AS n FROM contacts WHERE base_id = $1', [base.id])).rows[0].n as number;

  it('imports a Latin-1, semicolon-separated French file: accents decoded, numbers in E.164, typed custom fields', async () => {
    const base = await freshBase();
    const file = Buffer.from('Nom;Prénom;Portable;Points;Ville\r\nDupré;Françoise;06 12 34 56 78;1 234,5;Besançon\r\n', 'latin1');
    const record = await run(base, file);
    expect(record).toMatchObject({ status: 'completed', rowsInserted: 1, rowsRejected: 0, linesDone: 2 });
    const contact = await contacts.getContact(base, '+33612345678');
    expect(contact).toMatchObject({ lastName: 'Dupré', firstName: 'Françoise', custom: { points: 1234.5, ville: 'Besançon' } });
    const updated = await contacts.findBase(accountId, base.id);
    expect(updated?.customFields).toContainEqual({ name: 'ville', type: 'text' });
  });

  it('rejects exactly the 20 bad rows of 10,000, each with its line and reason, and keeps the 9,980 others', async () => {
    const base = await freshBase();
    const bad = new Map<number, string>();
    const lines = ['mobile,prénom,points'];
    for (let i = 0; i < 10_000; i++) {
      const line = i + 2;
      if (i % 500 === 7) {
        const kind = bad.size % 4;
        bad.set(line, ['01 23 45 67 89', 'pas un numéro', `${mobile(i)},Ann,beaucoup`, `${mobile(i)},Ann,1,extra`][kind]!);
        lines.push(kind < 2 ? `${bad.get(line)},Ann,1` : bad.get(line)!);
      } else lines.push(`${mobile(i)},Ann,${i}`);
    }
    const record = await run(base, lines.join('\n'));
    expect(record).toMatchObject({ status: 'completed', rowsInserted: 9_980, rowsRejected: 20, linesDone: 10_001 });
    expect(await count(base)).toBe(9_980);
    const rejected = await rejections(record);
    expect(rejected.map((r) => r.line)).toEqual([...bad.keys()]);
    for (const r of rejected) expect(r.reason.length).toBeGreaterThan(10);
    expect(rejected[0]!.reason).toMatch(/mobile/i);
    expect(rejected[3]!.reason).toMatch(/column/i);
  });

  it('counts lines right after a quoted field with newlines, and merges a number seen twice (later non-empty fields win)', async () => {
    const base = await freshBase();
    const file = `mobile;prénom;note\n${mobile(1)};"Anne";"ligne 1\nligne 2\nligne 3"\n${mobile(2)};Bob;ok\nbad;Carl;x\n${mobile(1)};;"nouvelle"\n`;
    const record = await run(base, file, { mapping: { note: 'custom.note' } });
    expect(record).toMatchObject({ rowsInserted: 2, rowsMerged: 1, rowsRejected: 1 });
    expect((await rejections(record)).map((r) => r.line)).toEqual([6]);
    expect(await contacts.getContact(base, e164(1))).toMatchObject({ firstName: 'Anne', custom: { note: 'nouvelle' } });
  });

  it('records the consent column as evidence in the ledger (import source, wording, date)', async () => {
    const base = await freshBase();
    const record = await run(base, `mobile;opt-in;date opt-in\n${mobile(100)};oui;15/03/2026\n${mobile(101)};non;\n${mobile(102)};;\n`);
    expect(record.consents).toBe(2);
    const states = await consents.states(accountId, 'Acme', [e164(100), e164(101), e164(102)]);
    expect(states.get(e164(100))).toMatchObject({ consent: 'opt-in', optedOut: false });
    expect(states.get(e164(101))).toMatchObject({ optedOut: true });
    expect(states.get(e164(102))).toMatchObject({ consent: 'none', optedOut: false });
    const [event] = await consents.history(accountId, e164(100));
    expect(event).toMatchObject({ source: 'import', channel: 'web form', wording: 'v3', reference: `import:${record.id}` });
    expect(event!.occurredAt.toISOString()).toBe('2026-03-14T23:00:00.000Z');
  });

  it('keeps consent evidence with tabs, line breaks and backslashes exactly as given (the ledger is written by COPY)', async () => {
    const base = await freshBase();
    const wording = 'CGU v3\tart. 4\r\n« J’accepte » \\N \\ fin';
    await run(base, `mobile;opt-in\n${mobile(600)};oui\n`, { consent: { brand: 'Acme', channel: 'salon\tstand 12', wording } });
    const [event] = await consents.history(accountId, e164(600));
    expect(event).toMatchObject({ wording, channel: 'salon\tstand 12' });
  });

  it('resumes an interrupted import after the last settled line: nothing lost, nothing counted twice', async () => {
    const base = await freshBase();
    const lines = ['mobile,prénom', ...Array.from({ length: 12_000 }, (_, i) => `${mobile(i)},N${i}`)];
    const file = lines.join('\n');
    const source = await openCsv(Readable.from([Buffer.from(file)]));
    const crashing: RecordSource = {
      ...source,
      records: (async function* () {
        for await (const record of source.records) {
          if (record.line > 7_000) throw new Error('the process died');
          yield record;
        }
      })(),
    };
    await expect(importContacts({ contacts, clock }, request(base), crashing)).rejects.toThrow('the process died');
    const [interrupted] = (await tdb.db.pool.query('SELECT id FROM imports WHERE base_id = $1', [base.id])).rows;
    const stopped = (await contacts.getImport(accountId, interrupted.id))!;
    expect(stopped).toMatchObject({ status: 'running', linesDone: 5_001, rowsInserted: 5_000 });

    const resumed = await run(base, file, { resume: stopped });
    expect(resumed).toMatchObject({ id: stopped.id, status: 'completed', linesDone: 12_001, rowsInserted: 12_000, rowsMerged: 0 });
    expect(await count(base)).toBe(12_000);
    await expect(run(base, 'mobile,autre\n0612345678,x\n', { resume: resumed })).rejects.toThrow(/running/);
  });

  it('resumes after chunks settled out of order (two at once when the process died): every gap read, no range twice', async () => {
    const base = await freshBase();
    const file = ['mobile', ...Array.from({ length: 12_000 }, (_, i) => mobile(50_000 + i))].join('\n');
    const source = await openCsv(Readable.from([Buffer.from(file)]));
    const started = await contacts.startImport({ accountId, baseId: base.id, listId: null, fileName: null, settings: { encoding: source.encoding, delimiter: source.delimiter, headers: source.headers, targets: ['mobile'], consent: request(base).consent } }, t0);
    // The second chunk (lines 5,002–10,001) committed, the first did not.
    const rows = Array.from({ length: 5_000 }, (_, i) => ({ line: 5_002 + i, row: { contact: { mobile: e164(50_000 + 5_000 + i), lastName: null, firstName: null, landline: null, email: null, birthday: null, custom: {} }, consent: null } }));
    const partial = await contacts.settleImportChunk(started, { rows, rejections: [], firstLine: 5_002, lastLine: 10_001 }, t0);
    expect(partial).toMatchObject({ linesDone: 10_001, rowsInserted: 5_000 });

    const resumed = await importContacts({ contacts, clock }, request(base, { resume: partial }), source);
    expect(resumed).toMatchObject({ status: 'completed', rowsInserted: 12_000, rowsMerged: 0, linesDone: 12_001 });
    expect(await contacts.settledRanges(resumed)).toEqual([
      { firstLine: 2, lastLine: 5_001 },
      { firstLine: 5_002, lastLine: 10_001 },
      { firstLine: 10_002, lastLine: 12_001 },
    ]);
    expect(await count(base)).toBe(12_000);
  });

  it('refuses a file without a mobile column, before storing anything', async () => {
    const base = await freshBase();
    await expect(run(base, 'nom,prénom\nDupont,Jean\n')).rejects.toThrow(/mobile/i);
    expect((await tdb.db.pool.query('SELECT count(*)::int AS n FROM imports WHERE base_id = $1', [base.id])).rows[0].n).toBe(0);
  });

  it('deletes the contacts of a deleted base, and refuses to write to it — also when the delete was under way', async () => {
    const contact = (i: number) => ({ mobile: e164(i), lastName: null, firstName: `N${i}`, landline: null, email: null, birthday: null, custom: {} });
    const base = await freshBase();
    await contacts.upsertContacts(base, [contact(1), contact(2)], t0);
    await tdb.db.pool.query('DELETE FROM contact_bases WHERE id = $1', [base.id]);
    expect(await count(base)).toBe(0);
    await expect(contacts.upsertContacts(base, [contact(3)], t0)).rejects.toThrow(/base was deleted/);

    const other = await freshBase();
    const deleting = await tdb.db.pool.connect();
    try {
      await deleting.query('BEGIN');
      await deleting.query('DELETE FROM contact_bases WHERE id = $1', [other.id]);
      const writing = contacts.upsertContacts(other, [contact(4)], t0);
      const outcome = writing.then(() => 'written', (error: Error) => error.message);
      await new Promise((r) => setTimeout(r, 200));
      await deleting.query('COMMIT');
      expect(await outcome).toMatch(/base was deleted/);
    } finally {
      deleting.release();
    }
    expect(await count(other)).toBe(0);
  });

  it('rolls back: removes the contacts it created, restores those it changed, withdraws its opt-ins but keeps its opt-outs', async () => {
    const base = await freshBase();
    await run(base, `mobile;prénom\n${mobile(200)};Avant\n`);
    const record = await run(base, `mobile;prénom;optin\n${mobile(200)};Après;oui\n${mobile(201)};Nouveau;oui\n${mobile(202)};Autre;non\n`);
    expect(record).toMatchObject({ rowsInserted: 2, rowsMerged: 1 });
    expect(await contacts.getContact(base, e164(200))).toMatchObject({ firstName: 'Après' });

    const rolledBack = await contacts.rollbackImport(record, t0);
    expect(rolledBack.status).toBe('rolled-back');
    expect(await contacts.getContact(base, e164(200))).toMatchObject({ firstName: 'Avant' });
    expect(await contacts.getContact(base, e164(201))).toBeUndefined();
    const states = await consents.states(accountId, 'Acme', [e164(200), e164(201), e164(202)]);
    expect(states.get(e164(200))).toMatchObject({ consent: 'none', optedOut: false });
    expect(states.get(e164(201))).toMatchObject({ consent: 'none', optedOut: false });
    expect(states.get(e164(202))).toMatchObject({ optedOut: true });
    expect((await consents.history(accountId, e164(201))).length).toBe(1);
    // The retraction is evidence too: it cannot be taken back.
    await expect(tdb.db.pool.query('DELETE FROM consent_retractions')).rejects.toThrow(/append-only/);
  });

  it('counts segments: field conditions, consent for the brand, list membership, last activity', async () => {
    const base = await freshBase();
    const list = await contacts.createList(base, 'vip', t0);
    await run(base, `mobile;prénom;points;optin;date opt-in\n${mobile(300)};Anne;10;oui;01/05/2026\n${mobile(301)};Alain;200;;\n${mobile(302)};Bob;300;oui;01/01/2025\n`);
    await contacts.addToList(list, [e164(301), e164(302)]);
    const scope = { accountId, brand: 'Acme', now: t0 };
    const countOf = async (segment: Parameters<typeof contacts.countAudience>[0]['segment'], listIds: string[] = []) =>
      (await contacts.countAudience({ baseIds: [base.id], listIds, segment, customFields: base.customFields }, scope)).contacts;
    expect(await countOf(null)).toBe(3);
    expect(await countOf({ match: 'all', conditions: [{ field: 'custom.points', op: 'gt', value: 100 }] })).toBe(2);
    expect(await countOf({ match: 'all', conditions: [{ field: 'firstName', op: 'startsWith', value: 'a' }] })).toBe(2);
    expect(await countOf({ match: 'all', conditions: [{ consent: 'opted-in' }] })).toBe(2);
    expect(await countOf({ match: 'any', conditions: [{ consent: 'no-consent' }, { field: 'custom.points', op: 'lt', value: 50 }] })).toBe(2);
    expect(await countOf({ match: 'all', conditions: [{ activeWithinDays: 90 }] })).toBe(1);
    expect(await countOf({ match: 'all', conditions: [{ inactiveForDays: 90 }] })).toBe(2);
    expect(await countOf(null, [list.id])).toBe(2);
    expect(await countOf({ match: 'all', conditions: [{ inList: list.id }, { field: 'firstName', op: 'is', value: 'Bob' }] })).toBe(1);
  });

  it('removes terminated numbers from every base of the account, each removal audited', async () => {
    const [a, b] = [await freshBase(), await freshBase()];
    await run(a, `mobile\n${mobile(20_400)}\n${mobile(20_401)}\n`);
    await run(b, `mobile\n${mobile(20_400)}\n`);
    expect(await contacts.removeNumbers(accountId, [e164(20_400)], 'number terminated', t0)).toBe(2);
    expect(await contacts.getContact(a, e164(20_400))).toBeUndefined();
    expect(await contacts.getContact(a, e164(20_401))).toBeDefined();
    const { rows } = await tdb.db.pool.query('SELECT reason FROM contact_removals WHERE mobile = $1', [e164(20_400)]);
    expect(rows).toEqual([{ reason: 'number terminated' }, { reason: 'number terminated' }]);
  });

  it('removes a number after more than 2 unknown-subscriber failures within 30 days (number hygiene), and only then', async () => {
    const b = await freshBase();
    const numbers = [30_001, 30_002, 30_003, 30_004];
    await run(b, `mobile\n${numbers.map(mobile).join('\n')}\n`);
    await tdb.db.pool.query(
      `INSERT INTO routes (name, protocol, host, port, system_id, password, updated_at) VALUES
         ('orange', 'ucp', '127.0.0.1', 1, '36001', 'x', $1), ('other', 'smpp', '127.0.0.1', 1, 'relais', 'x', $1)
       ON CONFLICT DO NOTHING;
       INSERT INTO short_codes (number, route, rate_per_second, updated_at) VALUES ('36001', 'orange', 10, $1) ON CONFLICT DO NOTHING`.replace(/\$1/g, `'${t0.toISOString()}'`),
    );
    let k = 0;
    const failure = async (i: number, route: string, error: string, daysAgo = 1) => {
      const id = `00000000-0000-7000-8000-${String(++k).padStart(12, '0')}`;
      const done = new Date(t0.getTime() - daysAgo * 86_400_000);
      await tdb.db.pool.query(
        `INSERT INTO messages (id, account_id, recipient, sender, short_code, class, priority, body, encoding, segments, status, due_at, created_at, updated_at, done_at)
         VALUES ($1, $2, $3, '36001', '36001', 'marketing', 1, 'x', 'gsm7', 1, 'undeliverable', $4, $4, $4, $4)`,
        [id, accountId, e164(i), done],
      );
      await tdb.db.pool.query(`INSERT INTO message_parts (message_id, part_index, route, smsc_message_id, submitted_at, receipt_error) VALUES ($1, 0, $2, $3, $4, $5)`, [id, route, id, done, error]);
    };
    for (let j = 0; j < 3; j++) await failure(30_001, 'orange', '000');
    for (let j = 0; j < 2; j++) await failure(30_002, 'other', '001');
    for (let j = 0; j < 3; j++) await failure(30_003, 'other', '005');
    await failure(30_004, 'other', '001', 40);
    for (let j = 0; j < 2; j++) await failure(30_004, 'other', '001');
    const since = new Date(t0.getTime() - HYGIENE_WINDOW_DAYS * 86_400_000);
    expect(await contacts.removeUnreachable(UNKNOWN_SUBSCRIBER_ERRORS, UNKNOWN_SUBSCRIBER_LIMIT, since, UNREACHABLE_REASON, t0)).toBe(1);
    expect(await contacts.getContact(b, e164(30_001))).toBeUndefined();
    for (const kept of [30_002, 30_003, 30_004]) expect(await contacts.getContact(b, e164(kept))).toBeDefined();
    const { rows } = await tdb.db.pool.query('SELECT reason FROM contact_removals WHERE mobile = $1', [e164(30_001)]);
    expect(rows).toEqual([{ reason: UNREACHABLE_REASON }]);
  });
});
