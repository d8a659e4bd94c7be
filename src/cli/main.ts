import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { PgEmailStore } from '../adapters/store/email-store.ts';
import { PgSmppAccountStore } from '../adapters/store/smpp-account-store.ts';
import { withAccountKeywords } from '../app/receive-mo.ts';
import { compileKeywords, KeywordSetError, type KeywordSet } from '../core/keywords/index.ts';
import type { Config } from '../config/schema.ts';
import type { Relais } from '../main.ts';
import { systemClock } from '../adapters/clock.ts';
import { cliAudit, configOption, fail, load, maskedCommandLine, withStore } from './common.ts';
import { keyPrefixOf, type Account, type AccountChanges } from '../adapters/store/account-store.ts';
import type { Db } from '../adapters/store/database.ts';
import { PgRouteStore } from '../adapters/store/route-store.ts';
import { settingsProblems, type SettingsChange } from '../app/account-settings.ts';
import { accountOptions as settingsOptions, DEFAULT_COMPLIANCE_SETTINGS, type AccountOption, type ComplianceSettings } from '../app/guard-message.ts';
import { registerContactCommands } from './contacts-cli.ts';
import { registerUserCommands } from './users-cli.ts';
import { registerBillingCommands } from './billing-cli.ts';
import { registerIncidentCommands } from './incidents-cli.ts';
import { registerBillingReportCommands } from './billing-report-cli.ts';
import { registerRetentionCommands } from './retention-cli.ts';
import { registerReportCommands } from './report-cli.ts';
import { registerNumberingCommands } from './numbering-cli.ts';
import { registerRoutesCommands } from './routes-cli.ts';
import { registerQualifyCommand } from './qualify-cli.ts';
import { registerGeoCommands } from './geo-cli.ts';
import { compact, identityProblems, type CompanyIdentity } from '../core/access/identity.ts';
import { RIGHTS, unknownRights, type Right } from '../core/access/rights.ts';
import { simulatorCliOptions, runSmppSimulatorFromCli } from '../adapters/simulator/smpp-simulator.ts';
import { runUcpSimulatorFromCli, ucpSimulatorCliOptions } from '../adapters/simulator/ucp-cli.ts';

// Output piped into a reader that stops early (`relais imports errors … | head`): stop quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('relais')
  .description('Relais: push-SMS platform (HTTP API, dispatcher, operator links)')
  .version(version, '-V, --version', 'print the version of Relais')
  .showHelpAfterError();

/**
 * An account's settings as the API shows them. The HTTP layer and the whole server (`start`) are loaded only by the
 * commands that need them: every other command starts in a fraction of the time.
 */
async function presented(account: Account): Promise<unknown> {
  const { presentSettings } = await import('../adapters/http/aggregator-routes.ts');
  return presentSettings(account);
}

/** The longest a clean stop (SIGTERM, SIGINT) may take before Relais exits anyway. */
const STOP_DEADLINE_MS = 30_000;

program
  .command('start')
  .description('start Relais: embedded PostgreSQL and SMSC simulator unless configured otherwise, HTTP API, dispatcher, webhooks')
  .addOption(configOption())
  .action(async (opts: { config?: string }) => {
    const config = load(opts.config);
    const pidFile = claimDataDir(config);
    const { startRelais } = await import('../main.ts');
    const relais = await startRelais(config);
    printBanner(relais);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) {
        relais.log.warn({ signal }, 'second signal: exiting now; messages left submitting are settled as in doubt at the next start');
        process.exit(1);
      }
      stopping = true;
      relais.log.info({ signal }, 'stopping: finishing submits in flight, then closing');
      // Every part of the stop is bounded; this is the bound of the whole, should one of them not be.
      const deadline = setTimeout(() => {
        relais.log.error({ afterMs: STOP_DEADLINE_MS }, 'stop took too long: exiting; messages left submitting are settled as in doubt at the next start');
        process.exit(1);
      }, STOP_DEADLINE_MS);
      await relais.stop();
      clearTimeout(deadline);
      if (pidFile) rmSync(pidFile, { force: true });
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });

