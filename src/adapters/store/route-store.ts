import { routesOf, type Route, type RouteSettings, type RouteStore, type ShortCode } from '../../app/ports.ts';
import type { Db } from './database.ts';

export class PgRouteStore implements RouteStore {
  constructor(private readonly db: Db) {}

  /** Upserts the routes and short codes declared in the configuration (the configuration wins; a pause stays). */
  async sync(routes: Route[], shortCodes: ShortCode[], now: Date): Promise<void> {
    await this.db.kysely.transaction().execute(async (tx) => {
      for (const r of routes) {
        const row = {
          name: r.name,
          protocol: r.protocol,
          host: r.host,
          port: r.port,
          system_id: r.systemId,
          password: r.password,
          settings: JSON.stringify(r.settings),
          operator: r.operator ?? null,
          subscribers_only: r.subscribersOnly ?? false,
          updated_at: now,
        };
        await tx.insertInto('routes').values(row).onConflict((oc) => oc.column('name').doUpdateSet(row)).execute();
      }
      for (const s of shortCodes) {
        const row = { number: s.number, route: s.route, rate_per_second: s.ratePerSecond, updated_at: now };
        await tx.insertInto('short_codes').values(row).onConflict((oc) => oc.column('number').doUpdateSet(row)).execute();
        await tx.deleteFrom('short_code_routes').where('short_code', '=', s.number).execute();
        await tx
          .insertInto('short_code_routes')
          .values(routesOf(s).map((route, position) => ({ short_code: s.number, route, position })))
          .execute();
      }
    });
  }

  async routes(): Promise<Route[]> {
    const rows = await this.db.kysely.selectFrom('routes').selectAll().orderBy('name').execute();
    return rows.map((r) => ({
      name: r.name,
      protocol: r.protocol,
      host: r.host,
      port: r.port,
      systemId: r.system_id,
      password: r.password,
      settings: r.settings as RouteSettings,
      operator: r.operator ?? undefined,
      subscribersOnly: r.subscribers_only,
    }));
  }

  async shortCodes(): Promise<ShortCode[]> {
    const rows = await this.db.kysely
      .selectFrom('short_codes as s')
      .select(['s.number', 's.route', 's.rate_per_second'])
      .select((eb) =>
        eb
          .fn<string[]>('array', [eb.selectFrom('short_code_routes as r').select('r.route').whereRef('r.short_code', '=', 's.number').whereRef('r.route', '<>', 's.route').orderBy('r.position')])
          .as('also_on'),
      )
      .orderBy('s.number')
      .execute();
    return rows.map((r) => ({ number: r.number, route: r.route, ...(r.also_on.length > 0 ? { alsoOn: r.also_on } : {}), ratePerSecond: r.rate_per_second }));
  }

  async paused(): Promise<Map<string, string>> {
    const rows = await this.db.kysely.selectFrom('routes').select(['name', 'paused_reason']).where('paused_at', 'is not', null).execute();
    return new Map(rows.map((r) => [r.name, r.paused_reason ?? 'paused']));
  }

  /** An aggregator pauses a route (its traffic fails over, or waits) or resumes it; false when no such route. */
  async setPaused(name: string, reason: string | null, now: Date): Promise<boolean> {
    const result = await this.db.kysely
      .updateTable('routes')
      .set({ paused_at: reason === null ? null : now, paused_reason: reason })
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
