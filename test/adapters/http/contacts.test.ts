/**
 * Contacts over HTTP as a client uses them: bases with typed fields, contacts sent as JSON (all or none), a
 * French Excel file imported (Windows-1252, `;`, a bad row), its errors file, a rollback, lists, segments and
 * their live count, removals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgContactStore } from '../../../src/adapters/store/contact-store.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';
import { parseCsv } from '../../support/csv.ts';


/** What Excel's "CSV (séparateur: point-virgule)" writes in France: Windows-1252, `;`, CRLF. */
const excelCsv = (lines: string[]) => Buffer.from(lines.map((line) => `${line}\r\n`).join(''), 'latin1');

describe('contacts over HTTP', () => {
  let t: TestRelais;
  let seq = 0;
  beforeAll(async () => {
    t = await startTestRelais({ roles: ['api'] }, { brand: 'Dupont' });
  });
  afterAll(() => t?.stop());

  const fresh = () => `base-${++seq}`;
  const upload = async (query: Record<string, string>, body: Buffer | string, path = '/v1/imports', contentType = 'text/csv') => {
    const response = await fetch(`${t.relais.httpUrl}${path}?${new URLSearchParams(query)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': contentType },
      body,
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const download = async (path: string) => {
    const response = await fetch(t.relais.httpUrl + path, { headers: { authorization: `Bearer ${t.key}` } });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  };

  it('creates a base with typed fields, refuses a second of the same name, and lists bases with their counts', async () => {
    const name = fresh();
    const created = await t.api('POST', '/v1/bases', { name, customFields: [{ name: 'loyaltyPoints', type: 'number' }] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), name, customFields: [{ name: 'loyaltyPoints', type: 'number' }], contacts: 0, createdAt: expect.any(String) });

    const again = await t.api('POST', '/v1/bases', { name });
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain(`"${name}" already exists`);

    const badField = await t.api('POST', '/v1/bases', { name: fresh(), customFields: [{ name: 'Points fidélité', type: 'number' }] });
    expect(badField.status).toBe(422);
    expect(badField.body.errors[0].field).toBe('/customFields/0/name');

    await t.api('POST', `/v1/bases/${name}/contacts`, { mobile: '06 12 00 00 01' });
    const byName = await t.api('GET', `/v1/bases/${encodeURIComponent(name)}`);
    expect(byName.body).toMatchObject({ id: created.body.id, contacts: 1 });
    expect((await t.api('GET', `/v1/bases/${created.body.id}`)).body.name).toBe(name);
    const all = await t.api('GET', '/v1/bases');
    expect(all.body.bases).toContainEqual(expect.objectContaining({ name, contacts: 1 }));
    expect((await t.api('GET', '/v1/bases/no-such-base')).status).toBe(404);

    const fields = await t.api('POST', `/v1/bases/${name}/fields`, { fields: [{ name: 'vip', type: 'boolean' }] });
    expect(fields.body.customFields).toEqual([{ name: 'loyaltyPoints', type: 'number' }, { name: 'vip', type: 'boolean' }]);
    const clash = await t.api('POST', `/v1/bases/${name}/fields`, { fields: [{ name: 'loyaltyPoints', type: 'text' }] });
    expect(clash.status).toBe(422);
    expect(clash.body.errors).toEqual([{ field: '/fields/0/type', reason: 'the base already has loyaltyPoints as a number field' }]);
  });

  it('saves contacts all or none, merges a known number, and reads them back page by page', async () => {
    const name = fresh();
    await t.api('POST', '/v1/bases', { name, customFields: [{ name: 'loyaltyPoints', type: 'number' }, { name: 'since', type: 'date' }] });
    const refused = await t.api('POST', `/v1/bases/${name}/contacts`, {
      contacts: [
        { mobile: '06 12 00 01 01', firstName: 'Anne' },
        { mobile: '0612', email: 'anne@', birthday: '31/12/1990', custom: { loyaltyPoints: 'beaucoup', colour: 'red' } },
      ],
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual([
      '/contacts/1/mobile',
      '/contacts/1/email',
      '/contacts/1/birthday',
      '/contacts/1/custom/loyaltyPoints',
      '/contacts/1/custom/colour',
    ]);
    expect((await t.api('GET', `/v1/bases/${name}`)).body.contacts).toBe(0);

    const saved = await t.api('POST', `/v1/bases/${name}/contacts`, {
      contacts: [
        { mobile: '06 12 00 01 01', firstName: 'Anne', landline: '01 23 45 67 89', email: 'anne@example.fr', birthday: '1990-12-31', custom: { loyaltyPoints: 12.5, since: '2024-02-29' } },
        { mobile: '+33 6 12 00 01 02', lastName: 'Martin' },
        { mobile: '0612000103' },
      ],
    });
    expect(saved).toMatchObject({ status: 200, body: { inserted: 3, merged: 0 } });
    const merged = await t.api('POST', `/v1/bases/${name}/contacts`, { mobile: '0612000101', lastName: 'Durand', custom: { loyaltyPoints: 13 } });
    expect(merged.body).toEqual({ inserted: 0, merged: 1 });

    const anne = await t.api('GET', `/v1/bases/${name}/contacts/06%2012%2000%2001%2001`);
    expect(anne.body).toEqual({
      id: expect.any(String),
      mobile: '+33612000101',
      lastName: 'Durand',
      firstName: 'Anne',
      landline: '+33123456789',
      email: 'anne@example.fr',
      birthday: '1990-12-31',
      custom: { loyaltyPoints: 13, since: '2024-02-29' },
      lastActivityAt: null,
    });

    const first = await t.api('GET', `/v1/bases/${name}/contacts?limit=2`);
    expect(first.body.contacts.map((c: { mobile: string }) => c.mobile)).toEqual(['+33612000101', '+33612000102']);
    const second = await t.api('GET', `/v1/bases/${name}/contacts?limit=2&after=${first.body.next}`);
    expect(second.body).toEqual({ contacts: [expect.objectContaining({ mobile: '+33612000103' })], next: null });
  });

  it('removes a contact (audited), and terminated numbers from every base of the account', async () => {
    const [a, b] = [fresh(), fresh()];
    for (const name of [a, b]) {
      await t.api('POST', '/v1/bases', { name });
      await t.api('POST', `/v1/bases/${name}/contacts`, { contacts: [{ mobile: '0612000201' }, { mobile: '0612000202' }] });
    }
    const removed = await t.api('DELETE', `/v1/bases/${a}/contacts/0612000201`);
    expect(removed.status).toBe(204);
    expect((await t.api('GET', `/v1/bases/${a}/contacts/0612000201`)).status).toBe(404);
    expect((await t.api('DELETE', `/v1/bases/${a}/contacts/0612000201`)).status).toBe(404);
    const audit = await t.relais.db.pool.query('SELECT reason FROM contact_removals WHERE account_id = $1 AND mobile = $2', [t.accountId, '+33612000201']);
    expect(audit.rows).toEqual([{ reason: 'removed by the client' }]);

    expect((await t.api('POST', '/v1/contacts/terminated', { mobiles: ['0612000202', '0612'] })).status).toBe(422);
    const terminated = await t.api('POST', '/v1/contacts/terminated', { mobiles: ['06 12 00 02 02', '+33612000201'] });
    expect(terminated.body).toEqual({ removed: 3 });
    expect((await t.api('GET', `/v1/bases/${a}`)).body.contacts).toBe(0);
    expect((await t.api('GET', `/v1/bases/${b}`)).body.contacts).toBe(0);
  });

  it('imports a French Excel file: Windows-1252, ";", a bad row rejected with its line, consent recorded; then rolls it back', async () => {
    const name = fresh();
    await t.api('POST', '/v1/bases', { name });
    await t.api('POST', `/v1/bases/${name}/contacts`, { mobile: '0612000303', firstName: 'Hélène', email: 'helene@example.fr' });
    const file = excelCsv([
      'Nom;Prénom;Portable;E-mail;Opt-in SMS;Ville',
      'Dupont;Loïc;06 12 00 03 01;loic@example.fr;oui;Sète',
      'Martin;Zoé;0612;;oui;Nîmes',
      'Durand;Hélène;+33 6 12 00 03 03;;non;Arles',
    ]);
    const imported = await upload({ base: name, list: 'salon 2026', consentChannel: 'salon', consentWording: 'Offres Dupont par SMS', fileName: 'clients.csv' }, file);
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({
      status: 'completed',
      encoding: 'windows-1252',
      delimiter: ';',
      fileName: 'clients.csv',
      linesDone: 4,
      inserted: 1,
      merged: 1,
      rejected: 1,
      consents: 2,
      list: expect.any(String),
      errorsUrl: `/v1/imports/${imported.body.id}/errors`,
    });
    expect(imported.body.columns).toEqual([
      { header: 'Nom', target: 'lastName' },
      { header: 'Prénom', target: 'firstName' },
      { header: 'Portable', target: 'mobile' },
      { header: 'E-mail', target: 'email' },
      { header: 'Opt-in SMS', target: 'consent' },
      { header: 'Ville', target: 'custom.ville' },
    ]);
    expect((await t.api('GET', `/v1/imports/${imported.body.id}`)).body).toEqual(imported.body);
    const loic = await t.api('GET', `/v1/bases/${name}/contacts/0612000301`);
    expect(loic.body).toMatchObject({ lastName: 'Dupont', firstName: 'Loïc', custom: { ville: 'Sète' } });
    expect((await t.api('GET', `/v1/bases/${name}/lists`)).body.lists).toEqual([{ id: imported.body.list, name: 'salon 2026', members: 2 }]);
    const consent = await t.api('GET', '/v1/consents/0612000301');
    expect(consent.body.history).toEqual([expect.objectContaining({ kind: 'opt-in', brand: 'Dupont', source: 'import', channel: 'salon', wording: 'Offres Dupont par SMS' })]);

    const errors = await download(imported.body.errorsUrl);
    expect(errors.status).toBe(200);
    expect(errors.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(errors.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parseCsv(errors.bytes.subarray(3).toString('utf8'));
    expect(rows[0]).toEqual(['line', 'reason', 'row']);
    expect(rows).toHaveLength(2);
    expect(rows[1]![0]).toBe('3');
    expect(rows[1]![1]).toMatch(/^mobile "0612": /);
    expect(rows[1]![2]).toBe('Martin;Zoé;0612;;oui;Nîmes');

    const rolledBack = await t.api('POST', `/v1/imports/${imported.body.id}/rollback`);
    expect(rolledBack).toMatchObject({ status: 200, body: { status: 'rolled-back' } });
    expect((await t.api('GET', `/v1/bases/${name}`)).body.contacts).toBe(1);
    expect((await t.api('GET', `/v1/bases/${name}/contacts/0612000301`)).status).toBe(404);
    expect((await t.api('GET', `/v1/bases/${name}/contacts/0612000303`)).body).toMatchObject({ firstName: 'Hélène', lastName: null, email: 'helene@example.fr', custom: {} });
  });

  it('guards the errors file against spreadsheet formulas', async () => {
    const name = fresh();
    await t.api('POST', '/v1/bases', { name });
    const imported = await upload({ base: name }, excelCsv(['Portable;Nom', '=1+1;@SUM(A1:A2)', '06 12;-Dupont']));
    expect(imported.body.rejected).toBe(2);
    const rows = parseCsv((await download(imported.body.errorsUrl)).bytes.subarray(3).toString('utf8'));
    expect(rows.slice(1)).toEqual([
      ['2', expect.stringMatching(/^mobile "=1\+1": /), "'=1+1;@SUM(A1:A2)"],
      ['3', expect.stringMatching(/^mobile "06 12": /), '06 12;-Dupont'],
    ]);
  });

  it('refuses a file without a mobile column, a bad mapping, or an unknown base, and writes nothing', async () => {
    const name = fresh();
    await t.api('POST', '/v1/bases', { name });
    const noMobile = await upload({ base: name, list: 'never' }, 'Nom,Ville\nDupont,Sète\n');
    expect(noMobile.status).toBe(422);
    expect(noMobile.body.errors).toEqual([{ field: '/mapping', reason: 'no column is mapped to mobile: every contact needs a mobile number' }]);
    const badMapping = await upload({ base: name, mapping: '{"Numéro":"mobile"}' }, 'Nom,Ville\nDupont,Sète\n');
    expect(badMapping.body.errors[0].reason).toBe('the file has no column "Numéro" (columns: Nom, Ville)');
    expect((await upload({ base: name, mapping: 'mobile' }, 'Nom\n')).status).toBe(422);
    expect((await t.api('GET', `/v1/bases/${name}/lists`)).body.lists).toEqual([]);
    expect((await upload({ base: 'no-such-base' }, 'Portable\n0612000401\n')).status).toBe(404);
    expect((await upload({ base: name }, '')).body).toMatchObject({ status: 422, errors: [{ field: '/file', reason: expect.stringContaining('empty') }] });
  });

  it('maps columns as told (mapping query parameter), in UTF-8 with commas, sent as text/plain', async () => {
    const name = fresh();
    await t.api('POST', '/v1/bases', { name, customFields: [{ name: 'loyaltyPoints', type: 'number' }] });
    const imported = await upload(
      { base: name, mapping: JSON.stringify({ Numéro: 'mobile', Points: 'custom.loyaltyPoints', Notes: 'ignore' }) },
      'Numéro,Points,Notes\n0612000501,"1 234,5",rien\n0612000502,douze,x\n',
      '/v1/imports',
      'text/plain',
    );
    expect(imported.body).toMatchObject({ status: 'completed', encoding: 'utf-8', delimiter: ',', inserted: 1, rejected: 1 });
    expect((await t.api('GET', `/v1/bases/${name}/contacts/0612000501`)).body.custom).toEqual({ loyaltyPoints: 1234.5 });
  });

  it('resumes an interrupted import from the line it reached, with the same file', async () => {
    const name = fresh();
    const base = (await t.api('POST', '/v1/bases', { name })).body;
    const lines = ['Portable;Prénom', ...Array.from({ length: 6 }, (_, i) => `06120006${String(i + 1).padStart(2, '0')};Client${i + 1}`)];
    // An upload that stopped after line 3 (the header is line 1): what a crash or a dropped connection leaves.
    const store = new PgContactStore(t.relais.db);
    const started = await store.startImport(
      {
        accountId: t.accountId,
        baseId: base.id,
        listId: null,
        fileName: 'big.csv',
        settings: { encoding: 'windows-1252', delimiter: ';', headers: ['Portable', 'Prénom'], targets: ['mobile', 'firstName'], consent: { brand: 'Dupont', channel: null, wording: null } },
      },
      new Date(),
    );
    const contact = (i: number) => ({ mobile: `+336120006${String(i).padStart(2, '0')}`, firstName: `Client${i}`, lastName: null, landline: null, email: null, birthday: null, custom: {} });
    await store.settleImportChunk(started, { rows: [{ line: 2, row: { contact: contact(1), consent: null } }, { line: 3, row: { contact: contact(2), consent: null } }], rejections: [], firstLine: 2, lastLine: 3 }, new Date());

    const resumed = await upload({}, excelCsv(lines), `/v1/imports/${started.id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ id: started.id, status: 'completed', linesDone: 7, inserted: 6, merged: 0, rejected: 0 });
    expect((await t.api('GET', `/v1/bases/${name}`)).body.contacts).toBe(6);

    const again = await upload({}, excelCsv(lines), `/v1/imports/${started.id}/resume`);
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('only an interrupted (running) import can be resumed');
  });

  it('keeps lists and members, and counts a segment live', async () => {
    const name = fresh();
    await t.api('POST', '/v1/bases', { name, customFields: [{ name: 'loyaltyPoints', type: 'number' }] });
    await t.api('POST', `/v1/bases/${name}/contacts`, {
      contacts: [
        { mobile: '0612000701', firstName: 'Loïc', custom: { loyaltyPoints: 120 } },
        { mobile: '0612000702', firstName: 'Louise', custom: { loyaltyPoints: 40 } },
        { mobile: '0612000703', firstName: 'Marc', custom: { loyaltyPoints: 300 } },
      ],
    });
    const list = await t.api('POST', `/v1/bases/${name}/lists`, { name: 'vip' });
    expect(list).toMatchObject({ status: 201, body: { name: 'vip', members: 0 } });
    expect((await t.api('POST', `/v1/bases/${name}/lists`, { name: 'vip' })).status).toBe(409);
    const added = await t.api('POST', `/v1/bases/${name}/lists/vip/members`, { mobiles: ['0612000701', '0612000703', '0699999999'] });
    expect(added.body).toEqual({ added: 2 });

    const refused = await t.api('POST', `/v1/bases/${name}/segments`, {
      name: 'bad',
      filter: { match: 'all', conditions: [{ field: 'firstName', op: 'gt', value: 3 }, { field: 'custom.colour', op: 'is', value: 'red' }] },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      { field: '/filter/conditions/0', reason: 'gt compares numbers and dates; firstName is text' },
      { field: '/filter/conditions/1', reason: expect.stringContaining('unknown field "custom.colour"') },
    ]);
    const malformed = await t.api('POST', `/v1/bases/${name}/segments`, { name: 'bad', filter: { match: 'all', conditions: [{}] } });
    expect(malformed.status).toBe(400);

    const segment = await t.api('POST', `/v1/bases/${name}/segments`, {
      name: 'fidèles',
      filter: { match: 'all', conditions: [{ field: 'custom.loyaltyPoints', op: 'gte', value: 100 }, { inList: 'vip' }] },
    });
    expect(segment.status).toBe(201);
    expect(segment.body.filter.conditions[1]).toEqual({ inList: list.body.id });
    expect((await t.api('GET', `/v1/bases/${name}/segments`)).body.segments).toEqual([segment.body]);
    const count = await t.api('GET', `/v1/bases/${name}/segments/${encodeURIComponent('fidèles')}/count`);
    expect(count.body).toEqual({ contacts: 2, recipients: 2 });

    await t.api('POST', `/v1/bases/${name}/contacts`, { mobile: '0612000702', custom: { loyaltyPoints: 150 } });
    await t.api('POST', `/v1/bases/${name}/lists/${list.body.id}/members`, { mobiles: ['0612000702'] });
    expect((await t.api('GET', `/v1/bases/${name}/segments/${segment.body.id}/count`)).body).toEqual({ contacts: 3, recipients: 3 });

    await t.api('POST', '/v1/consents', { msisdn: '0612000701', kind: 'opt-in' });
    await t.api('POST', `/v1/bases/${name}/segments`, { name: 'opted in', filter: { match: 'any', conditions: [{ consent: 'opted-in' }] } });
    expect((await t.api('GET', `/v1/bases/${name}/segments/opted%20in/count`)).body).toEqual({ contacts: 1, recipients: 1 });
    expect((await t.api('GET', `/v1/bases/${name}/segments/opted%20in/count?brand=Autre`)).body).toEqual({ contacts: 0, recipients: 0 });
  });
});
