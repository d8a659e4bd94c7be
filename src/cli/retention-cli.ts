/**
 * Retention and the rights of a person from the command line (docs/retention.md): run the retention rules (or a dry
 * run), list the runs, export or erase one number. Every command is written on the audit trail.
 */
import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { personalDataCsv } from '../adapters/http/retention-routes.ts';
import { retentionParts } from '../adapters/retention-parts.ts';
import { PgAuditStore } from '../adapters/store/audit-store.ts';
import { auditCli, erasePerson, personNumber, runRetention } from '../app/retention.ts';
import { InvalidRequest, InvalidState } from '../app/errors.ts';
import { systemClock } from '../adapters/clock.ts';
import { configOption, fail, load, withStore } from './common.ts';

export function registerRetentionCommands(program: Command): void {
  const retention = program.command('retention').description('the retention job: run it, or say what it would remove (docs/retention.md)');

  retention
    .command('run')
    .description('apply the retention rules now, batch by batch; --dry-run says what they would remove and changes nothing')
    .option('--dry-run', 'count only')
    .addOption(configOption())
    .action(async (opts: { dryRun?: boolean; config?: string }) => {
      const config = load(opts.config);
      await withStore(config, async (_accounts, db) => {
        const { store } = retentionParts(config, db);
        const summary = await runRetention({ store, clock: systemClock }, { dryRun: opts.dryRun ?? false, requestedBy: 'cli' }).catch((error: Error) =>
          error instanceof InvalidState ? fail(error.message) : Promise.reject(error),
        );
        await auditCli(new PgAuditStore(db), systemClock, 'retention.run', null, { dryRun: summary.dryRun, runId: summary.runId, counts: summary.counts });
        const seconds = ((summary.finishedAt.getTime() - summary.startedAt.getTime()) / 1000).toFixed(1);
        console.log(`run ${summary.runId}${summary.dryRun ? ' (dry run: nothing changed)' : ''}, ${seconds} s`);
        for (const [rule, count] of Object.entries(summary.counts)) console.log(`  ${rule.padEnd(22)} ${count}`);
      });
    });

  retention
    .command('runs')
    .description('the last runs, newest first, with the count of each rule')
    .option('--limit <n>', 'how many', '20')
    .addOption(configOption())
    .action(async (opts: { limit: string; config?: string }) => {
      const config = load(opts.config);
      await withStore(config, async (_accounts, db) => {
        console.log(JSON.stringify(await retentionParts(config, db).store.runs(Number(opts.limit) || 20), null, 2));
      });
    });

  const gdpr = program.command('gdpr').description("a person's rights over one number: export what is held, erase it (docs/retention.md)");
  gdpr
    .command('export <msisdn>')
    .description('everything held about the number, in one account (--account) or in all: contacts, messages, MOs, consent ledger, usage')
    .option('--account <name>', 'only this account')
    .addOption(new Option('--format <format>', 'json or csv').choices(['json', 'csv']).default('json'))
    .option('--out <file>', 'write there instead of the standard output')
    .addOption(configOption())
    .action(async (typed: string, opts: { account?: string; format: 'json' | 'csv'; out?: string; config?: string }) => {
      const config = load(opts.config);
      await withStore(config, async (accounts, db) => {
        const msisdn = number(typed);
        const account = opts.account ? ((await accounts.findByName(opts.account)) ?? fail(`no account named "${opts.account}"`)) : undefined;
        const data = await retentionParts(config, db).gdpr.export(msisdn, account?.id ?? null);
        await auditCli(new PgAuditStore(db), systemClock, 'gdpr.export', account?.id ?? null, { format: opts.format });
        const text = opts.format === 'csv' ? personalDataCsv(data) : `${JSON.stringify(data, null, 2)}\n`;
        if (opts.out) writeFileSync(opts.out, text, { mode: 0o600 });
        else process.stdout.write(text);
      });
    });
  gdpr
    .command('erase <msisdn>')
    .description('erase the number from one account (--account) or from all; an opposition is kept under its keyed pseudonym')
    .option('--account <name>', 'only this account')
    .addOption(configOption())
    .action(async (typed: string, opts: { account?: string; config?: string }) => {
      const config = load(opts.config);
      await withStore(config, async (accounts, db) => {
        const msisdn = number(typed);
        const account = opts.account ? ((await accounts.findByName(opts.account)) ?? fail(`no account named "${opts.account}"`)) : undefined;
        const erased = await erasePerson(retentionParts(config, db).gdpr, systemClock, msisdn, account?.id ?? null);
        await auditCli(new PgAuditStore(db), systemClock, 'gdpr.erase', account?.id ?? null, { accounts: erased.accounts.length });
        console.log(JSON.stringify(erased, null, 2));
      });
    });
}

function number(typed: string): string {
  try {
    return personNumber(typed);
  } catch (error) {
    if (error instanceof InvalidRequest) fail(error.problems.map((p) => p.reason).join('; '));
    throw error;
  }
}
