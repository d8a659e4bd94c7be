/**
 * What happens when an SMSC sends a delivery receipt, before the link acknowledges it: the receipt is counted (its
 * lag from the handset's delivery to us, docs/monitoring.md) and stored with the part it is about, or kept until that
 * part's submit answer is recorded (docs/architecture.md, "Receipts"). The link acknowledges once this resolves, so an
 * acknowledged receipt is never lost; one that fails is sent again by the SMSC.
 */
import type { DispatchMonitor } from './monitoring.ts';
import type { Clock, OutboxStore, Receipt } from './ports.ts';

export interface ReceiptDeps {
  store: Pick<OutboxStore, 'record'>;
  clock: Clock;
  monitor?: Pick<DispatchMonitor, 'receipt'> | undefined;
}

export function receiveReceipt(deps: ReceiptDeps, route: string, receipt: Receipt): Promise<void> {
  const now = deps.clock.now();
  const lagSeconds = receipt.doneAt ? Math.max(0, (now.getTime() - receipt.doneAt.getTime()) / 1000) : undefined;
  deps.monitor?.receipt(route, receipt.state, lagSeconds);
  return deps.store.record({ outcomes: [], receipts: [{ route, receipt }] }, now);
}
