import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PgAccountStore } from '../../../src/adapters/store/account-store.ts';
import { PgSmppAccountStore, ipAllowed, verifySmppPassword } from '../../../src/adapters/store/smpp-account-store.ts';
import { decodeGsm7 } from '../../../src/core/text/index.ts';
import { parseReceiptText, tlvString, tlvTags, type Pdu, type PduOf } from '../../../src/protocols/smpp/index.ts';
import { startTestRelais, type TestRelais } from '../../support/relais.ts';
import { fixturePdu } from '../../protocols/smpp/fixtures.ts';
import { eventually } from '../../support/waiting.ts';
import { TestEsme, textSubmit } from './esme.ts';

const TO = '33612345678';
let t: TestRelais;
let port: number;
const open: TestEsme[] = [];

async function esme(mode: 'bind_transmitter' | 'bind_receiver' | 'bind_transceiver' = 'bind_transceiver'): Promise<TestEsme> {
  const client = await TestEsme.bound(port, 'acme', 'secret1', mode);
  open.push(client);
  return client;
}

beforeAll(async () => {
  t = await startTestRelais({ smppServer: { enabled: true, port: 0 } }, { options: ['alphanumeric-sender'], alphanumericSenders: ['ACME'] });
  port = t.relais.smppServerPort!;
  await new PgSmppAccountStore(t.relais.db).setCredential(t.accountId, { systemId: 'acme', password: 'secret1' }, new Date());
});

afterAll(async () => {
  for (const client of open) await client.close();
  await t?.stop();
});

describe('credentials', () => {
  it('stores the password as a salted scrypt hash', async () => {
    const row = await t.relais.db.kysely.selectFrom('smpp_credentials').selectAll().executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$16384\$/);
    expect(row.password_hash).not.toContain('secret1');
    expect(await verifySmppPassword('secret1', row.password_hash)).toBe(true);
    expect(await verifySmppPassword('secret2', row.password_hash)).toBe(false);
  });

  it('reads IP allowlists as CIDR blocks, IPv4-mapped addresses included', () => {
    expect(ipAllowed('10.1.2.3', [])).toBe(true);
    expect(ipAllowed('10.1.2.3', ['10.1.0.0/16'])).toBe(true);
    expect(ipAllowed('::ffff:10.1.2.3', ['10.1.0.0/16'])).toBe(true);
    expect(ipAllowed('10.2.2.3', ['10.1.0.0/16', '192.0.2.7'])).toBe(false);
    expect(ipAllowed('2001:db8::1', ['2001:db8::/32'])).toBe(true);
  });
});

