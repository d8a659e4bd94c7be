import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { openApiDocument } from '../adapters/http/server.ts';
import { PgEmailStore } from '../adapters/store/email-store.ts';
import { PgSmppAccountStore } from '../adapters/store/smpp-account-store.ts';
import { withAccountKeywords } from '../app/receive-mo.ts';
import { compileKeywords, KeywordSetError, type KeywordSet } from '../core/keywords/index.ts';
import type { Config } from '../config/schema.ts';
import { startRelais, systemClock, type BuiltInSimulator } from '../main.ts';
import { configOption, fail, load, withStore } from './common.ts';
import { registerContactCommands } from './contacts-cli.ts';
import { simulatorCliOptions, runSmppSimulatorFromCli } from '../adapters/simulator/smpp-simulator.ts';
import { runUcpSimulatorFromCli, ucpSimulatorCliOptions } from '../adapters/simulator/ucp-cli.ts';

/** The longest a clean stop (SIGTERM, SIGINT) may take before Relais exits anyway. */
const STOP_DEADLINE_MS = 30_000;

const program = new Command('relais').description('Relais: push-SMS platform (HTTP API, dispatcher, operator links)').showHelpAfterError();

program
  .command('start')
  .description('start Relais: embedded PostgreSQL and SMSC simulator unless configured otherwise, HTTP API, dispatcher, webhooks')
  .addOption(configOption())
  .action(async (opts: { config?: string }) => {
    const config = load(opts.config);
    const pidFile = claimDataDir(config);
    const relais = await startRelais(config);
    printBanner(relais.httpUrl, relais.bootstrapApiKey, relais.simulator);
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

/** What an account says about itself, set at creation or later. */
const accountOptions = () => [
  new Option('--short-code <number>', 'default short code of the account'),
  new Option('--in-doubt <policy>', 'what to do with a message whose fate is unknown after a crash or time-out').choices(['hold', 'retry']),
  new Option('--brand <name>', 'the brand its messages speak for by default (default: the account name)'),
  new Option('--contact-reply <text>', 'answer sent to a CONTACT MO: company name, postal address, e-mail or phone'),
  new Option('--cap-policy <policy>', 'over the daily marketing cap: defer to the next free day, or suppress').choices(['defer', 'reject']),
  new Option('--no-resubscribe', 'do not re-open consent when a recipient texts START'),
  new Option('--stop-words <words>', 'comma-separated words read as STOP besides the defaults (docs/keywords.md)'),
  new Option('--start-words <words>', 'comma-separated words read as START besides the defaults'),
  new Option('--contact-words <words>', 'comma-separated words read as CONTACT besides the defaults'),
];
interface AccountOptions {
  shortCode?: string;
  inDoubt?: 'hold' | 'retry';
  brand?: string;
  contactReply?: string;
  capPolicy?: 'defer' | 'reject';
  resubscribe?: boolean;
  stopWords?: string;
  startWords?: string;
  contactWords?: string;
  config?: string;
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
  await withStore(load(opts.config), async (accounts) => {
    if (await accounts.findByName(name)) fail(`an account named "${name}" already exists`);
    const created = await accounts.createAccount({ name, ...accountChanges(opts) }, systemClock.now());
    const key = await accounts.createApiKey(created.id, 'created by relais account create', systemClock.now());
    console.log(`account ${name} created (${created.id})\nAPI key (shown once): ${key}`);
  });
});
const set = account.command('set <name>').description("change an account's settings");
for (const option of accountOptions()) set.addOption(option);
set.addOption(configOption()).action(async (name: string, opts: AccountOptions) => {
  await withStore(load(opts.config), async (accounts) => {
    const updated = (await accounts.updateAccount(name, accountChanges(opts))) ?? fail(`no account named "${name}"`);
    console.log(`account ${name}: brand ${updated.brand}, short code ${updated.defaultShortCode ?? '-'}, cap ${updated.capPolicy}, in doubt ${updated.inDoubtPolicy}`);
  });
});
account
  .command('key <name>')
  .description('create another API key for an account')
  .option('--label <text>', 'what the key is for')
  .addOption(configOption())
  .action(async (name: string, opts: { label?: string; config?: string }) => {
    await withStore(load(opts.config), async (accounts) => {
      const found = (await accounts.findByName(name)) ?? fail(`no account named "${name}"`);
      console.log(`API key (shown once): ${await accounts.createApiKey(found.id, opts.label ?? null, systemClock.now())}`);
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
      for (const a of await accounts.listAccounts()) console.log(`${a.name}\tbrand ${a.brand}\tshort code ${a.defaultShortCode ?? '-'}\tin doubt: ${a.inDoubtPolicy}\tcap: ${a.capPolicy}\t${a.id}`);
    });
  });

program
  .command('openapi')
  .description('print the OpenAPI document of the HTTP API (docs/openapi.json is this output)')
  .action(async () => {
    console.log(JSON.stringify(await openApiDocument(), null, 2));
  });

registerContactCommands(program);

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

function printBanner(httpUrl: string | undefined, apiKey: string | undefined, simulator: BuiltInSimulator | undefined): void {
  const lines = ['', 'Relais is running.'];
  if (httpUrl) lines.push(`  HTTP API      ${httpUrl}   (OpenAPI: ${httpUrl}/docs)`);
  if (simulator) lines.push(`  SMSC simulator ${simulator.protocol}://127.0.0.1:${simulator.port}  (built in; configure routes to reach a real SMSC)`);
  if (apiKey) {
    lines.push(`  API key       ${apiKey}   (account "demo"; shown once, also saved in the data directory)`);
    if (httpUrl) {
      lines.push('', '  Try:', `  curl -H "Authorization: Bearer ${apiKey}" -d '{"to":"+33612345678","text":"Hello","class":"transactional"}' ${httpUrl}/v1/messages`);
    }
  }
  console.log(lines.join('\n') + '\n');
}

program.parseAsync(process.argv).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
