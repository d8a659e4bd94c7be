/**
 * A client's contacts as the API writes and reads them: bases and their typed custom fields, contacts sent as JSON
 * (checked all or none, every problem with its position), removals (one contact, or terminated numbers from every
 * base), lists, segments and their live count, uploads of contact files (importContacts does the reading).
 */
import {
  customFieldTypes,
  isCustomFieldName,
  MAX_CUSTOM_FIELDS,
  readFieldValue,
  type ColumnTarget,
  type Contact,
  type CustomFieldDef,
  type CustomValue,
  type TextField,
} from '../core/contacts/index.ts';
import { checkSegmentFilter, type Condition, type SegmentFilter } from '../core/contacts/segment.ts';
import { checkAll, mobileOf, requiredMobile, type Checked } from './check-all.ts';
import { InvalidRequest, InvalidState, NotFound, type FieldProblem } from './errors.ts';
import { findImport, importContacts, resumeImport, type ImportDeps, type RecordSource } from './import-contacts.ts';
import type { Clock } from './ports.ts';
import type {
  Audiences,
  BaseContacts,
  ContactBase,
  ContactBases,
  ContactImports,
  ContactList,
  ContactLists,
  ContactRemoval,
  ImportRecord,
  Segment,
  Segments,
  StoredContact,
} from './ports/contacts.ts';

/** What one function below reads: the contact ports `P`, and the clock. */
type Uses<P> = { contacts: P; clock: Clock };
/** Finding the base a request names, as nearly every function below does first. */
type FindBase = Pick<ContactBases, 'findBase'>;

/** Contacts one request may save, numbers one request may remove or add to a list. */
export const MAX_CONTACTS_BATCH = 10_000;

/** Why a contact removed through the API is gone (kept in the audit of removals). */
export const REMOVED_BY_CLIENT = 'removed by the client';
/** DOMAIN rule 10: a number known to be terminated is deleted at once, from every base. */
export const TERMINATED = 'number terminated (reported by the client)';

// ---------------------------------------------------------------------------------------------
// Bases and custom fields
// ---------------------------------------------------------------------------------------------

export async function createBase(deps: Uses<Pick<ContactBases, 'findBase' | 'createBase'>>, accountId: string, input: { name: string; customFields?: CustomFieldDef[] }): Promise<ContactBase> {
  const name = input.name.trim();
  const problems = [...(name === '' ? [{ field: '/name', reason: 'a base needs a name' }] : []), ...fieldProblems(input.customFields ?? [], [], '/customFields')];
  if (problems.length > 0) throw new InvalidRequest(problems);
  if (await deps.contacts.findBase(accountId, name)) throw new InvalidState(`a contact base named "${name}" already exists in this account`);
  return deps.contacts.createBase(accountId, name, input.customFields ?? [], deps.clock.now());
}

/** A base by id or name, or NotFound. */
export async function baseOf(deps: { contacts: FindBase }, accountId: string, idOrName: string): Promise<ContactBase> {
  const base = await deps.contacts.findBase(accountId, idOrName);
  if (!base) throw new NotFound(`contact base "${idOrName}"`);
  return base;
}

/** A base with how many contacts it holds. */
export async function describeBase(deps: { contacts: Pick<ContactBases, 'findBase' | 'listBases'> }, accountId: string, idOrName: string): Promise<ContactBase & { contacts: number }> {
  const base = await baseOf(deps, accountId, idOrName);
  const counted = (await deps.contacts.listBases(accountId)).find((b) => b.id === base.id);
  return { ...base, contacts: counted?.contacts ?? 0 };
}

/** Adds custom fields; one the base already has is accepted when it has the same type. */
export async function addFields(deps: Uses<Pick<ContactBases, 'findBase' | 'addCustomFields'>>, accountId: string, idOrName: string, fields: CustomFieldDef[]): Promise<ContactBase> {
  const base = await baseOf(deps, accountId, idOrName);
  const problems = fieldProblems(fields, base.customFields, '/fields');
  if (problems.length > 0) throw new InvalidRequest(problems);
  return deps.contacts.addCustomFields(base, fields);
}

