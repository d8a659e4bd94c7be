/**
 * What the UCP link does beyond the port contract, against a hand-driven SMSC on 127.0.0.1 (raw-smsc.ts) so
 * that every frame is chosen: the login, how a part is written, how results are read and matched, the window,
 * results that never come, alerts both ways, notifications and MOs answered only once stored, unreadable
 * frames, and stop().
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundPart, Receipt, SubmitOutcome } from '../../../src/app/ports.ts';
import { UcpLink, type UcpLinkOptions } from '../../../src/adapters/ucp-client/ucp-link.ts';
import { encodeGsm7, encodeUcs2 } from '../../../src/core/text/index.ts';
import {
  decodeFrame,
  encodeFrame,
  encodeMessage,
  FrameSplitter,
  isDecodeFailure,
  textFields,
  type OperationFields,
  type OperationType,
  type RawFrame,
  type UcpMessage,
  type UcpOperation,
  type UcpResult,
} from '../../../src/protocols/ucp/index.ts';
import { RawSmsc, type RawSession } from './raw-smsc.ts';
import { fixtureFrame } from '../../protocols/ucp/fixtures.ts';
import { eventually } from '../../support/waiting.ts';
import { recorder } from '../../support/link-handlers.ts';

const open: { link?: UcpLink; smsc?: RawSmsc }[] = [];
afterEach(async () => {
  for (const { link, smsc } of open.splice(0)) {
    await link?.stop();
    await smsc?.close();
  }
});

/** For checks of absence only: nothing is awaited that could say "it will not happen", so wait this long. */
const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const LOGIN = '36001';
const PASSWORD = 'secret';

/** A link to a fresh hand-driven SMSC; short time-outs, no idle alerts unless asked for, backoff without jitter. */
async function started(linkOptions: Partial<UcpLinkOptions> = {}, handlers = recorder()) {
  const smsc = await RawSmsc.start();
  const link = new UcpLink({
    name: 'test',
    host: '127.0.0.1',
    port: smsc.port,
    login: LOGIN,
    password: PASSWORD,
    responseTimeoutMs: 1_000,
    keepAliveIntervalMs: 60_000,
    ...linkOptions,
    reconnect: { minMs: 20, maxMs: 100, afterBindRefusalMs: 300, jitter: 0, ...linkOptions.reconnect },
  });
  open.push({ link, smsc });
  link.start(handlers);
  return { smsc, link, handlers };
}

/** started(), and the login accepted. */
async function bound(linkOptions: Partial<UcpLinkOptions> = {}, handlers = recorder()) {
  const { smsc, link } = await started(linkOptions, handlers);
  const session = await smsc.session(0);
  await session.acceptLogin();
  await eventually(() => link.state() === 'bound', 'the login');
  return { smsc, link, session, handlers };
}

const part = (over: Partial<OutboundPart> = {}): OutboundPart => ({
  source: { ton: 0, npi: 1, value: '36001' },
  destination: { ton: 1, npi: 1, value: '33612345678' },
  encoding: 'gsm7',
  body: encodeGsm7('Hello'),
  udh: null,
  receipt: true,
  ...over,
});

/** A part to its own recipient, so that each submit can be told apart on the wire. */
const partTo = (i: number): OutboundPart => part({ destination: { ton: 1, npi: 1, value: `336123${String(i).padStart(5, '0')}` } });

/** The messages of one kind and OT, typed as that OT's: the codec's types are unions over every OT, too wide to narrow generically. */
function ofType<T>(messages: readonly UcpMessage[], kind: 'O' | 'R', ot: OperationType): T[] {
  return messages.filter((m) => m.kind === kind && m.ot === ot) as unknown as T[];
}

function operations<K extends OperationType>(session: RawSession, ot: K): UcpOperation<K>[] {
  return ofType<UcpOperation<K>>(session.received, 'O', ot);
}

function results<K extends OperationType>(session: RawSession, ot: K): UcpResult<K>[] {
  return ofType<UcpResult<K>>(session.received, 'R', ot);
}

