/**
 * Typed errors of the use cases. Adapters map them to their protocol at the edge (HTTP problem+json,
 * SMPP command_status, SMTP reply) — never the other way round.
 */
export interface FieldProblem {
  /** JSON pointer of the offending field, e.g. "/messages/3/to". */
  field: string;
  reason: string;
}

export class InvalidRequest extends Error {
  constructor(readonly problems: FieldProblem[]) {
    const shown = problems.slice(0, 3).map((p) => `${p.field}: ${p.reason}`);
    super(shown.join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more problems` : ''));
  }
}

export class NotFound extends Error {
  constructor(readonly what: string) {
    super(`${what} not found`);
  }
}

/** An Idempotency-Key already used with a different request body. */
export class IdempotencyKeyReused extends Error {
  constructor(readonly key: string) {
    super(`the Idempotency-Key "${key}" was already used with a different request; use a new key for a new request`);
  }
}

/** The action does not apply to the resource in its current state (e.g. cancelling a message already sent). */
export class InvalidState extends Error {}

/** Raised when an e-mail address already belongs to a user (whatever its case). */
export class EmailTaken extends Error {}

/**
 * A prepaid account's credit cannot cover a message's worst-case cost (docs/billing.md): refused at the door (HTTP
 * 402, SMPP ESME_RSUBMITFAIL, SMTP 452); a campaign pauses. Amounts in micro-euros.
 */
export class InsufficientCredit extends Error {
  constructor(
    readonly needed: number,
    readonly available: number,
  ) {
    super(`insufficient prepaid credit: this needs ${euros(needed)} and ${euros(available)} is available; top up the account's credit`);
  }
}

const euros = (microEuros: number) => `${(microEuros / 1_000_000).toFixed(6).replace(/0{1,4}$/, '')} €`;
