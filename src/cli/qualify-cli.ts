/**
 * `relais qualify` (docs/operators.md, "Qualification"): qualify numbers, or a contact base with a progress bar.
 * Same rules as the API: cached within the time to live, each lookup billable, terminated numbers removed from the
 * account's contacts; audited. The lookup is the simulator, its operators taken from the numbering plan in store.
 */
import { Option, type Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { InvalidRequest, NotFound } from '../app/errors.ts';
import { qualifyBase, qualifyNumbers, summarize, type QualificationDeps, type QualificationSummary } from '../app/qualification.ts';
import { OperatorLookupSimulator } from '../adapters/operator-lookup/simulator.ts';
import { PgContactStore } from '../adapters/store/contact-store.ts';
import { PgNumberingStore } from '../adapters/store/numbering-store.ts';
import { PgQualificationStore } from '../adapters/store/qualification-store.ts';
import type { Db } from '../adapters/store/database.ts';
import type { Config } from '../config/schema.ts';
import { OperatorDirectory, PortabilityMap } from '../core/numbering/index.ts';
import { systemClock } from '../adapters/clock.ts';
import { cliAudit, configOption, fail, load, withStore } from './common.ts';

export function registerQualifyCommand(program: Command): void {
  program
    .command('qualify [msisdn...]')
    .description('qualify numbers (or a contact base with --base): operator, valid / unknown / terminated; terminated numbers leave the contacts')
    .addOption(new Option('--account <name>', 'the client account').makeOptionMandatory())
    .option('--base <id>', "qualify every contact of this base (id or name)")
    .addOption(configOption())
    .action(async (numbers: string[], opts: { account: string; base?: string; config?: string }) => {
      if ((numbers.length > 0) === (opts.base !== undefined)) fail('give numbers or --base <id>, not both');
      const config = load(opts.config);
      await withStore(config, async (accounts, db) => {
        const account = (await accounts.findByName(opts.account)) ?? fail(`no account named "${opts.account}"`);
        const deps = await cliDeps(config, db);
        const audit = cliAudit(db, account.id);
        try {
          if (opts.base !== undefined) {
            const bar = process.stderr.isTTY ? new SingleBar({ format: 'qualifying |{bar}| {value} numbers | {terminated} terminated', hideCursor: true }, Presets.shades_classic) : undefined;
            bar?.start(0, 0, { terminated: 0 });
            const done = await qualifyBase(deps, account.id, opts.base, (s) => {
              bar?.setTotal(s.numbers);
              bar?.update(s.numbers, { terminated: s.terminated });
            });
            bar?.stop();
            await audit('qualifications.qualify', { type: 'bases', id: done.base.id }, { ...done });
            console.log(`base ${done.base.name}: ${line(done)}`);
          } else {
            const results = await qualifyNumbers(deps, account.id, numbers);
            for (const r of results) console.log(`${r.msisdn}\t${r.state}\t${r.operator ?? '-'}\t${r.cached ? 'cached' : 'looked up'}\t${r.checkedAt.toISOString()}${r.removedContacts ? `\t${r.removedContacts} contacts removed` : ''}`);
            const summary = summarize(results);
            await audit('qualifications.qualify', null, { ...summary });
            console.log(line(summary));
          }
        } catch (error) {
          if (error instanceof InvalidRequest) fail(error.problems.map((p) => `${p.field}: ${p.reason}`).join('; '));
          if (error instanceof NotFound) fail(error.message);
          throw error;
        }
      });
    });
}

function line(s: QualificationSummary): string {
  return `${s.numbers} numbers: ${s.lookedUp} looked up (billable), ${s.cached} cached; ${s.valid} valid, ${s.unknown} unknown, ${s.terminated} terminated; ${s.removedContacts} contacts removed`;
}

async function cliDeps(config: Config, db: Db): Promise<QualificationDeps> {
  const { plan, names } = await new PgNumberingStore(db).loadPlan();
  const directory = new OperatorDirectory(plan, PortabilityMap.from([]), names);
  return {
    lookup: new OperatorLookupSimulator({ ...config.qualification.simulator, operatorOf: (e164) => directory.operatorOf(e164) }),
    store: new PgQualificationStore(db),
    contacts: new PgContactStore(db),
    clock: systemClock,
    ttlDays: config.qualification.ttlDays,
    batch: config.qualification.batch,
  };
}
