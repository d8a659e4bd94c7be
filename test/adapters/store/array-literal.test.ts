import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLiteral } from '../../../src/adapters/store/sql.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../../support/db.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase(primaryTarget());
});
afterAll(async () => t?.drop());

describe('arrayLiteral', () => {
  it('gives PostgreSQL back exactly the values, whatever they hold (quotes, backslashes, braces, commas, "NULL", empty, null)', async () => {
    const tricky = ['O"Brien', 'C:\\dossier', '{a,b}', 'un, deux', 'NULL', '', ' espace ', 'Zoé', null, '\\"', '\n\t'];
    const { rows } = await t.db.pool.query('SELECT $1::text[] AS values', [arrayLiteral(tricky)]);
    expect(rows[0].values).toEqual(tricky);

    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(fc.string({ unit: 'binary', maxLength: 20 }).map((s) => s.replace(/\0/g, '')), { nil: null }), { maxLength: 30 }), async (values) => {
        const { rows: [row] } = await t.db.pool.query('SELECT $1::text[] AS values', [arrayLiteral(values)]);
        expect(row.values).toEqual(values);
      }),
      { numRuns: 200 },
    );
  });

  it('feeds typed arrays through their casts', async () => {
    const { rows } = await t.db.pool.query('SELECT $1::date[]::text[] AS days, $2::jsonb[] AS docs', [
      arrayLiteral(['1990-12-31', null]),
      arrayLiteral([JSON.stringify({ note: 'dit "bonjour" \\ au revoir' })]),
    ]);
    expect(rows[0]).toEqual({ days: ['1990-12-31', null], docs: [{ note: 'dit "bonjour" \\ au revoir' }] });
  });
});
