import { Type } from '@sinclair/typebox';
import type { ContactBase, ContactList, Segment, StoredContact } from '../../app/ports.ts';
import {
  addFields,
  addMembers,
  countSegment,
  createBase,
  createList,
  describeBase,
  findContact,
  listContacts,
  listsOf,
  removeContact,
  removeTerminated,
  saveContacts,
  saveSegment,
  segmentsOf,
  type ContactInput as ContactInputValue,
} from '../../app/save-contacts.ts';
import type { SegmentFilter as SegmentFilterValue } from '../../core/contacts/segment.ts';
import {
  BaseParams,
  campaignSchemas,
  ContactBatch,
  ContactInput,
  ContactParams,
  ContactsQuery,
  CountQuery,
  ListParams,
  Mobiles,
  NewBase,
  NewFields,
  NewList,
  NewSegment,
  SegmentParams,
} from './campaign-schemas.ts';
import type { Api } from './server.ts';
import type { Clock } from '../../app/ports.ts';
import type { Audiences, BaseContacts, ContactBases, ContactLists, ContactRemoval, Segments } from '../../app/ports/contacts.ts';

const problem = { $ref: 'Problem#' };
const tags = ['contacts'];

/** Bases of contacts, their custom fields, contacts, lists and segments. */
/** What the contact routes reach: everything of the contacts but imports and number hygiene. */
type ContactRouteDeps = {
  contacts: ContactBases & BaseContacts & ContactLists & Segments & Pick<ContactRemoval, 'removeNumbers'> & Pick<Audiences, 'countAudience'>;
  clock: Clock;
};