function fieldProblems(fields: readonly CustomFieldDef[], existing: readonly CustomFieldDef[], where: string): FieldProblem[] {
  const known = new Map(existing.map((f) => [f.name, f.type]));
  const total = new Set([...known.keys(), ...fields.map((f) => f.name)]).size;
  if (total > MAX_CUSTOM_FIELDS) return [{ field: where, reason: `a base has at most ${MAX_CUSTOM_FIELDS} custom fields; this would make ${total}` }];
  const seen = new Set<string>();
  return fields.flatMap((field, i): FieldProblem[] => {
    if (!isCustomFieldName(field.name)) {
      return [{ field: `${where}/${i}/name`, reason: `"${field.name}" is not a field name: letters and digits in camelCase, starting with a lower-case letter, at most 64 characters (e.g. loyaltyPoints)` }];
    }
    if (!(customFieldTypes as readonly string[]).includes(field.type)) return [{ field: `${where}/${i}/type`, reason: `the type is one of ${customFieldTypes.join(', ')}` }];
    if (seen.has(field.name)) return [{ field: `${where}/${i}/name`, reason: `${field.name} is listed twice` }];
    seen.add(field.name);
    const type = known.get(field.name);
    if (type !== undefined && type !== field.type) return [{ field: `${where}/${i}/type`, reason: `the base already has ${field.name} as a ${type} field` }];
    return [];
  });
}

// ---------------------------------------------------------------------------------------------
// Contacts
// ---------------------------------------------------------------------------------------------

/** A contact as a client sends it: the mobile as typed, optional fields, custom values by field name. */
export interface ContactInput {
  mobile: string;
  lastName?: string;
  firstName?: string;
  landline?: string;
  email?: string;
  /** YYYY-MM-DD. */
  birthday?: string;
  custom?: Record<string, CustomValue>;
}

/** Inserts or merges contacts (non-empty fields replace the stored ones), all or none. `where(i)` prefixes a problem's field. */
export async function saveContacts(
  deps: Uses<FindBase & Pick<BaseContacts, 'upsertContacts'>>,
  accountId: string,
  idOrName: string,
  inputs: readonly ContactInput[],
  where: (index: number) => string,
): Promise<{ inserted: number; merged: number }> {
  const base = await baseOf(deps, accountId, idOrName);
  const customFields = new Map(base.customFields.map((f) => [f.name, f]));
  const contacts = await checkAll(inputs, (input) => contactOf(input, customFields), where);
  return deps.contacts.upsertContacts(base, contacts, deps.clock.now());
}

const TEXT_FIELDS: readonly TextField[] = ['lastName', 'firstName', 'landline', 'email', 'birthday'];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** One contact as sent → a contact, or its problems (fields relative to the contact). */
export function contactOf(input: ContactInput, customFields: ReadonlyMap<string, CustomFieldDef>): Checked<Contact> {
  const problems: FieldProblem[] = [];
  const contact: Contact = { mobile: mobileOf(input.mobile, '/mobile', problems) ?? '', lastName: null, firstName: null, landline: null, email: null, birthday: null, custom: {} };
  for (const field of TEXT_FIELDS) {
    const value = input[field];
    if (value === undefined || value === null) continue;
    if (field === 'birthday' && !ISO_DATE.test(value.trim())) {
      problems.push({ field: '/birthday', reason: `"${value}" is not a date: write it YYYY-MM-DD` });
      continue;
    }
    const read = readFieldValue(field, value, customFields);
    if (read !== null && typeof read === 'object') problems.push({ field: `/${field}`, reason: read.problem });
    else contact[field] = read === null ? null : String(read);
  }
  for (const [name, value] of Object.entries(input.custom ?? {})) {
    const read = customValueOf(name, value, customFields);
    if (read !== null && typeof read === 'object') problems.push({ field: `/custom/${name}`, reason: read.problem });
    else if (read !== null) contact.custom[name] = read;
  }
  return problems.length > 0 ? { problems } : contact;
}

function customValueOf(name: string, value: CustomValue | null, customFields: ReadonlyMap<string, CustomFieldDef>): CustomValue | null | { problem: string } {
  const def = customFields.get(name);
  if (!def) {
    const names = [...customFields.keys()];
    return { problem: `the base has no field "${name}" (${names.length > 0 ? `its fields: ${names.join(', ')}` : 'it has no custom field'}; add it with POST /v1/bases/{base}/fields)` };
  }
  if (value === null) return null;
  if (def.type === 'number' && typeof value === 'number') return Number.isFinite(value) ? value : { problem: `${name} is a number field: send a finite number` };
  if (def.type === 'boolean' && typeof value === 'boolean') return value;
  if (typeof value !== 'string') return { problem: `${name} is a ${def.type} field: send ${def.type === 'number' ? 'a number' : def.type === 'boolean' ? 'true or false' : 'a string'}` };
  if (def.type === 'date' && !ISO_DATE.test(value.trim())) return { problem: `${name} is a date field: write "${value}" as YYYY-MM-DD` };
  return readFieldValue(`custom.${name}`, value, customFields);
}



