/**
 * What an account changes itself of its doors and of its answers to MOs (docs/portal.md, "Doors and keywords"),
 * right "settings", every brand:
 * - `GET /v1/doors`: its SMPP logins (system_id, allowed addresses, binds; never the password) and its e-mail door
 *   (allowlisted senders, text source);
 * - the account rotates its SMPP password (shown once), sets the addresses it binds from, allowlists and removes its
 *   e-mail senders and picks the text source; the aggregator creates the login and sets its system_id and binds
 *   (`relais account smpp`);
 * - `GET /v1/keywords`: the default keywords, the account's own, its CONTACT reply; it sets its own STOP and CONTACT
 *   words and its CONTACT reply; START words, STOP wording and identity stay with the aggregator.
 * Every change is audited by the API's audit hook.
 */
import { randomInt } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { contactReplyProblems, ownKeywordProblems, withOwnKeywords, type OwnKeywords } from '../../app/account-keywords.ts';
import { InvalidRequest, InvalidState, NotFound, type FieldProblem } from '../../app/errors.ts';
import { contactReplyFrom } from '../../core/access/identity.ts';
import { DEFAULT_KEYWORDS, MAX_CONTACT_REPLY_LENGTH, MAX_CONTACT_REPLY_PARTS } from '../../core/keywords/index.ts';
import type { Account } from '../../app/ports/accounts.ts';
import type { EmailDoorSettings } from '../../app/ports/email.ts';
import type { SmppLoginSettings } from '../../app/ports/smpp.ts';
import { parseCidr } from '../allowlist.ts';
import { Forbidden } from './problem.ts';
import type { Api, HttpDeps } from './server.ts';

/** The stores the routes need (absent: the routes answer 409). */
export interface DoorsDeps {
  smpp: SmppLoginSettings;
  email: EmailDoorSettings;
}

const problem = { $ref: 'Problem#' };
/** SMPP 3.4 caps a password at 8 characters; letters and digits nobody confuses (no 0/O, 1/l/I). */
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const PASSWORD_LENGTH = 8;
const MAX_ALLOWED_IPS = 50;
const EMAIL = '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$';

const SmppLogin = Type.Object(
  {
    systemId: Type.String(),
    allowedIps: Type.Array(Type.String(), { description: 'Addresses or CIDR blocks a bind may come from; empty: anywhere' }),
    maxBinds: Type.Union([Type.Integer(), Type.Null()], { description: 'Binds at once; null: the server’s default (set by the aggregator)' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'SmppLogin' },
);
const EmailDoor = Type.Object({
  senders: Type.Array(Type.String(), { description: 'Sender addresses whose mails are taken without SMTP AUTH' }),
  textFrom: Type.Union([Type.Literal('body'), Type.Literal('subject')], { description: 'Where the SMS text is read: the body (default) or the subject' }),
});
const Doors = Type.Object({ smpp: Type.Array(Type.Ref(SmppLogin)), email: EmailDoor }, { $id: 'Doors' });
const NewPassword = Type.Object({ systemId: Type.String(), password: Type.String({ description: 'Shown once: only its hash is kept' }) });
const SystemIdParams = Type.Object({ systemId: Type.String({ minLength: 1, maxLength: 15 }) });
const AddressParams = Type.Object({ address: Type.String({ minLength: 3, maxLength: 254 }) });

const Words = Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 20 });
const KeywordList = Type.Object({ stop: Type.Array(Type.String()), start: Type.Array(Type.String()), contact: Type.Array(Type.String()) });
const Keywords = Type.Object(
  {
    defaults: KeywordList,
    own: KeywordList,
    contactReply: Type.Union([Type.String(), Type.Null()], { description: 'The account’s own CONTACT reply; null: built from its identity' }),
    contactReplyFromIdentity: Type.Union([Type.String(), Type.Null()], { description: 'The reply built from the identity (legal name, address, e-mail, phone); null without a legal name' }),
    contactReplySent: Type.Union([Type.String(), Type.Null()], { description: 'What a CONTACT gets now; null: nothing is answered' }),
  },
  { $id: 'Keywords' },
);
const OwnWords = Type.Object(
  {
    stop: Words,
    contact: Words,
  },
  { additionalProperties: false, description: 'The account’s own STOP and CONTACT words, added to the defaults (the lists replace the former ones)' },
);
const ContactReplyBody = Type.Object(
  {
    contactReply: Type.Union([Type.String({ maxLength: MAX_CONTACT_REPLY_LENGTH }), Type.Null()], {
      description: `Who sends: the company, and an address, an e-mail or a phone; at most ${MAX_CONTACT_REPLY_PARTS} SMS parts. null: built from the identity`,
    }),
  },
  { additionalProperties: false },
);