async function nextOperation<K extends OperationType>(session: RawSession, ot: K, from = 0): Promise<UcpOperation<K>> {
  const found = await session.next((m) => m.kind === 'O' && m.ot === ot, `an O/${ot}`, from);
  return ofType<UcpOperation<K>>([found], 'O', ot)[0]!;
}

async function resultTo(session: RawSession, ot: number, trn: number): Promise<UcpResult> {
  return (await session.next((m) => m.kind === 'R' && m.ot === ot && m.trn === trn, `R/${ot} #${trn}`)) as UcpResult;
}

/** The SMSC's key of an accepted submit: the recipient and a time stamp made from `i`. */
const keyOf = (submit: UcpOperation<51>, i = 0): string => `${submit.fields.AdC}:0101241200${String(i % 60).padStart(2, '0')}`;

function accept(session: RawSession, submit: UcpOperation<51>, sm = keyOf(submit)): void {
  session.send({ kind: 'R', ot: 51, trn: submit.trn, ack: true, fields: { SM: sm } });
}

/** Submits a part, answers its O/51 positively once written, and gives the O/51 once the link took the result. */
async function written(link: UcpLink, session: RawSession, submitted: OutboundPart): Promise<UcpOperation<51>> {
  const from = session.received.length;
  const outcome = link.submit(submitted);
  const submit = await nextOperation(session, 51, from);
  accept(session, submit);
  expect(await outcome).toEqual({ kind: 'accepted', smscMessageId: keyOf(submit) });
  return submit;
}

function answerAlert(session: RawSession, alert: UcpOperation<31>): void {
  session.send({ kind: 'R', ot: 31, trn: alert.trn, ack: true, fields: {} });
}

/** Records the frames the link writes as raw frames too: results to operations this codec cannot read. */
function tapFrames(session: RawSession): RawFrame[] {
  const frames: RawFrame[] = [];
  const splitter = new FrameSplitter();
  session.wire.socket.on('data', (chunk: Buffer) =>
    splitter.push(
      chunk,
      (frame) => {
        const raw = decodeFrame(frame);
        if (!isDecodeFailure(raw)) frames.push(raw);
      },
      () => undefined,
    ),
  );
  return frames;
}

/** A delivery notification (53) as an SMSC writes it. */
function notification(over: Partial<OperationFields<53>> = {}): Partial<OperationFields<53>> {
  return {
    AdC: LOGIN,
    OAdC: '0033612345678',
    SCTS: '010124120000',
    Dst: '0',
    Rsn: '000',
    DSCTS: '010124120005',
    ...textFields('Message for 0033612345678 has been delivered'),
    ...over,
  };
}

describe('UcpLink login', () => {
  it('logs in with operation 60: OAdC the login, OTON 6, ONPI 5, STYP 1, the password in hex, VERS 0100; bound only after the positive result', async () => {
    const { smsc, link, handlers } = await started();
    const session = await smsc.session(0);
    const login = await nextOperation(session, 60);
    expect(login.fields).toMatchObject({ OAdC: '36001', OTON: '6', ONPI: '5', STYP: '1', PWD: Buffer.from(PASSWORD, 'latin1').toString('hex').toUpperCase(), VERS: '0100' });
    expect(login.fields.PWD).toBe('736563726574');
    expect(link.state()).toBe('connecting');
    expect(link.freeWindow()).toBe(0);
    expect(await link.submit(part())).toEqual({ kind: 'not-sent', reason: 'link connecting' });

    session.send({ kind: 'R', ot: 60, trn: login.trn, ack: true, fields: {} });
    await eventually(() => link.state() === 'bound', 'bound');
    expect(handlers.states).toEqual(['connecting', 'bound']);
    expect(link.freeWindow()).toBe(10);
  });

  it('writes the configured OTON and ONPI of the login address', async () => {
    const { smsc } = await started({ loginTon: '2', loginNpi: '1' });
    const login = await nextOperation(await smsc.session(0), 60);
    expect(login.fields).toMatchObject({ OAdC: '36001', OTON: '2', ONPI: '1' });
  });

  it('stays down after a refused login (07) and tries again only after the longer refusal backoff', async () => {
    const { smsc, link, handlers } = await started();
    const first = await smsc.session(0);
    const login = await nextOperation(first, 60);
    const refusedAt = performance.now();
    first.send({ kind: 'R', ot: 60, trn: login.trn, ack: false, fields: { EC: '07', SM: 'bad password' } });
    await first.whenClosed();
    await eventually(() => link.state() === 'down', 'down');
    expect(link.freeWindow()).toBe(0);

    const second = await smsc.session(1);
    // afterBindRefusalMs is 300 ms, jitter 0; a connection lost after a good login comes back after 20 ms.
    expect(smsc.arrivals[1]! - refusedAt).toBeGreaterThanOrEqual(290);
    await nextOperation(second, 60);
    expect(handlers.states).toEqual(['connecting', 'down', 'connecting']);
    expect(handlers.states).not.toContain('bound');
  });

  it('comes back after the short backoff when a bound session is lost', async () => {
    const { smsc, link, session, handlers } = await bound();
    const lostAt = performance.now();
    session.wire.destroy('test');
    const second = await smsc.session(1);
    expect(smsc.arrivals[1]! - lostAt).toBeLessThan(250);
    await second.acceptLogin();
    await eventually(() => link.state() === 'bound', 'bound again');
    expect(handlers.states).toEqual(['connecting', 'bound', 'down', 'connecting', 'bound']);
  });
});

