/**
 * People from the command line of the server (docs/accounts.md, "The first sign-in"): create a user of an account
 * or of the aggregator's staff (with a generated password printed once, or an invitation by e-mail), resend an
 * invitation, list users, disable one (their sessions end at once).
 */
import path from 'node:path';
import { type Command, Option } from 'commander';
import { createMailer } from '../adapters/mail/mailer.ts';
import { generatePassword, hashPassword } from '../app/passwords.ts';
import { PgSignInStore } from '../adapters/store/sign-in-store.ts';
import { sendInvitation, type SignInDeps, type SignInUser } from '../app/sign-in.ts';
import { RIGHTS, STAFF_ROLES, unknownRights, type StaffRole } from '../core/access/rights.ts';
import type { Config } from '../config/schema.ts';
import { systemClock } from '../adapters/clock.ts';
import { cliAudit, configOption, fail, load, withStore } from './common.ts';
import { PgAuditStore } from '../adapters/store/audit-store.ts';
import type { Db } from '../adapters/store/database.ts';

const list = (value: string | undefined) => (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);

interface CreateOptions {
  email: string;
  name: string;
  account?: string;
  staff?: StaffRole;
  rights?: string;
  brands?: string;
  administrator?: boolean;
  language: 'fr' | 'en';
  phone?: string;
  invite?: boolean;
  config?: string;
}

/** What sending an invitation from the command line needs: the mailer of the configuration, the portal's address. */
function signInDeps(config: Config, db: Db): SignInDeps {
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  return {
    store: new PgSignInStore(db),
    clock: systemClock,
    audit: new PgAuditStore(db),
    mailer: createMailer({ ...config.mail, outboxDir: config.mail.outboxDir ?? path.join(config.database.dataDir, 'outbox') }),
    sendSms: () => Promise.reject(new Error('no SMS is sent from the command line')),
    publicUrl: config.portal.publicUrl ?? `http://${host}:${config.http.port}`,
  };
}

function describeUser(user: SignInUser): string {
  const who = user.staffRole ? `staff ${user.staffRole}` : `account ${user.accountName}${user.administrator ? ', administrator' : ''}`;
  const rights = user.staffRole || user.administrator ? '' : `\trights ${user.rights.join(',') || '-'}${user.brands ? `\tbrands ${user.brands.join(',')}` : ''}`;
  return `${user.email}\t${user.name}\t${who}\t${user.status}\t${user.language}${rights}\t${user.id}`;
}

