/**
 * The life of an incident ticket, as one table (docs/incidents.md):
 *
 *   open ──wait (the provider needs the client)──► waiting-for-client ──resume (the client answered)──► open
 *   open | waiting-for-client ──resolve (service restored, with its cause)──► resolved
 *   resolved ──reopen (not restored after all)──► open
 *   resolved ──close──► closed
 *
 * closed is final. The clock runs only while the ticket is open (clock.ts).
 */
export const incidentStatuses = ['open', 'waiting-for-client', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];

export const incidentActions = ['wait', 'resume', 'resolve', 'reopen', 'close'] as const;
export type IncidentAction = (typeof incidentActions)[number];

export const incidentTransitions: Readonly<Record<IncidentStatus, Readonly<Partial<Record<IncidentAction, IncidentStatus>>>>> = {
  open: { wait: 'waiting-for-client', resolve: 'resolved' },
  'waiting-for-client': { resume: 'open', resolve: 'resolved' },
  resolved: { reopen: 'open', close: 'closed' },
  closed: {},
};

/** Where `action` leads from `from`, or the refusal saying what is possible instead. */
export function incidentTransition(from: IncidentStatus, action: IncidentAction): IncidentStatus | IllegalIncidentTransition {
  const to = incidentTransitions[from][action];
  return to ?? new IllegalIncidentTransition(from, action);
}

/** The status a requested target is reached by, from `from` (the aggregator sets a status; the table says how). */
export function actionTowards(from: IncidentStatus, to: IncidentStatus): IncidentAction | undefined {
  return incidentActions.find((a) => incidentTransitions[from][a] === to);
}

/** An action the ticket's status does not allow (the HTTP edge answers 409). */
export class IllegalIncidentTransition extends Error {
  override readonly name = 'IllegalIncidentTransition';
  constructor(
    readonly from: IncidentStatus,
    readonly action: IncidentAction,
  ) {
    const allowed = Object.keys(incidentTransitions[from]);
    super(`${from === 'open' ? 'an' : 'a'} ${from} ticket cannot be ${ACTION_WORDS[action]}${allowed.length > 0 ? ` (it can be: ${allowed.map((a) => ACTION_WORDS[a as IncidentAction]).join(', ')})` : ' (it is closed for good)'}`);
  }
}

const ACTION_WORDS: Readonly<Record<IncidentAction, string>> = {
  wait: 'put on hold for the client',
  resume: 'resumed',
  resolve: 'resolved',
  reopen: 'reopened',
  close: 'closed',
};
