import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvFileError, openCsv } from '../../../src/adapters/csv/csv-source.ts';
import { chunked, problems, readAll, readCsv, rows, UTF8_BOM, windows1252 } from './csv-support.ts';

describe('encodings: what Excel and other tools save, decoded right', () => {
  it('a UTF-8 file with a BOM: the BOM is not part of the first header', async () => {
    const file = await readCsv(Buffer.concat([UTF8_BOM, Buffer.from('Nom;Prénom;Mobile\nLefèvre;Zoé;0612345678\n')]));
    expect(file.encoding).toBe('utf-8');
    expect(file.headers).toEqual(['Nom', 'Prénom', 'Mobile']);
    expect(file.all).toEqual([{ line: 2, fields: ['Lefèvre', 'Zoé', '0612345678'] }]);
  });

  it('a Windows-1252 file from Excel: é, ç, €, œ, Œ and curly quotes read as typed', async () => {
    const file = await readCsv(windows1252('Nom;Prénom;Ville;Solde\r\nBœuf;François;Besançon;12 €\r\nŒuvre;Noël;L’Haÿ;–5 €\r\n'));
    expect(file.encoding).toBe('windows-1252');
    expect(file.headers).toEqual(['Nom', 'Prénom', 'Ville', 'Solde']);
    expect(rows(file.all).map((row) => row.fields)).toEqual([
      ['Bœuf', 'François', 'Besançon', '12 €'],
      ['Œuvre', 'Noël', 'L’Haÿ', '–5 €'],
    ]);
  });

  it('a Latin-1 file (ISO-8859-1) reads the same: its accented letters are Windows-1252 too', async () => {
    const file = await readCsv(Buffer.from('nom;prénom\nGarçon;Hélène\n', 'latin1'));
    expect(file.encoding).toBe('windows-1252');
    expect(rows(file.all)[0]!.fields).toEqual(['Garçon', 'Hélène']);
  });

  it('a UTF-16LE file with its BOM (Excel "Unicode text")', async () => {
    const file = await readCsv(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Nom\tMobile\nÉlodie\t0612345678\n', 'utf16le')]));
    expect(file).toMatchObject({ encoding: 'utf-16le', delimiter: '\t', headers: ['Nom', 'Mobile'] });
    expect(file.all).toEqual([{ line: 2, fields: ['Élodie', '0612345678'] }]);
  });

  it('a UTF-8 character cut between two chunks is joined (every chunk one byte long)', async () => {
    const file = await readCsv('Prénom;Nom\nZoé;Lefèvre\n', {}, 1);
    expect(file.all).toEqual([{ line: 2, fields: ['Zoé', 'Lefèvre'] }]);
  });

  it('Latin-1 bytes after the first 64 KiB of a file taken for UTF-8: those rows are problems that name the windows-1252 option, the others are read', async () => {
    const ascii = Array.from({ length: 3000 }, (_, i) => `Martin;Jean;06123${String(i).padStart(5, '0')}`).join('\n');
    const bytes = Buffer.concat([Buffer.from(`Nom;Prenom;Mobile\n${ascii}\n`), Buffer.from('Garçon;Hélène;0612345678\nDupont;Paul;0612345679\n', 'latin1')]);
    const file = await readCsv(bytes, {}, 4096);
    expect(file.encoding).toBe('utf-8');
    expect(problems(file.all)).toEqual([{ line: 3002, problem: expect.stringMatching(/not valid UTF-8.*windows-1252/) }]);
    expect(rows(file.all)).toHaveLength(3001);

    const again = await readCsv(bytes, { encoding: 'windows-1252' }, 4096);
    expect(problems(again.all)).toEqual([]);
    expect(rows(again.all).at(-2)!.fields).toEqual(['Garçon', 'Hélène', '0612345678']);
  });

  it('a UTF-16BE file is refused with a way out', async () => {
    await expect(openCsv(chunked(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('a')])))).rejects.toThrow(/UTF-16 big-endian: save it as UTF-8/);
  });
});

