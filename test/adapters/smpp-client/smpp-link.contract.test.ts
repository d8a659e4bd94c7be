import { SmppLink } from '../../../src/adapters/smpp-client/smpp-link.ts';
import { startSmppSimulator } from '../../../src/adapters/simulator/smpp-simulator.ts';
import { describeOperatorLinkContract } from '../../contracts/operator-link.contract.ts';

describeOperatorLinkContract('SMPP', () => ({
  async startSimulator(behaviour) {
    const sim = await startSmppSimulator({ ...behaviour, receiptDelayMs: 5, redeliveryDelayMs: 20 });
    return {
      acceptedIds: () => sim.stats.submits.flatMap((s) => (s.messageId ? [s.messageId] : [])),
      maxOutstanding: () => sim.stats.maxOutstanding,
      throttled: () => sim.stats.throttled,
      bindsAccepted: () => sim.stats.bindsAccepted,
      openConnections: () => sim.connections(),
      sendMo: (mo) => sim.sendMo(mo),
      openLink: (settings) =>
        new SmppLink({
          name: 'contract',
          host: '127.0.0.1',
          port: sim.port,
          systemId: 'relais',
          password: 'secret',
          ...settings,
          reconnect: { minMs: 20, maxMs: 100, afterBindRefusalMs: 100 },
        }),
      close: () => sim.close(),
    };
  },
}));
