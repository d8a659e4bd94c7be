import type { MessageDetail, MessageView } from '../../app/ports.ts';
import type { Webhook, WebhookDelivery } from '../../app/ports/webhooks.ts';

/** Domain views → the JSON the API documents (field names clients see). */
export function presentMessage(m: MessageView) {
  return {
    id: m.id,
    to: m.recipient,
    from: m.sender,
    shortCode: m.shortCode,
    class: m.class,
    text: m.body,
    encoding: m.encoding,
    segments: m.segments,
    status: m.status,
    dueAt: m.dueAt.toISOString(),
    attempts: m.attempts,
    possibleDuplicate: m.possibleDuplicate,
    reference: m.clientReference,
    error: m.error,
    createdAt: m.createdAt.toISOString(),
    submittedAt: m.submittedAt?.toISOString() ?? null,
    doneAt: m.doneAt?.toISOString() ?? null,
  };
}

export function presentMessageDetail(m: MessageDetail) {
  return {
    ...presentMessage(m),
    brand: m.brand,
    route: m.route,
    compliance: m.compliance,
    parts: m.parts.map((p) => ({
      index: p.index,
      smscMessageId: p.smscMessageId,
      submittedAt: p.submittedAt.toISOString(),
      receipt: p.receipt && { state: p.receipt.state, errorCode: p.receipt.errorCode, at: p.receipt.at?.toISOString() ?? null },
    })),
    events: m.events.map((e) => ({ status: e.status, reason: e.reason, at: e.at.toISOString() })),
  };
}

export function presentWebhook(w: Webhook, secret?: string) {
  return { id: w.id, url: w.url, events: w.events, active: w.active, createdAt: w.createdAt.toISOString(), ...(secret ? { secret } : {}) };
}

export function presentDelivery(d: WebhookDelivery) {
  return {
    id: d.id,
    messageId: d.messageId,
    inboundId: d.inboundId,
    status: d.status,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    attempts: d.attempts.map((a) => ({ ...a, at: a.at.toISOString() })),
  };
}