function doorsOf(deps: HttpDeps): DoorsDeps {
  if (!deps.doors) throw new InvalidState('the doors are not served by this process');
  return deps.doors;
}

export async function doorsRoutes(app: Api, deps: HttpDeps): Promise<void> {
  app.addSchema(SmppLogin);
  app.addSchema(Doors);
  const tags = ['doors'];
  const config = { everyBrand: true };
  const view = async (accountId: string) => {
    const doors = doorsOf(deps);
    const [smpp, senders, textFrom] = await Promise.all([doors.smpp.credentials(accountId), doors.email.senders(accountId), doors.email.textFrom(accountId)]);
    return {
      smpp: smpp.map((c) => ({ systemId: c.systemId, allowedIps: c.allowedIps, maxBinds: c.maxBinds, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString() })),
      email: { senders, textFrom },
    };
  };

  app.get('/doors', { config, schema: { summary: 'The account’s SMPP logins (never their password) and its e-mail door', tags, response: { 200: Type.Ref(Doors) } } }, (request) => view(request.account.id));

  app.post(
    '/doors/smpp/:systemId/password',
    {
      config: { ...config, action: 'doors.smpp.password.rotate' },
      schema: {
        summary: 'Give the SMPP login a new password, shown once (the binds already open stay; the next ones need it)',
        tags,
        params: SystemIdParams,
        response: { 200: NewPassword, 404: problem },
      },
    },
    async (request) => {
      const password = Array.from({ length: PASSWORD_LENGTH }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join('');
      if (!(await doorsOf(deps).smpp.setPassword(request.account.id, request.params.systemId, password, deps.clock.now()))) throw new NotFound(`SMPP login "${request.params.systemId}"`);
      return { systemId: request.params.systemId, password };
    },
  );

  app.put(
    '/doors/smpp/:systemId/allowed-ips',
    {
      config: { ...config, action: 'doors.smpp.allowed-ips.update' },
      schema: {
        summary: 'Set the addresses the SMPP login may bind from (addresses or CIDR blocks; empty: anywhere)',
        tags,
        params: SystemIdParams,
        body: Type.Object({ allowedIps: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: MAX_ALLOWED_IPS, uniqueItems: true }) }, { additionalProperties: false }),
        response: { 200: Type.Ref(Doors), 404: problem, 422: problem },
      },
    },
    async (request) => {
      const allowedIps = request.body.allowedIps.map((entry) => entry.trim());
      const problems: FieldProblem[] = [];
      allowedIps.forEach((entry, i) => {
        try {
          parseCidr(entry);
        } catch (error) {
          problems.push({ field: `/allowedIps/${i}`, reason: (error as Error).message });
        }
      });
      if (problems.length > 0) throw new InvalidRequest(problems);
      if (!(await doorsOf(deps).smpp.setAllowedIps(request.account.id, request.params.systemId, allowedIps, deps.clock.now()))) throw new NotFound(`SMPP login "${request.params.systemId}"`);
      return view(request.account.id);
    },
  );

  app.put(
    '/doors/email/senders/:address',
    {
      config: { ...config, action: 'doors.email.senders.add' },
      schema: {
        summary: 'Allowlist a sender address: its mails to the e-mail door are taken without SMTP AUTH',
        description: 'An address allowlisted for another account is refused (403, without saying whose): ask the aggregator.',
        tags,
        params: AddressParams,
        response: { 200: Type.Ref(Doors), 403: problem, 422: problem },
      },
    },
    async (request) => {
      const address = request.params.address.trim().toLowerCase();
      if (!new RegExp(EMAIL).test(address)) throw new InvalidRequest([{ field: '/address', reason: `"${request.params.address}" is not an e-mail address` }]);
      const { taken } = await doorsOf(deps).email.allowSenders(request.account.id, [address], deps.clock.now());
      if (taken.length > 0) throw new Forbidden(`${address} cannot be allowlisted by this account (an address serves one account only): ask the aggregator`);
      return view(request.account.id);
    },
  );

  app.delete(
    '/doors/email/senders/:address',
    { config, schema: { summary: 'Take a sender address off the allowlist (its next mails need SMTP AUTH)', tags, params: AddressParams, response: { 204: Type.Null(), 404: problem } } },
    async (request, reply) => {
      const address = request.params.address.trim().toLowerCase();
      const doors = doorsOf(deps);
      if (!(await doors.email.senders(request.account.id)).includes(address)) throw new NotFound(`sender address "${address}"`);
      await doors.email.revokeSenders(request.account.id, [address]);
      reply.status(204);
    },
  );

  app.put(
    '/doors/email/text-from',
    {
      config,
      schema: { summary: 'Where the SMS text of a mail is read: its body or its subject', tags, body: Type.Object({ textFrom: EmailDoor.properties.textFrom }, { additionalProperties: false }), response: { 200: Type.Ref(Doors) } },
    },
    async (request) => {
      await doorsOf(deps).email.setTextFrom(request.account.id, request.body.textFrom, deps.clock.now());
      return view(request.account.id);
    },
  );
}