describe('binds', () => {
  it.each(['bind_transmitter', 'bind_receiver', 'bind_transceiver'] as const)('accepts %s with the right credentials', async (mode) => {
    const client = await TestEsme.connect(port);
    open.push(client);
    const resp = await client.request(mode, { system_id: 'acme', password: 'secret1' });
    expect(resp.command).toBe(`${mode}_resp`);
    expect(resp.status).toBe(0);
    expect((resp as PduOf<'bind_transceiver_resp'>).fields.system_id).toBe('relais');
    expect((await client.request('enquire_link')).status).toBe(0);
    const again = await client.request(mode, { system_id: 'acme', password: 'secret1' });
    expect(again.status).toBe(0x05); // ESME_RALYBND
    const unbound = await client.request('unbind');
    expect(unbound.command).toBe('unbind_resp');
    await client.closed;
  });

  it('refuses a wrong password or an unknown system_id with ESME_RINVPASWD and closes', async () => {
    for (const [systemId, password] of [['acme', 'wrong'], ['nobody', 'secret1']]) {
      const client = await TestEsme.connect(port);
      const resp = await client.request('bind_transceiver', { system_id: systemId, password });
      expect(resp.status).toBe(0x0e);
      await client.closed;
    }
  });

  it("refuses a suspended account's submits (ESME_RSUBMITFAIL) and binds (ESME_RBINDFAIL)", async () => {
    const accounts = new PgAccountStore(t.relais.db);
    const other = await accounts.createAccount({ name: 'suspendu', defaultShortCode: (await accounts.findById(t.accountId))!.defaultShortCode! }, new Date());
    await new PgSmppAccountStore(t.relais.db).setCredential(other.id, { systemId: 'susp', password: 'secret2' }, new Date());
    const bound = await TestEsme.bound(port, 'susp', 'secret2', 'bind_transmitter');
    open.push(bound);
    await accounts.setStatus('suspendu', 'suspended', 'unpaid invoice', new Date());
    let status = 0;
    await eventually(async () => (status = (await bound.request('submit_sm', textSubmit(TO, 'Votre code 1234'))).status) !== 0, 'the suspension reaches the bind');
    expect(status).toBe(0x45);
    const client = await TestEsme.connect(port);
    expect((await client.request('bind_transmitter', { system_id: 'susp', password: 'secret2' })).status).toBe(0x0d);
    await client.closed;
  });

  it('refuses a bind from outside the allowlist with ESME_RBINDFAIL', async () => {
    const store = new PgSmppAccountStore(t.relais.db);
    await store.setCredential(t.accountId, { systemId: 'acme', password: 'secret1', allowedIps: ['192.0.2.0/24'] }, new Date());
    try {
      const client = await TestEsme.connect(port);
      expect((await client.request('bind_transmitter', { system_id: 'acme', password: 'secret1' })).status).toBe(0x0d);
      await client.closed;
    } finally {
      await store.setCredential(t.accountId, { systemId: 'acme', password: 'secret1', allowedIps: ['127.0.0.0/8', '::1'] }, new Date());
    }
  });

  it('answers requests before a bind with ESME_RINVBNDSTS, unknown commands with generic_nack', async () => {
    const client = await TestEsme.connect(port);
    open.push(client);
    expect((await client.request('submit_sm', textSubmit(TO, 'hello'))).status).toBe(0x04);
    client.raw(Buffer.from([0, 0, 0, 16, 0, 0, 0, 0x99, 0, 0, 0, 0, 0, 0, 0x12, 0x34]));
    await client.until(() => client.log.some((p) => p.command === 'generic_nack' && p.sequence === 0x1234));
    expect(client.log.find((p) => p.sequence === 0x1234)!.status).toBe(0x03); // ESME_RINVCMDID
    // A receiver may not submit.
    const receiver = await esme('bind_receiver');
    expect((await receiver.request('submit_sm', textSubmit(TO, 'hello'))).status).toBe(0x04);
  });
});

/** A receipt goes to any receiving bind of the account: tests about receipts start from none. */
async function closeAll(): Promise<void> {
  for (const client of open.splice(0)) await client.close();
}

function receiptsFor(client: TestEsme, id: string): PduOf<'deliver_sm'>[] {
  return client.received.filter((p): p is PduOf<'deliver_sm'> => p.command === 'deliver_sm' && tlvString(p.tlvs.get(tlvTags.receipted_message_id)) === id);
}

