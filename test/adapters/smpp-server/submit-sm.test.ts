import { describe, expect, it } from 'vitest';
import { decodeBody, parseSmppTime, problemsByPosition, readSubmitSm, statusOfProblems, type ReadSubmit } from '../../../src/adapters/smpp-server/submit-sm.ts';
import { receiptDeliverSm, receiptWanted } from '../../../src/adapters/smpp-server/receipt.ts';
import { moDeliverSm } from '../../../src/adapters/smpp-server/mo.ts';
import { decodePdu, encodePdu, parseReceiptText, type PduOf, type PduParams } from '../../../src/protocols/smpp/index.ts';

const now = new Date('2026-11-24T09:00:00Z');
const submit = (params: PduParams<'submit_sm'>) => decodePdu(encodePdu('submit_sm', 1, { destination_addr: '33612345678', dest_addr_ton: 1, short_message: Buffer.from('hi'), ...params })) as PduOf<'submit_sm'>;

describe('parseSmppTime', () => {
  it('reads absolute times with their offset from UTC', () => {
    expect(parseSmppTime('261124103000004+', now)?.toISOString()).toBe('2026-11-24T09:30:00.000Z'); // UTC+1 (4 quarter hours)
    expect(parseSmppTime('261124103000500-', now)?.toISOString()).toBe('2026-11-24T10:30:00.500Z');
  });
  it('reads relative times from now', () => {
    expect(parseSmppTime('000001020304000R', now)?.toISOString()).toBe('2026-11-25T11:03:04.000Z');
  });
  it('refuses anything else', () => {
    for (const bad of ['', '2611241030', '261131103000004+', '261124253000004+', '261124103000004X']) expect(parseSmppTime(bad, now)).toBeUndefined();
  });
});

describe('readSubmitSm', () => {
  const read = (params: PduParams<'submit_sm'>) => readSubmitSm(submit(params), now);
  it('maps addresses: international recipient; the sender as given, for the intake to check against the account', () => {
    expect((read({}) as ReadSubmit).request).toMatchObject({ to: '+33612345678', class: 'transactional' });
    expect((read({}) as ReadSubmit).request.from).toBeUndefined();
    expect((read({ source_addr: '36001' }) as ReadSubmit).request.from).toBe('36001');
    expect((read({ source_addr: 'ACME', source_addr_ton: 5 }) as ReadSubmit).request.from).toBe('ACME');
    expect((read({ source_addr: '0612345678' }) as ReadSubmit).request.from).toBe('0612345678');
    expect((read({ service_type: 'mkt' }) as ReadSubmit).request.class).toBe('marketing');
  });
  it('reads the concatenation header, 8- and 16-bit references', () => {
    const eight = read({ esm_class: 0x40, short_message: Buffer.from([5, 0, 3, 7, 2, 1, 0x41]) }) as ReadSubmit;
    expect(eight.concatenation).toEqual({ reference: 7, total: 2, index: 1 });
    expect(eight.body).toEqual(Buffer.from([0x41]));
    const sixteen = read({ esm_class: 0x40, short_message: Buffer.from([6, 8, 4, 1, 2, 3, 3, 0x41]) }) as ReadSubmit;
    expect(sixteen.concatenation).toEqual({ reference: 258, total: 3, index: 3 });
    expect(read({ esm_class: 0x40, short_message: Buffer.from([9, 0, 3]) })).toMatchObject({ status: 0x43 });
    expect(read({ esm_class: 0x40, short_message: Buffer.from([5, 0, 3, 7, 2, 3, 0x41]) })).toMatchObject({ status: 0x45 });
  });
  it('refuses data codings it does not take, and receipts-only message types', () => {
    expect(read({ data_coding: 2 })).toMatchObject({ status: 0x104 });
    expect(read({ esm_class: 0x04 })).toMatchObject({ status: 0x43 });
    expect(read({ schedule_delivery_time: 'soon' })).toMatchObject({ status: 0x61 });
  });
  it('decodes GSM (one septet per octet), Latin-1 and UCS-2', () => {
    expect(decodeBody(0, Buffer.from([0x00, 0x1b, 0x65, 0x41]))).toBe('@€A');
    expect(decodeBody(3, Buffer.from([0xe9]))).toBe('é');
    expect(decodeBody(8, Buffer.from('😀', 'utf16le').swap16())).toBe('😀');
  });
});