describe('separators', () => {
  it.each([
    ['semicolon', ';', 'Nom;Prénom;Mobile\nDupont, Jean;Paul;06 12 34 56 78\n'],
    ['comma', ',', 'Nom,Prénom,Mobile\n"Dupont; Jean",Paul,06 12 34 56 78\n'],
    ['tab', '\t', 'Nom\tPrénom\tMobile\nDupont, Jean\tPaul\t06 12 34 56 78\n'],
    ['pipe', '|', 'Nom|Prénom|Mobile\nDupont, Jean|Paul|06 12 34 56 78\n'],
  ])('%s separated: found on the header line, and the other characters are text', async (_name, delimiter, text) => {
    const file = await readCsv(text);
    expect(file.delimiter).toBe(delimiter);
    expect(file.headers).toEqual(['Nom', 'Prénom', 'Mobile']);
    expect(rows(file.all)[0]!.fields).toHaveLength(3);
  });

  it('separators inside a quoted header do not count', async () => {
    const file = await readCsv('"Nom, prénom";Mobile;"Ville, CP"\n"Dupont, Jean";0612345678;"Paris, 75001"\n');
    expect(file.delimiter).toBe(';');
    expect(file.headers).toEqual(['Nom, prénom', 'Mobile', 'Ville, CP']);
  });

  it('one column: a comma, the default', async () => {
    const file = await readCsv('Mobile\n0612345678\n');
    expect(file).toMatchObject({ delimiter: ',', headers: ['Mobile'] });
    expect(file.all).toEqual([{ line: 2, fields: ['0612345678'] }]);
  });

  it('a separator given in the options wins', async () => {
    const file = await readCsv('a;b,c\n1;2,3\n', { delimiter: ',' });
    expect(file.headers).toEqual(['a;b', 'c']);
  });
});

describe('quoted fields and line numbers (a record is numbered by the line it starts on; the header is line 1)', () => {
  it('quoted fields holding line breaks, separators and doubled quotes; the records after them keep their own line numbers', async () => {
    const file = await readCsv(
      [
        'Nom;Adresse;Note',
        'Dupont;"12 rue de la Paix',
        'Bâtiment B; 3e étage',
        '75002 Paris";"Il a dit ""oui"""',
        'Martin;"1 place; Lyon";""',
        'Durand;"une',
        '',
        'ligne vide au milieu";x',
        'Petit;ici;là',
      ].join('\n'),
    );
    expect(file.all).toEqual([
      { line: 2, fields: ['Dupont', '12 rue de la Paix\nBâtiment B; 3e étage\n75002 Paris', 'Il a dit "oui"'] },
      { line: 5, fields: ['Martin', '1 place; Lyon', ''] },
      { line: 6, fields: ['Durand', 'une\n\nligne vide au milieu', 'x'] },
      { line: 9, fields: ['Petit', 'ici', 'là'] },
    ]);
  });

  it('CRLF line ends, inside quoted fields too (a line break inside a value becomes \\n)', async () => {
    const file = await readCsv('Nom;Note\r\nDupont;"deux\r\nlignes"\r\nMartin;x\r\n', {}, 3);
    expect(file.all).toEqual([
      { line: 2, fields: ['Dupont', 'deux\nlignes'] },
      { line: 4, fields: ['Martin', 'x'] },
    ]);
  });

  it('old Mac line ends (CR alone) are line ends too', async () => {
    const file = await readCsv('Nom;Note\rDupont;1\rMartin;2\r');
    expect(file.all).toEqual([
      { line: 2, fields: ['Dupont', '1'] },
      { line: 3, fields: ['Martin', '2'] },
    ]);
  });

  it('empty lines, lines of spaces and rows of empty fields are skipped, not reported, and do not shift the lines', async () => {
    const file = await readCsv('\n\nNom;Mobile\n\nDupont;1\n   \n;\n ; \n\r\nMartin;2\n\n\n');
    expect(file.headers).toEqual(['Nom', 'Mobile']);
    expect(file.all).toEqual([
      { line: 5, fields: ['Dupont', '1'] },
      { line: 10, fields: ['Martin', '2'] },
    ]);
  });

  it('a last line without a line end is read', async () => {
    const file = await readCsv('a;b\n1;2');
    expect(file.all).toEqual([{ line: 2, fields: ['1', '2'] }]);
  });

  it('spaces before an opening quote are allowed', async () => {
    const file = await readCsv('a, b\n1, "deux, trois"\n');
    expect(file.all).toEqual([{ line: 2, fields: ['1', 'deux, trois'] }]);
  });
});

