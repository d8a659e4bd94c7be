import type { CampaignAction, CampaignStatus } from './lifecycle.ts';

/**
 * Typed errors of core/campaign. The doors map them to their protocol (HTTP problem+json with `problems`);
 * `code` is stable, `reason` is a sentence the person writing the campaign can act on.
 */
export class CampaignError extends Error {
  override readonly name: string = 'CampaignError';
}

export type TemplateProblemCode =
  | 'unknown-field'
  | 'unknown-custom-field'
  | 'unclosed-brace'
  | 'stray-brace'
  | 'empty-field'
  | 'empty-default'
  | 'bad-default'
  | 'default-never-used';

/** One thing wrong with a template: where (0-based index into the source, and how many characters) and why. */
export interface TemplateProblem {
  readonly code: TemplateProblemCode;
  /** 0-based index of the character where the problem starts (the `{` of a faulty field). */
  readonly position: number;
  /** Characters the problem covers from `position` (the whole `{…}` of a faulty field, 1 for a lone brace). */
  readonly length: number;
  readonly reason: string;
}

function summary(problems: readonly TemplateProblem[]): string {
  const shown = problems.slice(0, 3).map(({ reason, position }) => `${reason} (position ${position})`);
  const more = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
  const head = problems.length === 1 ? 'template: ' : `${problems.length} problems in the template: `;
  return head + shown.join('; ') + more;
}

/**
 * The template cannot be compiled. `position` and `reason` are those of the first problem (in source order);
 * `problems` lists every problem found, the first included (so it always has at least one entry).
 */
export class TemplateError extends CampaignError {
  override readonly name = 'TemplateError';
  readonly position: number;
  readonly reason: string;
  readonly code: TemplateProblemCode;

  constructor(readonly problems: readonly TemplateProblem[]) {
    super(summary(problems));
    const first = problems[0];
    if (!first) throw new RangeError('a TemplateError needs at least one problem');
    this.position = first.position;
    this.reason = first.reason;
    this.code = first.code;
  }
}

/** The action does not apply to a campaign in this state. `allowed` lists what can be done from it instead. */
export class IllegalTransition extends CampaignError {
  override readonly name = 'IllegalTransition';
  constructor(
    readonly from: CampaignStatus,
    readonly action: CampaignAction,
    readonly allowed: readonly CampaignAction[],
    readonly reason: string,
  ) {
    super(reason);
  }
}
