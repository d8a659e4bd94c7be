/**
 * One recipient's message of a campaign, decided exactly as a message sent through the API would be: the
 * template rendered for the contact, then the same checks and the same guard (consent, STOP, window, cap).
 * Used by the dry run and by the sending, so what the dry run says is what the sending does.
 */
import type { Template } from '../core/campaign/index.ts';
import type { RecipientConsent } from '../core/consent/index.ts';
import type { Contact } from '../core/contacts/types.ts';
import { measure } from '../core/text/index.ts';
import type { AudienceMember, Campaign, NewMessage, ShortCode } from './ports.ts';
import { routed, type Router } from './route-message.ts';
import { draftOf, guarded, type Sender } from './submit-messages.ts';

export function campaignMessage(
  campaign: Campaign,
  template: Template,
  sender: Sender,
  known: ReadonlyMap<string, ShortCode>,
  member: AudienceMember,
  now: Date,
  router?: Router,
): NewMessage {
  const request = { to: member.contact.mobile, text: template.render(member.contact), class: campaign.class, from: campaign.sender, shortCode: campaign.shortCode, brand: campaign.brand };
  const draft = draftOf(request, sender, known, now);
  const message = 'problems' in draft ? draft : guarded(draft, sender, consentOf(member));
  if (!('problems' in message)) return routed(message, router, sender.accountName);
  return refused(campaign, sender, member.contact, request.text, message.problems.map((p) => p.reason).join('; '), now);
}

/** The consent state the audience query read (core/consent's rule, in SQL). */
function consentOf(member: AudienceMember): RecipientConsent {
  if (member.consent === 'opt-out') return { consent: 'none', optedOut: true, since: null };
  return { consent: member.consent ?? 'none', optedOut: false, since: null };
}

/**
 * A recipient left out before the guard (a perimeter campaign's recipient not inside it, say): kept, not sent, with
 * the code and why, so the campaign's statistics count it by reason.
 */
export function skippedMessage(campaign: Campaign, template: Template, sender: Sender, member: AudienceMember, code: string, reason: string, now: Date): NewMessage {
  return refused(campaign, sender, member.contact, template.render(member.contact), reason, now, code);
}

/** A recipient whose message breaks a rule (e.g. too long once their name is in): kept, not sent, with why. */
function refused(campaign: Campaign, sender: Sender, contact: Contact, text: string, reason: string, now: Date, code = 'refused'): NewMessage {
  const { encoding, segments } = measure(text);
  return {
    accountId: sender.accountId,
    recipient: contact.mobile,
    sender: campaign.sender,
    shortCode: campaign.shortCode,
    class: campaign.class,
    brand: campaign.brand,
    body: text,
    encoding,
    segments,
    dueAt: now,
    clientReference: null,
    status: 'suppressed',
    error: { code, reason },
    compliance: null,
    cap: null,
  };
}