const where = (config: Config) => (config.mail.smtp.host ? `through ${config.mail.smtp.host}` : `to ${config.mail.outboxDir ?? path.join(config.database.dataDir, 'outbox')}`);

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage the people who sign in: the aggregator\'s staff and the users of accounts');

  user
    .command('create')
    .description('create a user; prints a generated password once (or, with --invite, mails an invitation)')
    .requiredOption('--email <address>', 'the e-mail address they sign in with')
    .requiredOption('--name <name>', 'their name')
    .option('--account <name>', 'the account they belong to')
    .addOption(new Option('--staff <role>', 'a person of the aggregator instead').choices([...STAFF_ROLES]))
    .option('--rights <rights>', `comma-separated rights of an account's user: ${RIGHTS.join(', ')}`)
    .option('--brands <brands>', 'comma-separated: the brands their rights are limited to (default: every brand)')
    .option('--administrator', "the account's administrator (every right; one per account)")
    .addOption(new Option('--language <language>', 'the language of their mails and SMS').choices(['fr', 'en']).default('fr'))
    .option('--phone <number>', 'their mobile phone (international format), for a second factor by SMS')
    .option('--invite', 'no password now: mail them an invitation (a link valid 7 days) to choose it')
    .addOption(configOption())
    .action(async (opts: CreateOptions) => {
      if (!/^[^@\s<>]+@[^@\s<>]+$/.test(opts.email)) fail(`"${opts.email}" is not an e-mail address`);
      if ((opts.account === undefined) === (opts.staff === undefined)) fail('give either --account <name> or --staff <role>');
      if (opts.staff && (opts.rights || opts.brands || opts.administrator)) fail('staff hold their role, not rights, brands or administration: leave out --rights, --brands and --administrator');
      const unknown = unknownRights(list(opts.rights));
      if (unknown.length > 0) fail(`--rights: unknown ${unknown.map((r) => `"${r}"`).join(', ')} (one of ${RIGHTS.join(', ')})`);
      if (opts.phone !== undefined && !/^\+[1-9][0-9]{6,14}$/.test(opts.phone)) fail('--phone: write it in international format, e.g. +33612345678');
      const config = load(opts.config);
      await withStore(config, async (accounts, db) => {
        const store = new PgSignInStore(db);
        const account = opts.account === undefined ? undefined : ((await accounts.findByName(opts.account)) ?? fail(`no account named "${opts.account}"`));
        if (await store.findUserByEmail(opts.email)) fail(`a user with the e-mail address ${opts.email} already exists`);
        if (opts.administrator && account && (await store.listUsers(account.id)).some((u) => u.administrator)) {
          fail(`account "${account.name}" already has its administrator (an account has one at a time)`);
        }
        const brands = list(opts.brands);
        const password = opts.invite ? undefined : generatePassword();
        const created = await store.createUser(
          {
            email: opts.email,
            name: opts.name,
            language: opts.language,
            accountId: account?.id ?? null,
            staffRole: opts.staff ?? null,
            administrator: opts.administrator ?? false,
            rights: list(opts.rights),
            brands: brands.length > 0 ? brands : null,
            phone: opts.phone ?? null,
            passwordHash: password ? await hashPassword(password) : null,
          },
          systemClock.now(),
        );
        await cliAudit(db, created.accountId)('user.create', { type: 'user', id: created.id }, { staffRole: created.staffRole, administrator: created.administrator, rights: created.rights, brands: created.brands });
        console.log(`user ${created.email} created (${created.id})`);
        if (password) console.log(`password (shown once): ${password}`);
        else {
          await sendInvitation(signInDeps(config, db), created.id);
          console.log(`invitation mailed ${where(config)}`);
        }
      });
    });

  user
    .command('invite')
    .description('mail an invited user their invitation again (a new link, valid 7 days; the previous one dies)')
    .requiredOption('--email <address>', 'the user')
    .addOption(configOption())
    .action(async (opts: { email: string; config?: string }) => {
      const config = load(opts.config);
      await withStore(config, async (_accounts, db) => {
        const found = (await new PgSignInStore(db).findUserByEmail(opts.email)) ?? fail(`no user with the e-mail address ${opts.email}`);
        if (found.status !== 'invited') fail(`${found.email} is ${found.status}: only an invited user is sent an invitation`);
        await sendInvitation(signInDeps(config, db), found.id);
        console.log(`invitation mailed ${where(config)}`);
      });
    });

  user
    .command('list')
    .description('list users: e-mail, name, account or staff role, status, language, rights')
    .option('--account <name>', "only this account's users")
    .option('--staff', "only the aggregator's staff")
    .addOption(configOption())
    .action(async (opts: { account?: string; staff?: boolean; config?: string }) => {
      await withStore(load(opts.config), async (accounts, db) => {
        const accountId = opts.staff ? null : opts.account === undefined ? undefined : ((await accounts.findByName(opts.account)) ?? fail(`no account named "${opts.account}"`)).id;
        for (const u of await new PgSignInStore(db).listUsers(accountId)) console.log(describeUser(u));
      });
    });

  user
    .command('disable')
    .description('disable a user: they can no longer sign in, and their sessions end at once')
    .requiredOption('--email <address>', 'the user')
    .addOption(configOption())
    .action(async (opts: { email: string; config?: string }) => {
      await withStore(load(opts.config), async (_accounts, db) => {
        const store = new PgSignInStore(db);
        const found = (await store.findUserByEmail(opts.email)) ?? fail(`no user with the e-mail address ${opts.email}`);
        await store.disableUser(found.id, systemClock.now());
        await cliAudit(db, found.accountId)('user.disable', { type: 'user', id: found.id });
        console.log(`user ${found.email} disabled; their sessions have ended`);
      });
    });
}
