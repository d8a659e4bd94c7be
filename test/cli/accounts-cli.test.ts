/**
 * The aggregator's commands: `relais account set|show` (short codes, approved senders, options, rule set, STOP
 * wording, marketing per day — every value checked, each problem named by its option), `relais aggregator-key`,
 * and `relais simulate mo` against a running Relais with its built-in simulator.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { PgConsentStore } from '../../src/adapters/store/consent-store.ts';
import { PgRouteStore } from '../../src/adapters/store/route-store.ts';
import { relaisCommand } from '../support/cli.ts';
import { createTestDatabase, primaryTarget, type TestDatabase } from '../support/db.ts';
import { startTestRelais, type TestRelais } from '../support/relais.ts';

/** DATABASE_URL would win over the file's database: the command must use this test's database. */
const { DATABASE_URL: _ignored, ...env } = process.env;
const run = (config: string, ...args: string[]) => promisify(execFile)(process.execPath, [...relaisCommand, ...args, '-c', config], { env });
const refusal = (config: string, ...args: string[]) => run(config, ...args).then(() => expect.fail('accepted'), (error: { stderr: string }) => error.stderr);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'relais-accounts-cli-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Each command is a process of its own (a few seconds each on a loaded machine): a generous limit, not a wait.
describe('relais account set|show, relais aggregator-key', { timeout: 60_000 }, () => {
  let tdb: TestDatabase;
  let config: string;
  beforeAll(async () => {
    tdb = await createTestDatabase(primaryTarget());
    config = path.join(dir, 'store.config.json');
    writeFileSync(config, JSON.stringify({ database: { url: tdb.url, dataDir: dir }, log: { level: 'warn' } }));
    await new PgAccountStore(tdb.db).createAccount({ name: 'dupont', brand: 'Dupont', defaultShortCode: '36001' }, new Date());
    // What a running Relais would have declared.
    await new PgRouteStore(tdb.db).sync(
      [{ name: 'sim', protocol: 'smpp', host: '127.0.0.1', port: 2775, systemId: 'relais', password: 'x', settings: {} }],
      ['36001', '36002'].map((number) => ({ number, route: 'sim', ratePerSecond: 10 })),
      new Date(),
    );
  });
  afterAll(() => tdb?.drop());

  it('refuses what cannot be, naming each option, and changes nothing', async () => {
    const stderr = await refusal(config, 'account', 'set', 'dupont', '--short-codes', '36001,36999', '--options', 'alphanumeric-sender,gratuit', '--rule-set', 'AF2M 2099', '--stop-wording', 'STOP');
    expect(stderr).toContain('--short-codes: 36999 is not a short code of this platform (configured: 36001, 36002)');
    expect(stderr).toContain('--options: "gratuit" is not an option (one of alphanumeric-sender, geo-presence, everything-free)');
    expect(stderr).toContain('--rule-set: no rule set "AF2M" 2099');
    expect(stderr).toContain('--stop-wording: "STOP": it must contain {shortCode}');
    expect((await new PgAccountStore(tdb.db).findByName('dupont'))?.shortCodes).toEqual(['36001']);
  });

  it('provisions an account and shows it', async () => {
    const { stdout } = await run(
      config,
      'account', 'set', 'dupont',
      '--short-codes', '36001,36002',
      '--options', 'alphanumeric-sender',
      '--alphanumeric-senders', 'Dupont,Jardins',
      '--rule-set', 'Orange OPS + AF2M 2026',
      '--stop-wording', 'Désinscription : STOP au {shortCode}',
      '--marketing-per-day', '0',
    );
    expect(stdout).toContain('account dupont: brand Dupont, short codes 36001, 36002 (default 36001)');
    const shown = JSON.parse((await run(config, 'account', 'show', 'dupont')).stdout);
    expect(shown).toEqual({
      name: 'dupont',
      brand: 'Dupont',
      shortCodes: ['36001', '36002'],
      defaultShortCode: '36001',
      alphanumericSenders: ['Dupont', 'Jardins'],
      options: ['alphanumeric-sender'],
      ruleSet: { name: 'Orange OPS + AF2M', version: '2026' },
      stopWording: { shortCode: 'Désinscription : STOP au {shortCode}' },
      stopShortCode: null,
      marketingPerDay: 0,
      brands: ['Dupont'],
      status: 'active',
      statusReason: null,
      identity: { legalName: null, siren: null, siret: null, vatNumber: null, postalAddress: null, contactEmail: null, contactPhone: null },
    });
    // "" and in-force take a setting back; set prints the settings after its summary line.
    const reset = await run(config, 'account', 'set', 'dupont', '--rule-set', 'in-force', '--stop-wording', '', '--marketing-per-day', '');
    expect(JSON.parse(reset.stdout.slice(reset.stdout.indexOf('{')))).toMatchObject({ ruleSet: null, stopWording: null, marketingPerDay: null, shortCodes: ['36001', '36002'] });
  });

  it('lists and revokes an account’s API keys', async () => {
    const accounts = new PgAccountStore(tdb.db);
    const dupont = (await accounts.findByName('dupont'))!;
    const key = await accounts.createApiKey(dupont.id, 'shop', new Date());
    expect((await run(config, 'account', 'keys', 'dupont')).stdout).toMatch(new RegExp(`${key.slice(0, 9)}…\tshop\tcreated [^\t]+\tactive`));
    expect((await run(config, 'account', 'revoke-key', 'dupont', key.slice(0, 9))).stdout).toContain('key revoked');
    expect(await accounts.findByApiKey(key)).toBeUndefined();
    expect(await refusal(config, 'account', 'revoke-key', 'dupont', 'rl_nothing')).toContain('no API key of dupont matches "rl_nothing"');
  });

  it('creates an account with its company identity, refusing a SIREN whose check digit is wrong', async () => {
    expect(await refusal(config, 'account', 'create', 'martin', '--siren', '732829321')).toContain('--siren: this SIREN fails its check digit (Luhn)');
    await run(config, 'account', 'create', 'martin', '--legal-name', 'Martin SA', '--siren', '732 829 320', '--vat-number', 'FR44732829320', '--brands', 'Martin,Jardins Martin');
    const shown = JSON.parse((await run(config, 'account', 'show', 'martin')).stdout);
    expect(shown).toMatchObject({ brands: ['martin', 'Martin', 'Jardins Martin'], identity: { legalName: 'Martin SA', siren: '732829320', vatNumber: 'FR44732829320' } });
  });

  it('makes a key with rights and brands, and lists it with its rights and last use', async () => {
    expect(await refusal(config, 'account', 'key', 'martin', '--rights', 'messages,everything')).toContain('--rights: everything is not a right');
    const { stdout } = await run(config, 'account', 'key', 'martin', '--label', 'boutique', '--rights', 'messages,statistics', '--brands', 'Martin');
    const key = /API key \(shown once\): (rl_\S+)/.exec(stdout)![1]!;
    const listed = (await run(config, 'account', 'keys', 'martin')).stdout;
    expect(listed).toMatch(new RegExp(`${key.slice(0, 9)}…\tboutique\tcreated [^\t]+\tactive\trights messages,statistics \\(brands Martin\\)\tnever used`));
  });

  it('suspends and reactivates an account, saying why', async () => {
    expect(await refusal(config, 'account', 'suspend', 'martin')).toContain('--reason');
    expect((await run(config, 'account', 'suspend', 'martin', '--reason', 'unpaid')).stdout).toContain('account martin suspended: unpaid');
    expect((await new PgAccountStore(tdb.db).findByName('martin'))!.status).toBe('suspended');
    expect((await run(config, 'account', 'reactivate', 'martin')).stdout).toContain('account martin active');
  });

  it('creates an aggregator key that the provisioning routes accept', async () => {
    const { stdout } = await run(config, 'aggregator-key', '--label', 'ops');
    const key = /aggregator key \(shown once\): (rla_\S+)/.exec(stdout)?.[1];
    expect(key).toBeDefined();
    const accounts = new PgAccountStore(tdb.db);
    expect(await accounts.isAggregatorKey(key!)).toBe(true);
    expect(await accounts.findByApiKey(key!)).toBeUndefined();
  });
});

