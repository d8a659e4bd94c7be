/** Messages as the intake hands them to the store, and the short code they wait on. */
import type { NewMessage } from '../../src/app/ports.ts';
import type { Db } from '../../src/adapters/store/database.ts';
import { PgRouteStore } from '../../src/adapters/store/route-store.ts';

/** A message as the intake hands it to the store: `segments` GSM parts on short code 36001, brand Acme, no cap. */
export function newMessage(accountId: string, segments: number, dueAt: Date, overrides: Partial<NewMessage> = {}): NewMessage {
  return {
    accountId,
    recipient: '+33612345678',
    sender: '36001',
    shortCode: '36001',
    class: 'transactional',
    body: 'x'.repeat(segments * 153),
    encoding: 'gsm7',
    segments,
    dueAt,
    clientReference: null,
    brand: 'Acme',
    status: 'queued',
    error: null,
    compliance: null,
    cap: null,
    ...overrides,
  };
}

/** The route and short code such messages wait on: route "sim" (SMPP, never connected), short code 36001 at 10/s. */
export function provideShortCode36001(db: Db, at: Date): Promise<void> {
  return new PgRouteStore(db).sync(
    [{ name: 'sim', protocol: 'smpp', host: '127.0.0.1', port: 2775, systemId: 'relais', password: 'secret', settings: {} }],
    [{ number: '36001', route: 'sim', ratePerSecond: 10 }],
    at,
  );
}
