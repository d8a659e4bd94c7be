import { UcpLink } from '../../../src/adapters/ucp-client/ucp-link.ts';
import { startUcpSimulator, type UcpSimulatorOptions } from '../../../src/adapters/simulator/ucp-simulator.ts';
import { describeOperatorLinkContract, type OperatorLinkHarness } from '../../contracts/operator-link.contract.ts';

/** The contract's behaviours mapped onto the UCP simulator's options, plus `extra` for every scenario. */
const harness =
  (extra: UcpSimulatorOptions = {}) =>
  (): OperatorLinkHarness => ({
    async startSimulator(behaviour) {
      const sim = await startUcpSimulator({
        responseDelayMs: behaviour.responseDelayMs,
        withholdResponses: behaviour.withholdResponses,
        throttleEvery: behaviour.throttleEvery,
        rejectLogin: behaviour.rejectBind,
        dropAfterSubmits: behaviour.dropAfterSubmits,
        notificationBeforeResponse: behaviour.receiptBeforeResponse,
        duplicateNotifications: behaviour.duplicateReceipts,
        login: '36001',
        password: 'secret',
        notificationDelayMs: 5,
        redeliveryDelayMs: 20,
        ...extra,
      });
      return {
        acceptedIds: () => sim.stats.submits.flatMap((s) => (s.messageId ? [s.messageId] : [])),
        maxOutstanding: () => sim.stats.maxOutstanding,
        throttled: () => sim.stats.throttled,
        bindsAccepted: () => sim.stats.loginsAccepted,
        openConnections: () => sim.connections(),
        sendMo: (mo) => sim.sendMo(mo),
        openLink: (settings) =>
          new UcpLink({
            name: 'contract',
            host: '127.0.0.1',
            port: sim.port,
            login: '36001',
            password: 'secret',
            ...settings,
            reconnect: { minMs: 20, maxMs: 100, afterBindRefusalMs: 100 },
          }),
        close: () => sim.close(),
      };
    },
  });

describeOperatorLinkContract('UCP', harness());
// The same contract when the SMSC writes garbage before every frame: the link must resynchronise each time.
describeOperatorLinkContract('UCP, garbage between frames', harness({ garbageBetweenFrames: true }));