describe('UcpLink submits', () => {
  it('writes an O/51 with AdC, OAdC and the notification request, the GSM text as MT=3', async () => {
    const { link, session } = await bound();
    const outcome = link.submit(part());
    const submit = await nextOperation(session, 51);
    expect(submit.fields).toMatchObject({ AdC: '0033612345678', OAdC: '36001', OTOA: '', NRq: '1', NT: '3', MT: '3', NB: '', Msg: '48656C6C6F', XSer: '' });
    accept(session, submit, '0033612345678:010124120000');
    expect(await outcome).toEqual({ kind: 'accepted', smscMessageId: '0033612345678:010124120000' });
  });

  it('writes no notification request when no receipt is wanted, and NT 7 with buffered notifications', async () => {
    const { link, session } = await bound({ bufferedNotifications: true });
    expect((await written(link, session, part({ receipt: false }))).fields).toMatchObject({ NRq: '', NT: '' });
    expect((await written(link, session, part())).fields).toMatchObject({ NRq: '1', NT: '7' });
  });

  it('writes an alphanumeric sender as OTOA 5039 and the packed name in hex', async () => {
    const { link, session } = await bound();
    const submit = await written(link, session, part({ source: { ton: 5, npi: 0, value: 'ALPHA@NUM' } }));
    expect(submit.fields).toMatchObject({ OAdC: '10412614190438AB4D', OTOA: '5039' });
  });

  it('writes UCS-2 as MT=4 with NB and the data coding scheme in XSer', async () => {
    const { link, session } = await bound();
    const submit = await written(link, session, part({ encoding: 'ucs2', body: encodeUcs2('été') }));
    expect(submit.fields).toMatchObject({ MT: '4', NB: '0048', Msg: '00E9007400E9', XSer: '020108' });
  });

  it('writes a part of a concatenated GSM text as MT=3, the septets unpacked for the SMSC to pack after the UDH of XSer 01', async () => {
    const { link, session } = await bound();
    const udh = Uint8Array.from([0x05, 0x00, 0x03, 0x07, 0x02, 0x01]);
    const submit = await written(link, session, part({ udh }));
    expect(submit.fields).toMatchObject({ MT: '3', NB: '', Msg: '48656C6C6F', XSer: '0106050003070201' });
  });

  it('writes a flash message with its data coding scheme in XSer', async () => {
    const { link, session } = await bound();
    const submit = await written(link, session, part({ flash: true }));
    expect(submit.fields).toMatchObject({ MT: '3', XSer: '020110' });
  });

  it('takes an SM holding only the time stamp as the key, the recipient written before it', async () => {
    const { link, session } = await bound();
    const outcome = link.submit(part());
    const submit = await nextOperation(session, 51);
    accept(session, submit, '010124120000');
    expect(await outcome).toEqual({ kind: 'accepted', smscMessageId: '0033612345678:010124120000' });
  });

  it('refuses a part it cannot write, permanently, without writing it', async () => {
    const { link, session } = await bound();
    const outcome = await link.submit(part({ source: { ton: 0, npi: 1, value: 'not digits' } }));
    expect(outcome).toMatchObject({ kind: 'refused', failure: { kind: 'permanent', code: 'encoding' } });
    expect(link.freeWindow()).toBe(10);
    await settle(50); // nothing can announce that a frame was not written
    expect(operations(session, 51)).toEqual([]);
  });

  it.each([
    ['04', 'throttled'],
    ['06', 'permanent'],
    ['24', 'permanent'],
    ['01', 'transient'],
    ['29', 'transient'],
    ['99', 'transient'],
  ] as const)('reads a negative result with EC %s as refused, %s, the code kept', async (ec, kind) => {
    const { link, session } = await bound();
    const outcome = link.submit(part());
    const submit = await nextOperation(session, 51);
    session.send({ kind: 'R', ot: 51, trn: submit.trn, ack: false, fields: { EC: ec, SM: 'as the SMSC says' } });
    expect(await outcome).toEqual({ kind: 'refused', failure: { kind, code: ec, reason: expect.stringContaining('as the SMSC says') } });
    expect(link.freeWindow()).toBe(10);
  });
});