program
  .command('migrate')
  .description('apply database migrations (start does it too)')
  .addOption(configOption())
  .action(async (opts: { config?: string }) => {
    await withStore(load(opts.config), async () => console.log('database is up to date'));
  });

const account = program.command('account').description('manage client accounts and their API keys');

/** What an account says about itself, and what the aggregator provisions for it, set at creation or later. */
const accountOptions = () => [
  new Option('--short-code <number>', 'default short code of the account (assigned to it)'),
  new Option('--short-codes <numbers>', 'comma-separated: the short codes the account may send on (replaces the list)'),
  new Option('--alphanumeric-senders <names>', 'comma-separated: the alphanumeric senders approved for the account (replaces the list; "" for none)'),
  new Option('--options <options>', `comma-separated options granted (replaces them; "" for none): ${settingsOptions.join(', ')}`),
  new Option('--rule-set <name version>', 'the rule set, e.g. "AF2M 2026" or "Orange OPS + AF2M 2026"; "in-force" for the one in force'),
  new Option('--stop-wording <text>', 'STOP mention with the short code as sender, e.g. "STOP au {shortCode}"; "" for the default'),
  new Option('--stop-wording-alphanumeric <text>', 'STOP mention with an alphanumeric sender, e.g. "STOP SMS au {shortCode} (non surtaxé)"; "" for the default'),
  new Option('--stop-short-code <number>', 'short code receiving STOP when the sender is alphanumeric; "" for the message\'s own'),
  new Option('--marketing-per-day <n>', 'fewer marketing SMS per recipient per day per brand than the rule set allows; "" for the rule set\'s'),
  new Option('--in-doubt <policy>', 'what to do with a message whose fate is unknown after a crash or time-out').choices(['hold', 'retry']),
  new Option('--brand <name>', 'the brand its messages speak for by default (default: the account name)'),
  new Option('--contact-reply <text>', 'answer sent to a CONTACT MO: company name, postal address, e-mail or phone'),
  new Option('--cap-policy <policy>', 'over the daily marketing cap: defer to the next free day, or suppress').choices(['defer', 'reject']),
  new Option('--no-resubscribe', 'do not re-open consent when a recipient texts START'),
  new Option('--stop-words <words>', 'comma-separated words read as STOP besides the defaults (docs/keywords.md)'),
  new Option('--start-words <words>', 'comma-separated words read as START besides the defaults'),
  new Option('--contact-words <words>', 'comma-separated words read as CONTACT besides the defaults'),
  new Option('--brands <names>', 'comma-separated: the brands the account speaks for besides its own (replaces the list; "" for none)'),
  new Option('--legal-name <text>', "the company's legal name (the CONTACT reply starts with it unless --contact-reply is set)"),
  new Option('--siren <number>', 'SIREN, 9 digits (checked: Luhn)'),
  new Option('--siret <number>', 'SIRET of the establishment, 14 digits (checked: Luhn, starts with the SIREN)'),
  new Option('--vat-number <number>', 'intra-community VAT number (a French one has its key checked)'),
  new Option('--postal-address <text>', 'postal address'),
  new Option('--contact-email <address>', 'contact e-mail address'),
  new Option('--contact-phone <number>', 'contact telephone number'),
];
interface AccountOptions {
  shortCode?: string;
  shortCodes?: string;
  alphanumericSenders?: string;
  options?: string;
  ruleSet?: string;
  stopWording?: string;
  stopWordingAlphanumeric?: string;
  stopShortCode?: string;
  marketingPerDay?: string;
  inDoubt?: 'hold' | 'retry';
  brand?: string;
  contactReply?: string;
  capPolicy?: 'defer' | 'reject';
  resubscribe?: boolean;
  stopWords?: string;
  startWords?: string;
  contactWords?: string;
  brands?: string;
  legalName?: string;
  siren?: string;
  siret?: string;
  vatNumber?: string;
  postalAddress?: string;
  contactEmail?: string;
  contactPhone?: string;
  config?: string;
}