describe('submit_sm', () => {
  beforeEach(closeAll);
  it('takes a message, answers with its id, then sends the receipt as text and TLVs', async () => {
    const client = await esme();
    const resp = await client.request('submit_sm', textSubmit(TO, 'Votre code est 1234', { source_addr: '36001' }));
    expect(resp.status).toBe(0);
    const id = (resp as PduOf<'submit_sm_resp'>).fields.message_id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await client.until(() => receiptsFor(client, id).length > 0);
    const [receipt] = receiptsFor(client, id);
    expect(receipt!.fields.esm_class).toBe(0x04);
    const text = parseReceiptText(receipt!.fields.short_message.toString('latin1'));
    expect(text).toMatchObject({ id, stat: 'DELIVRD', err: '000', text: 'Votre code est 1234' });
    expect(receipt!.tlvs.get(tlvTags.message_state)).toEqual(Buffer.from([2]));
    expect(receipt!.fields.source_addr).toBe(TO);
    expect(receipt!.fields.destination_addr).toBe('36001');
    // The receipt came after the submit_sm_resp.
    const order = client.log.map((p: Pdu) => p.command);
    expect(order.indexOf('submit_sm_resp')).toBeLessThan(order.indexOf('deliver_sm'));
    const { body } = await t.api('GET', `/v1/messages/${id}`);
    expect(body).toMatchObject({ status: 'delivered', text: 'Votre code est 1234', shortCode: '36001' });
    const row = await t.relais.db.kysely.selectFrom('smpp_submissions').selectAll().where('message_id', '=', id).executeTakeFirstOrThrow();
    expect(row.receipt_acked_at).not.toBeNull();
  });

  it('takes submit_sm arriving together in one intake call, each answered with its own status and id, receipts after', async () => {
    const client = await esme();
    const { encodePdu } = await import('../../../src/protocols/smpp/index.ts');
    const submits: [sequence: number, to: string, text: string, status: number][] = [
      [2001, TO, 'Premier message', 0],
      [2002, '123', 'Numero invalide', 0x0b], // ESME_RINVDSTADR
      [2003, '33612345679', 'Deuxieme message', 0],
      [2004, TO, '', 0x01], // ESME_RINVMSGLEN: empty
      [2005, '33612345670', 'Troisieme message', 0],
    ];
    // One write: the server reads them in the same turn of its event loop.
    client.raw(Buffer.concat(submits.map(([sequence, to, text]) => encodePdu('submit_sm', sequence, textSubmit(to, text)))));
    const resps = () => client.log.filter((p): p is PduOf<'submit_sm_resp'> => p.command === 'submit_sm_resp' && p.sequence >= 2001 && p.sequence <= 2005);
    await client.until(() => resps().length === submits.length);
    const ids = new Set<string>();
    for (const [sequence, , text, status] of submits) {
      const resp = resps().find((p) => p.sequence === sequence)!;
      expect(resp.status).toBe(status);
      if (status !== 0) continue;
      const id = resp.fields.message_id;
      ids.add(id);
      expect((await t.api('GET', `/v1/messages/${id}`)).body.text).toBe(text);
    }
    expect(ids.size).toBe(3);
    for (const id of ids) {
      await client.until(() => receiptsFor(client, id).length > 0);
      const answered = client.log.findIndex((p) => p.command === 'submit_sm_resp' && (p as PduOf<'submit_sm_resp'>).fields.message_id === id);
      expect(answered).toBeLessThan(client.log.indexOf(receiptsFor(client, id)[0]!));
    }
  });

  it('sends no receipt when none is asked, and on failure only when registered_delivery is 2', async () => {
    const client = await esme();
    const none = (await client.request('submit_sm', textSubmit(TO, 'no receipt', { registered_delivery: 0 }))) as PduOf<'submit_sm_resp'>;
    const onFailure = (await client.request('submit_sm', textSubmit(TO, 'failure only', { registered_delivery: 2 }))) as PduOf<'submit_sm_resp'>;
    const always = (await client.request('submit_sm', textSubmit(TO, 'always', { registered_delivery: 1 }))) as PduOf<'submit_sm_resp'>;
    await client.until(() => receiptsFor(client, always.fields.message_id).length > 0);
    await t.waitFor(onFailure.fields.message_id, (s) => s === 'delivered');
    await new Promise((r) => setTimeout(r, 500));
    expect(receiptsFor(client, none.fields.message_id)).toHaveLength(0);
    expect(receiptsFor(client, onFailure.fields.message_id)).toHaveLength(0);
    const row = await t.relais.db.kysely.selectFrom('smpp_submissions').selectAll().where('message_id', '=', onFailure.fields.message_id).executeTakeFirstOrThrow();
    expect(row.receipt_acked_at).not.toBeNull();
  });

  it('reassembles a long UCS-2 message sent in three parts into one message', async () => {
    const client = await esme();
    const text = 'Привет, это длинное сообщение 😀 '.repeat(5).trim();
    const bytes = Buffer.from(text, 'utf16le').swap16();
    const chunks = [bytes.subarray(0, 134), bytes.subarray(134, 268), bytes.subarray(268)];
    expect(chunks[2]!.length).toBeGreaterThan(0);
    const ids: string[] = [];
    // Parts in any order; the 😀 surrogate pair may be split across parts.
    for (const index of [2, 1, 3]) {
      const udh = Buffer.from([0x05, 0x00, 0x03, 0x2a, 3, index]);
      const resp = (await client.request('submit_sm', textSubmit(TO, '', { esm_class: 0x40, data_coding: 8, short_message: Buffer.concat([udh, chunks[index - 1]!]) }))) as PduOf<'submit_sm_resp'>;
      expect(resp.status).toBe(0);
      ids.push(resp.fields.message_id);
    }
    expect(ids[0]).toMatch(/^part-/);
    expect(ids[1]).toMatch(/^part-/);
    const { body } = await t.api('GET', `/v1/messages/${ids[2]}`);
    expect(body.text).toBe(text);
    expect(body.encoding).toBe('ucs2');
    await client.until(() => receiptsFor(client, ids[2]!).length > 0);
  });

  it("gives each part of a long message its own id, and sends the receipt asked on part 1 only under part 1's id", async () => {
    const client = await esme();
    client.raw(fixturePdu('concat-part1-receipt-asked'));
    client.raw(fixturePdu('concat-part2-no-receipt'));
    const response = (sequence: number) => client.log.find((p): p is PduOf<'submit_sm_resp'> => p.command === 'submit_sm_resp' && p.sequence === sequence);
    await client.until(() => response(0x11) !== undefined && response(0x12) !== undefined);
    const [partOne, partTwo] = [response(0x11)!, response(0x12)!];
    expect([partOne.status, partTwo.status]).toEqual([0, 0]);
    expect(partOne.fields.message_id).not.toBe(partTwo.fields.message_id);
    const messageId = partTwo.fields.message_id; // the part that completed the message is answered with its id
    const { body } = await t.api('GET', `/v1/messages/${messageId}`);
    expect(body).toMatchObject({ segments: 2, text: expect.stringMatching(/^Bonjour, votre commande 48213 .* notre site\.$/) });

    await client.until(() => receiptsFor(client, partOne.fields.message_id).length > 0);
    const [receipt] = receiptsFor(client, partOne.fields.message_id);
    expect(parseReceiptText(receipt!.fields.short_message.toString('latin1'))).toMatchObject({ id: partOne.fields.message_id, stat: 'DELIVRD' });
    expect((await t.api('GET', `/v1/messages/${messageId}`)).body.status).toBe('delivered');
    // Part 2 asked for none: the only receipt owed is part 1's, and the client has it.
    const owed = () => t.relais.db.kysely.selectFrom('smpp_submissions').select(['receipt_id', 'receipt_acked_at']).where('message_id', '=', messageId).execute();
    await eventually(async () => (await owed()).every((r) => r.receipt_acked_at !== null), 'the receipt acknowledged');
    expect(await owed()).toEqual([{ receipt_id: partOne.fields.message_id, receipt_acked_at: expect.any(Date) }]);
    expect(receiptsFor(client, messageId)).toEqual([]);
  });

  it('sends one receipt per part when every part asks, each under its own id, with the state of the whole message', async () => {
    const client = await esme();
    const ids: string[] = [];
    for (const [index, chunk] of ['Premiere partie, ', 'seconde partie.'].entries()) {
      const udh = Buffer.from([0x05, 0x00, 0x03, 0x5d, 2, index + 1]);
      const resp = (await client.request('submit_sm', textSubmit(TO, '', { esm_class: 0x40, registered_delivery: 1, short_message: Buffer.concat([udh, Buffer.from(chunk, 'latin1')]) }))) as PduOf<'submit_sm_resp'>;
      ids.push(resp.fields.message_id);
    }
    for (const id of ids) await client.until(() => receiptsFor(client, id).length > 0);
    expect(ids.map((id) => parseReceiptText(receiptsFor(client, id)[0]!.fields.short_message.toString('latin1')).stat)).toEqual(['DELIVRD', 'DELIVRD']);
  });

  it('also reassembles parts numbered with the sar_* TLVs, and takes message_payload', async () => {
    const client = await esme();
    const sar = (ref: number, total: number, index: number) =>
      Buffer.concat([tlv(tlvTags.sar_msg_ref_num, Buffer.from([0, ref])), tlv(tlvTags.sar_total_segments, Buffer.from([total])), tlv(tlvTags.sar_segment_seqnum, Buffer.from([index]))]);
    const first = await client.request('submit_sm', textSubmit(TO, 'Hello ', { registered_delivery: 0 }));
    expect(first.status).toBe(0);
    // sar TLVs through a raw frame (the encoder does not know them).
    const frame = (await import('../../../src/protocols/smpp/index.ts')).encodePdu('submit_sm', 900, textSubmit(TO, 'Bonjour ', { registered_delivery: 0 }));
    const partOne = withTlvs(frame, sar(7, 2, 1));
    const partTwo = withTlvs((await import('../../../src/protocols/smpp/index.ts')).encodePdu('submit_sm', 901, textSubmit(TO, 'le monde', { registered_delivery: 0 })), sar(7, 2, 2));
    client.raw(partOne);
    client.raw(partTwo);
    await client.until(() => client.log.filter((p) => p.command === 'submit_sm_resp' && p.sequence >= 900).length === 2);
    const last = client.log.find((p) => p.command === 'submit_sm_resp' && p.sequence === 901) as PduOf<'submit_sm_resp'>;
    expect((await t.api('GET', `/v1/messages/${last.fields.message_id}`)).body.text).toBe('Bonjour le monde');

    const payload = (await client.request('submit_sm', { ...textSubmit(TO, '', { registered_delivery: 0 }), short_message: Buffer.alloc(0), message_payload: Buffer.from('Par message payload', 'latin1') })) as PduOf<'submit_sm_resp'>;
    expect(payload.status).toBe(0);
    expect((await t.api('GET', `/v1/messages/${payload.fields.message_id}`)).body.text).toBe('Par message payload');
  });

  it('maps refusals to command_status', async () => {
    const client = await esme();
    const status = async (params: Parameters<typeof textSubmit>[2], to = TO, text = 'hello') => (await client.request('submit_sm', textSubmit(to, text, params))).status;
    expect(await status({}, '123')).toBe(0x0b); // ESME_RINVDSTADR
    expect(await status({ source_addr: '99999' })).toBe(0x0a); // ESME_RINVSRCADR: not a short code of the platform
    expect(await status({ schedule_delivery_time: 'tomorrow' })).toBe(0x61); // ESME_RINVSCHED
    expect(await status({ data_coding: 4 })).toBe(0x104); // ESME_RINVDCS
    expect(await status({}, TO, '')).toBe(0x01); // ESME_RINVMSGLEN: empty
    expect(await status({}, TO, 'x'.repeat(200) + 'é'.repeat(0))).toBe(0); // a long GSM text in one submit is fine
  });

  it('reads an alphanumeric source_addr as the sender ID and a relative schedule_delivery_time as sendAt', async () => {
    const client = await esme();
    const resp = (await client.request('submit_sm', textSubmit(TO, 'plus tard', { source_addr_ton: 5, source_addr: 'ACME', schedule_delivery_time: '000000010000000R', registered_delivery: 0 }))) as PduOf<'submit_sm_resp'>;
    expect(resp.status).toBe(0);
    const { body } = await t.api('GET', `/v1/messages/${resp.fields.message_id}`);
    expect(body.from).toBe('ACME');
    const due = new Date(body.dueAt).getTime() - Date.now();
    expect(due).toBeGreaterThan(50 * 60_000);
    expect(due).toBeLessThan(61 * 60_000);
    await t.api('POST', `/v1/messages/${resp.fields.message_id}/cancel`);
  });

  it('refuses a source_addr that is a mobile number or a short code of another account with ESME_RINVSRCADR', async () => {
    const client = await esme();
    for (const source_addr of ['33612345678', '0612345678', '36999', '123456']) {
      const resp = (await client.request('submit_sm', textSubmit(TO, 'Votre code : 1234', { source_addr, source_addr_ton: 1 }))) as PduOf<'submit_sm_resp'>;
      expect({ source_addr, status: resp.status }).toEqual({ source_addr, status: 0x0a });
    }
    const own = (await client.request('submit_sm', textSubmit(TO, 'Votre code : 1234', { source_addr: '36001', source_addr_ton: 3 }))) as PduOf<'submit_sm_resp'>;
    expect(own.status).toBe(0);
  });

  it('answers ESME_ROK for a suppressed message and says REJECTD err:103 in its receipt', async () => {
    const client = await esme();
    const resp = (await client.request('submit_sm', textSubmit(TO, 'test: promo du jour', { service_type: 'MKT' }))) as PduOf<'submit_sm_resp'>;
    expect(resp.status).toBe(0);
    const id = resp.fields.message_id;
    const { body } = await t.api('GET', `/v1/messages/${id}`);
    expect(body.status).toBe('suppressed');
    await client.until(() => receiptsFor(client, id).length > 0);
    const text = parseReceiptText(receiptsFor(client, id)[0]!.fields.short_message.toString('latin1'));
    expect(text).toMatchObject({ stat: 'REJECTD', err: '103' });
  });
});