describe('UcpLink window', () => {
  it('with a window of 100, writes 100 submits on 100 TRNs before any result, not a 101st, and matches results out of order by TRN', async () => {
    const { link, session } = await bound({ window: 100 });
    const outcomes = Array.from({ length: 100 }, (_, i) => link.submit(partTo(i)));
    expect(link.freeWindow()).toBe(0);
    expect(await link.submit(partTo(100))).toEqual({ kind: 'not-sent', reason: 'window full' });
    await eventually(() => operations(session, 51).length === 100, '100 submits');
    await settle(50); // nothing can announce that a 101st was not written
    const submits = operations(session, 51);
    expect(submits).toHaveLength(100);
    expect(new Set(submits.map((s) => s.trn)).size).toBe(100);

    // Answered last first: each outcome still gets its own key (its recipient is in it).
    for (const submit of [...submits].reverse()) accept(session, submit, keyOf(submit));
    const settled = await Promise.all(outcomes);
    settled.forEach((outcome, i) => {
      expect(outcome).toEqual({ kind: 'accepted', smscMessageId: expect.stringMatching(new RegExp(`^00336123${String(i).padStart(5, '0')}:`)) });
    });
    expect(link.freeWindow()).toBe(100);
  });

  it('with a window of 1, stops and waits: one submit on the wire at a time', async () => {
    const { link, session } = await bound({ window: 1 });
    const outcomes: Promise<SubmitOutcome>[] = [];
    const sender = (async () => {
      for (let i = 0; i < 3; i++) {
        while (link.freeWindow() === 0) await link.waitForCapacity(1_000);
        outcomes.push(link.submit(partTo(i)));
      }
    })();
    for (let i = 0; i < 3; i++) {
      await eventually(() => operations(session, 51).length === i + 1, `submit ${i + 1}`);
      expect(await link.submit(partTo(9))).toEqual({ kind: 'not-sent', reason: 'window full' });
      await settle(50); // nothing can announce that the next one was not written
      expect(operations(session, 51)).toHaveLength(i + 1);
      accept(session, operations(session, 51)[i]!);
    }
    await sender;
    expect((await Promise.all(outcomes)).map((o) => o.kind)).toEqual(['accepted', 'accepted', 'accepted']);
  });
});