describe('records that cannot be rows are problems at their line, and the records after them are read', () => {
  it('a row with more or fewer fields than the header', async () => {
    const file = await readCsv('a;b;c;d;e\n1;2;3;4;5\n1;2;3;4;5;6;7\n1;2\n1;2;3;4;5\n');
    expect(file.all).toEqual([
      { line: 2, fields: ['1', '2', '3', '4', '5'] },
      { line: 3, problem: 'expected 5 columns, found 7' },
      { line: 4, problem: 'expected 5 columns, found 2' },
      { line: 5, fields: ['1', '2', '3', '4', '5'] },
    ]);
  });

  it('a quote in the middle of an unquoted field (twice in the same row: one problem)', async () => {
    const file = await readCsv('Produit;Taille\nÉcran 24";x\nÉcran 27" et 32";y\nClavier;z\n');
    expect(file.all).toEqual([
      { line: 2, problem: expect.stringContaining('a quote (") is inside a field that does not start with one') },
      { line: 3, problem: expect.stringContaining('a quote (") is inside a field') },
      { line: 4, fields: ['Clavier', 'z'] },
    ]);
  });

  it('text after a closing quote: the problem says which lines the broken record swallowed', async () => {
    const file = await readCsv('Nom;Ville\n"Dupont"x;Paris\nMartin;Lyon\nDurand;"Nice"\nPetit;Metz\n');
    expect(file.all).toEqual([
      {
        line: 2,
        problem:
          'a quoted field goes on after its closing quote instead of ending with the separator ";" or the end of the line: inside a quoted field, write a quote as two quotes ("") (lines 2–4 were read as this one record)',
      },
      { line: 5, fields: ['Petit', 'Metz'] },
    ]);
  });

  it('a quote never closed at the end of the file', async () => {
    const file = await readCsv('Nom;Note\nDupont;ok\n\n"Martin;pas fermé\nDurand;x\n');
    expect(file.all).toEqual([
      { line: 2, fields: ['Dupont', 'ok'] },
      { line: 4, problem: 'a quote opened in this record is never closed: the file ends inside a quoted field (lines 4–5 were read as one record)' },
    ]);
  });

  it('whatever the chunking, an unclosed quote or a broken closing quote is placed on its lines', async () => {
    for (let size = 1; size <= 40; size++) {
      for (const end of ['', '\n', '\r\n', '\n\n']) {
        const unclosed = await readCsv(`a;b\r\n1;2\r\n\r\n3;"x\r\ny${end}`, {}, size);
        expect(unclosed.all).toEqual([
          { line: 2, fields: ['1', '2'] },
          // An empty last line is inside the quoted field too.
          { line: 4, problem: expect.stringMatching(new RegExp(`never closed: .*\\(lines 4–${end === '\n\n' ? 6 : 5} were read as one record\\)$`)) },
        ]);
        const closing = await readCsv(`a;b\n"x\ny"z;1\n\n2;"w"${end}`, {}, size);
        expect(closing.all).toEqual([{ line: 2, problem: expect.stringMatching(/closing quote.*\(lines 2–5 were read as this one record\)$/) }]);
      }
    }
  });

  it('an unclosed quote that runs on for more than 16 MiB stops the import with a CsvFileError (memory stays bounded)', async () => {
    async function* huge(): AsyncGenerator<Buffer> {
      yield Buffer.from('Nom;Note\nDupont;1\nMartin;"jamais fermé\n');
      const filler = Buffer.from('x;y;z\n'.repeat(10_000));
      for (let i = 0; i < 400; i++) yield filler; // 24 MB
    }
    const source = await openCsv(huge());
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const record of source.records) seen.push(record);
      })(),
    ).rejects.toThrow(CsvFileError);
    expect(seen).toEqual([{ line: 2, fields: ['Dupont', '1'] }]);
    expect(source.bytesRead()).toBeLessThan(20 * 1024 * 1024);
  });
});

describe('headers', () => {
  it('header cells are trimmed', async () => {
    const file = await readCsv(' Nom ; Prénom \n1;2\n');
    expect(file.headers).toEqual(['Nom', 'Prénom']);
  });

  it('without a header line (header: false): every line is data, the first is line 1, and the first record sets the column count', async () => {
    const file = await readCsv('0612345678;Dupont\n0612345679;Martin;x\n', { header: false });
    expect(file.headers).toBeNull();
    expect(file.all).toEqual([
      { line: 1, fields: ['0612345678', 'Dupont'] },
      { line: 2, problem: 'expected 2 columns, found 3' },
    ]);
  });

  it('an empty file is refused; a header alone gives no records', async () => {
    await expect(readCsv('')).rejects.toThrow(/the file is empty/);
    await expect(readCsv('\n  \n')).rejects.toThrow(CsvFileError);
    expect((await readCsv('Nom;Mobile\n')).all).toEqual([]);
  });

  it('a header line that cannot be read is refused with its line', async () => {
    await expect(readCsv('No"m;Mobile\n1;2\n')).rejects.toThrow(/^line 1: the header line cannot be read: a quote/);
  });
});