describe('query_sm and cancel_sm', () => {
  beforeEach(closeAll);
  it('answers query_sm with the state a receipt gives, ENROUTE before; ESME_RQUERYFAIL for an id not the account’s', async () => {
    const client = await esme();
    const resp = await client.request('submit_sm', textSubmit(TO, 'Votre code est 4321', { source_addr: '36001' }));
    const id = (resp as PduOf<'submit_sm_resp'>).fields.message_id;
    await client.until(() => receiptsFor(client, id).length > 0);
    const query = (await client.request('query_sm', { message_id: id, source_addr: '36001' })) as PduOf<'query_sm_resp'>;
    expect(query.status).toBe(0);
    expect(query.fields).toMatchObject({ message_id: id, message_state: 2, error_code: 0 });
    expect(query.fields.final_date).toMatch(/^\d{12}000\+$/);
    const unknown = await client.request('query_sm', { message_id: '01a20886-1948-7155-ae0b-8b13bb741bb1', source_addr: '36001' });
    expect(unknown.status).toBe(0x67);
  });

  it('cancels a message scheduled for later, once; the query then says DELETED', async () => {
    const client = await esme();
    const resp = await client.request('submit_sm', textSubmit(TO, 'Rappel demain', { source_addr: '36001', schedule_delivery_time: '000001000000000R' }));
    const id = (resp as PduOf<'submit_sm_resp'>).fields.message_id;
    const before = (await client.request('query_sm', { message_id: id, source_addr: '36001' })) as PduOf<'query_sm_resp'>;
    expect(before.fields).toMatchObject({ message_state: 1, final_date: '' });
    expect((await client.request('cancel_sm', { message_id: id, source_addr: '36001', destination_addr: TO })).status).toBe(0);
    expect((await client.request('cancel_sm', { message_id: id, source_addr: '36001', destination_addr: TO })).status).toBe(0x11);
    const after = (await client.request('query_sm', { message_id: id, source_addr: '36001' })) as PduOf<'query_sm_resp'>;
    expect(after.fields.message_state).toBe(4);
    expect((await t.api('GET', `/v1/messages/${id}`)).body.status).toBe('cancelled');
  });
});

