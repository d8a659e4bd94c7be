/**
 * The routes from the command line (docs/routing.md): list them with their operators, short codes and pauses;
 * pause or resume one (its queued messages fail over, or wait); explain where a message to a number would go and why.
 */
import type { Command } from 'commander';
import { routesOf } from '../app/ports.ts';
import { routingTableOf } from '../app/route-message.ts';
import { parseMsisdn } from '../core/numbers/index.ts';
import { decideRoute } from '../core/routing/index.ts';
import { PgRouteStore } from '../adapters/store/route-store.ts';
import { systemClock } from '../adapters/clock.ts';
import { storeDirectory } from './numbering-cli.ts';
import { cliAudit, configOption, fail, load, withStore } from './common.ts';

export function registerRoutesCommands(program: Command): void {
  const routes = program.command('routes').description('the operator links: operators, short codes, pauses, and where a message would go (docs/routing.md)');

  routes
    .command('list')
    .description('every route with its operator, the short codes it carries, and its pause')
    .addOption(configOption())
    .action(async (opts: { config?: string }) => {
      await withStore(load(opts.config), async (_accounts, db) => {
        const store = new PgRouteStore(db);
        const [all, shortCodes, paused] = await Promise.all([store.routes(), store.shortCodes(), store.paused()]);
        for (const route of all) {
          const carried = shortCodes.filter((s) => routesOf(s).includes(route.name)).map((s) => s.number);
          const operator = route.operator ? `${route.operator}${route.subscribersOnly ? ' subscribers only' : ''}` : 'operator not set';
          const pause = paused.has(route.name) ? `\tPAUSED: ${paused.get(route.name)}` : '';
          console.log(`${route.name}\t${route.protocol} ${route.host}:${route.port}\t${operator}\tshort codes: ${carried.join(', ') || 'none'}${pause}`);
        }
      });
    });

  for (const action of ['pause', 'resume'] as const) {
    const command = routes
      .command(`${action} <route>`)
      .description(action === 'pause' ? 'pause a route: its queued messages go to their next route, or wait' : 'resume a paused route')
      .addOption(configOption());
    if (action === 'pause') command.requiredOption('--reason <text>', 'why (shown to the aggregator and in the moved messages)');
    command.action(async (name: string, opts: { config?: string; reason?: string }) => {
      await withStore(load(opts.config), async (_accounts, db) => {
        const reason = action === 'pause' ? opts.reason! : null;
        if (!(await new PgRouteStore(db).setPaused(name, reason, systemClock.now()))) fail(`no route named "${name}"`);
        await cliAudit(db, null)(`routes.${action}`, { type: 'route', id: name }, reason === null ? {} : { reason });
        console.log(action === 'pause' ? `route ${name} paused: ${reason}` : `route ${name} resumed`);
      });
    });
  }

  routes
    .command('explain <msisdn>')
    .description('where a message to this number would go, and why: the routing rules over its operator (numbering plan and portability base)')
    .requiredOption('--short-code <number>', 'the short code it would be sent on')
    .option('--class <class>', 'transactional or marketing', 'transactional')
    .option('--account <name>', 'the account sending it (rules may name accounts)', '')
    .addOption(configOption())
    .action(async (msisdn: string, opts: { shortCode: string; class: string; account: string; config?: string }) => {
      if (opts.class !== 'transactional' && opts.class !== 'marketing') fail(`--class: "${opts.class}" is neither transactional nor marketing`);
      let e164: string;
      try {
        e164 = parseMsisdn(msisdn).e164;
      } catch (error) {
        fail((error as Error).message);
      }
      const config = load(opts.config);
      await withStore(config, async (accounts, db) => {
        const store = new PgRouteStore(db);
        const table = routingTableOf(config.routing, await store.routes(), await store.shortCodes());
        const { directory } = await storeDirectory(db, [e164]);
        const account = opts.account ? await accounts.findByName(opts.account) : undefined;
        if (opts.account && !account) fail(`no account named "${opts.account}"`);
        const input = { accountId: account?.id ?? '', accountName: account?.name, shortCode: opts.shortCode, class: opts.class as 'transactional' | 'marketing', recipient: e164 };
        const decision = decideRoute(table, input, (n) => directory.operatorOf(n));
        if (decision.kind === 'routed') console.log(`${e164} on ${opts.shortCode}: route ${decision.route}${decision.fallbacks.length ? `, then ${decision.fallbacks.join(', ')}` : ''} — ${decision.reason}`);
        else console.log(`${e164} on ${opts.shortCode}: refused, ${decision.code} — ${decision.reason}`);
      });
    });
}
