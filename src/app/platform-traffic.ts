/**
 * The platform's own traffic: the SMS Relais sends for itself (the one-time codes of the second factor) go through
 * the same intake as any client's, as transactional messages of an account of its own, named "relais", created the
 * first time it is needed on the deployment's first short code.
 */
import { submitMessages, type Sender, type SubmitDeps } from './submit-messages.ts';
import type { Clock } from './ports.ts';

export const PLATFORM_ACCOUNT = 'relais';

export interface PlatformTrafficDeps {
  /** The platform's account as a sender, created when it does not exist yet. */
  platformSender(now: Date): Promise<Sender>;
  submit: SubmitDeps;
  clock: Clock;
}

/** Queues a transactional SMS of the platform's own (no STOP mention: it is not marketing, and not the client's). */
export async function sendPlatformSms(deps: PlatformTrafficDeps, to: string, text: string): Promise<string> {
  const now = deps.clock.now();
  const { ids } = await submitMessages(deps.submit, await deps.platformSender(now), [{ to, text, class: 'transactional', stopMention: false }], now);
  return ids[0]!;
}
