/**
 * npm run bench:campaign — a million contacts: generate a French-style CSV (`;`, Latin-1, consent column, a
 * custom field), import it through the import use case (streaming parse, E.164, chunked upserts with consent
 * evidence), then dry-run a marketing campaign to all of it (every contact rendered and decided: consent, STOP,
 * cap, window, encoding, cost). Targets: import ≤ 20 s, dry run ≤ 30 s, peak RSS ≤ 400 MB (this process; the
 * PostgreSQL server is another process). Options: --rows N (default 1,000,000). Uses DATABASE_URL when set,
 * otherwise an embedded PostgreSQL.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openCsv } from '../src/adapters/csv/csv-source.ts';
import { PgAccountStore, senderOf } from '../src/adapters/store/account-store.ts';
import { PgCampaignStore } from '../src/adapters/store/campaign-store.ts';
import { PgConsentStore } from '../src/adapters/store/consent-store.ts';
import { PgContactStore } from '../src/adapters/store/contact-store.ts';
import { migrate, openDatabase } from '../src/adapters/store/database.ts';
import { createCampaign, type CampaignDeps } from '../src/app/campaigns.ts';
import { importContacts } from '../src/app/import-contacts.ts';
import { planCampaign } from '../src/app/plan-campaign.ts';
import { PROJETCOM_BULK_SMS } from '../src/core/pricing/index.ts';
import { benchDatabase, fmt } from './support.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const rows = Number(values.rows);
// A working Tuesday, 10:00 in Paris: inside every send window.
const now = new Date('2026-11-24T09:00:00Z');
const clock = { now: () => now };
const FIRST_NAMES = ['Jean', 'Marie', 'Françoise', 'Anaïs', 'Loïc', 'Chloé', 'Pierre', 'Inès', 'Noël', 'Zoé'];

const dir = mkdtempSync(path.join(tmpdir(), 'relais-bench-campaign-'));
const file = path.join(dir, 'contacts.csv');
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const seconds = (since: number) => (performance.now() - since) / 1000;
/** CPU seconds this process spent since `since` (the rest of the wall time is the database's, or waiting). */
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1e6;
};

/** The file a French client exports from its spreadsheet: `;`, Windows-1252, dates as dd/mm/yyyy. */
async function generate(): Promise<void> {
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(Buffer.from(text, 'latin1'))) await once(out, 'drain');
  };
  await write('Nom;Prénom;Portable;E-mail;Date de naissance;Points fidélité;Opt-in SMS;Date opt-in\r\n');
  let batch = '';
  for (let i = 0; i < rows; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    batch += `Nom${i};${FIRST_NAMES[i % FIRST_NAMES.length]};06 ${String(10_000_000 + i).slice(-8).replace(/(\d\d)(?=\d)/g, '$1 ')};client${i}@example.fr;${day}/0${1 + (i % 9)}/19${50 + (i % 50)};${i % 5000};${i % 10 === 0 ? 'non' : 'oui'};${day}/03/2026\r\n`;
    if (batch.length > 1 << 20) {
      await write(batch);
      batch = '';
    }
  }
  await write(batch);
  out.end();
  await once(out, 'finish');
}

const target = await benchDatabase();
const db = openDatabase(target.url, { maxConnections: 4 });
try {
  await migrate(db);
  let started = performance.now();
  await generate();
  console.log(`Relais campaign benchmark — ${target.label}; ${fmt(rows)}-row CSV (${fmt(statSync(file).size / 1e6, 1)} MB) generated in ${fmt(seconds(started), 1)} s`);

  const account = await new PgAccountStore(db).createAccount({ name: 'dupont', brand: 'Dupont', defaultShortCode: '36001' }, now);
  const contacts = new PgContactStore(db);
  const base = await contacts.createBase(account.id, 'clients', [], now);
  started = performance.now();
  let cpu = process.cpuUsage();
  const source = await openCsv(createReadStream(file));
  const record = await importContacts(
    { contacts, clock },
    { accountId: account.id, base, list: null, fileName: 'contacts.csv', mapping: {}, consent: { brand: 'Dupont', channel: 'web form', wording: 'v1' } },
    source,
  );
  const importSeconds = seconds(started);
  console.log(
    `  import    ${fmt(importSeconds, 1).padStart(6)} s  ${fmt(rows / importSeconds).padStart(8)} rows/s   (${fmt(record.rowsInserted)} new, ${fmt(record.rowsRejected)} rejected, ${fmt(record.consents)} consents; ${source.encoding}, "${source.delimiter}"; ${fmt(cpuSeconds(cpu), 1)} s CPU in this process)   target ≤ 20 s   peak RSS ${peakRssMb()} MB`,
  );
  await db.pool.query('ANALYZE contacts; ANALYZE consent_events');

  const shortCodes = new Map([['36001', { number: '36001', route: 'sim', ratePerSecond: 100 }]]);
  const deps: CampaignDeps = { campaigns: new PgCampaignStore(db), contacts, submit: { shortCodes: () => shortCodes, consents: new PgConsentStore(db), notify: () => undefined }, clock, tariff: PROJETCOM_BULK_SMS };
  const sender = senderOf(account);
  const campaign = await createCampaign(deps, sender, { name: 'soldes', text: 'Dupont : {prenom}, vos {custom.pointsFidelite} points valent -20 % ce samedi', bases: ['clients'] });
  started = performance.now();
  cpu = process.cpuUsage();
  const plan = await planCampaign(deps, sender, campaign.id);
  const planSeconds = seconds(started);
  console.log(
    `  dry run   ${fmt(planSeconds, 1).padStart(6)} s  ${fmt(rows / planSeconds).padStart(8)} recipients/s   (${fmt(plan.messages)} to send, excluded ${JSON.stringify(plan.excluded)}, UCS-2 ${fmt(plan.encoding.ucs2)}, ${fmt(plan.parts)} parts, ${fmt(plan.cost.microEuros / 1e6, 2)} €, ${fmt(plan.timeToSend.seconds ?? 0)} s at 100/s; ${fmt(cpuSeconds(cpu), 1)} s CPU in this process)   target ≤ 30 s   peak RSS ${peakRssMb()} MB`,
  );
  console.log(`  peak RSS of this process: ${peakRssMb()} MB (target ≤ 400 MB)`);
} finally {
  await db.close();
  await target.drop();
  rmSync(dir, { recursive: true, force: true });
}
