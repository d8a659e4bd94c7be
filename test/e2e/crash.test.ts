/**
 * Crash safety (issue "The spine", part 8): kill -9 Relais during a 20,000-message run, start it again, and
 * count what reached the SMSC simulator. No accepted message is lost; none is silently sent twice; those
 * whose fate is unknown are in doubt, surfaced, and handled per the account's policy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { canTransition, type MessageStatus } from '../../src/core/message/status.ts';
import { decodeGsm7 } from '../../src/core/text/index.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../support/db.ts';
import { startCrashRig, startRelaisProcess } from '../support/relais-process.ts';
import { eventually } from '../support/waiting.ts';
import { takeTurns } from '../support/turns.ts';

takeTurns();

const TOTAL = 20_000;

describe('kill -9 during a 20,000-message run, then restart', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function crashAndRecover(policy: 'hold' | 'retry') {
    const tdb: TestDatabase = await createTestDatabase(primaryTarget());
    cleanups.push(() => tdb.drop());
    const accounts = new PgAccountStore(tdb.db);
    const account = await accounts.createAccount({ name: 'crash', defaultShortCode: '36001', inDoubtPolicy: policy }, new Date());
    const key = await accounts.createApiKey(account.id, null, new Date());

    const { simulator, dir, configFile, close } = await startCrashRig();
    cleanups.push(close);

    const first = startRelaisProcess(configFile, tdb.url, dir);
    cleanups.push(() => first.kill());
    const url = await first.url;
    for (let batch = 0; batch < TOTAL / 10_000; batch++) {
      const messages = Array.from({ length: 10_000 }, (_, i) => ({ to: '+33612345678', text: `crash ${batch * 10_000 + i}`, class: 'transactional' }));
      const response = await fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messages }),
      });
      expect(response.status).toBe(202);
    }
    await eventually(() => simulator.stats.submitsReceived >= 5_000, 'the first submits', 30_000, 50);
    await first.kill();
    const reachedBeforeCrash = simulator.stats.submitsReceived;

    const second = startRelaisProcess(configFile, tdb.url, dir);
    cleanups.push(() => second.stop());
    await second.url;
    const counts = async () =>
      Object.fromEntries(
        (await tdb.db.pool.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM messages GROUP BY status')).rows.map((r) => [r.status, r.n]),
      ) as Record<string, number>;
    await eventually(
      async () => {
        const c = await counts();
        return (c.queued ?? 0) + (c.submitting ?? 0) + (c.submitted ?? 0) === 0;
      },
      'every message to be delivered or in doubt',
      60_000,
      50,
    );

    const byStatus = await counts();
    const rows = (await tdb.db.pool.query<{ body: string; status: string; possible_duplicate: boolean }>('SELECT body, status, possible_duplicate FROM messages')).rows;
    // Every recorded status change is one the life cycle allows (core/message/status.ts), crash or not.
    const { rows: histories } = await tdb.db.pool.query<{ statuses: MessageStatus[] }>(
      'SELECT array_agg(status ORDER BY id) AS statuses FROM message_events GROUP BY message_id',
    );
    for (const { statuses } of histories) {
      expect(statuses[0]).toBe('queued');
      for (let i = 1; i < statuses.length; i++) expect(canTransition(statuses[i - 1]!, statuses[i]!), statuses.join(' → ')).toBe(true);
    }
    const reached = new Map<string, number>();
    for (const submit of simulator.stats.submits) {
      const text = decodeGsm7(submit.body);
      reached.set(text, (reached.get(text) ?? 0) + 1);
    }
    return { byStatus, rows, reached, reachedBeforeCrash, output: second.output() };
  }

  it('with the default policy (hold): nothing lost, nothing sent twice, the unknown ones in doubt and surfaced', async () => {
    const { byStatus, rows, reached, reachedBeforeCrash, output } = await crashAndRecover('hold');
    expect(reachedBeforeCrash).toBeLessThan(TOTAL);
    expect(rows).toHaveLength(TOTAL);
    expect(Object.keys(byStatus).sort()).toEqual(Object.keys(byStatus).filter((s) => s === 'delivered' || s === 'in_doubt').sort());
    for (const row of rows) {
      const times = reached.get(row.body) ?? 0;
      expect(times, row.body).toBeLessThanOrEqual(1);
      if (row.status === 'delivered') expect(times, row.body).toBe(1);
    }
    const inDoubt = byStatus.in_doubt ?? 0;
    expect((byStatus.delivered ?? 0) + inDoubt).toBe(TOTAL);
    // At most about two windows' worth per short code can be in doubt (docs/operations.md).
    expect(inDoubt).toBeLessThanOrEqual(2 * 50 + 50);
    if (inDoubt > 0) expect(output).toMatch(/"inDoubt":\s*\d+/);
    console.info(`crash test (hold): ${reachedBeforeCrash} submits before the kill, ${inDoubt} in doubt, ${byStatus.delivered} delivered`);
  }, 120_000);

  it('with the retry policy: everything delivered; only messages flagged possible duplicate may arrive twice', async () => {
    const { byStatus, rows, reached } = await crashAndRecover('retry');
    expect(byStatus).toEqual({ delivered: TOTAL });
    for (const row of rows) {
      const times = reached.get(row.body) ?? 0;
      expect(times, row.body).toBeGreaterThanOrEqual(1);
      if (!row.possible_duplicate) expect(times, row.body).toBe(1);
    }
    const flagged = rows.filter((r) => r.possible_duplicate).length;
    console.info(`crash test (retry): ${flagged} sent again flagged as possible duplicates, ${[...reached.values()].filter((n) => n > 1).length} reached the SMSC twice`);
  }, 120_000);
});
