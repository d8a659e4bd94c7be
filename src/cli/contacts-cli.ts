/**
 * Contacts and campaigns from the command line: import a file (with a progress bar), resume or roll back an
 * import, get its error file, remove terminated numbers, and drive campaigns (create, dry run, launch, pause,
 * resume, cancel, statistics).
 */
import { createReadStream, createWriteStream, readFileSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { openCsv } from '../adapters/csv/csv-source.ts';
import { presentDryRun, presentReport } from '../adapters/http/campaigns-routes.ts';
import { decisionsCsv, noticesCsv, rejectionsCsv } from '../adapters/csv/csv-write.ts';
import { senderOf, type Account, type PgAccountStore } from '../adapters/store/account-store.ts';
import type { Perimeter } from '../core/geo/index.ts';
import { PgGeoPresenceStore } from '../adapters/store/geo-presence-store.ts';
import { PgCampaignStore } from '../adapters/store/campaign-store.ts';
import { PgContactStore } from '../adapters/store/contact-store.ts';
import { PgConsentStore } from '../adapters/store/consent-store.ts';
import type { Db } from '../adapters/store/database.ts';
import { PgRouteStore } from '../adapters/store/route-store.ts';
import { actOnCampaign, campaignReport, createCampaign, type CampaignDeps, type CampaignInput } from '../app/campaigns.ts';
import { InvalidRequest } from '../app/errors.ts';
import { importContacts } from '../app/import-contacts.ts';
import { planCampaign, recipientDecisions } from '../app/plan-campaign.ts';
import type { ContactBases, ContactImports, ContactRemoval, ImportRecord } from '../app/ports/contacts.ts';
import type { ImportDeps } from '../app/import-contacts.ts';
import type { ColumnTarget } from '../core/contacts/types.ts';
import { parseMsisdn } from '../core/numbers/index.ts';
import { systemClock } from '../adapters/clock.ts';
import { campaignTariff } from '../core/pricing/index.ts';
import type { Config } from '../config/schema.ts';
import { cliAudit, configOption, fail, load, withStore, type CliAudit } from './common.ts';

const accountOption = () => new Option('--account <name>', 'the client account').makeOptionMandatory();

export function registerContactCommands(program: Command): void {
  registerImport(program);
  registerImports(program);
  registerContacts(program);
  registerCampaigns(program);
}

interface ImportOptions {
  account: string;
  base: string;
  list?: string;
  map?: string[];
  encoding?: 'auto' | 'utf-8' | 'windows-1252';
  delimiter?: string;
  consentBrand?: string;
  consentChannel?: string;
  consentWording?: string;
  resume?: string;
  config?: string;
}

function registerImport(program: Command): void {
  program
    .command('import <file>')
    .description('import a CSV of contacts into a base (created if new); prints the counts and where the rejected rows are')
    .addOption(accountOption())
    .requiredOption('--base <name>', 'the contact base')
    .option('--list <name>', 'also put the imported contacts in this list (created if new)')
    .option('--map <header=target...>', 'column mapping over the suggested one: mobile, lastName, firstName, landline, email, birthday, custom.<name>, consent, consentDate, ignore')
    .addOption(new Option('--encoding <encoding>', 'file encoding (default: detected)').choices(['auto', 'utf-8', 'windows-1252']))
    .addOption(new Option('--delimiter <char>', 'column separator (default: detected)').choices([';', ',', '\t', '|']))
    .option('--consent-brand <brand>', "brand the file's consent column speaks for (default: the account's brand)")
    .option('--consent-channel <text>', 'how the consents were collected (evidence), e.g. "web form"')
    .option('--consent-wording <text>', 'the wording (or its version) the recipients agreed to (evidence)')
    .option('--resume <import-id>', 'go on with an interrupted import of this same file')
    .addOption(configOption())
    .action(async (file: string, opts: ImportOptions) => {
      await withContacts(load(opts.config), opts.account, async ({ contacts }, account, audit) => {
        const base = (await contacts.findBase(account.id, opts.base)) ?? (await contacts.createBase(account.id, opts.base, [], systemClock.now()));
        const resume = opts.resume ? ((await contacts.getImport(account.id, opts.resume)) ?? fail(`no import ${opts.resume} in this account`)) : undefined;
        const size = statSync(file).size;
        const source = await openCsv(createReadStream(file), { encoding: opts.encoding ?? 'auto', delimiter: (opts.delimiter as ';') ?? 'auto' });
        const bar = new SingleBar({ format: 'importing |{bar}| {percentage}% | {rows} rows, {rejected} rejected', hideCursor: true }, Presets.shades_classic);
        bar.start(size, 0, { rows: 0, rejected: 0 });
        const progress = (r: ImportRecord) => bar.update(source.bytesRead(), { rows: r.rowsInserted + r.rowsMerged, rejected: r.rowsRejected });
        const request = {
          accountId: account.id,
          base,
          list: opts.list ?? null,
          fileName: path.basename(file),
          mapping: mappingOf(opts.map ?? []),
          consent: { brand: opts.consentBrand ?? account.brand, channel: opts.consentChannel ?? null, wording: opts.consentWording ?? null },
          ...(resume ? { resume } : {}),
        };
        const record = await importContacts({ contacts, clock: systemClock }, request, source, progress).catch(explain).finally(() => bar.stop());
        await audit(resume ? 'imports.resume' : 'imports.create', { type: 'import', id: record.id });
        console.log(
          `import ${record.id} ${record.status}: ${record.rowsInserted} new, ${record.rowsMerged} merged, ${record.rowsRejected} rejected, ${record.consents} consents recorded (base ${base.name})`,
        );
        if (record.rowsRejected > 0) console.log(`rejected rows: relais imports errors ${record.id} --account ${opts.account} > errors.csv`);
        if (record.consentsNotReopened > 0) {
          console.log(
            `${record.consentsNotReopened} opt-ins kept as evidence but not counted: those recipients opted out since (STOP); ` +
              `relais imports notices ${record.id} --account ${opts.account} > notices.csv`,
          );
        }
      });
    });
}

function registerImports(program: Command): void {
  const imports = program.command('imports').description('follow up an import: its counts, its rejected rows, rolling it back');
  imports
    .command('show <id>')
    .addOption(accountOption())
    .addOption(configOption())
    .action(async (id: string, opts: { account: string; config?: string }) => {
      await withContacts(load(opts.config), opts.account, async ({ contacts }, account) => {
        console.log(JSON.stringify((await contacts.getImport(account.id, id)) ?? fail(`no import ${id}`), null, 2));
      });
    });
  const files: [string, string, (contacts: Pick<ContactImports, 'rejections' | 'notices'>, record: ImportRecord) => AsyncIterable<string>][] = [
    ['errors', 'print the rejected rows as CSV: line, reason, row', (contacts, record) => rejectionsCsv(contacts.rejections(record))],
    [
      'notices',
      'print the rows kept with something to know as CSV: line, msisdn, reason (opt-ins that did not re-open consent after a STOP)',
      (contacts, record) => noticesCsv(contacts.notices(record)),
    ],
  ];
  for (const [name, description, csv] of files) {
    imports
      .command(`${name} <id>`)
      .description(description)
      .addOption(accountOption())
      .addOption(configOption())
      .action(async (id: string, opts: { account: string; config?: string }) => {
        await withContacts(load(opts.config), opts.account, async ({ contacts }, account, audit) => {
          const record = (await contacts.getImport(account.id, id)) ?? fail(`no import ${id}`);
          await audit(`imports.${name}.export`, { type: 'import', id });
          for await (const line of csv(contacts, record)) process.stdout.write(line);
        });
      });
  }
  imports
    .command('rollback <id>')
    .description('remove the contacts the import created, restore those it changed, withdraw the opt-ins it recorded')
    .addOption(accountOption())
    .addOption(configOption())
    .action(async (id: string, opts: { account: string; config?: string }) => {
      await withContacts(load(opts.config), opts.account, async ({ contacts }, account, audit) => {
        const record = (await contacts.getImport(account.id, id)) ?? fail(`no import ${id}`);
        console.log(`import ${id}: ${(await contacts.rollbackImport(record, systemClock.now())).status}`);
        await audit('imports.rollback', { type: 'import', id });
      });
    });
}

function registerContacts(program: Command): void {
  program
    .command('contacts')
    .description('contact hygiene')
    .command('terminated <file>')
    .description('numbers known to be terminated (one per line): removed at once from every base of the account, each removal audited')
    .addOption(accountOption())
    .addOption(configOption())
    .action(async (file: string, opts: { account: string; config?: string }) => {
      const mobiles = readFileSync(file, 'utf8')
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean)
        .flatMap((line) => {
          try {
            return [parseMsisdn(line).e164];
          } catch {
            console.error(`not a number, skipped: ${line}`);
            return [];
          }
        });
      await withContacts(load(opts.config), opts.account, async ({ contacts }, account, audit) => {
        const removed = await contacts.removeNumbers(account.id, mobiles, 'number terminated (declared by the client)', systemClock.now());
        await audit('contacts.terminated', null, { numbers: mobiles.length, removed });
        console.log(`${removed} contacts removed for ${mobiles.length} terminated numbers`);
      });
    });
}

