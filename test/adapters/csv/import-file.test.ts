/**
 * A whole contact file as a client sends it, read the way an import reads it: openCsv, the suggested mapping,
 * then toImportedRow for each record. What the client sees: which lines were refused and why, and how many
 * contacts were accepted.
 */
import { describe, expect, it } from 'vitest';
import { openCsv } from '../../../src/adapters/csv/csv-source.ts';
import { checkMapping, suggestMapping, toImportedRow, type CustomFieldDef, type ImportedRow } from '../../../src/core/contacts/index.ts';
import { chunked, windows1252 } from './csv-support.ts';

const COLUMNS = ['Mobile', 'Nom', 'Prénom', 'Date de naissance', 'Points fidélité', 'Opt-in', 'Note'];
const customFields: CustomFieldDef[] = [{ name: 'pointsFidelite', type: 'number' }];

interface Bad {
  cells?: Partial<Record<number, string>>;
  extraCells?: string[];
  dropCells?: number;
  reason: string;
}

/** The 20 bad rows, by row index (0 is the first data row), and what the client must be told. */
const BAD: ReadonlyMap<number, Bad> = new Map<number, Bad>([
  [17, { cells: { 0: 'abc' }, reason: 'mobile "abc": is not a phone number: only digits, a leading + and separators (spaces, dots, dashes, slashes, brackets) are accepted' }],
  [404, { cells: { 0: '06 12 34' }, reason: 'mobile "06 12 34": is too short for a phone number' }],
  [901, { cells: { 0: '07 00 00 00 00' }, reason: 'mobile "07 00 00 00 00": is not in an allocated number range: check the digits' }],
  [1333, { cells: { 0: '06 12 34 56 78 90' }, reason: 'mobile "06 12 34 56 78 90": is too long for a phone number' }],
  [1500, { cells: { 0: '' }, reason: 'mobile "": is empty: every contact needs a mobile number' }],
  [2024, { cells: { 0: '01 40 00 00 00' }, reason: 'mobile "01 40 00 00 00": is not a mobile number (fixed line): it cannot receive SMS' }],
  [2999, { cells: { 0: '0590 27 12 34' }, reason: 'mobile "0590 27 12 34": is not a mobile number (fixed line): it cannot receive SMS' }],
  [3000, { cells: { 0: '0800 12 34 56' }, reason: 'mobile "0800 12 34 56": is not a mobile number (toll free): it cannot receive SMS' }],
  [3456, { cells: { 0: '04.72.00.00.00' }, reason: 'mobile "04.72.00.00.00": is not a mobile number (fixed line): it cannot receive SMS' }],
  [4100, { extraCells: ['en trop'], reason: 'expected 7 columns, found 8' }],
  [4101, { dropCells: 2, reason: 'expected 7 columns, found 5' }],
  [5000, { extraCells: ['a', 'b', 'c'], reason: 'expected 7 columns, found 10' }],
  [5997, { cells: { 3: '31/02/1990' }, reason: 'birthday "31/02/1990": is not a date of the calendar (check the day and the month)' }],
  [6001, { cells: { 3: '1990-13-01' }, reason: 'birthday "1990-13-01": is not a date of the calendar (check the day and the month)' }],
  [6500, { cells: { 3: '12/05/85' }, reason: 'birthday "12/05/85": is not a date: write it dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd' }],
  [7777, { cells: { 5: 'peut-être' }, reason: 'consent "peut-être": is not a consent: use oui/yes/1/x or opt-in, soft-opt-in, non/no/0 or opt-out/stop' }],
  [8200, { cells: { 5: 'oui merci' }, reason: 'consent "oui merci": is not a consent: use oui/yes/1/x or opt-in, soft-opt-in, non/no/0 or opt-out/stop' }],
  [9001, { cells: { 4: '12 €' }, reason: 'custom.pointsFidelite "12 €": is not a number (1234, -12.5, 1 234,5)' }],
  [9500, { cells: { 0: '01 23 45 67 89', 5: 'bof' }, reason: 'mobile "01 23 45 67 89": is not a mobile number (fixed line): it cannot receive SMS; consent "bof": is not a consent: use oui/yes/1/x or opt-in, soft-opt-in, non/no/0 or opt-out/stop' }],
  [9999, { cells: { 0: '+33 1 40 00 00 00' }, reason: 'mobile "+33 1 40 00 00 00": is not a mobile number (fixed line): it cannot receive SMS' }],
]);

const FIRST = ['Zoé', 'François', 'Hélène', 'Noël', 'Cédric', 'Chloé', 'Maëlle', 'Jérôme'];
const LAST = ['Lefèvre', 'Garçon', 'Bœuf', 'Dupont', "L'Œillet", 'Martin', 'Müller', 'Besançon'];

