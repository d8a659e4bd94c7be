/**
 * core/compliance: the decision to allow, defer or reject a message under a versioned rule set, with the text to
 * send (STOP mention included) and a trace of every rule. Pure: time is an argument.
 */
export { HOLIDAY_CORRECTIONS, publicHolidays } from './calendar.ts';
export { compileRuleSet, decide } from './decide.ts';
export { ComplianceError, InvalidRuleSetError, NoRuleSetInForceError, UnknownRuleSetError } from './errors.ts';
export { AF2M_2026, ALL_RULES, BUILT_IN_RULE_SETS, FRENCH_CONTENT_RULES, FRENCH_SENDER_RULES, ORANGE_OPS_2016, ORANGE_OPS_AF2M_2026 } from './rule-sets.ts';
export { nextSendDay, recipientZone, sendDayOf, type SendDay } from './send-days.ts';
export { senderNameProblems } from './sender.ts';
export { hasStopMention, STOP_WORDINGS, stopWordingProblem } from './stop-mention.ts';
export type {
  ComplianceOutcome,
  CompliancePolicy,
  Consent,
  ContentRules,
  DayTreatment,
  Decision,
  DecisionInput,
  DeniedSender,
  RecipientFacts,
  RuleId,
  RuleOutcome,
  RuleSet,
  Sender,
  SenderRules,
  SendWindow,
  Term,
  Trace,
  Verdict,
  Weekday,
} from './types.ts';