describe('statusOfProblems', () => {
  it('maps the first problem field to a command_status', () => {
    expect(statusOfProblems([{ field: '/to', reason: 'x' }])).toBe(0x0b);
    expect(statusOfProblems([{ field: '/from', reason: 'x' }])).toBe(0x0a);
    expect(statusOfProblems([{ field: '/shortCode', reason: 'x' }])).toBe(0x0a);
    expect(statusOfProblems([{ field: '/text', reason: 'the text needs 12 SMS parts in gsm7; the maximum is 10' }])).toBe(0x01);
    expect(statusOfProblems([{ field: '/text', reason: 'a marketing SMS must start with the brand name' }])).toBe(0x45);
    expect(statusOfProblems([{ field: '/sendAt', reason: 'x' }])).toBe(0x61);
  });
});

describe('problemsByPosition', () => {
  it('splits the problems of a refused batch by position, fields named as for one message', () => {
    const split = problemsByPosition(
      [
        { field: '/messages/1/to', reason: 'not a mobile' },
        { field: '/messages/3/text', reason: 'the text is empty' },
        { field: '/messages/1/shortCode', reason: 'unknown' },
      ],
      4,
    );
    expect([...split!.keys()]).toEqual([1, 3]);
    expect(split!.get(1)).toEqual([
      { field: '/to', reason: 'not a mobile' },
      { field: '/shortCode', reason: 'unknown' },
    ]);
    expect(statusOfProblems(split!.get(3)!)).toBe(0x01);
  });
  it('gives every problem of a one-message call to that message', () => {
    expect(problemsByPosition([{ field: '/to', reason: 'x' }], 1)).toEqual(new Map([[0, [{ field: '/to', reason: 'x' }]]]));
  });
  it('gives up when a problem names no position of the batch (the batch is then taken message by message)', () => {
    expect(problemsByPosition([{ field: '/to', reason: 'x' }], 2)).toBeUndefined();
    expect(problemsByPosition([{ field: '/messages/2/to', reason: 'x' }], 2)).toBeUndefined();
    expect(problemsByPosition([{ field: '/messages/10/to', reason: 'x' }], 2)).toBeUndefined();
    expect(problemsByPosition([], 2)).toBeUndefined();
  });
});

describe('receipts and MOs', () => {
  const due = { receiptId: 'm1', messageId: 'm1', accountId: 'a', registeredDelivery: 1, sourceAddr: '36001', sourceAddrTon: 0, sourceAddrNpi: 1, submittedAt: now, recipient: '+33612345678', body: 'Bonjour', status: 'suppressed', errorCode: 'opposition', doneAt: now };
  it('writes the stat and err of each final status', () => {
    const params = receiptDeliverSm(due);
    expect(parseReceiptText(params.short_message!.toString('latin1'))).toMatchObject({ id: 'm1', stat: 'REJECTD', err: '103', text: 'Bonjour' });
    expect(params.message_state).toBe(8);
    expect(parseReceiptText(receiptDeliverSm({ ...due, status: 'delivered' }).short_message!.toString('latin1'))).toMatchObject({ stat: 'DELIVRD', dlvrd: '001' });
  });
  it('asks registered_delivery', () => {
    expect(receiptWanted(1, 'delivered')).toBe(true);
    expect(receiptWanted(2, 'delivered')).toBe(false);
    expect(receiptWanted(2, 'undeliverable')).toBe(true);
  });
  it('puts a long MO in message_payload', () => {
    const long = moDeliverSm({ id: 'x', sender: '33612345678', recipient: '36001', body: 'a'.repeat(300), receivedAt: now });
    expect(long.short_message).toHaveLength(0);
    expect(long.message_payload).toHaveLength(300);
  });
});