function quoted(cell: string): string {
  return /[;"\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

function goodCells(index: number): string[] {
  const mobile = `0${6 + (index % 2)}${(index % 2 ? '5' : '1')}${String(index).padStart(7, '0')}`;
  const typed = [mobile, `${mobile.slice(0, 2)} ${mobile.slice(2, 4)} ${mobile.slice(4, 6)} ${mobile.slice(6, 8)} ${mobile.slice(8)}`, `+33${mobile.slice(1)}`][index % 3]!;
  const birthday = `${String(1 + (index % 28)).padStart(2, '0')}/${String(1 + (index % 12)).padStart(2, '0')}/${1940 + (index % 60)}`;
  const points = index % 4 === 0 ? `${index % 9} ${String(index % 1000).padStart(3, '0')},5` : String(index % 700);
  const consent = ['oui', 'non', 'x', '', 'soft'][index % 5]!;
  // Every 250th note holds line breaks, a separator and quotes: the lines after it must still be right.
  const note = index % 250 === 0 ? `Client fidèle ; "VIP"\r\nrelancer en mars\r\n€ 12` : index % 7 === 0 ? 'à rappeler' : '';
  return [typed, LAST[index % 8]!, FIRST[index % 8]!, birthday, points, consent, note];
}

interface Generated {
  bytes: Buffer;
  expectedProblems: { line: number; reason: string }[];
  expectedAccepted: number;
}

/** 10,000 data rows in Windows-1252 with CRLF line ends, some blank lines, multi-line notes, and the 20 bad rows. */
function generate(): Generated {
  const lines = [COLUMNS.join(';')];
  let line = 2;
  const expectedProblems: { line: number; reason: string }[] = [];
  for (let index = 0; index < 10_000; index++) {
    if (index % 1000 === 999) {
      lines.push('');
      line++;
    }
    const bad = BAD.get(index);
    let cells = goodCells(index);
    if (bad) {
      cells = cells.map((cell, column) => bad.cells?.[column] ?? cell);
      cells = [...cells.slice(0, cells.length - (bad.dropCells ?? 0)), ...(bad.extraCells ?? [])];
      expectedProblems.push({ line, reason: bad.reason });
    }
    const text = cells.map(quoted).join(';');
    lines.push(text);
    line += (text.match(/\n/g) ?? []).length + 1;
  }
  return { bytes: windows1252(`${lines.join('\r\n')}\r\n`), expectedProblems, expectedAccepted: 10_000 - BAD.size };
}

describe('a 10,000-row file with 20 bad rows, as an import reads it', () => {
  it('reports exactly the 20 bad rows, with their lines and reasons, and accepts the other 9,980', async () => {
    const { bytes, expectedProblems, expectedAccepted } = generate();
    const source = await openCsv(chunked(bytes, 16 * 1024));
    expect(source).toMatchObject({ encoding: 'windows-1252', delimiter: ';', headers: COLUMNS });
    const targets = suggestMapping(source.headers!, customFields);
    expect(targets).toEqual(['mobile', 'lastName', 'firstName', 'birthday', 'custom.pointsFidelite', 'consent', 'custom.note']);
    expect(checkMapping(targets)).toEqual([]);

    const fields = new Map(customFields.map((field) => [field.name, field]));
    const accepted: { line: number; row: ImportedRow }[] = [];
    const refused: { line: number; reason: string }[] = [];
    for await (const record of source.records) {
      if ('problem' in record) refused.push({ line: record.line, reason: record.problem });
      else {
        const read = toImportedRow(record.fields, targets, fields);
        if ('problem' in read) refused.push({ line: record.line, reason: read.problem });
        else accepted.push({ line: record.line, row: read.row });
      }
    }

    expect(refused).toEqual(expectedProblems);
    expect(accepted).toHaveLength(expectedAccepted);
    expect(source.bytesRead()).toBe(bytes.length);

    // What the accepted rows hold: spot checks, including the rows around a multi-line note.
    const byLine = new Map(accepted.map((entry) => [entry.line, entry.row]));
    expect(byLine.get(2)).toEqual({
      contact: {
        mobile: '+33610000000',
        lastName: 'Lefèvre',
        firstName: 'Zoé',
        landline: null,
        email: null,
        birthday: '1940-01-01',
        custom: { pointsFidelite: 0.5, note: 'Client fidèle ; "VIP"\nrelancer en mars\n€ 12' },
      },
      consent: { kind: 'opt-in', at: null },
    });
    expect(byLine.get(5)).toMatchObject({ contact: { mobile: '+33750000001', lastName: 'Garçon', firstName: 'François', custom: { pointsFidelite: 1 } }, consent: { kind: 'opt-out' } });
    expect(byLine.get(6)).toMatchObject({ contact: { mobile: '+33610000002', birthday: '1942-03-03' }, consent: { kind: 'opt-in' } });
    const consents = accepted.map((entry) => entry.row.consent?.kind ?? 'none');
    expect(new Set(consents)).toEqual(new Set(['opt-in', 'opt-out', 'soft-opt-in', 'none']));
  });
});
