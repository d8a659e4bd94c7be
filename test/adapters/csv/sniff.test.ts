import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineEnds } from '../../../src/adapters/csv/decode.ts';
import { detectDelimiter, detectEncoding } from '../../../src/adapters/csv/sniff.ts';
import { UTF8_BOM, windows1252 } from './csv-support.ts';

describe('detectEncoding', () => {
  it.each([
    ['a UTF-8 BOM', Buffer.concat([UTF8_BOM, Buffer.from('nom')]), 'utf-8'],
    ['a UTF-16LE BOM', Buffer.from([0xff, 0xfe, 0x6e, 0x00]), 'utf-16le'],
    ['plain ASCII', Buffer.from('nom;prenom\n'), 'utf-8'],
    ['UTF-8 accents', Buffer.from('prénom;œuvre;€\n'), 'utf-8'],
    ['Windows-1252 accents', windows1252('prénom;œuvre;€\n'), 'windows-1252'],
    ['a lone Latin-1 byte', Buffer.from([0x61, 0xe9, 0x62]), 'windows-1252'],
  ])('%s → %s', (_what, bytes, encoding) => {
    expect(detectEncoding(bytes)).toBe(encoding);
  });

  it('a UTF-8 character cut by the end of the sample does not make it Windows-1252', () => {
    const bytes = Buffer.from('nom;prénom');
    expect(detectEncoding(bytes.subarray(0, bytes.indexOf(0xc3) + 1))).toBe('utf-8');
  });

  it('UTF-16BE is not read (undefined)', () => {
    expect(detectEncoding(Buffer.from([0xfe, 0xff, 0x00, 0x6e]))).toBeUndefined();
  });
});

describe('detectDelimiter: the most frequent candidate outside quotes on the header line', () => {
  it.each([
    ['Nom;Prénom;Mobile', ';'],
    ['Nom,Prénom,Mobile', ','],
    ['Nom\tPrénom\tMobile', '\t'],
    ['Nom|Prénom|Mobile', '|'],
    ['"Nom, prénom";"Ville, CP";Mobile', ';'],
    ['Nom;Prénom\nun,deux,trois,quatre', ';'],
    ['\n\n  \nNom;Prénom', ';'],
    ['"Nom\nsur deux lignes";Mobile', ';'],
    ['Mobile', ','],
    ['', ','],
    ['a;b,c', ';'],
  ])('%j → %j', (text, delimiter) => {
    expect(detectDelimiter(text)).toBe(delimiter);
  });
});

describe('LineEnds: every line end a line feed, whatever the chunking', () => {
  it('property: CRLF, CR and LF cut anywhere give the text with LF only', () => {
    const text = fc.array(fc.constantFrom('a', 'é', '\r', '\n', '\r\n', ';', '"'), { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.array(fc.nat({ max: 40 }), { maxLength: 6 }), (input, cuts) => {
        const lineEnds = new LineEnds();
        const points = [...new Set(cuts.map((cut) => Math.min(cut, input.length)))].sort((a, b) => a - b);
        let output = '';
        let from = 0;
        for (const point of [...points, input.length]) {
          output += lineEnds.normalize(input.slice(from, point));
          from = point;
        }
        output += lineEnds.flush();
        expect(output).toBe(input.replace(/\r\n?/g, '\n'));
      }),
    );
  });
});