/** The identity options given ("" takes one back), company numbers compacted. */
function identityChanges(opts: AccountOptions): Partial<CompanyIdentity> {
  const out: Partial<CompanyIdentity> = {};
  for (const key of ['legalName', 'siren', 'siret', 'vatNumber', 'postalAddress', 'contactEmail', 'contactPhone'] as const) {
    const value = opts[key];
    if (value === undefined) continue;
    const text = orNull(value);
    out[key] = text !== null && (key === 'siren' || key === 'siret' || key === 'vatNumber') ? compact(text) : text;
  }
  return out;
}

/** The account's own MO keywords, checked against the defaults before they are stored. */
function accountKeywords(opts: AccountOptions): { keywords?: Partial<KeywordSet> } {
  const words = (list: string | undefined) => list?.split(',').map((w) => w.trim()).filter(Boolean);
  const extra = { stop: words(opts.stopWords), start: words(opts.startWords), contact: words(opts.contactWords) };
  if (!extra.stop && !extra.start && !extra.contact) return {};
  const keywords = Object.fromEntries(Object.entries(extra).filter(([, list]) => list)) as Partial<KeywordSet>;
  try {
    compileKeywords(withAccountKeywords(keywords));
  } catch (error) {
    if (error instanceof KeywordSetError) fail(`keywords: ${error.message}`);
    throw error;
  }
  return { keywords };
}
const list = (value: string) => value.split(',').map((item) => item.trim()).filter(Boolean);
const orNull = (value: string) => (value.trim() === '' ? null : value.trim());

/** The provisioning options as settings changes (checked by settingsProblems before anything is written). */
function settingsChanges(opts: AccountOptions, current: ComplianceSettings): SettingsChange {
  const wording = (kind: 'shortCode' | 'alphanumeric', value: string | undefined) => {
    if (value === undefined) return {};
    const { [kind]: _, ...others } = current.stopWording ?? {};
    const next = orNull(value) === null ? others : { ...others, [kind]: value };
    return { stopWording: Object.keys(next).length > 0 ? next : null };
  };
  const ruleSet = opts.ruleSet?.trim();
  const perDay = opts.marketingPerDay === undefined ? undefined : orNull(opts.marketingPerDay);
  return {
    ...(opts.shortCodes !== undefined ? { shortCodes: list(opts.shortCodes) } : {}),
    ...(opts.alphanumericSenders !== undefined ? { alphanumericSenders: list(opts.alphanumericSenders) } : {}),
    ...(opts.options !== undefined ? { options: list(opts.options) as AccountOption[] } : {}),
    ...(ruleSet === undefined ? {} : { ruleSet: ruleSet === 'in-force' ? null : { name: ruleSet.replace(/\s+\S+$/, ''), version: ruleSet.split(/\s+/).at(-1)! } }),
    ...wording('shortCode', opts.stopWording),
    ...wording('alphanumeric', opts.stopWordingAlphanumeric),
    ...(opts.stopShortCode !== undefined ? { stopShortCode: orNull(opts.stopShortCode) } : {}),
    ...(perDay === undefined ? {} : { marketingPerDay: perDay === null ? null : Number(perDay) }),
  };
}