/** Mobile numbers as typed → E.164, all or none (problems at `/mobiles/<i>`). */
async function mobilesOf(typed: readonly string[]): Promise<string[]> {
  return checkAll(
    typed,
    (number) => {
      const problems: FieldProblem[] = [];
      const mobile = mobileOf(number, '', problems);
      return mobile ?? { problems };
    },
    (index) => `/mobiles/${index}`,
  );
}

export async function findContact(deps: { contacts: FindBase & Pick<BaseContacts, 'getContact'> }, accountId: string, idOrName: string, typedMobile: string): Promise<StoredContact> {
  const base = await baseOf(deps, accountId, idOrName);
  const mobile = requiredMobile(typedMobile, '/mobile');
  const contact = await deps.contacts.getContact(base, mobile);
  if (!contact) throw new NotFound(`contact ${mobile} in base "${base.name}"`);
  return contact;
}

/** A page of a base's contacts by id, and the id to continue after (null on the last page). */
export async function listContacts(deps: { contacts: FindBase & Pick<BaseContacts, 'listContacts'> }, accountId: string, idOrName: string, after: string | undefined, limit: number): Promise<{ contacts: StoredContact[]; next: string | null }> {
  const base = await baseOf(deps, accountId, idOrName);
  const contacts = await deps.contacts.listContacts(base, after, limit);
  return { contacts, next: contacts.length === limit ? contacts.at(-1)!.id : null };
}

/** Removes one contact from a base (the removal is audited); NotFound when the base has no such number. */
export async function removeContact(deps: Uses<FindBase & Pick<ContactRemoval, 'removeNumbers'>>, accountId: string, idOrName: string, typedMobile: string): Promise<void> {
  const base = await baseOf(deps, accountId, idOrName);
  const mobile = requiredMobile(typedMobile, '/mobile');
  const removed = await deps.contacts.removeNumbers(accountId, [mobile], REMOVED_BY_CLIENT, deps.clock.now(), base);
  if (removed === 0) throw new NotFound(`contact ${mobile} in base "${base.name}"`);
}

/** Numbers known to be terminated leave every base of the account at once (DOMAIN rule 10); how many contacts went. */
export async function removeTerminated(deps: Uses<Pick<ContactRemoval, 'removeNumbers'>>, accountId: string, typed: readonly string[]): Promise<number> {
  const mobiles = await mobilesOf(typed);
  return deps.contacts.removeNumbers(accountId, [...new Set(mobiles)], TERMINATED, deps.clock.now());
}

// ---------------------------------------------------------------------------------------------
// Lists and segments
// ---------------------------------------------------------------------------------------------

export async function createList(deps: Uses<FindBase & Pick<ContactLists, 'findList' | 'createList'>>, accountId: string, idOrName: string, name: string): Promise<ContactList> {
  const base = await baseOf(deps, accountId, idOrName);
  const trimmed = name.trim();
  if (trimmed === '') throw new InvalidRequest([{ field: '/name', reason: 'a list needs a name' }]);
  if (await deps.contacts.findList(base, trimmed)) throw new InvalidState(`base "${base.name}" already has a list named "${trimmed}"`);
  return deps.contacts.createList(base, trimmed, deps.clock.now());
}

export async function listsOf(deps: { contacts: FindBase & Pick<ContactLists, 'listLists'> }, accountId: string, idOrName: string): Promise<(ContactList & { members: number })[]> {
  return deps.contacts.listLists(await baseOf(deps, accountId, idOrName));
}

/** Adds the base's contacts with these numbers to the list (numbers not in the base are left out); how many joined. */
export async function addMembers(deps: { contacts: FindBase & Pick<ContactLists, 'findList' | 'addToList'> }, accountId: string, idOrName: string, listIdOrName: string, typed: readonly string[]): Promise<number> {
  const base = await baseOf(deps, accountId, idOrName);
  const list = await deps.contacts.findList(base, listIdOrName);
  if (!list) throw new NotFound(`list "${listIdOrName}" in base "${base.name}"`);
  return deps.contacts.addToList(list, await mobilesOf(typed));
}

/**
 * Saves a segment (a segment of the same name is replaced), its filter checked against the base's fields; an
 * `inList` condition may name the list or give its id, and is stored with the id.
 */
