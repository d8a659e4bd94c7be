/**
 * The SMPP server against hostile or careless clients: binds sent all at once to guess a password, lockouts that
 * must not shut out other accounts behind the same address, sessions left idle or in the middle of a PDU, more
 * binds than an account needs, a UCS-2 NUL, and numbers quoted in log lines.
 */
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmppServer, type SmppServerOptions } from '../../../src/adapters/smpp-server/server.ts';
import { createLogger } from '../../../src/adapters/log.ts';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { PgConsentStore } from '../../../src/adapters/store/consent-store.ts';
import { PgMessageStore } from '../../../src/adapters/store/message-store.ts';
import { PgSmppAccountStore } from '../../../src/adapters/store/smpp-account-store.ts';
import { encodePdu } from '../../../src/protocols/smpp/index.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';
import { eventually } from '../../support/waiting.ts';
import { TestEsme, textSubmit } from './esme.ts';

const ESME_RINVPASWD = 0x0e;
const ESME_RBINDFAIL = 0x0d;

let t: TestRelais;
let otherAccountId: string;
const servers: SmppServer[] = [];
const clients: TestEsme[] = [];
const logLines: Record<string, unknown>[] = [];
/** Holds every password check until released, and counts them. */
const gate = { calls: 0, held: false, waiting: [] as (() => void)[] };

beforeAll(async () => {
  t = await startTestRelais({ roles: ['api'] });
  const accounts = new PgAccountStore(t.relais.db);
  otherAccountId = (await accounts.createAccount({ name: 'other', defaultShortCode: '36001' }, new Date())).id;
  const credentials = new PgSmppAccountStore(t.relais.db);
  await credentials.setCredential(t.accountId, { systemId: 'acme', password: 'secret1' }, new Date());
  await credentials.setCredential(otherAccountId, { systemId: 'other', password: 'secret2' }, new Date());
});

afterAll(async () => {
  for (const client of clients) await client.close();
  for (const server of servers) await server.close();
  await t?.stop();
});

