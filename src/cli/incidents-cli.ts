/**
 * Incident tickets from the command line (docs/incidents.md), on the server, as the aggregator's support: open a
 * ticket for an account (a call to the support desk), list, show, qualify, change the status, close with the cause,
 * and the monthly report. Changes notify like the API (webhooks queued, e-mails sent) and are audited.
 */
import { userInfo } from 'node:os';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { createMailer } from '../adapters/mail/mailer.ts';
import { PgIncidentStore } from '../adapters/store/incident-store.ts';
import { presentReport } from '../adapters/http/incidents-routes.ts';
import type { Db } from '../adapters/store/database.ts';
import {
  findIncident,
  monthlyIncidentReport,
  openIncident,
  presentDetail,
  presentIncident,
  qualifyIncident,
  setIncidentStatus,
  type Author,
  type IncidentDeps,
} from '../app/incidents.ts';
import { categories, incidentReportCsv, incidentStatuses, severities, type Category, type IncidentStatus, type Severity } from '../core/incidents/index.ts';
import type { Config } from '../config/schema.ts';
import { systemClock } from '../adapters/clock.ts';
import { cliAudit, configOption, fail, load, withStore } from './common.ts';

function depsOf(config: Config, db: Db): IncidentDeps {
  const mailer = createMailer({ ...config.mail, outboxDir: config.mail.outboxDir ?? path.join(config.database.dataDir, 'outbox') });
  return { store: new PgIncidentStore(db), clock: systemClock, mailer, supportAddress: config.mail.supportAddress, publicUrl: config.portal.publicUrl };
}

function author(): Author {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? 'cli';
  }
  return { side: 'provider', name: `support (${name}, cli)` };
}

/** Runs a ticket command, its typed refusals told as one line. */
async function run(configFile: string | undefined, work: (deps: IncidentDeps, db: Db, config: Config) => Promise<void>): Promise<void> {
  const config = load(configFile);
  await withStore(config, async (_accounts, db) => {
    try {
      await work(depsOf(config, db), db, config);
    } catch (error) {
      const problems = (error as { problems?: { field: string; reason: string }[] }).problems;
      fail(problems ? problems.map((p) => `${p.field.replace(/^\//, '--')}: ${p.reason}`).join('; ') : (error as Error).message);
    }
  });
}

const minutes = (m: number) => `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')}`;