function registerCampaigns(program: Command): void {
  const campaign = program.command('campaign').description('campaigns: create, dry run, launch, pause, resume, cancel, statistics');
  campaign
    .command('create')
    .description('create a draft campaign; prints its id')
    .addOption(accountOption())
    .requiredOption('--name <name>', 'name of the campaign')
    .requiredOption('--base <name...>', 'contact base(s)')
    .requiredOption('--text <template>', 'the message, with merge fields such as {firstName} (docs/templates.md)')
    .option('--list <name...>', 'only contacts in these lists')
    .option('--segment <name>', 'only contacts matching this segment')
    .addOption(new Option('--class <class>', 'marketing (default) or transactional').choices(['marketing', 'transactional']))
    .option('--brand <brand>', "the brand it speaks for (default: the account's)")
    .option('--short-code <number>', "short code to send on (default: the account's)")
    .option('--from <sender>', 'alphanumeric sender ID instead of the short code')
    .option('--send-at <iso>', 'when it starts once launched (ISO 8601)')
    .option('--perimeter <json>', 'Géo Présence, on a 35ABC short code: {"circle":{"centre":{"lat":…,"lon":…},"radiusMetres":…}} or {"polygon":[{"lat":…,"lon":…},…]}')
    .addOption(configOption())
    .action(async (opts: { account: string; name: string; base: string[]; text: string; list?: string[]; segment?: string; class?: 'marketing' | 'transactional'; brand?: string; shortCode?: string; from?: string; sendAt?: string; perimeter?: string; config?: string }) => {
      const input: CampaignInput = {
        name: opts.name,
        text: opts.text,
        bases: opts.base,
        ...(opts.list ? { lists: opts.list } : {}),
        ...(opts.segment ? { segment: opts.segment } : {}),
        ...(opts.class ? { class: opts.class } : {}),
        ...(opts.brand ? { brand: opts.brand } : {}),
        ...(opts.shortCode ? { shortCode: opts.shortCode } : {}),
        ...(opts.from ? { from: opts.from } : {}),
        ...(opts.sendAt ? { sendAt: opts.sendAt } : {}),
        ...(opts.perimeter ? { perimeter: perimeterJson(opts.perimeter) } : {}),
      };
      await withContacts(load(opts.config), opts.account, async (deps, account, audit) => {
        const created = await createCampaign(deps, senderOf(account), input).catch(explain);
        await audit('campaigns.create', { type: 'campaign', id: created.id });
        console.log(`campaign ${created.id} created (draft)`);
      });
    });
  campaign
    .command('list')
    .addOption(accountOption())
    .addOption(configOption())
    .action(async (opts: { account: string; config?: string }) => {
      await withContacts(load(opts.config), opts.account, async (deps, account) => {
        for (const c of await deps.campaigns.list(account.id)) console.log(`${c.id}\t${c.status}\t${c.queued} queued\t${c.name}`);
      });
    });
  campaign
    .command('dry-run <id>')
    .description('what launching it would do: recipients, exclusions by reason, deferrals, rule set, encodings, cost and tier cliff, time to send')
    .option('--recipients <file>', 'also write the decision of every recipient to this CSV file (outcome, reason, when it goes)')
    .addOption(accountOption())
    .addOption(configOption())
    .action(async (id: string, opts: { account: string; recipients?: string; config?: string }) => {
      await withContacts(load(opts.config), opts.account, async (deps, account, audit) => {
        console.log(JSON.stringify(presentDryRun(await planCampaign(deps, senderOf(account), id).catch(explain)), null, 2));
        if (opts.recipients) {
          await audit('campaigns.dry-run.recipients.export', { type: 'campaign', id });
          const decisions = recipientDecisions(deps, senderOf(account), id);
          await pipeline(Readable.from(decisionsCsv(await decisions.next(), decisions)), createWriteStream(opts.recipients));
          console.error(`every recipient's decision: ${opts.recipients}`);
        }
      });
    });
  for (const action of ['launch', 'pause', 'resume', 'cancel'] as const) {
    campaign
      .command(`${action} <id>`)
      .addOption(accountOption())
      .addOption(configOption())
      .action(async (id: string, opts: { account: string; config?: string }) => {
        await withContacts(load(opts.config), opts.account, async (deps, account, audit) => {
          const moved = await actOnCampaign(deps, senderOf(account), id, action).catch(explain);
          await audit(`campaigns.${action}`, { type: 'campaign', id });
          console.log(`campaign ${id}: ${moved.status}`);
        });
      });
  }
  campaign
    .command('stats <id>')
    .description('sent, delivered, failed by reason, pending, STOPs received after it, cost so far')
    .addOption(accountOption())
    .addOption(configOption())
    .action(async (id: string, opts: { account: string; config?: string }) => {
      await withContacts(load(opts.config), opts.account, async (deps, account) => {
        console.log(JSON.stringify(presentReport(await campaignReport(deps, account.id, id).catch(explain)), null, 2));
      });
    });
}