/** A server of its own per test (its lockouts and limits start afresh), logging to `logLines`. */
async function server(options: Partial<SmppServerOptions> = {}): Promise<number> {
  const db = t.relais.db;
  const accounts = new PgAccountStore(db);
  const store = new PgSmppAccountStore(db);
  const credentials = Object.assign(Object.create(store) as PgSmppAccountStore, {
    authenticate: async (systemId: string, password: string) => {
      gate.calls++;
      if (gate.held) await new Promise<void>((resolve) => gate.waiting.push(resolve));
      return store.authenticate(systemId, password);
    },
  });
  const log = createLogger(
    'info',
    new Writable({
      write(chunk, _encoding, done) {
        logLines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  const created = new SmppServer(
    { host: '127.0.0.1', port: 0, ...options },
    {
      credentials,
      findAccount: (id) => accounts.findById(id),
      submit: { store: new PgMessageStore(db), consents: new PgConsentStore(db), shortCodes: () => new Map([['36001', { number: '36001', route: 'simulator', ratePerSecond: 1000 }]]), notify: () => undefined },
      clock: { now: () => new Date() },
      log,
    },
  );
  servers.push(created);
  return created.listen();
}

async function bindStatus(port: number, systemId: string, password: string): Promise<{ status: number; client: TestEsme }> {
  const client = await TestEsme.connect(port);
  clients.push(client);
  return { status: (await client.request('bind_transmitter', { system_id: systemId, password, interface_version: 0x34 })).status, client };
}

describe('failed binds', () => {
  it('checks no more binds than the attempts left when they come all at once: the right password sent 40th is not even checked', async () => {
    const port = await server();
    gate.calls = 0;
    gate.held = true;
    let answered = 0;
    const wrong = Array.from({ length: 39 }, (_, i) => bindStatus(port, 'acme', `guess${i}`).then((r) => (answered++, r.status)));
    await eventually(() => gate.calls + answered >= 39, 'the 39 wrong binds to be checked or refused');
    const right = bindStatus(port, 'acme', 'secret1').then((r) => (answered++, r));
    try {
      await eventually(() => gate.calls + answered >= 40 || answered >= 35, `the right bind to be checked or refused (${gate.calls} checked, ${answered} answered)`);
    } finally {
      gate.held = false;
      for (const release of gate.waiting.splice(0)) release();
    }
    const more = Array.from({ length: 60 }, (_, i) => bindStatus(port, 'acme', `later${i}`).then((r) => r.status));
    expect((await right).status).toBe(ESME_RBINDFAIL);
    const statuses = [...(await Promise.all(wrong)), ...(await Promise.all(more))];
    expect(gate.calls).toBe(5);
    expect(statuses.filter((s) => s === ESME_RINVPASWD)).toHaveLength(5);
    expect(statuses.filter((s) => s === ESME_RBINDFAIL)).toHaveLength(94);
  });

  it('locks out the account guessed at from that address, not another account behind the same address', async () => {
    const port = await server();
    for (let i = 0; i < 5; i++) expect((await bindStatus(port, 'acme', `guess${i}`)).status).toBe(ESME_RINVPASWD);
    expect((await bindStatus(port, 'acme', 'secret1')).status).toBe(ESME_RBINDFAIL);
    expect((await bindStatus(port, 'other', 'secret2')).status).toBe(0);
  });

  it('blocks an address that fails across many system_ids', async () => {
    const port = await server({ bindFailureAddressLimit: 8 });
    for (let i = 0; i < 8; i++) expect((await bindStatus(port, `nobody${i}`, 'x')).status).toBe(ESME_RINVPASWD);
    expect((await bindStatus(port, 'other', 'secret2')).status).toBe(ESME_RBINDFAIL);
  });
});

describe('sessions and limits', () => {
  it('unbinds and closes a bound session that sends nothing for the inactivity time-out', async () => {
    const port = await server({ inactivityTimeoutMs: 300 });
    const { status, client } = await bindStatus(port, 'other', 'secret2');
    expect(status).toBe(0);
    await client.closed;
    expect(client.log.map((pdu) => pdu.command)).toContain('unbind');
  });

  it('closes a connection that sends the start of a PDU and never the rest', async () => {
    const port = await server({ pduTimeoutMs: 300, bindTimeoutMs: 60_000 });
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(encodePdu('bind_transmitter', 1, { system_id: 'other', password: 'secret2' }).subarray(0, 10));
    await closed;
  });

  it('takes at most 10 binds per account by default', async () => {
    const port = await server();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await bindStatus(port, 'other', 'secret2')).status);
    expect(statuses).toEqual([...Array(10).fill(0), ESME_RBINDFAIL]);
  });
});

describe('submit_sm', () => {
  it('refuses a UCS-2 NUL with ESME_RSUBMITFAIL, not a system error, and stores nothing', async () => {
    const port = await server();
    const { client } = await bindStatus(port, 'other', 'secret2');
    const text = Buffer.from('Code\u00001234', 'utf16le').swap16();
    const answer = await client.request('submit_sm', textSubmit('33612345678', '', { data_coding: 8, short_message: text }));
    expect(answer.status).toBe(0x45);
    expect((await new PgMessageStore(t.relais.db).countByStatus(otherAccountId)).queued ?? 0).toBe(0);
  });

  it('masks the number a client typed in the reason of a refused submit_sm it logs', async () => {
    const port = await server();
    const { client } = await bindStatus(port, 'other', 'secret2');
    const answer = await client.request('submit_sm', textSubmit('0140123456', 'Bonjour', { dest_addr_ton: 0 }));
    expect(answer.status).toBe(0x0b);
    const line = logLines.find((l) => l.msg === 'submit_sm refused' && String(l.reason).includes('fixed line'));
    expect(line?.reason).toContain('"01401***56" is not a mobile number (fixed line)');
    expect(JSON.stringify(logLines)).not.toContain('0140123456');
  });
});