/** The options given, checked against the account as it is and the platform's short codes; fails listing every problem. */
async function checkedChanges(opts: AccountOptions, current: Account | undefined, db: Db): Promise<AccountChanges> {
  const base = current ?? { shortCodes: [], defaultShortCode: null, settings: DEFAULT_COMPLIANCE_SETTINGS };
  const settings = settingsChanges(opts, base.settings);
  const change = { ...settings, ...(opts.shortCode !== undefined ? { defaultShortCode: opts.shortCode } : {}) };
  // A default short code given alone is assigned with it.
  const checked = change.defaultShortCode && !change.shortCodes ? { ...change, shortCodes: [...new Set([...base.shortCodes, change.defaultShortCode])] } : change;
  const platform = new Map((await new PgRouteStore(db).shortCodes()).map((s) => [s.number, s]));
  const identity = identityChanges(opts);
  const problems = [...settingsProblems(checked, base, platform), ...identityProblems({ ...current?.identity, ...identity })];
  if (problems.length > 0) fail(problems.map((p) => `${optionOf(p.field)}: ${p.reason}`).join('\n'));
  return { ...accountChanges(opts), ...settings, ...identity, ...(opts.brands !== undefined ? { brands: list(opts.brands) } : {}) };
}

/** The CLI option a settings field comes from, for error messages. */
function optionOf(field: string): string {
  const name = field.split('/')[1] ?? field;
  if (name === 'defaultShortCode') return '--short-code';
  if (name === 'stopWording') return field.endsWith('alphanumeric') ? '--stop-wording-alphanumeric' : '--stop-wording';
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

const accountChanges = (opts: AccountOptions) => ({
  ...(opts.shortCode !== undefined ? { defaultShortCode: opts.shortCode } : {}),
  ...(opts.inDoubt ? { inDoubtPolicy: opts.inDoubt } : {}),
  ...(opts.brand !== undefined ? { brand: opts.brand } : {}),
  ...(opts.contactReply !== undefined ? { contactReply: opts.contactReply } : {}),
  ...(opts.capPolicy ? { capPolicy: opts.capPolicy } : {}),
  ...(opts.resubscribe === false ? { allowResubscribe: false } : {}),
  ...accountKeywords(opts),
});

const create = account.command('create <name>').description('create an account and print its first API key');
for (const option of accountOptions()) create.addOption(option);
create.addOption(configOption()).action(async (name: string, opts: AccountOptions) => {
  await withStore(load(opts.config), async (accounts, db) => {
    if (await accounts.findByName(name)) fail(`an account named "${name}" already exists`);
    const created = await accounts.createAccount({ name, ...(await checkedChanges(opts, undefined, db)) }, systemClock.now());
    const key = await accounts.createApiKey(created.id, 'created by relais account create', systemClock.now());
    await cliAudit(db, created.id)('aggregator.accounts.create', { type: 'account', id: name });
    await cliAudit(db, created.id)('api-keys.create', { type: 'api-key', id: keyPrefixOf(key) });
    console.log(`account ${name} created (${created.id})\nAPI key (shown once): ${key}`);
  });
});
const set = account.command('set <name>').description("change an account's settings");
for (const option of accountOptions()) set.addOption(option);
set.addOption(configOption()).action(async (name: string, opts: AccountOptions) => {
  await withStore(load(opts.config), async (accounts, db) => {
    const current = (await accounts.findByName(name)) ?? fail(`no account named "${name}"`);
    const updated = (await accounts.updateAccount(name, await checkedChanges(opts, current, db)))!;
    await cliAudit(db, current.id)('aggregator.accounts.update', { type: 'account', id: name });
    console.log(`account ${name}: brand ${updated.brand}, short codes ${updated.shortCodes.join(', ') || '-'} (default ${updated.defaultShortCode ?? '-'}), cap ${updated.capPolicy}, in doubt ${updated.inDoubtPolicy}`);
    console.log(JSON.stringify(await presented(updated), null, 2));
  });
});
account
  .command('key <name>')
  .description('create another API key for an account')
  .option('--label <text>', 'what the key is for')
  .option('--rights <rights>', `comma-separated rights it holds (default: every right): ${RIGHTS.join(', ')}`)
  .option('--brands <names>', "comma-separated brands it is limited to (default: every brand of the account)")
  .addOption(configOption())
  .action(async (name: string, opts: { label?: string; rights?: string; brands?: string; config?: string }) => {
    await withStore(load(opts.config), async (accounts, db) => {
      const found = (await accounts.findByName(name)) ?? fail(`no account named "${name}"`);
      const rights = opts.rights === undefined ? undefined : list(opts.rights);
      const unknown = unknownRights(rights ?? []);
      if (unknown.length > 0) fail(`--rights: ${unknown.join(', ')} ${unknown.length > 1 ? 'are not rights' : 'is not a right'} (${RIGHTS.join(', ')})`);
      const brands = opts.brands === undefined ? null : list(opts.brands);
      const strange = (brands ?? []).filter((b) => !found.brands.includes(b));
      if (strange.length > 0) fail(`--brands: ${strange.join(', ')} not among the account's brands (${found.brands.join(', ')})`);
      const grant = rights === undefined && brands === null ? undefined : { rights: (rights ?? [...RIGHTS]) as Right[], brands };
      const key = await accounts.createApiKey(found.id, opts.label ?? null, systemClock.now(), grant);
      await cliAudit(db, found.id)('api-keys.create', { type: 'api-key', id: keyPrefixOf(key) });
      console.log(`API key (shown once): ${key}`);
    });
  });
for (const [action, status, what] of [
  ['suspend', 'suspended', 'suspend an account: its doors refuse with the reason, its queued messages are held until it is reactivated'],
  ['reactivate', 'active', 'reactivate a suspended account: its held messages are queued again'],
  ['close', 'closed', 'close an account for good (its records stay for their retention period)'],
] as const) {
  account
    .command(`${action} <name>`)
    .description(what)
    .option('--reason <text>', 'why (shown to its callers when its doors refuse)')
    .addOption(configOption())
    .action(async (name: string, opts: { reason?: string; config?: string }) => {
      await withStore(load(opts.config), async (accounts) => {
        const found = (await accounts.findByName(name)) ?? fail(`no account named "${name}"`);
        if (found.status === 'closed') fail(`the account ${name} is closed`);
        if (status !== 'active' && !opts.reason) fail('--reason: say why; the account\'s callers are told');
        const changed = (await accounts.setStatus(name, status, opts.reason ?? null, systemClock.now()))!;
        console.log(`account ${name} ${changed.status}${changed.statusReason ? `: ${changed.statusReason}` : ''}`);
      });
    });
}
account
  .command('keys <name>')
  .description("list the account's API keys: id, first characters, label, created, revoked, rights and brands, last use (to the minute)")
  .addOption(configOption())
  .action(async (name: string, opts: { config?: string }) => {
    await withStore(load(opts.config), async (accounts) => {
      const found = (await accounts.findByName(name)) ?? fail(`no account named "${name}"`);
      for (const k of await accounts.listApiKeys(found.id)) {
        const grant = `rights ${k.rights?.join(',') ?? 'all'}${k.brands ? ` (brands ${k.brands.join(',')})` : ''}`;
        const used = k.lastUsedAt ? `last used ${k.lastUsedAt.toISOString()}` : 'never used';
        console.log(`${k.id}\t${k.prefix}…\t${k.label ?? '-'}\tcreated ${k.createdAt.toISOString()}\t${k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active'}\t${grant}\t${used}`);
      }
    });
  });
account
  .command('revoke-key <name> <key>')
  .description('revoke one of the account\'s API keys, given by its id, its first characters or the key itself; within a second no door accepts it')
  .addOption(configOption())
  .action(async (name: string, key: string, opts: { config?: string }) => {
    await withStore(load(opts.config), async (accounts, db) => {
      const found = (await accounts.findByName(name)) ?? fail(`no account named "${name}"`);
      const revoked = await accounts.revokeApiKey(found.id, key, systemClock.now());
      if (revoked === 0) fail(`no API key of ${name} matches "${key}" (relais account keys ${name} lists them)`);
      if (revoked < 0) fail(`${-revoked} keys of ${name} start with "${key}": give more characters or the id`);
      await cliAudit(db, found.id)('api-keys.revoke', { type: 'api-key', id: maskedCommandLine([key]) });
      console.log('key revoked: the HTTP API and the e-mail door refuse it within a second');
    });
  });
account
  .command('smpp <name>')
  .description("set the account's SMPP login for the SMPP server (replaces the previous one)")
  .requiredOption('--system-id <id>', 'system_id the client binds with (at most 15 characters)')
  .requiredOption('--password <password>', 'password (at most 8 characters, SMPP 3.4); stored hashed')
  .option('--max-binds <n>', 'binds at once for this account (default: smppServer.maxBindsPerAccount)')
  .option('--allow-ip <cidr...>', 'addresses or CIDR blocks binds may come from (default: anywhere)')
  .addOption(configOption())
  .action(async (name: string, opts: { systemId: string; password: string; maxBinds?: string; allowIp?: string[]; config?: string }) => {
    if (opts.systemId.length > 15) fail('the system_id is at most 15 characters');
    if (opts.password.length > 8) fail('SMPP passwords are at most 8 characters');
    const maxBinds = opts.maxBinds === undefined ? null : Number(opts.maxBinds);
    if (maxBinds !== null && !(Number.isInteger(maxBinds) && maxBinds >= 1)) fail('--max-binds takes a whole number, 1 or more');
    await withStore(load(opts.config), async (accounts, db) => {
      const found = (await accounts.findByName(name)) ?? fail(`no account named "${name}"`);
      const credential = await new PgSmppAccountStore(db)
        .setCredential(found.id, { systemId: opts.systemId, password: opts.password, allowedIps: opts.allowIp ?? [], maxBinds }, systemClock.now())
        .catch((error: Error) => fail(/smpp_credentials_system_id_key/.test(error.message) ? `the system_id "${opts.systemId}" belongs to another account` : error.message));
      await cliAudit(db, found.id)('accounts.smpp.update', { type: 'account', id: name });
      console.log(`account ${name}: SMPP system_id ${credential.systemId}, binds ${credential.maxBinds ?? 'server default'}, from ${credential.allowedIps.join(', ') || 'anywhere'}`);
    });
  });
account
  .command('email <name>')
  .description('e-mail to SMS (docs/email.md): allowlist sender addresses, choose where the SMS text comes from; prints the settings')
  .option('--allow <address...>', 'sender addresses whose mails need no SMTP AUTH')
  .option('--revoke <address...>', 'sender addresses to take off the allowlist')
  .addOption(new Option('--text-from <part>', 'the SMS text is the body (default) or the subject of the mail').choices(['body', 'subject']))
  .addOption(configOption())
  .action(async (name: string, opts: { allow?: string[]; revoke?: string[]; textFrom?: 'body' | 'subject'; config?: string }) => {
    const invalid = (opts.allow ?? []).find((a) => !/^[^@\s<>]+@[^@\s<>]+$/.test(a));
    if (invalid) fail(`"${invalid}" is not an e-mail address`);
    await withStore(load(opts.config), async (accounts, db) => {
      const found = (await accounts.findByName(name)) ?? fail(`no account named "${name}"`);
      const email = new PgEmailStore(db);
      const { taken } = await email.allowSenders(found.id, opts.allow ?? [], systemClock.now());
      await email.revokeSenders(found.id, opts.revoke ?? []);
      if (opts.textFrom) await email.setTextFrom(found.id, opts.textFrom, systemClock.now());
      const senders = await email.senders(found.id);
      await cliAudit(db, found.id)('accounts.email.update', { type: 'account', id: name });
      console.log(`account ${name}: SMS text from the ${await email.textFrom(found.id)}; allowlisted senders: ${senders.join(', ') || 'none'}`);
      if (taken.length > 0) fail(`already allowlisted for another account, not changed: ${taken.join(', ')}`);
    });
  });
account
  .command('list')
  .description('list accounts')
  .addOption(configOption())
  .action(async (opts: { config?: string }) => {
    await withStore(load(opts.config), async (accounts) => {
      for (const a of await accounts.listAccounts()) {
        console.log(`${a.name}\tbrand ${a.brand}\tshort codes ${a.shortCodes.join(',') || '-'} (default ${a.defaultShortCode ?? '-'})\tin doubt: ${a.inDoubtPolicy}\tcap: ${a.capPolicy}\t${a.id}`);
      }
    });
  });

account
  .command('show <name>')
  .description('print what was provisioned for an account: short codes, senders, options, rule set, STOP wording, marketing per day')
  .addOption(configOption())
  .action(async (name: string, opts: { config?: string }) => {
    await withStore(load(opts.config), async (accounts) => {
      console.log(JSON.stringify(await presented((await accounts.findByName(name)) ?? fail(`no account named "${name}"`)), null, 2));
    });
  });

program
  .command('aggregator-key')
  .description("create a key of the aggregator itself, for the provisioning routes (/v1/aggregator/…); shown once")
  .option('--label <text>', 'what the key is for')
  .option('--support', 'for operator-support: reads every account, changes nothing (default: operator-admin)')
  .addOption(configOption())
  .action(async (opts: { label?: string; support?: boolean; config?: string }) => {
    await withStore(load(opts.config), async (accounts, db) => {
      const key = await accounts.createAggregatorKey(opts.label ?? null, systemClock.now(), opts.support ? 'operator-support' : 'operator-admin');
      await cliAudit(db, null)('aggregator-keys.create', { type: 'api-key', id: keyPrefixOf(key) });
      console.log(`aggregator key (shown once): ${key}`);
    });
  });

program
  .command('openapi')
  .description('print the OpenAPI document of the HTTP API (docs/openapi.json is this output)')
  .action(async () => {
    const { openApiDocument } = await import('../adapters/http/server.ts');
    console.log(JSON.stringify(await openApiDocument(), null, 2));
  });

registerContactCommands(program);
registerUserCommands(program);
registerBillingCommands(program);
registerIncidentCommands(program);
registerBillingReportCommands(program);
registerRetentionCommands(program);
registerReportCommands(program);
registerNumberingCommands(program);
registerRoutesCommands(program);
registerQualifyCommand(program);
registerGeoCommands(program);

const simulate = program.command('simulate').description('run an SMSC simulator, for development and tests');
const smpp = simulate.command('smpp').description('SMPP 3.4 SMSC simulator on 127.0.0.1: accepts binds, answers submits, sends receipts and MOs, misbehaves on request');
for (const option of simulatorCliOptions) smpp.addOption(option);
smpp.action(async (opts: Record<string, unknown>) => {
  await runSmppSimulatorFromCli(opts);
});
const ucp = simulate
  .command('ucp')
  .description('EMI/UCP 4.x SMSC simulator on 127.0.0.1: accepts logins (60), answers submits (51) with AdC:SCTS, sends notifications (53) and MOs (52), misbehaves on request');
for (const option of ucpSimulatorCliOptions) ucp.addOption(option);
ucp.action(async (opts: Record<string, unknown>) => {
  await runUcpSimulatorFromCli(opts);
});

simulate
  .command('mo')
  .description('have the built-in SMSC simulator of a running Relais send an MO, as a handset would: STOP, START, CONTACT or any text')
  .requiredOption('--from <msisdn>', 'the handset, e.g. 0612345678 or +33612345678')
  .option('--to <short code>', 'the short code it is sent to (default: the simulator\'s, simulator.shortCode)')
  .requiredOption('--text <text>', 'what the handset sends, e.g. STOP')
  .option('--key <key>', 'an aggregator key (default: the one saved in the data directory at first start)')
  .addOption(configOption())
  .action(async (opts: { from: string; to?: string; text: string; key?: string; config?: string }) => {
    const config = load(opts.config);
    const keyFile = path.join(config.database.dataDir, 'aggregator-api-key');
    const key = opts.key ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : fail(`no --key given and no ${keyFile}: create one with relais aggregator-key`));
    const from = /^0[67]\d{8}$/.test(opts.from.replace(/\s/g, '')) ? `33${opts.from.replace(/\s/g, '').slice(1)}` : opts.from.replace(/[\s+]/g, '');
    const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
    const response = await fetch(`http://${host}:${config.http.port}/v1/aggregator/simulator/mo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ from, to: opts.to ?? config.simulator.shortCode, text: opts.text }),
    }).catch((error: Error) => fail(`Relais does not answer on ${config.http.host}:${config.http.port} (${error.message}): is it running?`));
    const body = (await response.json()) as { detail?: string };
    if (!response.ok) fail(body.detail ?? `HTTP ${response.status}`);
    console.log(`MO "${opts.text}" from +${from} to ${opts.to ?? config.simulator.shortCode} acknowledged by Relais`);
  });

/** One Relais per data directory: a second `start` would fight over the embedded PostgreSQL. */
function claimDataDir(config: Config): string | undefined {
  if (config.database.url) return undefined;
  const pidFile = path.join(config.database.dataDir, 'relais.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    if (pid && pid !== process.pid && isAlive(pid)) fail(`Relais is already running on ${config.database.dataDir} (pid ${pid})`);
  }
  mkdirSync(config.database.dataDir, { recursive: true });
  writeFileSync(pidFile, String(process.pid));
  return pidFile;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function printBanner(relais: Relais): void {
  const { httpUrl, bootstrapApiKey, aggregatorApiKey, simulator, smppServerPort, smtpPort } = relais;
  const lines = ['', 'Relais is running.'];
  if (httpUrl) lines.push(`  HTTP API        ${httpUrl}   (OpenAPI: ${httpUrl}/docs)`);
  if (smppServerPort) lines.push(`  SMPP server     smpp://${relais.config.smppServer.host}:${smppServerPort}   (clients bind with the login of relais account smpp)`);
  if (smtpPort) lines.push(`  E-mail to SMS   smtp://${relais.config.smtp.host}:${smtpPort}`);
  if (simulator) lines.push(`  SMSC simulator  ${simulator.protocol}://127.0.0.1:${simulator.port}  (built in; configure routes to reach a real SMSC)`);
  if (bootstrapApiKey) lines.push(`  API key         ${bootstrapApiKey}   (account "demo"; shown once, also saved in the data directory)`);
  if (aggregatorApiKey) lines.push(`  Aggregator key  ${aggregatorApiKey}   (provisioning, /v1/aggregator; shown once, also saved in the data directory)`);
  for (const first of relais.firstSignIns ?? []) {
    lines.push(`  Sign in         ${first.email} / ${first.password}   (${first.role}; shown once, also saved in ${first.file})`);
  }
  if (relais.firstSignIns && relais.mailOutbox) lines.push(`  Mails           written to ${relais.mailOutbox} (no SMTP relay configured: mail.smtp.host)`);
  if (bootstrapApiKey && httpUrl) {
    lines.push('', '  Try:', `  curl -H "Authorization: Bearer ${bootstrapApiKey}" -d '{"to":"+33612345678","text":"Hello","class":"transactional"}' ${httpUrl}/v1/messages`);
    if (simulator) lines.push(`  node bin/relais.js simulate mo --from 0612345678 --text STOP     (a handset replying STOP to ${relais.config.simulator.shortCode})`);
  }
  console.log(lines.join('\n') + '\n');
}

program.parseAsync(process.argv).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