/** What the contact and campaign commands read: the campaigns' ports, and the bases and imports they start and follow. */
type ContactCommandDeps = CampaignDeps & { contacts: CampaignDeps['contacts'] & ImportDeps['contacts'] & Pick<ContactBases, 'createBase'> & Pick<ContactRemoval, 'removeNumbers'> };

/** The account by name and what the contact and campaign commands need; messages queued are picked up by the running Relais. */
async function withContacts(config: Config, accountName: string, work: (deps: ContactCommandDeps, account: Account, audit: CliAudit) => Promise<void>): Promise<void> {
  await withStore(config, async (accounts: PgAccountStore, db: Db) => {
    const account = (await accounts.findByName(accountName)) ?? fail(`no account named "${accountName}"`);
    const shortCodes = new Map((await new PgRouteStore(db).shortCodes()).map((s) => [s.number, s]));
    const deps: ContactCommandDeps = {
      campaigns: new PgCampaignStore(db),
      contacts: new PgContactStore(db),
      submit: { shortCodes: () => shortCodes, consents: new PgConsentStore(db), notify: () => undefined },
      clock: systemClock,
      tariff: campaignTariff(config.campaigns.tariff),
      geoPresence: new PgGeoPresenceStore(db),
    };
    await work(deps, account, cliAudit(db, account.id));
  });
}

function mappingOf(pairs: string[]): Record<string, ColumnTarget> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.lastIndexOf('=');
      if (at <= 0) fail(`--map takes header=target (got "${pair}")`);
      return [pair.slice(0, at), pair.slice(at + 1) as ColumnTarget];
    }),
  );
}

/** A use case's refusal, as the person at the terminal can act on it. */
function explain(error: unknown): never {
  if (error instanceof InvalidRequest) fail(error.problems.map((p) => `${p.field}: ${p.reason}`).join('\n'));
  throw error;
}

/** A perimeter given as JSON on the command line (checked by the use case, which names what is wrong). */
function perimeterJson(text: string): Perimeter {
  try {
    return JSON.parse(text) as Perimeter;
  } catch {
    return fail(`--perimeter is not JSON: ${text}`);
  }
}
