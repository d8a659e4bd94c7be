/**
 * Typed errors of core/compliance: configuration problems (a rule set that cannot be used), never a message's
 * fault — a message that breaks a rule gets a `reject` decision, not an exception.
 */
export class ComplianceError extends Error {
  override readonly name: string = 'ComplianceError';
}

/** A rule set's data is not usable: the message says which field and why. */
export class InvalidRuleSetError extends ComplianceError {
  override readonly name = 'InvalidRuleSetError';
}

/** The account names a rule set that is not in the catalogue. */
export class UnknownRuleSetError extends ComplianceError {
  override readonly name = 'UnknownRuleSetError';
  constructor(
    readonly ruleSetName: string,
    readonly version: string,
    known: readonly string[],
  ) {
    super(`no rule set "${ruleSetName}" version "${version}"; known: ${known.join(', ')}`);
  }
}

/** No rule set of the catalogue is in force at the instant of the decision. */
export class NoRuleSetInForceError extends ComplianceError {
  override readonly name = 'NoRuleSetInForceError';
  constructor(readonly at: Date) {
    super(`no rule set is in force at ${at.toISOString()}: choose one for the account or add one to the catalogue`);
  }
}
