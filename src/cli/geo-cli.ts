/**
 * `relais geo` (docs/operators.md, "Géo Présence"): record a recipient's acceptance of geolocated marketing, locate a
 * number (a billable hit, audited), and the month's localisation hits priced. Same rules as the API; the location
 * provider is the simulator, configured as for `relais start`.
 */
import { Option, type Command } from 'commander';
import { InvalidRequest } from '../app/errors.ts';
import { localisationMonth, locateNumber, recordGeolocationConsent, type GeoPresenceDeps } from '../app/geo-presence.ts';
import { LocationSimulator } from '../adapters/location/simulator.ts';
import { PgGeoPresenceStore } from '../adapters/store/geo-presence-store.ts';
import type { Db } from '../adapters/store/database.ts';
import type { Config } from '../config/schema.ts';
import { systemClock } from '../adapters/clock.ts';
import { cliAudit, configOption, fail, load, withStore } from './common.ts';

const euros = (microEuros: number) => (microEuros / 1_000_000).toFixed(2);

export function registerGeoCommands(program: Command): void {
  const geo = program.command('geo').description('Géo Présence: acceptances of geolocated marketing, locating a number, the month\'s localisation hits');
  const account = () => new Option('--account <name>', 'the client account').makeOptionMandatory();

  geo
    .command('accept <msisdn>')
    .description("record that a recipient accepted geolocated marketing from a brand (--withdraw: withdrew it)")
    .addOption(account())
    .option('--brand <brand>', "the brand (default the account's)")
    .option('--withdraw', 'record a withdrawal')
    .option('--channel <channel>', 'how it was collected: web form, shop, SMS…')
    .option('--wording <wording>', 'the wording agreed to, or its version')
    .option('--at <instant>', 'ISO 8601 with a time zone, when it happened (default now)')
    .addOption(configOption())
    .action(async (msisdn: string, opts: { account: string; brand?: string; withdraw?: boolean; channel?: string; wording?: string; at?: string; config?: string }) => {
      await withGeo(opts, async (deps, accountId, brand) => {
        const state = await recordGeolocationConsent(deps, accountId, brand, { msisdn, accepted: !opts.withdraw, channel: opts.channel, wording: opts.wording, occurredAt: opts.at });
        console.log(`${state.latest!.recipient}\t${brand}\t${state.accepted ? 'accepts geolocated marketing' : 'does not accept geolocated marketing'}`);
      }, opts.brand);
    });

  geo
    .command('locate <msisdn>')
    .description('where a number that accepted geolocated marketing is now (a billable localisation hit)')
    .addOption(account())
    .option('--brand <brand>', "the brand (default the account's)")
    .addOption(configOption())
    .action(async (msisdn: string, opts: { account: string; brand?: string; config?: string }) => {
      await withGeo(opts, async (deps, accountId, brand, db) => {
        const location = await locateNumber(deps, accountId, brand, msisdn);
        await cliAudit(db, accountId)('locations.locate', null, { msisdn: location.msisdn, state: location.state });
        const where = location.position ? `\t${location.position.lat}, ${location.position.lon}\t±${location.accuracyMetres} m` : '';
        console.log(`${location.msisdn}\t${location.state}${where}\t${location.at.toISOString()}\t(billed)`);
      }, opts.brand);
    });

  geo
    .command('usage')
    .description("the month's localisation hits of the account, priced with the Orange M2M localisation grid")
    .addOption(account())
    .option('--month <YYYY-MM>', 'the billing month, Europe/Paris (default the current one)')
    .addOption(configOption())
    .action(async (opts: { account: string; month?: string; config?: string }) => {
      await withGeo(opts, async (deps, accountId) => {
        const month = await localisationMonth(deps, accountId, opts.month);
        console.log(`${month.month}: ${month.hits} hits (${month.located} located)`);
        for (const line of month.cost.lines) console.log(`  ${line.label}\t${line.quantity} × ${euros(line.unitPrice)} €${line.discountBasisPoints ? ` − ${line.discountBasisPoints / 100} %` : ''}\t${euros(line.amount)} €`);
        console.log(`  total\t${euros(month.cost.total)} € excl. VAT`);
      });
    });
}

async function withGeo(
  opts: { account: string; config?: string },
  work: (deps: GeoPresenceDeps, accountId: string, brand: string, db: Db) => Promise<void>,
  brand?: string,
): Promise<void> {
  const config = load(opts.config);
  await withStore(config, async (accounts, db) => {
    const found = (await accounts.findByName(opts.account)) ?? fail(`no account named "${opts.account}"`);
    if (brand !== undefined && !found.brands.includes(brand)) fail(`"${brand}" is not one of the account's brands (${found.brands.join(', ')})`);
    try {
      await work(geoDeps(config, db), found.id, brand ?? found.brand, db);
    } catch (error) {
      if (error instanceof InvalidRequest) fail(error.problems.map((p) => `${p.field}: ${p.reason}`).join('; '));
      throw error;
    }
  });
}

function geoDeps(config: Config, db: Db): GeoPresenceDeps {
  return { provider: new LocationSimulator(config.geoPresence.simulator), store: new PgGeoPresenceStore(db), clock: systemClock, batch: config.geoPresence.batch };
}
