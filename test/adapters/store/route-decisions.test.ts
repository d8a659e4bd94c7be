/**
 * Routing decisions kept once (migration 0025, docs/routing.md): a message names its decision by a content hash;
 * messages routed before the table existed keep their route, reason and fallbacks through the migration.
 */
import { Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../../src/adapters/store/migrations/index.ts';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { PgMessageStore } from '../../../src/adapters/store/message-store.ts';
import { PgRouteStore } from '../../../src/adapters/store/route-store.ts';
import { decisionColumns, decisionId } from '../../../src/adapters/store/route-decisions.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../../support/db.ts';
import { newMessage } from '../../support/new-message.ts';

const now = new Date('2026-12-07T09:00:00Z');

describe('route decisions', () => {
  it('names a decision by its content: the same decision the same id in every process, any difference another', () => {
    const decision = { name: 'sfr', reason: 'rule 1 (operators SFR0)', fallbacks: ['bouygues', 'free'] };
    expect(decisionId({ ...decision })).toBe(decisionId(decision));
    expect(decisionId(decision)).toMatch(/^-?\d{1,19}$/);
    const others = [{ ...decision, name: 'free' }, { ...decision, reason: 'rule 2' }, { ...decision, fallbacks: ['free', 'bouygues'] }, { ...decision, fallbacks: ['bouygues'] }];
    expect(new Set([decision, ...others].map(decisionId)).size).toBe(5);
  });

  it('sends each distinct decision of a batch once, each item pointing at its own', () => {
    const a = { name: 'sfr', reason: 'r', fallbacks: [] };
    const b = { name: 'free', reason: 'r', fallbacks: ['sfr'] };
    const { decisions, positions } = decisionColumns([a, undefined, b, { ...a }, b], (d) => d);
    expect(positions).toEqual([1, null, 2, 1, 2]);
    expect(decisions).toEqual([[decisionId(a), decisionId(b)], ['sfr', 'free'], ['r', 'r'], ['[]', '["sfr"]']]);
  });

  describe('the migration', () => {
    let tdb: TestDatabase;
    beforeAll(async () => {
      tdb = await createTestDatabase(primaryTarget());
    }, 60_000);
    afterAll(() => tdb?.drop());

    it('keeps the route, reason and fallbacks of messages routed before it', async () => {
      const migrator = new Migrator({ db: tdb.db.kysely, provider: { getMigrations: async () => migrations } });
      expect((await migrator.migrateTo('0024-geo-presence')).error).toBeUndefined();
      await new PgRouteStore(tdb.db).sync(
        ['orange', 'sfr'].map((name) => ({ name, protocol: 'smpp' as const, host: '127.0.0.1', port: 2775, systemId: 'relais', password: 'secret', settings: {} })),
        [{ number: '36001', route: 'orange', alsoOn: ['sfr'], ratePerSecond: 10 }],
        now,
      );
      const accountId = (await new PgAccountStore(tdb.db).createAccount({ name: 'acme', defaultShortCode: '36001' }, now)).id;
      const insert = (id: string, route: string | null, reason: string | null, fallbacks: string[]) =>
        tdb.db.pool.query(
          `INSERT INTO messages (id, account_id, recipient, sender, short_code, class, priority, body, encoding, segments, status, due_at, created_at, updated_at, route, route_reason, fallback_routes)
           VALUES ($1, $2, '+33612000001', '36001', '36001', 'transactional', 0, 'x', 'gsm7', 1, 'queued', $3, $3, $3, $4, $5, $6)`,
          [id, accountId, now, route, reason, fallbacks],
        );
      const ids = ['0193a000-0000-7000-8000-000000000001', '0193a000-0000-7000-8000-000000000002', '0193a000-0000-7000-8000-000000000003', '0193a000-0000-7000-8000-000000000004'];
      await insert(ids[0]!, 'orange', "short code 36001's routes; recipient ORAN", ['sfr']);
      await insert(ids[1]!, 'orange', "short code 36001's routes; recipient ORAN", ['sfr']);
      await insert(ids[2]!, 'sfr', 'rule 1 (operators SFR0)', []);
      await insert(ids[3]!, null, null, []);

      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const messages = new PgMessageStore(tdb.db);
      const routeOf = async (id: string) => (await messages.getMessage(accountId, id))!.route;
      expect(await routeOf(ids[0]!)).toEqual({ name: 'orange', reason: "short code 36001's routes; recipient ORAN", fallbacks: ['sfr'] });
      expect(await routeOf(ids[1]!)).toEqual(await routeOf(ids[0]!));
      expect(await routeOf(ids[2]!)).toEqual({ name: 'sfr', reason: 'rule 1 (operators SFR0)', fallbacks: [] });
      expect(await routeOf(ids[3]!)).toBeNull();
      expect(Number((await tdb.db.pool.query('SELECT count(*) FROM route_decisions')).rows[0].count)).toBe(2);

      // Messages routed after it name new decisions beside the migrated ones.
      const [after] = ((await messages.insertMessages([newMessage(accountId, 1, now, { route: { name: 'sfr', reason: 'rule 1 (operators SFR0)', fallbacks: [] } })], now)) as { ids: string[] }).ids;
      expect(await routeOf(after!)).toEqual({ name: 'sfr', reason: 'rule 1 (operators SFR0)', fallbacks: [] });
    });
  });
});
