import type { LinkHandlers, LinkState, MobileOriginated, Receipt } from '../../src/app/ports.ts';

/** Link handlers that keep what they are given: states, receipts, MOs. */
export interface RecordingHandlers extends LinkHandlers {
  states: LinkState[];
  receipts: Receipt[];
  mos: MobileOriginated[];
}

export function recorder(overrides: Partial<LinkHandlers> = {}): RecordingHandlers {
  const h: RecordingHandlers = {
    states: [],
    receipts: [],
    mos: [],
    onReceipt: async (r) => void h.receipts.push(r),
    onMobileOriginated: async (mo) => void h.mos.push(mo),
    onStateChange: (s) => void h.states.push(s),
    ...overrides,
  };
  return h;
}