describe('receipts', () => {
  beforeEach(closeAll);
  it('sends a receipt again after a reconnect when it was not acknowledged', async () => {
    const sender = await esme('bind_transmitter');
    const receiver = await esme('bind_receiver');
    receiver.deliverStatus = null; // never answers
    const resp = (await sender.request('submit_sm', textSubmit(TO, 'encore'))) as PduOf<'submit_sm_resp'>;
    const id = resp.fields.message_id;
    await receiver.until(() => receiptsFor(receiver, id).length > 0);
    await receiver.close();
    const again = await esme('bind_receiver');
    await again.until(() => receiptsFor(again, id).length > 0);
    await sender.close();
  });

  it('keeps at most 100 deliver_sm unanswered per session, sends the rest as answers free room, each receipt once', async () => {
    const sender = await esme('bind_transmitter');
    const receiver = await esme('bind_receiver');
    receiver.deliverStatus = null;
    const { encodePdu } = await import('../../../src/protocols/smpp/index.ts');
    const sequences = Array.from({ length: 150 }, (_, i) => 5_000 + i);
    sender.raw(Buffer.concat(sequences.map((sequence, i) => encodePdu('submit_sm', sequence, textSubmit(`336${String(20_000_000 + i)}`, 'fenetre')))));
    await sender.until(() => sequences.every((s) => sender.log.some((p) => p.command === 'submit_sm_resp' && p.sequence === s)));
    const ids = new Set(sender.log.filter((p): p is PduOf<'submit_sm_resp'> => p.command === 'submit_sm_resp' && sequences.includes(p.sequence)).map((p) => p.fields.message_id));
    expect(ids.size).toBe(150);

    await receiver.until(() => receiver.received.length >= 100);
    await new Promise((r) => setTimeout(r, 600)); // three polls: the window stays full
    expect(receiver.received).toHaveLength(100);

    const seen: string[] = [];
    const answer = () => {
      for (const pdu of receiver.received.splice(0)) {
        const id = tlvString(pdu.tlvs.get(tlvTags.receipted_message_id));
        if (id && ids.has(id)) seen.push(id);
        receiver.wire.send('deliver_sm_resp', pdu.sequence, { message_id: '' });
      }
    };
    while (seen.length < 150) {
      answer();
      await receiver.until(() => receiver.received.length > 0 || seen.length >= 150, 5_000).catch(() => undefined);
      expect(receiver.received.length).toBeLessThanOrEqual(100);
    }
    expect(new Set(seen).size).toBe(150);
    expect(seen).toHaveLength(150);
  });

  it('sends a receipt refused with an error again later', async () => {
    const client = await esme();
    client.deliverStatus = 0x08;
    const resp = (await client.request('submit_sm', textSubmit(TO, 'refusé'))) as PduOf<'submit_sm_resp'>;
    const id = resp.fields.message_id;
    await client.until(() => receiptsFor(client, id).length > 0);
    client.deliverStatus = 0;
    await client.until(() => receiptsFor(client, id).length > 1, 15_000);
  });
});

