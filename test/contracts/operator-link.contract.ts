/**
 * The OperatorLink contract (src/app/ports.ts) as a reusable suite, written against the port only: every link
 * implementation (SMPP, UCP…) runs it against its own simulator through a small harness.
 *
 * For the well-behaved SMSC and each misbehaving one it checks that every submit settles, once; that nothing
 * accepted is lost (every accepted id reached the simulator, its receipt reached the handler); that the window
 * is never exceeded, as the simulator saw it; that receipts and MOs are acknowledged only once stored; and that
 * stop() leaves no socket and no timer behind.
 */
import { describe, expect, it } from 'vitest';
import type { LinkHandlers, LinkState, MobileOriginated, OperatorLink, OutboundPart, Receipt, SubmitOutcome } from '../../src/app/ports.ts';
import { eventually, whenSignalled } from '../support/waiting.ts';

/** Misbehaviours a simulator offers; each harness maps them onto its simulator's options. */
export interface SimulatorBehaviour {
  responseDelayMs?: number;
  /** Take submits (and send their receipts) but never answer them. */
  withholdResponses?: boolean;
  /** Answer "throttled" to every k-th submit. */
  throttleEvery?: number;
  rejectBind?: boolean;
  /** Drop the connection at every n-th submit of a session, unanswered. */
  dropAfterSubmits?: number;
  receiptBeforeResponse?: boolean;
  duplicateReceipts?: boolean;
}

export interface LinkSettings {
  window: number;
  responseTimeoutMs: number;
}

export interface SimulatorHandle {
  /** Ids the simulator gave to the submits it took, answered or not. */
  acceptedIds(): string[];
  /** Highest number of submits received and not yet answered at once, in any session. */
  maxOutstanding(): number;
  throttled(): number;
  bindsAccepted(): number;
  openConnections(): number;
  /** Sends an MO; resolves once the link acknowledged it. */
  sendMo(mo: { from: string; to: string; text: string }): Promise<void>;
  /**
   * A link to this simulator. It must reconnect within tens of milliseconds, and the simulator must send a
   * refused receipt again within tens of milliseconds, so that the suite stays short.
   */
  openLink(settings: LinkSettings): OperatorLink;
  close(): Promise<void>;
}

export interface OperatorLinkHarness {
  startSimulator(behaviour: SimulatorBehaviour): Promise<SimulatorHandle>;
}

const DEADLINE_MS = 10_000;

/** Handlers that record what the link hands them; `rejectFirst` refuses the first delivery of each receipt. */
class Recorder implements LinkHandlers {
  readonly receipts: Receipt[] = [];
  readonly refused: Receipt[] = [];
  readonly mos: MobileOriginated[] = [];
  readonly states: LinkState[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly rejectFirst = false) {}

  onReceipt = async (receipt: Receipt): Promise<void> => {
    if (this.rejectFirst && !this.refused.some((r) => r.smscMessageId === receipt.smscMessageId)) {
      this.refused.push(receipt);
      this.changed();
      throw new Error('store unavailable');
    }
    this.receipts.push(receipt);
    this.changed();
  };

  onMobileOriginated = async (mo: MobileOriginated): Promise<void> => {
    this.mos.push(mo);
    this.changed();
  };

  onStateChange = (state: LinkState): void => {
    this.states.push(state);
    this.changed();
  };

  receiptIds(): Set<string> {
    return new Set(this.receipts.map((r) => r.smscMessageId));
  }