export async function contactRoutes(app: Api, deps: ContactRouteDeps): Promise<void> {
  // The schemas of contacts, imports and campaigns are registered once, here (the other routes refer to them).
  for (const schema of campaignSchemas) app.addSchema(schema);

  app.post(
    '/bases',
    {
      schema: {
        summary: 'Create a base of contacts, with its own typed fields',
        tags,
        body: Type.Ref(NewBase),
        response: { 201: Type.Ref('Base'), 400: problem, 409: problem, 422: problem },
      },
    },
    async (request, reply) => {
      const base = await createBase(deps, request.account.id, request.body as NewBase);
      reply.status(201);
      return presentBase({ ...base, contacts: 0 });
    },
  );

  app.get('/bases', { schema: { summary: 'The account’s bases, with how many contacts each holds', tags, response: { 200: Type.Ref('BaseList') } } }, async (request) => ({
    bases: (await deps.contacts.listBases(request.account.id)).map(presentBase),
  }));

  app.get(
    '/bases/:base',
    { schema: { summary: 'A base, by name or id', tags, params: BaseParams, response: { 200: Type.Ref('Base'), 404: problem } } },
    async (request) => presentBase(await describeBase(deps, request.account.id, request.params.base)),
  );

  app.post(
    '/bases/:base/fields',
    {
      schema: {
        summary: 'Add custom fields to a base',
        description: 'A field the base already has is accepted when its type is the same.',
        tags,
        params: BaseParams,
        body: Type.Ref(NewFields),
        response: { 200: Type.Ref('Base'), 400: problem, 404: problem, 422: problem },
      },
    },
    async (request) => {
      const { fields } = request.body as { fields: ContactBase['customFields'] };
      return presentBase(await addFields(deps, request.account.id, request.params.base, fields));
    },
  );

  app.post(
    '/bases/:base/contacts',
    {
      schema: {
        summary: 'Add or update one contact, or a batch of up to 10,000',
        description:
          'A contact is identified by its mobile number in the base: a number already there is merged (the fields sent replace the stored ones, ' +
          'custom values are merged). All or nothing: when one contact is invalid, none is saved and every problem is listed (/contacts/12/email).',
        tags,
        params: BaseParams,
        body: Type.Union([Type.Ref(ContactInput), Type.Ref(ContactBatch)]),
        response: { 200: Type.Ref('SavedContacts'), 400: problem, 404: problem, 422: problem },
      },
    },
    async (request) => {
      const body = request.body as ContactInputValue | { contacts: ContactInputValue[] };
      const batch = 'contacts' in body;
      return saveContacts(deps, request.account.id, request.params.base, batch ? body.contacts : [body], (index) => (batch ? `/contacts/${index}` : ''));
    },
  );

  app.get(
    '/bases/:base/contacts',
    {
      schema: {
        summary: 'A page of the base’s contacts, oldest first',
        tags,
        params: BaseParams,
        querystring: ContactsQuery,
        response: { 200: Type.Ref('ContactPage'), 400: problem, 404: problem },
      },
    },
    async (request) => {
      const page = await listContacts(deps, request.account.id, request.params.base, request.query.after, request.query.limit);
      return { contacts: page.contacts.map(presentContact), next: page.next };
    },
  );

  app.get(
    '/bases/:base/contacts/:mobile',
    { schema: { summary: 'A contact, by its mobile number', tags, params: ContactParams, response: { 200: Type.Ref('Contact'), 404: problem, 422: problem } } },
    async (request) => presentContact(await findContact(deps, request.account.id, request.params.base, request.params.mobile)),
  );

  app.delete(
    '/bases/:base/contacts/:mobile',
    {
      schema: {
        summary: 'Remove a contact from the base',
        description: 'The removal is kept in the account’s audit of removals (number, base, reason "removed by the client", time).',
        tags,
        params: ContactParams,
        response: { 204: Type.Null({ description: 'Removed' }), 404: problem, 422: problem },
      },
    },
    async (request, reply) => {
      await removeContact(deps, request.account.id, request.params.base, request.params.mobile);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/contacts/terminated',
    {
      schema: {
        summary: 'Numbers known to be terminated: removed at once from every base of the account',
        description: 'Each removal is audited with the reason. All or nothing: when one number is not a mobile number, none is removed.',
        tags,
        body: Type.Ref(Mobiles),
        response: { 200: Type.Ref('Removed'), 400: problem, 422: problem },
      },
    },
    async (request) => ({ removed: await removeTerminated(deps, request.account.id, (request.body as { mobiles: string[] }).mobiles) }),
  );

  app.post(
    '/bases/:base/lists',
    { schema: { summary: 'Create a list in a base', tags, params: BaseParams, body: Type.Ref(NewList), response: { 201: Type.Ref('List'), 400: problem, 404: problem, 409: problem } } },
    async (request, reply) => {
      const list = await createList(deps, request.account.id, request.params.base, (request.body as { name: string }).name);
      reply.status(201);
      return presentList({ ...list, members: 0 });
    },
  );

  app.get(
    '/bases/:base/lists',
    { schema: { summary: 'The base’s lists, with their number of members', tags, params: BaseParams, response: { 200: Type.Ref('ListList'), 404: problem } } },
    async (request) => ({ lists: (await listsOf(deps, request.account.id, request.params.base)).map(presentList) }),
  );

  app.post(
    '/bases/:base/lists/:list/members',
    {
      schema: {
        summary: 'Add the base’s contacts with these mobile numbers to a list',
        tags,
        params: ListParams,
        body: Type.Ref(Mobiles),
        response: { 200: Type.Ref('AddedMembers'), 400: problem, 404: problem, 422: problem },
      },
    },
    async (request) => ({ added: await addMembers(deps, request.account.id, request.params.base, request.params.list, (request.body as { mobiles: string[] }).mobiles) }),
  );

  app.post(
    '/bases/:base/segments',
    {
      schema: {
        summary: 'Save a segment: a filter over the base’s contacts',
        description: 'The filter is checked against the base’s fields (422 with each problem at its condition). Saving under a name the base already uses replaces that segment.',
        tags,
        params: BaseParams,
        body: Type.Ref(NewSegment),
        response: { 201: Type.Ref('Segment'), 400: problem, 404: problem, 422: problem },
      },
    },
    async (request, reply) => {
      const { name, filter } = request.body as { name: string; filter: SegmentFilterValue };
      const segment = await saveSegment(deps, request.account.id, request.params.base, name, filter);
      reply.status(201);
      return presentSegment(segment);
    },
  );

  app.get(
    '/bases/:base/segments',
    { schema: { summary: 'The base’s segments', tags, params: BaseParams, response: { 200: Type.Ref('SegmentList'), 404: problem } } },
    async (request) => ({ segments: (await segmentsOf(deps, request.account.id, request.params.base)).map(presentSegment) }),
  );

  app.get(
    '/bases/:base/segments/:segment/count',
    {
      schema: {
        summary: 'How many contacts the segment selects now',
        tags,
        params: SegmentParams,
        querystring: CountQuery,
        response: { 200: Type.Ref('AudienceCount'), 400: problem, 404: problem },
      },
    },
    async (request) =>
      countSegment(deps, request.account.id, request.params.base, request.params.segment, request.query.brand ?? request.account.brand),
  );
}

function presentBase(base: ContactBase & { contacts?: number }) {
  return { id: base.id, name: base.name, customFields: base.customFields, ...(base.contacts === undefined ? {} : { contacts: base.contacts }), createdAt: base.createdAt.toISOString() };
}

function presentContact(c: StoredContact) {
  return {
    id: c.id,
    mobile: c.mobile,
    lastName: c.lastName,
    firstName: c.firstName,
    landline: c.landline,
    email: c.email,
    birthday: c.birthday,
    custom: c.custom,
    lastActivityAt: c.lastActivityAt?.toISOString() ?? null,
  };
}

function presentList(list: ContactList & { members: number }) {
  return { id: list.id, name: list.name, members: list.members };
}

function presentSegment(segment: Segment) {
  return { id: segment.id, name: segment.name, filter: segment.filter };
}