describe('relais simulate mo', { timeout: 60_000 }, () => {
  let t: TestRelais;
  let config: string;
  beforeAll(async () => {
    t = await startTestRelais();
    const port = new URL(t.relais.httpUrl!).port;
    config = path.join(dir, 'running.config.json');
    writeFileSync(config, JSON.stringify({ http: { host: '127.0.0.1', port: Number(port) }, database: { dataDir: dir }, log: { level: 'warn' } }));
  });
  afterAll(() => t?.stop());

  it('has the built-in simulator send a STOP as a handset would: Relais acknowledged it and the number is opted out', async () => {
    const { stdout } = await run(config, 'simulate', 'mo', '--from', '06 12 34 56 78', '--text', 'STOP', '--key', t.relais.aggregatorApiKey!);
    expect(stdout).toContain('MO "STOP" from +33612345678 to 36001 acknowledged by Relais');
    const history = await new PgConsentStore(t.relais.db).history(t.accountId, '+33612345678');
    expect(history).toEqual([expect.objectContaining({ kind: 'opt-out', brand: '*', source: 'stop-mo' })]);
  });

  it('says why when the key is not an aggregator key', async () => {
    const stderr = await refusal(config, 'simulate', 'mo', '--from', '0612345678', '--text', 'STOP', '--key', t.key);
    expect(stderr).toContain('this is not an aggregator key');
  });
});