  /** Resolves when `condition` holds, checked at each handler call; fails after a generous deadline. */
  until(condition: () => boolean, what: string): Promise<void> {
    return whenSignalled(condition, this.listeners, what, DEADLINE_MS);
  }


  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function part(i: number): OutboundPart {
  return {
    source: { ton: 0, npi: 1, value: '36001' },
    destination: { ton: 1, npi: 1, value: `336${String(10_000_000 + i)}` },
    encoding: 'gsm7',
    body: Uint8Array.from(Buffer.from(`Contract message ${i}`, 'latin1')),
    udh: null,
    receipt: true,
  };
}

/** A minimal dispatcher: submits `count` parts as fast as the window allows; resolves with every outcome. */
async function pump(link: OperatorLink, count: number): Promise<SubmitOutcome[]> {
  const deadline = Date.now() + DEADLINE_MS;
  const outcomes: Promise<SubmitOutcome>[] = [];
  for (let i = 0; i < count; i++) {
    while (link.freeWindow() === 0) {
      if (Date.now() > deadline) throw new Error(`window never opened (link ${link.state()})`);
      await link.waitForCapacity(50);
    }
    outcomes.push(link.submit(part(i)));
  }
  return settled(outcomes);
}

/** Every submit promise settles (they never reject), within the deadline. */
async function settled(outcomes: Promise<SubmitOutcome>[]): Promise<SubmitOutcome[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('a submit never settled')), DEADLINE_MS);
  });
  try {
    return await Promise.race([Promise.all(outcomes), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const accepted = (outcomes: SubmitOutcome[]): string[] => outcomes.flatMap((o) => (o.kind === 'accepted' ? [o.smscMessageId] : []));
const ofKind = (outcomes: SubmitOutcome[], kind: SubmitOutcome['kind']) => outcomes.filter((o) => o.kind === kind);

/** Timers and sockets of this process. */
function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of process.getActiveResourcesInfo()) {
    if (resource === 'Timeout' || resource.startsWith('TCP')) counts[resource] = (counts[resource] ?? 0) + 1;
  }
  return counts;
}

/**
 * Timers and sockets beyond those of `before`. Node lists a closed handle until the event loop has
 * processed its closing, so this looks again for up to 200 ms — far less than any timer a link keeps.
 */
async function leftBehind(before: Record<string, number>): Promise<Record<string, number>> {
  const deadline = Date.now() + 200;
  for (;;) {
    const extra = Object.fromEntries(Object.entries(handles()).filter(([kind, n]) => n > (before[kind] ?? 0)));
    if (Object.keys(extra).length === 0 || Date.now() > deadline) return extra;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface Scene {
  sim: SimulatorHandle;
  link: OperatorLink;
  recorder: Recorder;
  settings: LinkSettings;
}

export function describeOperatorLinkContract(protocolName: string, harness: () => OperatorLinkHarness): void {
  /**
   * Runs one scenario: simulator, link, the test body, then stop() — and checks the link stopped and left
   * neither socket nor timer behind.
   */
  async function scene(
    behaviour: SimulatorBehaviour,
    settings: Partial<LinkSettings>,
    body: (scene: Scene) => Promise<void>,
    options: { rejectFirstReceipt?: boolean; waitBound?: boolean } = {},
  ): Promise<void> {
    const before = handles();
    const sim = await harness().startSimulator(behaviour);
    const full: LinkSettings = { window: 5, responseTimeoutMs: 2_000, ...settings };
    const link = sim.openLink(full);
    const recorder = new Recorder(options.rejectFirstReceipt);
    try {
      link.start(recorder);
      if (options.waitBound ?? true) await recorder.until(() => link.state() === 'bound', 'the link to bind');
      await body({ sim, link, recorder, settings: full });
      await link.stop();
      expect(link.state()).toBe('stopped');
      expect(link.freeWindow()).toBe(0);
      await eventually(() => sim.openConnections() === 0, 'the simulator to see the connection closed');
    } finally {
      await link.stop();
      await sim.close();
    }
    expect(await leftBehind(before), 'sockets and timers left behind').toEqual({});
  }

  describe(`${protocolName} operator link contract`, () => {
    it('submits within the window; every accepted id reached the SMSC and its receipt reached the handler', async () => {
      await scene({}, { window: 5 }, async ({ sim, link, recorder }) => {
        expect(link.freeWindow()).toBe(5);
        const outcomes = await pump(link, 40);
        const ids = accepted(outcomes);
        expect(ids).toHaveLength(40);
        expect(new Set(ids).size).toBe(40);
        expect(new Set(sim.acceptedIds())).toEqual(new Set(ids));
        await recorder.until(() => ids.every((id) => recorder.receiptIds().has(id)), 'every receipt');
        expect(sim.maxOutstanding()).toBeLessThanOrEqual(5);
      });
    });

    it('fills the window but never exceeds it when the SMSC is slow to answer', async () => {
      await scene({ responseDelayMs: 30 }, { window: 4 }, async ({ sim, link }) => {
        const outcomes = await pump(link, 24);
        expect(accepted(outcomes)).toHaveLength(24);
        expect(sim.maxOutstanding()).toBe(4);
      });
    });

    it('with a window of 1, waits for each answer before the next submit', async () => {
      await scene({ responseDelayMs: 5 }, { window: 1 }, async ({ sim, link }) => {
        const outcomes = await pump(link, 10);
        expect(accepted(outcomes)).toHaveLength(10);
        expect(sim.maxOutstanding()).toBe(1);
      });
    });

    it('settles unanswered submits as in doubt after the response time-out, and frees the window', async () => {
      await scene({ withholdResponses: true }, { window: 3, responseTimeoutMs: 300 }, async ({ sim, link, recorder }) => {
        const outcomes = await pump(link, 3);
        expect(ofKind(outcomes, 'in-doubt')).toHaveLength(3);
        expect(link.state()).toBe('bound');
        expect(link.freeWindow()).toBe(3);
        expect(sim.maxOutstanding()).toBeLessThanOrEqual(3);
        // The SMSC took them: their receipts still reach the handler, for the store to match later.
        await recorder.until(() => sim.acceptedIds().every((id) => recorder.receiptIds().has(id)), 'receipts of the unanswered submits');
        expect(sim.acceptedIds()).toHaveLength(3);
      });
    });

    it('reports throttling answers as refused/throttled, the others accepted', async () => {
      await scene({ throttleEvery: 3 }, { window: 2 }, async ({ sim, link }) => {
        const outcomes = await pump(link, 12);
        const throttled = ofKind(outcomes, 'refused');
        expect(throttled).toHaveLength(sim.throttled());
        expect(throttled).toHaveLength(4);
        for (const o of throttled) expect(o).toMatchObject({ failure: { kind: 'throttled' } });
        expect(accepted(outcomes)).toHaveLength(8);
      });
    });

    it('when the bind is refused: never bound, no window, submits not sent, stop() is clean', async () => {
      await scene(
        { rejectBind: true },
        {},
        async ({ sim, link, recorder }) => {
          await recorder.until(() => recorder.states.includes('down'), 'the refused bind');
          expect(recorder.states).not.toContain('bound');
          expect(link.freeWindow()).toBe(0);
          expect(await link.submit(part(1))).toMatchObject({ kind: 'not-sent' });
          expect(sim.bindsAccepted()).toBe(0);
          expect(sim.acceptedIds()).toHaveLength(0);
        },
        { waitBound: false },
      );
    });

    it('when the link drops: outstanding submits in doubt, then it reconnects and carries on; no receipt is lost', async () => {
      await scene({ dropAfterSubmits: 7 }, { window: 3 }, async ({ sim, link, recorder }) => {
        const outcomes = await pump(link, 30);
        expect(outcomes).toHaveLength(30);
        const ids = accepted(outcomes);
        expect(ofKind(outcomes, 'in-doubt').length).toBeGreaterThan(0);
        expect(ids.length + ofKind(outcomes, 'in-doubt').length + ofKind(outcomes, 'not-sent').length).toBe(30);
        expect(recorder.states.filter((s) => s === 'bound').length).toBeGreaterThan(1);
        for (const id of ids) expect(sim.acceptedIds()).toContain(id);
        await recorder.until(() => sim.acceptedIds().every((id) => recorder.receiptIds().has(id)), 'every receipt, across reconnections');
        expect(sim.maxOutstanding()).toBeLessThanOrEqual(3);
      });
    });

    it('hands over a receipt that arrives before the submit response', async () => {
      await scene({ receiptBeforeResponse: true }, { window: 4 }, async ({ link, recorder }) => {
        const ids = accepted(await pump(link, 12));
        expect(ids).toHaveLength(12);
        await recorder.until(() => ids.every((id) => recorder.receiptIds().has(id)), 'every receipt');
      });
    });

    it('hands over duplicate receipts as they come (the store ignores the second)', async () => {
      await scene({ duplicateReceipts: true }, { window: 4 }, async ({ link, recorder }) => {
        const ids = accepted(await pump(link, 6));
        await recorder.until(() => ids.every((id) => recorder.receipts.filter((r) => r.smscMessageId === id).length === 2), 'two copies of every receipt');
      });
    });

    it('does not acknowledge a receipt its handler failed to store: the SMSC sends it again', async () => {
      await scene(
        {},
        { window: 4 },
        async ({ link, recorder }) => {
          const ids = accepted(await pump(link, 5));
          await recorder.until(() => ids.every((id) => recorder.receiptIds().has(id)), 'every receipt, delivered again');
          expect(new Set(recorder.refused.map((r) => r.smscMessageId))).toEqual(new Set(ids));
        },
        { rejectFirstReceipt: true },
      );
    });

    it('hands over mobile-originated messages and acknowledges them once stored', async () => {
      await scene({}, {}, async ({ sim, recorder }) => {
        await sim.sendMo({ from: '+33612345678', to: '36001', text: 'STOP' });
        expect(recorder.mos).toHaveLength(1);
        expect(recorder.mos[0]).toMatchObject({ from: expect.stringContaining('33612345678'), to: '36001', text: 'STOP' });
      });
    });

    it('stop() waits for outstanding submits to be answered', async () => {
      await scene({ responseDelayMs: 150 }, { window: 3 }, async ({ link }) => {
        const outcomes = [1, 2, 3].map((i) => link.submit(part(i)));
        await link.stop();
        expect(accepted(await settled(outcomes))).toHaveLength(3);
        expect(await link.submit(part(4))).toMatchObject({ kind: 'not-sent' });
      });
    });
  });
}
