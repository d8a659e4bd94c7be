/**
 * Availability from recorded transitions (docs/monitoring.md, docs/domain.md "Operator connection").
 *
 * Each process (a node) records, for each subject it serves — an operator route, or a door (HTTP API, SMPP server,
 * SMTP) — when it comes up, goes down (with the reason) and stops serving it (it stops, or hands a route to another
 * node). A node that vanished without saying so (killed, host lost) is taken as stopped from its last heartbeat
 * plus a grace period. A subject is:
 * - up while at least one live node has it up (a route held by one node, a door behind a load balancer on several);
 * - down while no node has it up and at least one live node has it down (that node's reasons are the outage's);
 * - unobserved while no live node serves it (Relais itself was not running it: reported apart, never counted
 *   against the operator).
 * Availability is up time over observed (up + down) time. Pure: time is passed in.
 */
import { monthRange, monthsEndingWith } from './months.ts';

export type SubjectKind = 'route' | 'door';
/** What a node saw: the subject up, down, or no longer served by that node. */
export type NodeState = 'up' | 'down' | 'stopped';

export interface Transition {
  kind: SubjectKind;
  subject: string;
  node: string;
  state: NodeState;
  reason: string | null;
  at: Date;
}

export type SubjectState = 'up' | 'down' | 'unobserved';

export interface Interval {
  from: Date;
  to: Date;
  state: SubjectState;
  /** While down: the reasons the nodes gave. */
  reasons: string[];
}

/** The service levels promised (Orange OPS offer: 99 % over rolling 12 months, a total outage repaired within 6 h). */
export interface SlaTargets {
  availability: number;
  restorationMs: number;
}

export const ORANGE_SLA: SlaTargets = { availability: 0.99, restorationMs: 6 * 3_600_000 };

/**
 * The subject's states over [from, to), from its transitions on every node (any order; those before `from` give
 * the state at `from`) and each node's last heartbeat (`lastSeen`; a node absent from it is taken as alive).
 */
export function timeline(transitions: readonly Transition[], window: { from: Date; to: Date }, lastSeen: ReadonlyMap<string, Date> = new Map(), graceMs = 0): Interval[] {
  const from = window.from.getTime();
  const to = window.to.getTime();
  if (to <= from) return [];
  const byNode = new Map<string, Transition[]>();
  for (const t of transitions) {
    const list = byNode.get(t.node) ?? [];
    list.push(t);
    byNode.set(t.node, list);
  }
  for (const list of byNode.values()) list.sort((a, b) => a.at.getTime() - b.at.getTime());
  const goneAt = (node: string) => {
    const seen = lastSeen.get(node);
    return seen === undefined ? Infinity : seen.getTime() + graceMs;
  };

  const cuts = new Set<number>([from, to]);
  for (const [node, list] of byNode) {
    for (const t of list) if (t.at.getTime() > from && t.at.getTime() < to) cuts.add(t.at.getTime());
    const gone = goneAt(node);
    if (gone > from && gone < to) cuts.add(gone);
  }
  const points = [...cuts].sort((a, b) => a - b);

  const intervals: Interval[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i]!;
    let up = false;
    const reasons: string[] = [];
    for (const [node, list] of byNode) {
      if (start >= goneAt(node)) continue;
      const latest = latestAt(list, start);
      if (latest?.state === 'up') up = true;
      else if (latest?.state === 'down') reasons.push(latest.reason ?? 'down');
    }
    const state: SubjectState = up ? 'up' : reasons.length > 0 ? 'down' : 'unobserved';
    const last = intervals.at(-1);
    if (last && last.state === state) {
      last.to = new Date(points[i + 1]!);
      for (const r of state === 'down' ? reasons : []) if (!last.reasons.includes(r)) last.reasons.push(r);
    } else {
      intervals.push({ from: new Date(start), to: new Date(points[i + 1]!), state, reasons: state === 'down' ? [...new Set(reasons)] : [] });
    }
  }
  return intervals;
}

/** The node's latest transition at or before `at`. */
function latestAt(sorted: readonly Transition[], at: number): Transition | undefined {
  let found: Transition | undefined;
  for (const t of sorted) {
    if (t.at.getTime() > at) break;
    found = t;
  }
  return found;
}

export interface Availability {
  upMs: number;
  downMs: number;
  unobservedMs: number;
  /** Up over observed time; null when nothing was observed. */
  ratio: number | null;
  meetsTarget: boolean | null;
}