describe('streaming', () => {
  it('reads a Node stream (a file as fs gives it); bytesRead reaches the size of the input', async () => {
    const bytes = windows1252('Nom;Prénom\nBœuf;Zoé\n');
    const source = await openCsv(Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]));
    expect(await readAll(source)).toEqual([{ line: 2, fields: ['Bœuf', 'Zoé'] }]);
    expect(source.bytesRead()).toBe(bytes.length);
  });

  it('takes from the input only as fast as records are read (backpressure): a 50 MB file is not read ahead', async () => {
    let produced = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      yield Buffer.from('Mobile;Nom\n');
      const block = Buffer.from(Array.from({ length: 1000 }, (_, i) => `06123${String(i).padStart(5, '0')};Dupont\n`).join(''));
      for (let i = 0; i < 2500; i++) {
        produced += block.length;
        yield block;
      }
    }
    const source = await openCsv(endless());
    let count = 0;
    for await (const record of source.records) {
      expect(record).toHaveProperty('fields');
      if (++count === 20_000) break;
    }
    expect(produced).toBeLessThan(4 * 1024 * 1024);
    expect(source.bytesRead()).toBe(produced + 'Mobile;Nom\n'.length);
  });

  it('stopping early lets the input go (a file stream is destroyed)', async () => {
    const input = Readable.from((function* () {
      yield Buffer.from('a;b\n');
      for (let i = 0; i < 100_000; i++) yield Buffer.from(`${i};x\n`);
    })());
    const source = await openCsv(input);
    for await (const record of source.records) if (record.line > 10) break;
    await new Promise((resolve) => setImmediate(resolve));
    expect(input.destroyed).toBe(true);
  });

  it('a failing input fails the reading with its error (from openCsv or from the records, as far as it got)', async () => {
    async function* failing(lines: number): AsyncGenerator<Buffer> {
      yield Buffer.from(`a;b\n${'1;2\n'.repeat(lines)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new Error('connection reset');
    }
    await expect(openCsv(failing(10))).rejects.toThrow('connection reset');
    const source = await openCsv(failing(20_000));
    await expect(readAll(source)).rejects.toThrow('connection reset');
  });
});

describe('property: whatever the chunking and the line ends, every record comes with its fields and the line it starts on', () => {
  const cell = fc.oneof(
    { weight: 10, arbitrary: fc.oneof(fc.stringMatching(/^[a-zA-Zéèçà0-9 ]{0,8}$/), fc.constantFrom('"', '""', 'a;b', 'x\ny', '\n', 'é\n\nç', ' ', 'a"b', '€', 'œ')) },
    // A quote inside an unquoted field, written as is: the row is a problem.
    { weight: 1, arbitrary: fc.constantFrom({ stray: 'ab"c' }, { stray: '12"' }) },
  );
  const record = fc.array(cell, { minLength: 3, maxLength: 3 });
  const file = fc.record({
    records: fc.array(fc.tuple(record, fc.nat({ max: 2 })), { minLength: 1, maxLength: 25 }),
    lineEnd: fc.constantFrom('\n', '\r\n'),
    chunkSize: fc.integer({ min: 1, max: 40 }),
    finalLineEnd: fc.boolean(),
  });
  const quote = (value: string) => (/[;"\n]/.test(value) || value.trim() !== value ? `"${value.replace(/"/g, '""')}"` : value);

  it('holds for random files (rows with a stray quote being problems at their line)', async () => {
    await fc.assert(
      fc.asyncProperty(file, async ({ records, lineEnd, chunkSize, finalLineEnd }) => {
        const lines = ['h1;h2;h3'];
        const expected: ({ line: number; fields: string[] } | { line: number; problem: string })[] = [];
        let line = 2;
        for (const [cells, blanksBefore] of records) {
          for (let i = 0; i < blanksBefore; i++) lines.push('');
          line += blanksBefore;
          const text = cells.map((cell) => (typeof cell === 'string' ? quote(cell) : cell.stray)).join(';');
          const fields = cells.flatMap((cell) => (typeof cell === 'string' ? [cell] : []));
          if (fields.length < cells.length) expected.push({ line, problem: expect.stringContaining('a quote (") is inside a field') as unknown as string });
          else if (!fields.every((field) => field.trim() === '')) expected.push({ line, fields });
          lines.push(text);
          line += (text.match(/\n/g) ?? []).length + 1;
        }
        const body = lines.join(lineEnd).replace(/(?<!\r)\n/g, lineEnd) + (finalLineEnd ? lineEnd : '');
        const read = await readCsv(body, { delimiter: ';' }, chunkSize);
        expect(read.all).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
