/**
 * The one SQL copy of the consent rule (adapters/store/consent-sql.ts), used by the claim and by campaign
 * audiences, checked against core/consent's consentFor for random ledgers: every brand, ties in time, START,
 * undated and soft opt-ins, retractions.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentStateSql } from '../../../src/adapters/store/consent-sql.ts';
import { consentFor, type ConsentEvent } from '../../../src/core/consent/index.ts';
import { ACCOUNT, BRANDS, ledgerArbitrary, RECIPIENT } from '../../core/consent/arbitrary.ts';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../../support/db.ts';

/** The core's answer in the SQL expression's terms. */
function coreState(events: readonly ConsentEvent[], brand: string): string | null {
  const state = consentFor(events, brand);
  if (state.optedOut) return 'opt-out';
  return state.consent === 'none' ? null : state.consent;
}

describe.each(databaseTargets())('the consent rule in SQL on $name PostgreSQL', (target) => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase(target);
    await tdb.db.pool.query(`INSERT INTO accounts (id, name, in_doubt_policy, created_at) VALUES ($1, 'acme', 'hold', now())`, [ACCOUNT]);
  });
  afterAll(() => tdb?.drop());

  it('agrees with core/consent for random ledgers, for every brand', async () => {
    const client = await tdb.db.pool.connect();
    const query = `SELECT b AS brand, ${consentStateSql({ account: '$1::uuid', brand: 'b', recipient: '$2::text' })} AS state FROM unnest($3::text[]) AS b`;
    try {
      await fc.assert(
        fc.asyncProperty(ledgerArbitrary, async (events) => {
          await client.query('BEGIN');
          try {
            for (const e of events) {
              await client.query(
                `INSERT INTO consent_events (id, account_id, brand, recipient, kind, source, channel, occurred_at, dated, recorded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
                [e.id, e.accountId, e.brand, e.recipient, e.kind, e.source, e.channel, e.occurredAt, e.dated, e.recordedAt],
              );
              if (e.retracted) await client.query(`INSERT INTO consent_retractions (event_id, reason, at) VALUES ($1, $2, $3)`, [e.id, e.retracted.reason, e.retracted.at]);
            }
            const { rows } = await client.query<{ brand: string; state: string | null }>(query, [ACCOUNT, RECIPIENT, [...BRANDS, 'C']]);
            for (const { brand, state } of rows) expect({ brand, state }).toEqual({ brand, state: coreState(events, brand) });
          } finally {
            // The ledger is append-only: each case is rolled back instead.
            await client.query('ROLLBACK');
          }
        }),
        { numRuns: 300 },
      );
    } finally {
      client.release();
    }
  });
});