/** Up, down and unobserved time of the intervals clipped to [from, to), against the availability target. */
export function availability(intervals: readonly Interval[], window: { from: Date; to: Date }, targets: SlaTargets = ORANGE_SLA): Availability {
  const totals = { up: 0, down: 0, unobserved: 0 };
  for (const interval of intervals) {
    const start = Math.max(interval.from.getTime(), window.from.getTime());
    const end = Math.min(interval.to.getTime(), window.to.getTime());
    if (end > start) totals[interval.state] += end - start;
  }
  const observed = totals.up + totals.down;
  const ratio = observed === 0 ? null : totals.up / observed;
  return { upMs: totals.up, downMs: totals.down, unobservedMs: totals.unobserved, ratio, meetsTarget: ratio === null ? null : ratio >= targets.availability };
}

export interface Outage {
  start: Date;
  /** When it came back up; null while it is still down (or was not seen to come back by the end of the window). */
  restoredAt: Date | null;
  /** To its restoration, or so far. */
  durationMs: number;
  reasons: string[];
  /** Restored within the restoration target; null while it lasts and has not yet exceeded it. */
  withinTarget: boolean | null;
}

/**
 * The outages that started in [from, to): each down interval, measured to the moment the subject was up again —
 * an unobserved stretch in the middle (Relais stopped while the link was down) counts as still down, since nothing
 * showed it restored.
 */
export function outages(intervals: readonly Interval[], window: { from: Date; to: Date }, now: Date, targets: SlaTargets = ORANGE_SLA): Outage[] {
  const found: Outage[] = [];
  for (let i = 0; i < intervals.length; i++) {
    const interval = intervals[i]!;
    if (interval.state !== 'down') continue;
    const reasons = [...interval.reasons];
    let j = i + 1;
    while (j < intervals.length && intervals[j]!.state !== 'up') {
      for (const r of intervals[j]!.reasons) if (!reasons.includes(r)) reasons.push(r);
      j++;
    }
    const start = interval.from;
    i = j;
    if (start < window.from || start >= window.to) continue;
    const restoredAt = j < intervals.length ? intervals[j]!.from : null;
    const durationMs = (restoredAt ?? now).getTime() - start.getTime();
    const withinTarget = restoredAt ? durationMs <= targets.restorationMs : durationMs > targets.restorationMs ? false : null;
    found.push({ start, restoredAt, durationMs, reasons, withinTarget });
  }
  return found;
}

export interface SubjectReport {
  kind: SubjectKind;
  subject: string;
  month: string;
  /** The month asked for. */
  availability: Availability;
  /** The 12 months ending with it, oldest first. */
  months: { month: string; availability: Availability }[];
  /** Over those 12 months together: what the 99 % promise is measured on. */
  rolling12: Availability & { from: Date; to: Date };
  /** Outages that started in the month, with their restoration time against the target. */
  outages: Outage[];
}

/**
 * One subject's report for `month`: the month, each of the 12 months ending with it, the 12 months together, and
 * the month's outages. Time after `now` is not counted (a month in progress is reported so far).
 */
export function subjectReport(input: {
  kind: SubjectKind;
  subject: string;
  transitions: readonly Transition[];
  lastSeen: ReadonlyMap<string, Date>;
  graceMs: number;
  month: string;
  now: Date;
  targets?: SlaTargets;
}): SubjectReport {
  const targets = input.targets ?? ORANGE_SLA;
  const months = monthsEndingWith(input.month, 12);
  const clip = (range: { from: Date; to: Date }) => ({ from: range.from, to: new Date(Math.max(range.from.getTime(), Math.min(range.to.getTime(), input.now.getTime()))) });
  const whole = clip({ from: monthRange(months[0]!).from, to: monthRange(input.month).to });
  const intervals = timeline(input.transitions, whole, input.lastSeen, input.graceMs);
  const perMonth = months.map((month) => ({ month, availability: availability(intervals, clip(monthRange(month)), targets) }));
  return {
    kind: input.kind,
    subject: input.subject,
    month: input.month,
    availability: perMonth.at(-1)!.availability,
    months: perMonth,
    rolling12: { ...availability(intervals, whole, targets), ...whole },
    outages: outages(intervals, monthRange(input.month), whole.to, targets),
  };
}
