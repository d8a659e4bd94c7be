/**
 * One worker process of the prepaid concurrency test: inserts batches of messages for a prepaid account through the
 * message store (the intake's statement, which reserves their worst-case cost), as fast as it can, and prints the
 * ids and parts of what was accepted and how many batches were refused for credit, as one JSON line.
 * Arguments: database URL, account id, seed, batches.
 */
import { InsufficientCredit } from '../../src/app/errors.ts';
import { openDatabase } from '../../src/adapters/store/database.ts';
import { PgMessageStore } from '../../src/adapters/store/message-store.ts';
import { newMessage } from './new-message.ts';

const [url, accountId, seed, batches] = process.argv.slice(2) as [string, string, string, string];
const now = new Date('2026-11-10T10:00:00Z');
let state = Number(seed);
const random = (n: number) => ((state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0) % n) + 1;

const message = (segments: number) => newMessage(accountId, segments, now);

const db = openDatabase(url, { maxConnections: 4 });
const store = new PgMessageStore(db);
const accepted: { id: string; parts: number }[] = [];
let refused = 0;
await Promise.all(
  Array.from({ length: Number(batches) }, async () => {
    const segments = Array.from({ length: random(5) }, () => random(4));
    try {
      const result = await store.insertMessages(segments.map(message), now);
      if (result.kind === 'inserted') result.ids.forEach((id, i) => accepted.push({ id, parts: segments[i]! }));
    } catch (error) {
      if (!(error instanceof InsufficientCredit)) throw error;
      refused++;
    }
  }),
);
await db.close();
console.log(JSON.stringify({ accepted, refused }));