describe('UcpLink results that never come', () => {
  it('says in doubt after the response time-out, keeps that TRN out of use in the session, and gives its late result to that submit only', async () => {
    const { link, session } = await bound({ window: 100, responseTimeoutMs: 400 });
    const sentAt = performance.now();
    const lost = link.submit(partTo(0));
    const lostSubmit = await nextOperation(session, 51);
    const doubt = await lost;
    expect(doubt).toMatchObject({ kind: 'in-doubt', reason: 'no result to submit within 400 ms' });
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(390);

    // The link checks at once that the session is alive; an answered alert keeps it.
    const probe = await nextOperation(session, 31);
    expect(probe.trn).not.toBe(lostSubmit.trn);
    answerAlert(session, probe);
    await eventually(() => link.freeWindow() === 99, 'the alert answered');
    // A result of another operation with that TRN is not the late result: the TRN stays reserved.
    session.send({ kind: 'R', ot: 31, trn: lostSubmit.trn, ack: true, fields: {} });
    session.send({ kind: 'O', ot: 31, trn: 90, fields: { AdC: '36001', PID: '0539' } });
    await resultTo(session, 31, 90); // results come in order: the stray one was read
    expect(link.freeWindow()).toBe(99);

    // Two turns of the 100 TRNs, in batches: the lost submit's TRN never comes back.
    let count = 1;
    for (let batch = 0; batch < 20; batch++) {
      const from = session.received.length;
      const outcomes = Array.from({ length: 10 }, () => link.submit(partTo(count++)));
      await eventually(() => session.received.length === from + 10, 'a batch of submits');
      const submits = session.received.slice(from) as UcpOperation<51>[];
      for (const submit of submits) accept(session, submit);
      expect((await Promise.all(outcomes)).every((o) => o.kind === 'accepted')).toBe(true);
    }
    const later = operations(session, 51)
      .slice(1)
      .map((s) => s.trn);
    expect(later).toHaveLength(200);
    expect(new Set(later).size).toBe(99);
    expect(later).not.toContain(lostSubmit.trn);

    // The late result settles the submit in doubt, and nothing else: the submit waiting meanwhile gets its own result.
    const from = session.received.length;
    const waiting = link.submit(partTo(500));
    const waitingSubmit = await nextOperation(session, 51, from);
    session.send({ kind: 'R', ot: 51, trn: lostSubmit.trn, ack: true, fields: { SM: '0033600000000:010124120000' } });
    await settle(50); // nothing announces that a result was ignored
    accept(session, waitingSubmit, '0033612300500:010124125959');
    expect(await waiting).toEqual({ kind: 'accepted', smscMessageId: '0033612300500:010124125959' });
    expect(doubt.kind === 'in-doubt' && (await doubt.late)).toEqual({ kind: 'accepted', smscMessageId: '0033600000000:010124120000' });
    expect(link.state()).toBe('bound');
    expect(link.freeWindow()).toBe(100); // the late result gave its TRN back
  });

  it('settles a submit still waiting as in doubt when the SMSC closes the session', async () => {
    const { link, session } = await bound();
    const outcome = link.submit(part());
    await nextOperation(session, 51);
    session.wire.destroy('test');
    expect(await outcome).toMatchObject({ kind: 'in-doubt', reason: expect.stringContaining('link lost') });
  });
});

describe('UcpLink alerts', () => {
  it('sends an alert (31, AdC the login, PID 0539) when idle, and stays bound while the SMSC answers', async () => {
    const { link, session, handlers } = await bound({ keepAliveIntervalMs: 200, responseTimeoutMs: 200 });
    const boundAt = performance.now();
    const alert = await nextOperation(session, 31);
    expect(performance.now() - boundAt).toBeGreaterThanOrEqual(180);
    expect(alert.fields).toEqual({ AdC: '36001', PID: '0539' });
    answerAlert(session, alert);
    const from = session.received.indexOf(alert) + 1;
    answerAlert(session, await nextOperation(session, 31, from));
    expect(link.state()).toBe('bound');
    expect(handlers.states).toEqual(['connecting', 'bound']);
  });

  it('drops a session whose SMSC leaves the alert unanswered, then connects and logs in again', async () => {
    const { smsc, link, session, handlers } = await bound({ keepAliveIntervalMs: 200, responseTimeoutMs: 200 });
    await nextOperation(session, 31);
    await session.whenClosed();
    const second = await smsc.session(1);
    await second.acceptLogin();
    await eventually(() => link.state() === 'bound', 'bound again');
    expect(handlers.states).toEqual(['connecting', 'bound', 'down', 'connecting', 'bound']);
  });

  it("answers the SMSC's alert with a positive result", async () => {
    const { session } = await bound();
    session.send({ kind: 'O', ot: 31, trn: 42, fields: { AdC: '36001', PID: '0539' } });
    expect(await resultTo(session, 31, 42)).toMatchObject({ ack: true });
  });
});