export async function keywordRoutes(app: Api, deps: HttpDeps): Promise<void> {
  app.addSchema(Keywords);
  const tags = ['keywords'];
  const config = { everyBrand: true };

  app.get('/keywords', { config, schema: { summary: 'The MO keywords (defaults and the account’s own) and the CONTACT reply', tags, response: { 200: Type.Ref(Keywords) } } }, async (request) =>
    presentKeywords(await fresh(deps, request.account)),
  );

  app.put(
    '/keywords',
    {
      config,
      schema: {
        summary: 'Set the account’s own STOP and CONTACT words (added to the defaults, which always hold)',
        description: 'Each word is checked as the MOs are read (docs/keywords.md): a word too close to another intent’s is refused at its place (`/stop/0`). START words are set by the aggregator.',
        tags,
        body: OwnWords,
        response: { 200: Type.Ref(Keywords), 422: problem },
      },
    },
    async (request) => {
      const own = request.body as OwnKeywords;
      const account = await fresh(deps, request.account);
      const problems = ownKeywordProblems(own, account.keywords);
      if (problems.length > 0) throw new InvalidRequest(problems);
      return presentKeywords(await updated(deps, account, { keywords: withOwnKeywords(own, account.keywords) }));
    },
  );

  app.put(
    '/keywords/contact-reply',
    {
      config,
      schema: { summary: 'Set the answer to a CONTACT MO (null: built from the account’s identity)', tags, body: ContactReplyBody, response: { 200: Type.Ref(Keywords), 422: problem } },
    },
    async (request) => {
      const { contactReply } = request.body as Static<typeof ContactReplyBody>;
      const reply = contactReply === null ? null : contactReply.trim();
      const problems = contactReplyProblems(reply);
      if (problems.length > 0) throw new InvalidRequest(problems);
      return presentKeywords(await updated(deps, request.account, { contactReply: reply }));
    },
  );
}

/** The account as stored now (the request's copy may be a second old: a change just saved must show). */
async function fresh(deps: HttpDeps, account: Account): Promise<Account> {
  return (await deps.accounts.findByName(account.name)) ?? account;
}

async function updated(deps: HttpDeps, account: Account, changes: Pick<Account, 'keywords'> | Pick<Account, 'contactReply'>): Promise<Account> {
  return (await deps.accounts.updateAccount(account.name, changes)) ?? Promise.reject(new NotFound(`account "${account.name}"`));
}

function presentKeywords(account: Account): Static<typeof Keywords> {
  const fromIdentity = contactReplyFrom(account.identity) ?? null;
  const own = account.keywords;
  return {
    defaults: { stop: [...DEFAULT_KEYWORDS.stop], start: [...DEFAULT_KEYWORDS.start], contact: [...DEFAULT_KEYWORDS.contact] },
    own: { stop: [...(own?.stop ?? [])], start: [...(own?.start ?? [])], contact: [...(own?.contact ?? [])] },
    contactReply: account.contactReply,
    contactReplyFromIdentity: fromIdentity,
    contactReplySent: account.contactReply ?? fromIdentity,
  };
}