describe('MOs', () => {
  beforeEach(closeAll);

  it("delivers the account's MOs as deliver_sm to its receiver binds, until acknowledged", async () => {
    // MOs on the short code go to the accounts using it: leave only the test account on it.
    await t.relais.db.kysely.updateTable('accounts').set({ default_short_code: null }).where('id', '!=', t.accountId).execute();
    const receiver = await esme('bind_receiver');
    receiver.deliverStatus = null; // the first one is left unanswered: it comes again after a reconnect
    await t.relais.simulator!.sendMo({ from: '+33612345678', to: '36001', text: 'Bonjour à vous' });
    const mos = (client: TestEsme) => client.received.filter((p): p is PduOf<'deliver_sm'> => p.command === 'deliver_sm' && p.fields.esm_class === 0);
    await receiver.until(() => mos(receiver).length > 0);
    const [mo] = mos(receiver);
    expect(mo!.fields).toMatchObject({ source_addr: '33612345678', source_addr_ton: 1, destination_addr: '36001', data_coding: 0 });
    expect(decodeGsm7(mo!.fields.short_message)).toBe('Bonjour à vous');
    await closeAll();

    const again = await esme('bind_receiver');
    await again.until(() => mos(again).length > 0);
    await t.relais.simulator!.sendMo({ from: '+33612345678', to: '36001', text: 'Привет' });
    await again.until(() => mos(again).length > 1);
    expect(mos(again)[1]!.fields.data_coding).toBe(8);
    expect(Buffer.from(mos(again)[1]!.fields.short_message).swap16().toString('utf16le')).toBe('Привет');
    await new Promise((r) => setTimeout(r, 300)); // acknowledgements recorded
    await closeAll();

    const last = await esme('bind_receiver');
    await new Promise((r) => setTimeout(r, 600));
    expect(mos(last)).toHaveLength(0);
  });
});