describe('UcpLink notifications and MOs', () => {
  it('hands a notification to onReceipt and answers it, same TRN, only once the handler resolved', async () => {
    let store: () => void = () => undefined;
    const handed: Receipt[] = [];
    const handlers = recorder({ onReceipt: (r) => new Promise<void>((resolve) => ((store = resolve), handed.push(r))) });
    const { link, session } = await bound({}, handlers);

    const outcome = link.submit(part());
    accept(session, await nextOperation(session, 51), '0033612345678:010124120000');
    const { smscMessageId } = (await outcome) as { smscMessageId: string };

    session.send({ kind: 'O', ot: 53, trn: 7, fields: notification() });
    await eventually(() => handed.length === 1, 'the receipt handed over');
    expect(handed[0]).toMatchObject({ smscMessageId, state: 'delivered', doneAt: new Date('2024-01-01T12:00:05Z') });
    expect(handed[0]!.errorCode).toBeUndefined();
    // Results come in order: once the alert is answered, the notification was read and is not answered yet.
    session.send({ kind: 'O', ot: 31, trn: 8, fields: { AdC: '36001', PID: '0539' } });
    await resultTo(session, 31, 8);
    expect(results(session, 53)).toEqual([]);

    store();
    expect(await resultTo(session, 53, 7)).toEqual({ kind: 'R', ot: 53, trn: 7, ack: true, fields: { ACK: 'A', MVP: '', SM: '0033612345678:010124120000' } });
  });

  it.each([
    ['2', '108', { state: 'undeliverable', errorCode: '108' }],
    ['1', '107', { state: 'enroute', errorCode: '107' }],
    ['0', '000', { state: 'delivered' }],
  ] as const)('reads Dst %s (Rsn %s) as %j', async (Dst, Rsn, expected) => {
    const { session, handlers } = await bound();
    session.send({ kind: 'O', ot: 53, trn: 3, fields: notification({ Dst, Rsn }) });
    expect(await resultTo(session, 53, 3)).toMatchObject({ ack: true });
    expect(handlers.receipts).toEqual([{ smscMessageId: '0033612345678:010124120000', ...expected, ...(Dst === '1' ? {} : { doneAt: expect.any(Date) }), raw: expect.any(Uint8Array) }]);
    expect(Buffer.from(handlers.receipts[0]!.raw).toString()).toContain(`Dst=${Dst}`);
  });

  it('takes a notification whose AdC is alphanumeric (an SMSC echoing the originator): the matching does not read it', async () => {
    const { session, handlers } = await bound();
    session.wire.write(fixtureFrame('smsc-o53-alphanumeric-adc'));
    expect(await resultTo(session, 53, 13)).toMatchObject({ ack: true });
    expect(handlers.receipts).toMatchObject([{ smscMessageId: '0033612345678:020326143005', state: 'delivered' }]);
    expect(Buffer.from(handlers.receipts[0]!.raw).toString()).toContain('AdC=ACME');
  });

  it('answers 04 when the receipt handler fails, so that the SMSC sends the notification again', async () => {
    const handlers = recorder({ onReceipt: async () => Promise.reject(new Error('database down')) });
    const { session } = await bound({}, handlers);
    session.send({ kind: 'O', ot: 53, trn: 11, fields: notification() });
    expect(await resultTo(session, 53, 11)).toMatchObject({ ack: false, fields: { EC: '04' } });
    expect(handlers.states).toEqual(['connecting', 'bound']);
  });

  it('answers 02 to a notification without its state or time stamp, without handing it over', async () => {
    const { session, handlers } = await bound();
    session.send({ kind: 'O', ot: 53, trn: 12, fields: notification({ Dst: '' }) });
    session.send({ kind: 'O', ot: 53, trn: 13, fields: notification({ SCTS: '' }) });
    expect(await resultTo(session, 53, 12)).toMatchObject({ ack: false, fields: { EC: '02' } });
    expect(await resultTo(session, 53, 13)).toMatchObject({ ack: false, fields: { EC: '02' } });
    expect(handlers.receipts).toEqual([]);
  });

  it('keeps a notification whose text cannot be read (the text is only evidence): handed over and answered', async () => {
    const { session, handlers } = await bound();
    // MT=4 with an XSer block announcing more octets than follow.
    session.send({ kind: 'O', ot: 53, trn: 14, fields: notification({ Dst: '2', Rsn: '107', MT: '4', NB: '0016', Msg: '0041', XSer: '0205' }) });
    expect(await resultTo(session, 53, 14)).toMatchObject({ ack: true });
    expect(handlers.receipts).toEqual([expect.objectContaining({ smscMessageId: '0033612345678:010124120000', state: 'undeliverable', errorCode: '107' })]);
  });

  it('hands MOs to onMobileOriginated, GSM and UCS-2, the international prefix or OTOA 1139 read, and answers them', async () => {
    const { session, handlers } = await bound();
    session.send({ kind: 'O', ot: 52, trn: 20, fields: { AdC: '36001', OAdC: '0033612345678', SCTS: '010124120000', ...textFields('STOP') } });
    session.send({ kind: 'O', ot: 52, trn: 21, fields: { AdC: '36001', OAdC: '33698765432', OTOA: '1139', SCTS: '010124120001', ...textFields('Arrêt, merci 🙏') } });
    expect(await resultTo(session, 52, 20)).toMatchObject({ ack: true, fields: { SM: '36001:010124120000' } });
    expect(await resultTo(session, 52, 21)).toMatchObject({ ack: true, fields: { SM: '36001:010124120001' } });
    expect(handlers.mos).toEqual([
      { from: '33612345678', to: '36001', text: 'STOP', receivedAt: expect.any(Date) },
      { from: '33698765432', to: '36001', text: 'Arrêt, merci 🙏', receivedAt: expect.any(Date) },
    ]);
  });

  it('answers an MO only once its handler resolved, and 04 when it failed', async () => {
    let fail: (error: Error) => void = () => undefined;
    const handlers = recorder({ onMobileOriginated: () => new Promise<void>((_, reject) => (fail = reject)) });
    const { session } = await bound({}, handlers);
    session.send({ kind: 'O', ot: 52, trn: 30, fields: { AdC: '36001', OAdC: '0033612345678', SCTS: '010124120000', ...textFields('STOP') } });
    session.send({ kind: 'O', ot: 31, trn: 31, fields: { AdC: '36001', PID: '0539' } });
    await resultTo(session, 31, 31);
    expect(results(session, 52)).toEqual([]);
    fail(new Error('database down'));
    expect(await resultTo(session, 52, 30)).toMatchObject({ ack: false, fields: { EC: '04' } });
  });

  it('answers 02 to an MO whose message cannot be read, without handing it over', async () => {
    const { session, handlers } = await bound();
    session.send({ kind: 'O', ot: 52, trn: 40, fields: { AdC: '36001', OAdC: '0033612345678', MT: '4', NB: '0016', Msg: '0041', XSer: '0205' } });
    session.send({ kind: 'O', ot: 52, trn: 41, fields: { AdC: '36001', OAdC: '0033612345678', MT: '5', Msg: '41' } });
    expect(await resultTo(session, 52, 40)).toMatchObject({ ack: false, fields: { EC: '02' } });
    expect(await resultTo(session, 52, 41)).toMatchObject({ ack: false, fields: { EC: '02' } });
    expect(handlers.mos).toEqual([]);
  });
});