export async function saveSegment(deps: Uses<FindBase & Pick<ContactLists, 'findList'> & Pick<Segments, 'saveSegment'>>, accountId: string, idOrName: string, name: string, filter: SegmentFilter): Promise<Segment> {
  const base = await baseOf(deps, accountId, idOrName);
  const problems: FieldProblem[] = checkSegmentFilter(filter, base.customFields).map(segmentProblem);
  if (name.trim() === '') problems.unshift({ field: '/name', reason: 'a segment needs a name' });
  if (problems.length > 0) throw new InvalidRequest(problems);
  const conditions = await Promise.all(
    filter.conditions.map(async (condition, i): Promise<Condition> => {
      if (!('inList' in condition)) return condition;
      const list = await deps.contacts.findList(base, condition.inList);
      if (list) return { inList: list.id };
      problems.push({ field: `/filter/conditions/${i}/inList`, reason: `base "${base.name}" has no list "${condition.inList}"` });
      return condition;
    }),
  );
  if (problems.length > 0) throw new InvalidRequest(problems);
  return deps.contacts.saveSegment(base, name.trim(), { match: filter.match, conditions }, deps.clock.now());
}

/** checkSegmentFilter says "condition 2: …": the problem at that condition. */
function segmentProblem(problem: string): FieldProblem {
  const at = /^condition (\d+): (.*)$/s.exec(problem);
  return at ? { field: `/filter/conditions/${at[1]}`, reason: at[2]! } : { field: '/filter', reason: problem };
}

export async function segmentsOf(deps: { contacts: FindBase & Pick<Segments, 'listSegments'> }, accountId: string, idOrName: string): Promise<Segment[]> {
  return deps.contacts.listSegments(await baseOf(deps, accountId, idOrName));
}

/** The contacts a segment selects now, and the distinct mobiles among them; consent conditions are read for `brand`. */
export async function countSegment(deps: Uses<FindBase & Pick<Segments, 'findSegment'> & Pick<Audiences, 'countAudience'>>, accountId: string, idOrName: string, segmentIdOrName: string, brand: string): Promise<{ contacts: number; recipients: number }> {
  const base = await baseOf(deps, accountId, idOrName);
  const segment = await deps.contacts.findSegment(base, segmentIdOrName);
  if (!segment) throw new NotFound(`segment "${segmentIdOrName}" in base "${base.name}"`);
  const audience = { baseIds: [base.id], listIds: [], segment: segment.filter, customFields: base.customFields };
  return deps.contacts.countAudience(audience, { accountId, brand, now: deps.clock.now() });
}

// ---------------------------------------------------------------------------------------------
// Uploads of contact files
// ---------------------------------------------------------------------------------------------

export interface UploadRequest {
  accountId: string;
  /** The base, by id or name. */
  base: string;
  /** The list the contacts join, by id or name; created when the base has none of that name. */
  list?: string;
  fileName?: string;
  /** Column header → what it feeds, over the mapping suggested from the headers. */
  mapping: Record<string, ColumnTarget>;
  consent: { brand: string; channel: string | null; wording: string | null };
}

/** Imports a file into a base named by id or name (importContacts checks the mapping before writing anything). */
export async function uploadContacts(deps: Uses<FindBase & ImportDeps['contacts']>, upload: UploadRequest, source: RecordSource): Promise<ImportRecord> {
  const base = await baseOf(deps, upload.accountId, upload.base);
  return importContacts(deps, { accountId: upload.accountId, base, list: upload.list ?? null, fileName: upload.fileName ?? null, mapping: upload.mapping, consent: upload.consent }, source);
}

/** Goes on with an interrupted import, reading the same file again: the lines already settled are skipped. */
export async function resumeUpload(deps: Uses<FindBase & ImportDeps['contacts']>, accountId: string, id: string, source: (record: ImportRecord) => Promise<RecordSource>): Promise<ImportRecord> {
  const record = await findImport(deps, accountId, id);
  return resumeImport(deps, record, await baseOf(deps, accountId, record.baseId), await source(record));
}

/** Removes the contacts the import created, restores those it merged, withdraws the opt-ins it recorded. */
export async function rollbackImport(deps: Uses<Pick<ContactImports, 'getImport' | 'rollbackImport'>>, accountId: string, id: string): Promise<ImportRecord> {
  const record = await findImport(deps, accountId, id);
  return deps.contacts.rollbackImport(record, deps.clock.now());
}
