/**
 * core/campaign: templates with merge fields (compile once, render per contact, preview the cost) and the
 * campaign life cycle as one table. Pure functions, no I/O, no clock: the app says whether a send time is ahead.
 */
export { CampaignError, IllegalTransition, TemplateError, type TemplateProblem, type TemplateProblemCode } from './errors.ts';
export {
  allowedActions,
  campaignActions,
  campaignStatuses,
  campaignTransitions,
  isFinal,
  nextStatus,
  type CampaignAction,
  type CampaignStatus,
  type SendTimeTarget,
  type TransitionContext,
  type TransitionTarget,
} from './lifecycle.ts';
export { compileTemplate, fieldAliases, previewTemplate, type Template, type TemplatePreview } from './template.ts';
