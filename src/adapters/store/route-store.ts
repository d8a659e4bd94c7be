import type { Route, RouteSettings, RouteStore, ShortCode } from '../../app/ports.ts';
import type { Db } from './database.ts';

export class PgRouteStore implements RouteStore {
  constructor(private readonly db: Db) {}

  /** Upserts the routes and short codes declared in the configuration (the configuration wins). */
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
          updated_at: now,
        };
        await tx.insertInto('routes').values(row).onConflict((oc) => oc.column('name').doUpdateSet(row)).execute();
      }
      for (const s of shortCodes) {
        const row = { number: s.number, route: s.route, rate_per_second: s.ratePerSecond, updated_at: now };
        await tx.insertInto('short_codes').values(row).onConflict((oc) => oc.column('number').doUpdateSet(row)).execute();
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
    }));
  }

  async shortCodes(): Promise<ShortCode[]> {
    const rows = await this.db.kysely.selectFrom('short_codes').selectAll().orderBy('number').execute();
    return rows.map((r) => ({ number: r.number, route: r.route, ratePerSecond: r.rate_per_second }));
  }
}