describe('robustness', () => {
  it('closes a session whose framing is broken, and only that one', async () => {
    const good = await esme();
    const bad = await esme();
    bad.raw(Buffer.from([0x00, 0x00, 0x00, 0x03, 0xde, 0xad]));
    await bad.closed;
    expect((await good.request('enquire_link')).status).toBe(0);
    expect((await good.request('submit_sm', textSubmit(TO, 'toujours la', { registered_delivery: 0 }))).status).toBe(0);
  });

  it('answers an undecodable PDU with generic_nack and keeps the session', async () => {
    const client = await esme();
    // submit_sm whose body stops in the middle of its mandatory fields.
    client.raw(Buffer.from([0, 0, 0, 20, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0x30, 0x39, 0x41, 0x42, 0x43, 0x44]));
    await client.until(() => client.log.some((p) => p.command === 'generic_nack' && p.sequence === 0x3039));
    expect((await client.request('enquire_link')).status).toBe(0);
  });

  it('refuses binds for a while after repeated failures from one address (last: it blocks this address)', async () => {
    for (let i = 0; i < 5; i++) {
      const client = await TestEsme.connect(port);
      await client.request('bind_transmitter', { system_id: 'acme', password: `bad${i}` });
      await client.closed;
    }
    const client = await TestEsme.connect(port);
    expect((await client.request('bind_transmitter', { system_id: 'acme', password: 'secret1' })).status).toBe(0x0d);
    await client.closed;
  });
});

function tlv(tag: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(tag, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value]);
}

function withTlvs(frame: Buffer, tlvs: Buffer): Buffer {
  const out = Buffer.concat([frame, tlvs]);
  out.writeUInt32BE(out.length, 0);
  return out;
}
