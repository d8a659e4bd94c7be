/**
 * The aggregator's side of billing from the command line (docs/billing.md, "The aggregator's side"): the month's
 * operator cost and margin per account and per short code, and the reconciliation with the operator's counts.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { reportCsv } from '../adapters/http/aggregator-billing-routes.ts';
import { readCsvText } from '../adapters/csv/small-csv.ts';
import { PgOperatorCostStore } from '../adapters/store/operator-cost-store.ts';
import { InvalidRequest } from '../app/errors.ts';
import { operatorCountsOf, type MarginReport } from '../core/billing/index.ts';
import { systemClock } from '../adapters/clock.ts';
import { configOption, fail, load, withStore } from './common.ts';

const euros = (microEuros: number) => `${(microEuros / 1_000_000).toFixed(2)} €`;
const checkMonth = (month: string) => /^\d{4}-(0[1-9]|1[0-2])$/.test(month) || fail('--month must be YYYY-MM');

function printReport(report: MarginReport): void {
  const row = (name: string, delivered: number | string, r: { revenue: number; cost: number; margin: number }) =>
    console.log(`  ${name.padEnd(24)} ${String(delivered).padStart(10)} ${euros(r.revenue).padStart(14)} ${euros(r.cost).padStart(14)} ${euros(r.margin).padStart(14)}`);
  const head = () => console.log(`  ${''.padEnd(24)} ${'delivered'.padStart(10)} ${'revenue'.padStart(14)} ${'cost'.padStart(14)} ${'margin'.padStart(14)}`);
  console.log(`${report.month}: operator cost ${euros(report.operator.total)} (shared ${euros(report.operator.shared)}), revenue ${euros(report.totals.revenue)}, margin ${euros(report.totals.margin)}`);
  console.log('per account');
  head();
  for (const a of report.accounts) row(a.name + (a.invoiced ? ' (invoiced)' : ''), a.delivered, a);
  console.log('per short code');
  head();
  for (const s of report.shortCodes) row(s.shortCode, s.delivered, s);
  row('unallocated', '', report.unallocated);
}

export function registerBillingReportCommands(program: Command): void {
  const billing = program.commands.find((command) => command.name() === 'billing') ?? program.command('billing');

  billing
    .command('report')
    .description("the month's operator cost and margin per account and per short code")
    .requiredOption('--month <YYYY-MM>', 'the month, in Europe/Paris')
    .option('--csv', 'print CSV (one row per account, per short code, then the unallocated and the total)')
    .addOption(configOption())
    .action(async (opts: { month: string; csv?: boolean; config?: string }) => {
      checkMonth(opts.month);
      await withStore(load(opts.config), async (_accounts, db) => {
        const report = await new PgOperatorCostStore(db).marginReport(opts.month);
        if (opts.csv) process.stdout.write(reportCsv(report));
        else printReport(report);
      });
    });

  billing
    .command('reconcile <file.csv>')
    .description("import the operator's monthly counts per short code (CSV: shortCode, delivered[, month]) and list the differences with Relais's")
    .requiredOption('--month <YYYY-MM>', 'the month the counts are for')
    .addOption(configOption())
    .action(async (file: string, opts: { month: string; config?: string }) => {
      checkMonth(opts.month);
      let records: string[][];
      try {
        records = readCsvText(readFileSync(file, 'utf8'));
      } catch (error) {
        fail(error instanceof InvalidRequest ? error.message : `cannot read ${file}: ${(error as Error).message}`);
      }
      const { counts, rejected } = operatorCountsOf(records, opts.month);
      for (const r of rejected) console.error(`line ${r.line} rejected: ${r.reason}`);
      if (counts.length === 0) fail('no valid row: nothing imported');
      await withStore(load(opts.config), async (_accounts, db) => {
        const store = new PgOperatorCostStore(db);
        await store.importCounts(opts.month, counts, file, systemClock.now());
        const result = await store.reconciliation(opts.month);
        console.log(`${opts.month}: ${counts.length} short code(s) imported, ${rejected.length} row(s) rejected; ${result.differences} difference(s)`);
        console.log(`  ${'short code'.padEnd(12)} ${'relais'.padStart(10)} ${'operator'.padStart(10)} ${'difference'.padStart(11)}  status`);
        for (const r of result.rows) console.log(`  ${r.shortCode.padEnd(12)} ${String(r.relais).padStart(10)} ${String(r.operator ?? '—').padStart(10)} ${String(r.difference).padStart(11)}  ${r.status}`);
        console.log(`  ${'total'.padEnd(12)} ${String(result.totals.relais).padStart(10)} ${String(result.totals.operator).padStart(10)} ${String(result.totals.difference).padStart(11)}`);
      });
    });
}
