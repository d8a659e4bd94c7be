/**
 * How a ticket is qualified (docs/incidents.md): its severity, which sets the restoration target, and its category.
 * The client proposes both when opening; the aggregator's support qualifies them.
 */

export const severities = ['critical', 'major', 'minor'] as const;
export type Severity = (typeof severities)[number];

export const categories = ['sending', 'delivery', 'receipts', 'inbound', 'api', 'portal', 'billing', 'other'] as const;
export type Category = (typeof categories)[number];

const HOUR = 3_600_000;

/**
 * Time to restoration promised per severity, in business hours (docs/domain.md, "Incident tickets"): a critical
 * incident (the service is down) within 6 hours, as the operator promises restoration within 6 hours; a major one
 * (degraded service) within 12; a minor one within 3 working days.
 */
export const RESTORATION_TARGETS: Readonly<Record<Severity, number>> = {
  critical: 6 * HOUR,
  major: 12 * HOUR,
  minor: 30 * HOUR,
};

export const SEVERITY_MEANINGS: Readonly<Record<Severity, string>> = {
  critical: 'the service is down: nothing is sent or received',
  major: 'the service is degraded: delays, part of the traffic fails, a door or a route is down',
  minor: 'limited impact: a question, a display fault, a single message',
};