describe('UcpLink unreadable and unexpected frames', () => {
  it('answers 03 to an operation it does not support, known to the codec or not', async () => {
    const { session } = await bound();
    const frames = tapFrames(session);
    session.wire.write(encodeFrame(50, 'O', 58, ['36001', '0539']));
    session.send({ kind: 'O', ot: 61, trn: 51, fields: { OAdC: '36001', STYP: '1' } });
    expect(await resultTo(session, 61, 51)).toMatchObject({ ack: false, fields: { EC: '03' } });
    // R/58 is not in the codec's table: read it as a raw frame.
    expect(frames.find((f) => f.ot === 58)).toEqual({ trn: 50, kind: 'R', ot: 58, fields: ['N', '03', ''] });
  });

  it('answers 01 to a frame with a bad checksum and keeps the session', async () => {
    const { smsc, link, session } = await bound();
    const frame = encodeMessage({ kind: 'O', ot: 31, trn: 60, fields: { AdC: '36001', PID: '0539' } });
    frame.write(frame.subarray(-3, -1).toString('latin1') === '00' ? '01' : '00', frame.length - 3, 'latin1');
    session.wire.write(frame);
    expect(await resultTo(session, 31, 60)).toMatchObject({ ack: false, fields: { EC: '01' } });
    session.send({ kind: 'O', ot: 31, trn: 61, fields: { AdC: '36001', PID: '0539' } });
    expect(await resultTo(session, 31, 61)).toMatchObject({ ack: true });
    expect(link.state()).toBe('bound');
    expect(smsc.sessions).toHaveLength(1);
  });

  it('skips garbage between frames and a result matching no operation', async () => {
    const { smsc, link, session } = await bound();
    session.wire.write(Buffer.from('\x00\xffnoise\x03'));
    session.send({ kind: 'R', ot: 51, trn: 77, ack: true, fields: { SM: '0033612345678:010124120000' } });
    const outcome = link.submit(part());
    const submit = await nextOperation(session, 51);
    session.wire.write(Buffer.from('more noise'));
    accept(session, submit, '0033612345678:010124120059');
    expect(await outcome).toEqual({ kind: 'accepted', smscMessageId: '0033612345678:010124120059' });
    expect(smsc.sessions).toHaveLength(1);
  });
});

