import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Clock, Logger } from '../../app/ports.ts';
import { sleep } from '../../app/doorbell.ts';
import type { DueDelivery, PgWebhookStore } from '../store/webhook-store.ts';
import { signatureHeader } from './signature.ts';
import type { WebhookTargets } from './target.ts';

export interface WebhookSenderOptions {
  timeoutMs: number;
  concurrency: number;
  /** Delay before retry n (seconds); after the last one the delivery is marked failed. */
  retryScheduleSeconds: number[];
  pollIntervalMs: number;
}

/**
 * The webhooks role: POSTs queued deliveries, signed, and records every attempt. At least once: a delivery
 * is marked delivered only after a 2xx answer; a sender that dies mid-request leaves it to be claimed again.
 */
export class WebhookSender {
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly store: PgWebhookStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: WebhookSenderOptions,
    private readonly targets: WebhookTargets,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { concurrency, timeoutMs, pollIntervalMs } = this.options;
    while (!this.stopping.signal.aborted) {
      let due: DueDelivery[] = [];
      try {
        due = await this.store.claimDue(concurrency, timeoutMs * 2, this.clock.now());
        await Promise.all(due.map((delivery) => this.deliver(delivery)));
      } catch (error) {
        this.log.warn({ err: error }, 'webhook round failed');
      }
      if (due.length === 0) await sleep(pollIntervalMs, this.stopping.signal);
    }
  }

  private async deliver(delivery: DueDelivery): Promise<void> {
    const attempt = delivery.attempts + 1;
    const body = JSON.stringify(payload(delivery));
    const started = performance.now();
    let httpStatus: number | null = null;
    let error: string | null = null;
    try {
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'Relais-Webhooks/1',
        'relais-delivery': delivery.id,
        'relais-signature': signatureHeader(delivery.secret, body, Math.floor(this.clock.now().getTime() / 1000)),
      };
      httpStatus = await post(delivery.url, headers, body, this.options.timeoutMs, this.targets);
      if (httpStatus < 200 || httpStatus > 299) error = `HTTP ${httpStatus}`;
    } catch (failure) {
      error = describe(failure);
    }
    const durationMs = Math.round(performance.now() - started);
    const now = this.clock.now();
    const delaySeconds = this.options.retryScheduleSeconds[attempt - 1];
    const outcome = error === null ? 'delivered' : delaySeconds === undefined ? 'failed' : 'retry';
    const next = outcome === 'retry' ? new Date(now.getTime() + delaySeconds! * 1000) : null;
    if (outcome === 'failed') this.log.warn({ delivery: delivery.id, url: delivery.url, attempts: attempt, error }, 'webhook delivery given up');
    await this.store.recordAttempt({ id: delivery.id, attempt }, { httpStatus, error, durationMs, outcome, next }, now);
  }
}

/** The JSON a webhook receives (docs/api.md, Webhooks). */
function payload(d: DueDelivery) {
  if (d.kind === 'prepared') return { id: d.id, ...d.payload };
  if (d.kind === 'alarm') {
    const { raisedAt, ...alarm } = d.alarm;
    return { id: d.id, type: 'alarm', at: raisedAt.toISOString(), alarm };
  }
  if (d.kind === 'inbound') {
    const { receivedAt, ...inbound } = d.inbound;
    return { id: d.id, type: 'inbound', at: receivedAt.toISOString(), inbound: { ...inbound, receivedAt: receivedAt.toISOString() } };
  }
  return {
    id: d.id,
    type: 'message.status',
    status: d.event.status,
    reason: d.event.reason,
    at: d.event.at.toISOString(),
    message: {
      id: d.message.id,
      to: d.message.recipient,
      shortCode: d.message.shortCode,
      reference: d.message.clientReference,
      status: d.message.status,
      error: d.message.errorReason ? { code: d.message.errorCode, reason: d.message.errorReason } : null,
    },
  };
}

/**
 * POSTs `body` and resolves with the answer's status (redirects are not followed: a 3xx is an answer). The address
 * is checked before connecting: written in the URL, or each one its name resolves to (targets.lookup).
 */
function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number, targets: WebhookTargets): Promise<number> {
  const refused = targets.refusalOfUrl(url, false);
  if (refused) return Promise.reject(Object.assign(new Error(refused), { code: 'EFORBIDDENTARGET' }));
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, lookup: targets.lookup, signal: AbortSignal.timeout(timeoutMs) }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    outgoing.on('error', (error) => reject(error.name === 'AbortError' ? new Error(`no answer within ${timeoutMs} ms`) : error));
    outgoing.end(body);
  });
}

function describe(failure: unknown): string {
  const error = failure as Error & { code?: string };
  return error.code && !error.message.startsWith(error.code) ? `${error.code}: ${error.message}` : error.message;
}
