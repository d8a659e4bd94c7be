/**
 * An audience (bases, lists, a segment's filter) as a SQL condition on `contacts c`. Every value is a bound
 * parameter; field names come from the checked filter and map to fixed column expressions, never to text the
 * client wrote.
 */
import type { Audience, AudienceScope } from '../../app/ports.ts';
import { fieldType, type Comparison, type Condition, type SegmentFilter } from '../../core/contacts/segment.ts';
import type { CustomFieldDef } from '../../core/contacts/types.ts';
import { consentStateSql } from './consent-sql.ts';
import { pseudonymSql } from './pseudonym.ts';

/** Positional parameters of one statement: `add` gives the placeholder of a value. */
export class Params {
  readonly values: unknown[] = [];
  /** The pseudonym key's pads (adapters/store/pseudonym.ts): consent then also counts an opposition kept after an erasure. */
  constructor(readonly pseudonymPads?: { ipad: Buffer; opad: Buffer }) {}
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const COLUMNS: Record<string, string> = {
  mobile: 'c.mobile',
  lastName: 'c.last_name',
  firstName: 'c.first_name',
  landline: 'c.landline',
  email: 'c.email',
  birthday: 'c.birthday',
};

const OPERATORS: Record<Comparison, string> = { is: '=', isNot: 'IS DISTINCT FROM', contains: 'ILIKE', startsWith: 'ILIKE', gt: '>', gte: '>=', lt: '<', lte: '<=' };

export function audienceWhere(audience: Audience, scope: AudienceScope, params: Params): string {
  const parts = [`c.base_id = ANY(${params.add(audience.baseIds)}::uuid[])`];
  if (audience.listIds.length > 0) {
    parts.push(`EXISTS (SELECT 1 FROM contact_list_members m WHERE m.contact_id = c.id AND m.list_id = ANY(${params.add(audience.listIds)}::uuid[]))`);
  }
  if (audience.segment) parts.push(segmentSql(audience.segment, new Casts(audience.customFields), scope, params));
  return parts.join(' AND ');
}

/** The recipient's consent state for the scope's brand (core/consent's rule): 'opt-in', 'soft-opt-in', 'opt-out' or NULL. */
export function consentSql(scope: AudienceScope, params: Params): string {
  const pads = params.pseudonymPads;
  const alias = pads ? pseudonymSql('c.mobile', params.add(pads.ipad), params.add(pads.opad)) : undefined;
  return consentStateSql({ account: params.add(scope.accountId), brand: params.add(scope.brand), recipient: 'c.mobile', ...(alias ? { alias } : {}) });
}

/** The SQL cast of each field, from its type (custom values are stored as JSON text). */
class Casts {
  constructor(private readonly customFields: readonly CustomFieldDef[]) {}
  of(field: string): string {
    return CASTS[fieldType(field, this.customFields) ?? 'text'];
  }
}
const CASTS = { text: '', number: '::numeric', date: '::date', boolean: '::boolean' } as const;

function segmentSql(filter: SegmentFilter, casts: Casts, scope: AudienceScope, params: Params): string {
  if (filter.conditions.length === 0) return 'true';
  const joined = filter.conditions.map((condition) => `(${conditionSql(condition, casts, scope, params)})`).join(filter.match === 'all' ? ' AND ' : ' OR ');
  return `(${joined})`;
}

function conditionSql(condition: Condition, casts: Casts, scope: AudienceScope, params: Params): string {
  if ('consent' in condition) {
    const latest = consentSql(scope, params);
    if (condition.consent === 'opted-in') return `${latest} IN ('opt-in', 'soft-opt-in')`;
    if (condition.consent === 'opted-out') return `${latest} = 'opt-out'`;
    return `${latest} IS NULL`;
  }
  if ('inList' in condition) return `EXISTS (SELECT 1 FROM contact_list_members m WHERE m.contact_id = c.id AND m.list_id = ${params.add(condition.inList)}::uuid)`;
  if ('activeWithinDays' in condition) return `c.last_activity_at >= ${params.add(scope.now)}::timestamptz - make_interval(days => ${params.add(condition.activeWithinDays)})`;
  if ('inactiveForDays' in condition) {
    return `c.last_activity_at IS NULL OR c.last_activity_at < ${params.add(scope.now)}::timestamptz - make_interval(days => ${params.add(condition.inactiveForDays)})`;
  }
  const column = columnOf(condition.field, casts);
  if (!('value' in condition)) return `${column} IS ${condition.op === 'isEmpty' ? '' : 'NOT '}NULL`;
  const { op, value } = condition;
  const bound = op === 'contains' ? `%${likeEscaped(String(value))}%` : op === 'startsWith' ? `${likeEscaped(String(value))}%` : value;
  return `${column} ${OPERATORS[op]} ${params.add(bound)}${casts.of(condition.field)}`;
}

/** The SQL expression of a standard or custom field, typed as the base declares it. */
function columnOf(field: string, casts: Casts): string {
  const standard = COLUMNS[field];
  if (standard) return standard;
  const name = field.slice('custom.'.length).replace(/[^A-Za-z0-9_]/g, '');
  return `(c.custom->>'${name}')${casts.of(field)}`;
}

function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
