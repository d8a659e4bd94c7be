/**
 * What a hostile or careless client sends over HTTP: NUL characters and lone surrogates in any field, dates out of
 * range or that do not exist, values of the wrong JSON type, unknown fields, unbounded values, CSV formulas behind
 * a ";", and the framework's own refusals. Each gets a 4xx problem naming the field, and nothing is stored.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../support/csv.ts';
import { startTestRelais, type TestRelais } from '../support/relais.ts';

describe('bad input over HTTP', () => {
  let t: TestRelais;
  let seq = 0;
  const fresh = () => `+3361299${String(++seq).padStart(4, '0')}`;
  const message = (extra: Record<string, unknown> = {}) => ({ to: fresh(), text: 'Votre code est 1234', class: 'transactional', ...extra });
  const stored = async () => (await t.api('GET', '/v1/messages?limit=1000')).body.messages.length as number;
  const upload = async (query: Record<string, string>, body: string) => {
    const response = await fetch(`${t.relais.httpUrl}/v1/imports?${new URLSearchParams(query)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'text/csv' },
      body,
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const download = async (path: string) => {
    const response = await fetch(t.relais.httpUrl + path, { headers: { authorization: `Bearer ${t.key}` } });
    return Buffer.from(await response.arrayBuffer()).subarray(3).toString('utf8');
  };

  beforeAll(async () => {
    t = await startTestRelais({ roles: ['api'] }, { brand: 'Dupont' });
  });
  afterAll(() => t?.stop());

  describe('NUL characters and lone surrogates', () => {
    it('refuses them in any field of a message with a 4xx naming the field, and stores nothing', async () => {
      const before = await stored();
      for (const [field, extra] of [
        ['/text', { text: 'code\u00001234' }],
        ['/reference', { reference: 'ref\u0000' }],
        ['/brand', { brand: 'Dup\u0000ont' }],
        ['/from', { from: 'DUP\u0000ONT' }],
        ['/text', { text: 'code \ud83d 1234' }],
        ['/messages/1/text', undefined],
      ] as const) {
        const body = extra ? message(extra) : { messages: [message(), message({ text: 'x\u0000' })] };
        const refused = await t.api('POST', '/v1/messages', body);
        expect(refused.status, field).toBe(422);
        expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(refused.body.errors, field).toEqual([{ field, reason: expect.stringMatching(/^contains (a NUL character \(U\+0000\)|a lone surrogate \(U\+D83D, half of a UTF-16 pair\)) at position \d+/) }]);
      }
      expect(await stored()).toBe(before);
    });

    it('refuses them in query parameters, path parameters and the fields of other resources', async () => {
      expect((await t.api('GET', '/v1/messages?cursor=a%00b')).body.errors).toEqual([{ field: '/cursor', reason: expect.stringContaining('NUL') }]);
      expect((await t.api('GET', '/v1/bases/a%00b')).body.errors).toEqual([{ field: '/base', reason: expect.stringContaining('NUL') }]);
      const base = await t.api('POST', '/v1/bases', { name: 'clients\u0000' });
      expect(base.status).toBe(422);
      expect(base.body.errors).toEqual([{ field: '/name', reason: expect.stringContaining('NUL') }]);
      const consent = await t.api('POST', '/v1/consents', { msisdn: fresh(), kind: 'opt-in', wording: 'J’accepte\u0000' });
      expect(consent.body.errors).toEqual([{ field: '/wording', reason: expect.stringContaining('NUL') }]);
      const fieldName = await t.api('POST', '/v1/bases', { name: 'b', customFields: [{ name: 'points', type: 'number', ['x\u0000']: 1 }] });
      expect(fieldName.status).toBe(422);
      expect(fieldName.body.errors[0]).toMatchObject({ field: '/customFields/0/x\u0000', reason: expect.stringContaining('the name of this field contains a NUL') });
    });

    it('rejects a CSV row with a NUL in a cell, with its line and reason, and finishes the import', async () => {
      await t.api('POST', '/v1/bases', { name: 'nul' });
      const imported = await upload({ base: 'nul' }, 'Portable,Nom\r\n0612000001,Dupont\r\n0612000002,Du\u0000rand\r\n0612000003,Martin\r\n');
      expect(imported.status).toBe(201);
      expect(imported.body).toMatchObject({ status: 'completed', inserted: 2, rejected: 1 });
      const rows = parseCsv(await download(imported.body.errorsUrl));
      expect(rows.slice(1)).toEqual([['3', 'column 2 ("Nom") contains a NUL character (U+0000) at position 3: it is no character a handset can show; remove it', '0612000002,Du\ufffdrand']]);
    });
  });

  describe('dates', () => {
    it('refuses a sendAt in year 10000 or later with a 4xx, and stores nothing', async () => {
      const before = await stored();
      for (const sendAt of ['+010000-01-01T00:00:00Z', '9999-12-31T23:00:00-05:00', '275760-09-13T00:00:00Z']) {
        const refused = await t.api('POST', '/v1/messages', message({ sendAt }));
        expect(refused.status, sendAt).toBe(422);
        expect(refused.body.errors, sendAt).toEqual([{ field: '/sendAt', reason: expect.stringContaining(sendAt) }]);
      }
      expect(await stored()).toBe(before);
      const accepted = await t.api('POST', '/v1/messages', message({ sendAt: '9999-12-31T12:00:00Z' }));
      expect(accepted).toMatchObject({ status: 202, body: { dueAt: '9999-12-31T12:00:00.000Z' } });
    });

    it('refuses a day that does not exist and a time without a zone instead of reading them as something else', async () => {
      expect((await t.api('POST', '/v1/messages', message({ sendAt: '2027-02-30T10:00:00+01:00' }))).body.errors).toEqual([
        { field: '/sendAt', reason: '"2027-02-30T10:00:00+01:00": 2027-02-30 is not a day of the calendar' },
      ]);
      expect((await t.api('POST', '/v1/messages', message({ sendAt: '2027-03-01T10:00:00' }))).body.errors).toEqual([
        { field: '/sendAt', reason: '"2027-03-01T10:00:00" has no time zone: add Z (UTC) or an offset such as +01:00' },
      ]);
      expect((await t.api('POST', '/v1/messages', message({ sendAt: '2028-02-29T10:00:00+01:00' }))).status).toBe(202);
    });
  });

  describe('what the schema says, one problem per field', () => {
    it('names the field, the value and the allowed values of a wrong class, in one problem', async () => {
      const refused = await t.api('POST', '/v1/messages', message({ class: 'promo' }));
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ field: '/class', reason: 'got "promo"; allowed: "transactional", "marketing"' }]);
    });

    it('names an unknown field, and refuses numbers, arrays and strings where the schema says otherwise', async () => {
      const refused = await t.api('POST', '/v1/messages', { to: 33612345678, text: ['Bonjour'], class: 'transactional', stopMention: 'false', colour: 'red' });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([
        { field: '/colour', reason: 'unknown field; the fields are to, text, class, from, shortCode, sendAt, reference, brand, stopMention' },
        { field: '/to', reason: 'got 33612345678; expected text (a JSON string)' },
        { field: '/text', reason: 'got ["Bonjour"]; expected text (a JSON string)' },
        { field: '/stopMention', reason: 'got "false"; expected true or false (a JSON boolean)' },
      ]);
    });

    it('names the problems of the one message of a batch that has them', async () => {
      const refused = await t.api('POST', '/v1/messages', { messages: [message(), message({ class: 'promo', extra: 1 })] });
      expect(refused.body.errors).toEqual([
        { field: '/messages/1/extra', reason: expect.stringMatching(/^unknown field/) },
        { field: '/messages/1/class', reason: 'got "promo"; allowed: "transactional", "marketing"' },
      ]);
    });
  });

  describe('bounds', () => {
    it('refuses a segment window that would overflow the date arithmetic, instead of saving it', async () => {
      await t.api('POST', '/v1/bases', { name: 'segments' });
      const refused = await t.api('POST', '/v1/bases/segments/segments', { name: 'forever', filter: { match: 'all', conditions: [{ activeWithinDays: 1e8 }] } });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ field: '/filter/conditions/0/activeWithinDays', reason: 'got 100000000; must be <= 36500' }]);
      expect((await t.api('GET', '/v1/bases/segments/segments')).body.segments).toEqual([]);
    });

    it('imports columns named constructor or __proto__ as ordinary fields', async () => {
      await t.api('POST', '/v1/bases', { name: 'proto' });
      const imported = await upload({ base: 'proto' }, 'Portable,constructor,__proto__\r\n0612000011,a,b\r\n');
      expect(imported.status).toBe(201);
      expect(imported.body).toMatchObject({ status: 'completed', inserted: 1 });
      expect((await t.api('GET', '/v1/bases/proto/contacts/0612000011')).body.custom).toEqual({ constructor: 'a', proto: 'b' });
    });

    it('refuses a file that would give a base more custom fields than the API allows', async () => {
      await t.api('POST', '/v1/bases', { name: 'wide' });
      const columns = Array.from({ length: 101 }, (_, i) => `champ${i}`);
      const refused = await upload({ base: 'wide' }, `Portable,${columns.join(',')}\r\n0612000021${',x'.repeat(101)}\r\n`);
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([{ field: '/mapping', reason: expect.stringContaining('a base has at most 100') }]);
      expect((await t.api('GET', '/v1/bases/wide')).body.customFields).toEqual([]);
    });
  });

  describe('CSV written by Relais, read by a spreadsheet that splits on ";"', () => {
    it('keeps a rejected row in one guarded cell', async () => {
      await t.api('POST', '/v1/bases', { name: 'formulas' });
      const imported = await upload({ base: 'formulas' }, 'Portable;Nom\r\n=1+1;@SUM(A1:A2)\r\n');
      expect(imported.body.rejected).toBe(1);
      const text = await download(imported.body.errorsUrl);
      for (const separator of [',', ';']) {
        const cells = parseCsv(text, separator).flat();
        expect(cells.filter((cell) => /^[=+\-@]/.test(cell)), separator).toEqual([]);
      }
      // Every field is quoted: split on ";", each line stays whole (the row's own ";" inside quotes).
      expect(parseCsv(text, ';').map((row) => row.length)).toEqual([1, 1]);
      expect(parseCsv(text)[1]![2]).toBe("'=1+1;@SUM(A1:A2)");
    });

    it('keeps a consent wording with ";=HYPERLINK(…)" in one guarded cell of the export', async () => {
      const msisdn = fresh();
      expect((await t.api('POST', '/v1/consents', { msisdn, kind: 'opt-in', wording: 'J\'accepte;=HYPERLINK(A1;B1)' })).status).toBe(201);
      const text = await download(`/v1/consents/${msisdn}/export?format=csv`);
      for (const separator of [',', ';']) {
        const rows = parseCsv(text, separator);
        expect(rows.every((row) => row.length === rows[0]!.length), separator).toBe(true);
        expect(rows.flat().filter((cell) => /^[=@\-]/.test(cell) || (cell.startsWith('+') && !/^\+\d+$/.test(cell))), separator).toEqual([]);
      }
      expect(parseCsv(text)[1]).toContain('J\'accepte;=HYPERLINK(A1;B1)');
    });
  });

  describe('the framework’s own refusals', () => {
    it('answers a bad URL encoding, a path parameter too long and headers too large with problem details', async () => {
      const badEncoding = await t.api('GET', '/v1/messages/%E0%A4%A');
      expect(badEncoding.status).toBe(400);
      expect(badEncoding.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(badEncoding.body).toMatchObject({ status: 400, title: 'Bad request' });
      const tooLong = await t.api('GET', `/v1/messages/${'a'.repeat(200)}`);
      expect(tooLong.status).toBe(414);
      expect(tooLong.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const { status, type, body } = await rawGet(t.relais.httpUrl!, '/v1/messages', { 'x-padding': 'a'.repeat(20_000) });
      expect(status).toBe(431);
      expect(type).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(body)).toMatchObject({ status: 431, title: 'Request Header Fields Too Large' });
    });
  });
});

function rawGet(base: string, path: string, headers: Record<string, string>): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(base + path, { headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body }));
    });
    request.on('error', reject);
    request.end();
  });
}
