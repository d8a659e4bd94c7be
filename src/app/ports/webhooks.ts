/** An account's webhooks and their deliveries, as the API sets them up and shows their history. */

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  createdAt: Date;
}

export interface WebhookAttempt {
  attempt: number;
  at: Date;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookDelivery {
  id: string;
  /** The message status change it tells, or the received MO. */
  messageId: string | null;
  inboundId: string | null;
  status: string;
  attempts: WebhookAttempt[];
  nextAttemptAt: Date | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryPage {
  limit: number;
  /** Only deliveries older than this one (its id): the next page. */
  before?: string | undefined;
  status?: DeliveryStatus | undefined;
}

/** The account's webhooks (the sender that delivers them reads the store directly: adapters/webhooks). */
export interface WebhookSettings {
  create(accountId: string, input: { url: string; events: string[]; secret: string }, now: Date): Promise<Webhook>;
  list(accountId: string): Promise<Webhook[]>;
  get(accountId: string, id: string): Promise<Webhook | undefined>;
  update(accountId: string, id: string, changes: { url?: string; events?: string[]; active?: boolean }): Promise<Webhook | undefined>;
  remove(accountId: string, id: string): Promise<boolean>;
  /** Delivery history of one webhook, newest first, with every attempt: a page of `limit`, before a delivery, in a state. */
  deliveries(accountId: string, webhookId: string, page: DeliveryPage): Promise<WebhookDelivery[]>;
}
