import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAnyPortLine } from '../../../src/core/numbering/files.ts';
import { NumberingPlan, OperatorDirectory, parsePortLine, parseRangeRow, PortabilityBuilder, PortabilityMap, rangeColumns, type RangeRow } from '../../../src/core/numbering/index.ts';

function planFromFixture(): { plan: NumberingPlan; names: Map<string, string> } {
  const [header, ...lines] = readFileSync(new URL('../../fixtures/numbering/majnum-sample.csv', import.meta.url), 'utf8').trim().split('\n');
  const columns = rangeColumns(header!.split(';'));
  if (!columns.ok) throw new Error(columns.reason);
  const rows = lines.map((line) => parseRangeRow(line.split(';'), columns.value)).map((r) => (r.ok ? r.value : expect.fail(r.reason))) as RangeRow[];
  const { plan, problems } = NumberingPlan.build(rows);
  expect(problems).toEqual([]);
  return { plan, names: new Map(rows.map((r) => [r.operator, r.name!])) };
}

describe('the numbering plan', () => {
  const { plan, names } = planFromFixture();
  const directory = new OperatorDirectory(plan, PortabilityMap.empty, names);

  it('answers the narrowest range that holds the number (longest prefix)', () => {
    expect(directory.operatorOf('+33612000000')).toEqual({ operator: 'ORAN', name: 'Orange', source: 'range' });
    expect(directory.operatorOf('+33612300000').operator).toBe('SFR0');
    expect(directory.operatorOf('+33612399999').operator).toBe('SFR0');
    // Right after the nested block, the wider range holds again.
    expect(directory.operatorOf('+33612400000').operator).toBe('ORAN');
    expect(directory.operatorOf('+33612299999').operator).toBe('ORAN');
    expect(directory.operatorOf('33751123456').operator).toBe('FRTE');
  });

  it('reads overseas ranges under their own calling codes', () => {
    expect(directory.operatorOf('+590690123456')).toMatchObject({ operator: 'OCAR', source: 'range' });
    expect(directory.operatorOf('+262692123456').operator).toBe('SRR');
    expect(directory.operatorOf('+262639123456').operator).toBe('SRR');
    expect(directory.operatorOf('+594694123456').operator).toBe('DIGI');
    expect(directory.operatorOf('+596696123456').operator).toBe('OCAR');
    // 0690 is Guadeloupe's, not +33 690.
    expect(directory.operatorOf('+33690123456').source).toBe('unknown');
  });

  it('says unknown for numbers in no range and for what is not a number', () => {
    expect(directory.operatorOf('+33799123456')).toEqual({ operator: undefined, name: undefined, source: 'unknown' });
    expect(directory.operatorOf('+447700900123').source).toBe('unknown');
    expect(directory.operatorOf('hello').source).toBe('unknown');
    expect(directory.operatorOf('+1234567890123456').source).toBe('unknown');
  });

  it('reports ranges that overlap without nesting, and keeps the first', () => {
    const { plan: crossed, problems } = NumberingPlan.build([
      { first: '33612000000', last: '33612599999', operator: 'A' },
      { first: '33612500000', last: '33612999999', operator: 'B' },
      { first: '33612000000', last: '33612599999', operator: 'C' },
    ]);
    expect(problems.map((p) => p.range.operator).sort()).toEqual(['B', 'C']);
    expect(crossed.holderOf('+33612700000')).toBeUndefined();
    expect(crossed.holderOf('+33612100000')).toBe('A');
  });

  it('finds the same holder as a naive longest-prefix scan for every number', () => {
    const ranges = [
      { first: '336', last: '336', operator: 'W' },
      { first: '33612', last: '33612', operator: 'A' },
      { first: '336123', last: '336123', operator: 'B' },
      { first: '3361234', last: '3361235', operator: 'C' },
      { first: '33613', last: '33614', operator: 'D' },
    ];
    const { plan: nested } = NumberingPlan.build(ranges);
    const naive = (e164: string) => {
      let best: { operator: string; length: number } | undefined;
      for (const r of ranges) {
        const head = e164.slice(0, r.first.length);
        if (head >= r.first && head <= r.last && (!best || r.first.length > best.length)) best = { operator: r.operator, length: r.first.length };
      }
      return best?.operator;
    };
    for (let i = 0; i < 2000; i++) {
      const e164 = `336${String((i * 7919) % 1_000_000_00).padStart(8, '0')}`;
      expect(nested.holderOf(e164), e164).toBe(naive(e164));
    }
  });
});