describe('UcpLink stop', () => {
  it('waits for the outstanding submit, closes the session, and leaves no timer', async () => {
    const timeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timeouts();
    const { link, session, handlers } = await bound({ keepAliveIntervalMs: 5_000 });
    const outcome = link.submit(part());
    const submit = await nextOperation(session, 51);
    let stopped = false;
    const stopping = link.stop().then(() => (stopped = true));
    expect(link.freeWindow()).toBe(0);
    expect(await link.submit(part())).toMatchObject({ kind: 'not-sent', reason: 'link stopping' });
    await settle(50); // nothing announces that stop() is still waiting
    expect(stopped).toBe(false);
    expect(session.closed).toBe(false);

    accept(session, submit);
    expect(await outcome).toMatchObject({ kind: 'accepted' });
    await stopping;
    await session.whenClosed();
    expect(link.state()).toBe('stopped');
    expect(handlers.states.at(-1)).toBe('stopped');
    expect(timeouts()).toBeLessThanOrEqual(before);
  });

  it('stops at the latest after the response time-out when the submit stays unanswered', async () => {
    const { link, session } = await bound({ responseTimeoutMs: 200 });
    const outcome = link.submit(part());
    await nextOperation(session, 51);
    await link.stop();
    expect(await outcome).toMatchObject({ kind: 'in-doubt' });
    await session.whenClosed();
    expect(link.state()).toBe('stopped');
  });

  it('stops while it cannot log in, leaving no reconnection timer', async () => {
    const timeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timeouts();
    const { smsc, link, handlers } = await started({ reconnect: { minMs: 5_000, afterBindRefusalMs: 5_000 } });
    const first = await smsc.session(0);
    const login = await nextOperation(first, 60);
    first.send({ kind: 'R', ot: 60, trn: login.trn, ack: false, fields: { EC: '07' } });
    await eventually(() => handlers.states.includes('down'), 'down');
    await link.stop();
    expect(link.state()).toBe('stopped');
    await eventually(() => timeouts() <= before, 'the reconnection timer cleared', 1_000);
    expect(smsc.sessions).toHaveLength(1);
  });
});
