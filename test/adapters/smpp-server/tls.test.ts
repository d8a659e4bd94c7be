import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/log.ts';
import { SmppServer, type SmppServerOptions } from '../../../src/adapters/smpp-server/server.ts';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { PgConsentStore } from '../../../src/adapters/store/consent-store.ts';
import { PgMessageStore } from '../../../src/adapters/store/message-store.ts';
import { PgSmppAccountStore } from '../../../src/adapters/store/smpp-account-store.ts';
import { tlvString, tlvTags, type PduOf } from '../../../src/protocols/smpp/index.ts';
import { makeCertificate, type TestCertificate } from '../../support/certificate.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';
import { TestEsme, textSubmit } from './esme.ts';

const TO = '33612345678';
let certificate: TestCertificate | undefined;
let keyFile: string;
let certFile: string;
/** The client trusts the self-signed certificate itself: the server's certificate is really checked. */
let trust: { ca: Buffer; servername: string };
let t: TestRelais;
const open: TestEsme[] = [];

beforeAll(async () => {
  certificate = makeCertificate();
  ({ keyFile, certFile, trust } = certificate);
  // TLS without a port of its own: the server's one port speaks SMPP over TLS only.
  t = await startTestRelais({ smppServer: { enabled: true, port: 0, tlsKeyFile: keyFile, tlsCertFile: certFile } });
  await new PgSmppAccountStore(t.relais.db).setCredential(t.accountId, { systemId: 'acme', password: 'secret1' }, new Date());
});

afterAll(async () => {
  for (const client of open) await client.close();
  await t?.stop();
  certificate?.remove();
});

describe('SMPP over TLS', () => {
  it('binds over TLS, takes a submit_sm and sends its receipt after the submit_sm_resp', async () => {
    const client = await TestEsme.bound(t.relais.smppServerPort!, 'acme', 'secret1', 'bind_transceiver', trust);
    open.push(client);
    const resp = (await client.request('submit_sm', textSubmit(TO, 'Par TLS', { source_addr: '36001' }))) as PduOf<'submit_sm_resp'>;
    expect(resp.status).toBe(0);
    const id = resp.fields.message_id;
    await client.until(() => client.received.some((p) => tlvString(p.tlvs.get(tlvTags.receipted_message_id)) === id));
    const order = client.log.map((p) => p.command);
    expect(order.indexOf('submit_sm_resp')).toBeLessThan(order.indexOf('deliver_sm'));
    expect((await t.api('GET', `/v1/messages/${id}`)).body).toMatchObject({ text: 'Par TLS', status: 'delivered' });
  });

  it('closes a plain SMPP connection to the TLS port without answering it', async () => {
    const client = await TestEsme.connect(t.relais.smppServerPort!);
    const answer = client.request('bind_transceiver', { system_id: 'acme', password: 'secret1' }, 1_000).catch(() => 'no answer');
    await client.closed;
    expect(await answer).toBe('no answer');
    expect(client.log).toHaveLength(0);
  });

  it('serves plain SMPP and SMPP over TLS at once when TLS has a port of its own', async () => {
    const server = directServer({ host: '127.0.0.1', port: 0, tlsKeyFile: keyFile, tlsCertFile: certFile, tlsPort: 0 });
    const port = await server.listen();
    try {
      expect(server.tlsPort).toBeDefined();
      expect(server.tlsPort).not.toBe(port);
      const plain = await TestEsme.bound(port, 'acme', 'secret1', 'bind_transmitter');
      const secure = await TestEsme.bound(server.tlsPort!, 'acme', 'secret1', 'bind_transmitter', trust);
      for (const client of [plain, secure]) {
        expect((await client.request('submit_sm', textSubmit(TO, 'deux portes', { registered_delivery: 0 }))).status).toBe(0);
        await client.close();
      }
    } finally {
      await server.close();
    }
  });

  it('refuses a half TLS configuration at start', () => {
    expect(() => directServer({ host: '127.0.0.1', port: 0, tlsKeyFile: keyFile })).toThrow(/go together/);
    expect(() => directServer({ host: '127.0.0.1', port: 0, tlsCertFile: certFile })).toThrow(/go together/);
    expect(() => directServer({ host: '127.0.0.1', port: 0, tlsPort: 0 })).toThrow(/tlsPort needs/);
  });
});

/** A second server on the test database (the test Relais's dispatcher sends what it takes). */
function directServer(options: SmppServerOptions): SmppServer {
  const db = t.relais.db;
  const accounts = new PgAccountStore(db);
  return new SmppServer(options, {
    credentials: new PgSmppAccountStore(db),
    findAccount: (id) => accounts.findById(id),
    submit: { store: new PgMessageStore(db), consents: new PgConsentStore(db), shortCodes: () => new Map([['36001', { number: '36001', route: 'simulator', ratePerSecond: 1000 }]]), notify: () => undefined },
    clock: { now: () => new Date() },
    log: createLogger('silent'),
  });
}