describe('portability', () => {
  const { plan, names } = planFromFixture();

  it('a ported number answers its new operator; the others their range', () => {
    const ports = PortabilityMap.from([
      ['+33612000001', 'FRTE'],
      ['+590690000003', 'DIGI'],
      ['+33660000002', 'ORAN'],
    ]);
    const directory = new OperatorDirectory(plan, ports, names);
    expect(directory.operatorOf('+33612000001')).toEqual({ operator: 'FRTE', name: 'Free Mobile', source: 'ported' });
    expect(directory.operatorOf('+590690000003')).toMatchObject({ operator: 'DIGI', source: 'ported' });
    expect(directory.operatorOf('+33660000002').operator).toBe('ORAN');
    expect(directory.operatorOf('+33612000002')).toMatchObject({ operator: 'ORAN', source: 'range' });
    expect(directory.rangeHolderOf('+33612000001').operator).toBe('ORAN');
    expect(ports.size).toBe(3);
  });

  it('finds every ported number and only those, across calling codes, sparse or dense', () => {
    let seed = 7;
    const next = () => ((seed = (seed * 1664525 + 1013904223) >>> 0), seed / 2 ** 32);
    const codes = ['33', '262', '590', '594', '596'];
    const entries = new Map<string, string>();
    for (let i = 0; i < 20_000; i++) {
      const code = codes[Math.floor(next() * (i % 3 === 0 ? 5 : 1))]!;
      // Dense around 0612…, sparse over the rest of the 9-digit space.
      const national = i % 2 === 0 ? 612_000_000 + Math.floor(next() * 50_000) : 100_000_000 + Math.floor(next() * 899_999_999);
      entries.set(`+${code}${national}`, ['A', 'B', 'C'][i % 3]!);
    }
    const ports = PortabilityMap.from(entries);
    expect(ports.size).toBe(entries.size);
    for (const [e164, operator] of entries) expect(ports.portOf(e164)).toBe(operator);
    for (let i = 0; i < 20_000; i++) {
      const e164 = `+33${100_000_000 + Math.floor(next() * 899_999_999)}`;
      expect(ports.portOf(e164)).toBe(entries.get(e164));
    }
    expect(ports.portOf('+33099999999')).toBeUndefined();
    expect(ports.portOf('+33999999999')).toBeUndefined();
  });

  it('gives operators met while loading an index, past 256 of them too', () => {
    const builder = new PortabilityBuilder([], 4);
    for (let i = 0; i < 300; i++) builder.add(33_612_000_000 + i, builder.holderOf(`OP${i}`));
    const ports = builder.finish();
    expect(ports.portOf('+33612000000')).toBe('OP0');
    expect(ports.portOf('+33612000299')).toBe('OP299');
    expect(ports.size).toBe(300);
  });

  it('the last entry of a number wins', () => {
    const ports = PortabilityMap.from([
      ['+33612000001', 'FRTE'],
      ['+33612000001', 'BOUY'],
    ]);
    expect(ports.portOf('+33612000001')).toBe('BOUY');
    expect(ports.size).toBe(1);
  });
});

describe('the files', () => {
  it('reads a portability line in every number shape, and says why a line is refused', () => {
    expect(parsePortLine('0612000001;frte;2024-02-01', false)).toEqual({ ok: true, value: { action: 'port', key: 33612000001, operator: 'FRTE', date: '2024-02-01' } });
    expect(parsePortLine('+590690000003;DIGI;30/06/2025', false)).toMatchObject({ ok: true, value: { key: 590690000003, date: '2025-06-30' } });
    expect(parsePortLine('33612300004;BOUY;20240315', false)).toMatchObject({ ok: true, value: { key: 33612300004 } });
    expect(parsePortLine('0612000001;;2025-01-10;return', true)).toEqual({ ok: true, value: { action: 'return', key: 33612000001, date: '2025-01-10' } });
    const refused = (line: string, delta = false) => {
      const parsed = parsePortLine(line, delta);
      return parsed.ok ? 'taken' : parsed.reason;
    };
    expect(refused('0612000001;;2025-01-10;return')).toMatch(/belongs in a delta/);
    expect(refused('+447700900123;ORAN;2024-01-01')).toMatch(/not a number of the French plan/);
    expect(refused('12345;ORAN;2024-01-01')).toMatch(/not a number of the French plan/);
    expect(refused('0612000001;ORAN;2024-02-30')).toMatch(/not a date/);
    expect(refused('0612000001;;2024-02-01')).toMatch(/no operator code/);
    expect(refused('0612000001;OR AN;2024-02-01')).toMatch(/not an operator code/);
    expect(refused('0612000001;ORAN')).toMatch(/found 2 field/);
    expect(refused('0612000001;ORAN;2024-02-01;move', true)).toMatch(/neither port nor return/);
  });

  it('reads the common line shape quickly and exactly as the general reader does', () => {
    const numbers = ['0612345678', '0690000003', '0639123456', '0701234567', '0012345678', '061234567', '06123456789', '+33612345678', '06 12 34 56 78', '0612a45678'];
    const operators = ['ORAN', 'SFR0', 'A', 'ABCDEFGHIJKLMNOP', 'ABCDEFGHIJKLMNOPQ', 'oran', '-AB', 'A-B_C', '', 'OR AN'];
    const dates = ['2024-02-01', '2024-02-30', '20240201', '01/02/2024', '2024-2-01', '2024-02-01 ', ''];
    const line = fc.tuple(fc.constantFrom(...numbers), fc.constantFrom(...operators), fc.constantFrom(...dates), fc.constantFrom(undefined, 'port', 'return', ''));
    fc.assert(
      fc.property(line, fc.boolean(), ([number, operator, date, action], delta) => {
        const text = [number, operator, date, ...(action === undefined ? [] : [action])].join(';');
        expect(parsePortLine(text, delta)).toEqual(parseAnyPortLine(text, delta));
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads a range by its prefix alone, and refuses a range without an operator', () => {
    const columns = rangeColumns(['EZABPQM', 'Mnemo']);
    if (!columns.ok) throw new Error(columns.reason);
    expect(parseRangeRow(['0694', 'DIGI'], columns.value)).toMatchObject({ ok: true, value: { first: '594694000000', last: '594694999999', operator: 'DIGI' } });
    expect(parseRangeRow(['0694', ''], columns.value)).toMatchObject({ ok: false, reason: expect.stringMatching(/no operator/) });
    expect(rangeColumns(['Tranche_Debut', 'Tranche_Fin'])).toMatchObject({ ok: false });
  });
});
