/**
 * The live preview of a campaign text over an audience, while it is being written: how many recipients, and for
 * the first of them the rendered messages, their encodings and parts, who goes in UCS-2 and why.
 */
import { compileTemplate, previewTemplate, type TemplatePreview } from '../core/campaign/index.ts';
import { hasStopMention } from '../core/compliance/index.ts';
import type { Contact } from '../core/contacts/index.ts';
import { audienceOf, resolveAudience, type AudienceInput, type CampaignContacts } from './campaigns.ts';
import { InvalidRequest, type FieldProblem } from './errors.ts';
import type { Clock } from './ports.ts';

export interface PreviewRequest extends AudienceInput {
  text: string;
  class?: 'transactional' | 'marketing';
  /** Consent conditions of the segment are read for this brand. */
  brand: string;
  /** The short code it will go on: a STOP mention must name it. */
  shortCode: string | null;
  /** How many contacts to render (the first ones of the audience). */
  sample: number;
}

export interface TextPreview extends TemplatePreview {
  /** The audience now: contacts, and distinct mobiles among them. */
  audience: { contacts: number; recipients: number };
  /** The first rendered messages. */
  samples: { recipient: string; text: string }[];
  /** Marketing without a STOP mention for its short code: the mention is added when sent (the dry run counts it in the parts). */
  stopMentionAdded: boolean;
}

/** Contacts read per round trip. */
const PREVIEW_PAGE = 10_000;
const SAMPLES = 3;

/** Throws TemplateError (core/campaign) when the text has mistakes, each with its position. */
export async function previewText(deps: { contacts: CampaignContacts; clock: Clock }, accountId: string, request: PreviewRequest): Promise<TextPreview> {
  const problems: FieldProblem[] = [];
  const { bases, listIds, segmentId } = await resolveAudience(deps, accountId, request, problems);
  if (problems.length > 0) throw new InvalidRequest(problems);
  const { audience } = await audienceOf(deps, { accountId, audience: { baseIds: bases.map((b) => b.id), listIds, segmentId } });
  const template = compileTemplate(request.text, audience.customFields);
  const scope = { accountId, brand: request.brand, now: deps.clock.now() };
  const counted = await deps.contacts.countAudience(audience, scope);
  const contacts: Contact[] = [];
  const seen = new Set<string>();
  for (let after = '0'; contacts.length < request.sample; ) {
    const limit = Math.min(PREVIEW_PAGE, request.sample - contacts.length);
    const members = await deps.contacts.audience(audience, scope, after, limit);
    for (const { contact } of members) {
      if (!seen.has(contact.mobile)) contacts.push(contact);
      seen.add(contact.mobile);
    }
    if (members.length < limit) break;
    after = members.at(-1)!.contact.id;
  }
  return {
    ...previewTemplate(template, contacts),
    audience: counted,
    samples: contacts.slice(0, SAMPLES).map((contact) => ({ recipient: contact.mobile, text: template.render(contact) })),
    stopMentionAdded: (request.class ?? 'marketing') === 'marketing' && !(request.shortCode && hasStopMention(request.text, request.shortCode)),
  };
}