export function registerIncidentCommands(program: Command): void {
  const incident = program.command('incident').description('incident tickets: open, list, show, qualify, status, close, report (docs/incidents.md)');

  incident
    .command('open <account>')
    .description('open a ticket for an account (e.g. reported by phone)')
    .requiredOption('--title <text>')
    .requiredOption('--description <text>')
    .addOption(new Option('--severity <severity>').choices([...severities]).default('minor'))
    .addOption(new Option('--category <category>').choices([...categories]).default('other'))
    .addOption(configOption())
    .action(async (name: string, opts: { title: string; description: string; severity: Severity; category: Category; config?: string }) => {
      const config = load(opts.config);
      await withStore(config, async (accounts, db) => {
        const account = (await accounts.findByName(name)) ?? fail(`no account named "${name}"`);
        const deps = depsOf(config, db);
        const opened = await openIncident(deps, { accountId: account.id, title: opts.title, description: opts.description, severity: opts.severity, category: opts.category, author: author() }).catch(
          (error: Error) => fail(error.message),
        );
        await cliAudit(db, account.id)('incidents.create', { type: 'incidents', id: opened.reference });
        console.log(opened.reference);
      });
    });

  incident
    .command('list')
    .description('tickets, newest first: reference, account, status, severity, clock, title')
    .option('--account <name>')
    .addOption(new Option('--status <status>').choices([...incidentStatuses]))
    .option('--limit <n>', 'at most this many', '100')
    .addOption(configOption())
    .action(async (opts: { account?: string; status?: IncidentStatus; limit: string; config?: string }) => {
      const config = load(opts.config);
      await withStore(config, async (accounts, db) => {
        const deps = depsOf(config, db);
        const account = opts.account ? ((await accounts.findByName(opts.account)) ?? fail(`no account named "${opts.account}"`)) : undefined;
        const list = await deps.store.list(account ? { accountId: account.id } : null, { status: opts.status, limit: Number(opts.limit) || 100 });
        for (const i of list.map((x) => presentIncident(deps, x))) {
          console.log([i.reference, i.account, i.status, i.severity, `${minutes(i.clock.businessMinutes)}/${minutes(i.clock.targetMinutes)}${i.clock.overdue ? ' overdue' : ''}`, i.title].join('\t'));
        }
      });
    });

  incident
    .command('show <reference>')
    .description('a ticket as JSON: clock, history, comments, files')
    .addOption(configOption())
    .action(async (reference: string, opts: { config?: string }) => {
      await run(opts.config, async (deps) => console.log(JSON.stringify(presentDetail(deps, await findIncident(deps, null, reference)), null, 2)));
    });

  incident
    .command('qualify <reference>')
    .description('set the severity (and so the target) and the category')
    .addOption(new Option('--severity <severity>').choices([...severities]).makeOptionMandatory())
    .addOption(new Option('--category <category>').choices([...categories]).makeOptionMandatory())
    .addOption(configOption())
    .action(async (reference: string, opts: { severity: Severity; category: Category; config?: string }) => {
      await run(opts.config, async (deps, db) => {
        const after = await qualifyIncident(deps, reference, { severity: opts.severity, category: opts.category, author: author() });
        await cliAudit(db, after.accountId)('incidents.qualify', { type: 'incidents', id: reference });
        console.log(`${reference}: ${after.severity}, ${after.category}`);
      });
    });

  incident
    .command('status <reference> <status>')
    .description(`change the status (${incidentStatuses.join(', ')}); waiting-for-client freezes the clock; resolved needs --cause`)
    .option('--note <text>', 'why (waiting: what is asked of the client); kept in the history and mailed')
    .option('--cause <text>', 'what failed and what was done (to resolve)')
    .addOption(configOption())
    .action(async (reference: string, status: string, opts: { note?: string; cause?: string; config?: string }) => {
      if (!(incidentStatuses as readonly string[]).includes(status)) fail(`"${status}" is not a status (${incidentStatuses.join(', ')})`);
      await run(opts.config, async (deps, db) => {
        const after = await setIncidentStatus(deps, null, reference, { to: status as IncidentStatus, note: opts.note, cause: opts.cause, author: author() });
        await cliAudit(db, after.accountId)('incidents.status', { type: 'incidents', id: reference }, { status });
        console.log(`${reference}: ${after.status}`);
      });
    });

  incident
    .command('close <reference>')
    .description('close a ticket with its cause (an unresolved ticket is resolved first, with --cause); prints its counted duration')
    .option('--cause <text>', 'what failed and what was done')
    .addOption(configOption())
    .action(async (reference: string, opts: { cause?: string; config?: string }) => {
      await run(opts.config, async (deps, db) => {
        const ticket = await findIncident(deps, null, reference);
        if (ticket.status === 'open' || ticket.status === 'waiting-for-client') await setIncidentStatus(deps, null, reference, { to: 'resolved', cause: opts.cause, author: author() });
        const after = await setIncidentStatus(deps, null, reference, { to: 'closed', cause: opts.cause, author: author() });
        await cliAudit(db, after.accountId)('incidents.close', { type: 'incidents', id: reference });
        console.log(`${reference}: closed after ${minutes(Math.floor(after.businessMs! / 60_000))} business hours; cause: ${after.cause}`);
      });
    });

  incident
    .command('report')
    .description("a month's closed tickets against the targets: JSON, or CSV with --csv")
    .requiredOption('--month <YYYY-MM>', 'the month, in Europe/Paris')
    .option('--csv', 'one CSV line per closed ticket')
    .addOption(configOption())
    .action(async (opts: { month: string; csv?: boolean; config?: string }) => {
      await run(opts.config, async (deps) => {
        const report = await monthlyIncidentReport(deps, opts.month);
        if (opts.csv) process.stdout.write(incidentReportCsv(report).join(''));
        else console.log(JSON.stringify(presentReport(report), null, 2));
      });
    });
}
