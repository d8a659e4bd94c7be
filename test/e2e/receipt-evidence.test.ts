/**
 * Receipts as SMSCs write them, through a real Relais process: `text:` holding the first octets of a UCS-2
 * message (NULs included), sent before the submit_sm_resp so that outcome and receipt share one write. Every
 * message ends delivered with its receipt kept octet for octet, and SIGTERM stops the process promptly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../src/adapters/store/account-store.ts';
import { createTestDatabase, primaryTarget } from '../support/db.ts';
import { startCrashRig, startRelaisProcess } from '../support/relais-process.ts';
import { eventually } from '../support/waiting.ts';

describe('receipts whose text holds NUL octets, through a Relais process', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('stores them as received, settles every message, and stops at once on SIGTERM', async () => {
    const tdb = await createTestDatabase(primaryTarget());
    cleanups.push(() => tdb.drop());
    const accounts = new PgAccountStore(tdb.db);
    const account = await accounts.createAccount({ name: 'evidence', defaultShortCode: '36001' }, new Date());
    const key = await accounts.createApiKey(account.id, null, new Date());
    const rig = await startCrashRig({}, { receiptText: 'octets', receiptBeforeResponse: true });
    cleanups.push(rig.close);

    const relais = startRelaisProcess(rig.configFile, tdb.url, rig.dir);
    cleanups.push(() => relais.kill());
    const url = await relais.url;
    const messages = Array.from({ length: 20 }, (_, i) => ({ to: '+33612345678', text: `Été ${i} : votre colis arrive ✓`, class: 'transactional' }));
    const response = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages }),
    });
    expect(response.status).toBe(202);

    const statuses = async () => (await tdb.db.pool.query<{ status: string }>('SELECT status FROM messages')).rows.map((r) => r.status);
    await eventually(async () => (await statuses()).every((s) => s === 'delivered'), 'every message delivered', 30_000, 50);
    const { rows } = await tdb.db.pool.query<{ receipt_raw: Buffer }>('SELECT receipt_raw FROM message_parts');
    expect(rows).toHaveLength(20);
    for (const { receipt_raw } of rows) {
      const text = receipt_raw.subarray(receipt_raw.indexOf('text:') + 'text:'.length);
      expect(text.subarray(0, 4)).toEqual(Buffer.from('Ét', 'utf16le').swap16());
    }
    expect(rig.simulator.stats).toMatchObject({ receiptsSent: 20, receiptsAcknowledged: 20, deliveriesRefused: 0 });

    const stopping = performance.now();
    await relais.stop();
    expect(performance.now() - stopping).toBeLessThan(20_000); // stuck for ever before; the CLI gives a stop 30 s at most
    expect(relais.child.exitCode).toBe(0);
  }, 90_000);
});
