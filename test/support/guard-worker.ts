/**
 * One worker process of the guard concurrency test: submits marketing messages through the intake use case
 * (the same code as the API door) on the database it is given, and prints what it was answered as one JSON
 * line. Arguments: database URL, account id, worker index, messages, recipients, batch size.
 */
import { DEFAULT_COMPLIANCE_SETTINGS } from '../../src/app/guard-message.ts';
import { PgConsentStore } from '../../src/adapters/store/consent-store.ts';
import { openDatabase } from '../../src/adapters/store/database.ts';
import { PgMessageStore } from '../../src/adapters/store/message-store.ts';
import { submitMessages, type SendRequest } from '../../src/app/submit-messages.ts';

const [url, accountId, worker, count, recipients, batchSize] = process.argv.slice(2) as [string, string, string, string, string, string];
const now = new Date('2026-11-24T09:00:00Z');
const db = openDatabase(url, { maxConnections: 4 });
const deps = {
  store: new PgMessageStore(db),
  consents: new PgConsentStore(db),
  shortCodes: () => new Map([['36001', { number: '36001', route: 'sim', ratePerSecond: 10 }]]),
  notify: () => undefined,
};
const sender = { accountId, defaultShortCode: '36001', brand: 'Dupont', capPolicy: 'defer' as const, shortCodes: ['36001'], settings: DEFAULT_COMPLIANCE_SETTINGS };
const counts: Record<string, number> = {};
const total = Number(count);
const batches: Promise<void>[] = [];
for (let from = 0; from < total; from += Number(batchSize)) {
  const requests: SendRequest[] = Array.from({ length: Math.min(Number(batchSize), total - from) }, (_, i) => ({
    to: `+3361100${String((Number(worker) * 7 + from + i) % Number(recipients)).padStart(4, '0')}`,
    text: 'Dupont : -20 % sur tout le rayon jardin ce samedi',
    class: 'marketing',
  }));
  batches.push(
    submitMessages(deps, sender, requests, now).then((result) => {
      for (const m of result.messages) counts[m.status] = (counts[m.status] ?? 0) + 1;
    }),
  );
}
await Promise.all(batches);
await db.close();
console.log(JSON.stringify(counts));
