import { afterAll, beforeAll, expect, it } from 'vitest';
import { PgSmppAccountStore } from '../../../src/adapters/store/smpp-account-store.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';
import { TestEsme, textSubmit } from './esme.ts';

let t: TestRelais;
let port: number;
const open: TestEsme[] = [];

beforeAll(async () => {
  t = await startTestRelais({ smppServer: { enabled: true, port: 0, throughputPerSecond: 5, maxBindsPerAccount: 2 } });
  port = t.relais.smppServerPort!;
  await new PgSmppAccountStore(t.relais.db).setCredential(t.accountId, { systemId: 'acme', password: 'secret1' }, new Date());
});

afterAll(async () => {
  for (const client of open) await client.close();
  await t?.stop();
});

it('answers ESME_RTHROTTLED over the per-account throughput, and takes submits again a second later', async () => {
  const client = await TestEsme.bound(port, 'acme', 'secret1');
  open.push(client);
  const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => client.request('submit_sm', textSubmit('33612345678', `burst ${i}`, { registered_delivery: 0 })).then((r) => r.status)));
  expect(statuses.filter((s) => s === 0)).toHaveLength(5);
  expect(statuses.filter((s) => s === 0x58)).toHaveLength(7);
  await new Promise((r) => setTimeout(r, 1_100));
  expect((await client.request('submit_sm', textSubmit('33612345678', 'after', { registered_delivery: 0 }))).status).toBe(0);
});

it('refuses a bind beyond the account maximum with ESME_RBINDFAIL, and takes one again when a bind closes', async () => {
  const second = await TestEsme.bound(port, 'acme', 'secret1', 'bind_receiver');
  const third = await TestEsme.connect(port);
  expect((await third.request('bind_transmitter', { system_id: 'acme', password: 'secret1' })).status).toBe(0x0d);
  await third.closed;
  await second.close();
  await new Promise((r) => setTimeout(r, 50));
  open.push(await TestEsme.bound(port, 'acme', 'secret1', 'bind_transmitter'));
});

it('refuses late parts of a concatenated message once reassembly ran out of time', async () => {
  // Done with a short timeout through the server itself: see smpp-server.test.ts for the complete case.
  const { SmppServer } = await import('../../../src/adapters/smpp-server/server.ts');
  const { PgAccountStore } = await import('../../../src/adapters/store/account-store.ts');
  const { createLogger } = await import('../../../src/adapters/log.ts');
  const { PgMessageStore } = await import('../../../src/adapters/store/message-store.ts');
  const { PgConsentStore } = await import('../../../src/adapters/store/consent-store.ts');
  const db = t.relais.db;
  const accounts = new PgAccountStore(db);
  const server = new SmppServer(
    { host: '127.0.0.1', port: 0, reassemblyTimeoutMs: 200 },
    {
      credentials: new PgSmppAccountStore(db),
      findAccount: (id) => accounts.findById(id),
      submit: { store: new PgMessageStore(db), consents: new PgConsentStore(db), shortCodes: () => new Map([['36001', { number: '36001', route: 'simulator', ratePerSecond: 1000 }]]), notify: () => undefined },
      clock: { now: () => new Date() },
      log: createLogger('silent'),
    },
  );
  const serverPort = await server.listen();
  try {
    const client = await TestEsme.bound(serverPort, 'acme', 'secret1');
    const part = (index: number) => textSubmit('33612345678', '', { registered_delivery: 0, esm_class: 0x40, short_message: Buffer.concat([Buffer.from([5, 0, 3, 9, 3, index]), Buffer.from('partie', 'latin1')]) });
    expect((await client.request('submit_sm', part(1))).status).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect((await client.request('submit_sm', part(2))).status).toBe(0x45);
    expect((await client.request('submit_sm', part(3))).status).toBe(0x45);
    await client.close();
  } finally {
    await server.close();
  }
});
