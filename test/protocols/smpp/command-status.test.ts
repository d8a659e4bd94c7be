import { describe, expect, it } from 'vitest';
import { commandStatuses, smppStatusToFailure } from '../../../src/protocols/smpp/index.ts';

describe('command_status classification', () => {
  it.each([
    [0x58, 'throttled', 'ESME_RTHROTTLED'],
    [0x14, 'throttled', 'ESME_RMSGQFUL'],
    [0x08, 'transient', 'ESME_RSYSERR'],
    [0x64, 'transient', 'ESME_RX_T_APPN'],
    [0xff, 'transient', 'ESME_RUNKNOWNERR'],
    [0x0b, 'permanent', 'ESME_RINVDSTADR'],
    [0x0a, 'permanent', 'ESME_RINVSRCADR'],
    [0x45, 'permanent', 'ESME_RSUBMITFAIL'],
    [0x65, 'permanent', 'ESME_RX_P_APPN'],
    [0x104, 'permanent', 'ESME_RINVDCS'],
  ] as const)('0x%s is %s (%s)', (status, kind, name) => {
    const failure = smppStatusToFailure(status);
    expect(failure.kind).toBe(kind);
    expect(failure.reason).toContain(name);
  });

  it('writes the code as 8 hex digits, as SMSCs document them', () => {
    expect(smppStatusToFailure(0x58).code).toBe('0x00000058');
    expect(smppStatusToFailure(0x0b).code).toBe('0x0000000B');
  });

  it('retries what it does not know: vendor codes and undefined ones are transient', () => {
    expect(smppStatusToFailure(0x401)).toMatchObject({ kind: 'transient', code: '0x00000401', reason: expect.stringContaining('vendor') });
    expect(smppStatusToFailure(0x3f)).toMatchObject({ kind: 'transient', reason: expect.stringContaining('not defined') });
  });

  it('has one entry per name', () => {
    const names = [...commandStatuses.values()].map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
