/**
 * Segments: saved filters over a base's contacts — field conditions, consent state, list membership and last
 * activity. Checked here against the base's fields; the store turns a checked filter into SQL.
 */
import { standardFields, type CustomFieldDef } from './types.ts';

export const comparisons = ['is', 'isNot', 'contains', 'startsWith', 'gt', 'gte', 'lt', 'lte'] as const;
export const presences = ['isEmpty', 'isNotEmpty'] as const;
export type Comparison = (typeof comparisons)[number];
export type Presence = (typeof presences)[number];

export const consentStates = ['opted-in', 'no-consent', 'opted-out'] as const;
export type ConsentState = (typeof consentStates)[number];

export type Condition =
  /** `field` is a standard field (`firstName`) or `custom.<name>`. */
  | { field: string; op: Comparison; value: string | number | boolean }
  | { field: string; op: Presence }
  /** The recipient's consent for the brand the segment is used with (a campaign's brand). */
  | { consent: ConsentState }
  | { inList: string }
  /** Last activity (an MO from the contact, or its consent date) within / not within the last `days` days. */
  | { activeWithinDays: number }
  | { inactiveForDays: number };

export interface SegmentFilter {
  match: 'all' | 'any';
  conditions: Condition[];
}

const ORDERED_TYPES = new Set(['number', 'date']);

/** Every problem of a filter, in clear English, with the index of the condition; none when it can be used. */
export function checkSegmentFilter(filter: SegmentFilter, customFields: readonly CustomFieldDef[]): string[] {
  if (filter.match !== 'all' && filter.match !== 'any') return ['match must be "all" or "any"'];
  if (!Array.isArray(filter.conditions)) return ['conditions must be a list'];
  return filter.conditions.flatMap((condition, index) => checkCondition(condition, customFields).map((problem) => `condition ${index}: ${problem}`));
}

function checkCondition(condition: Condition, customFields: readonly CustomFieldDef[]): string[] {
  if (typeof condition !== 'object' || condition === null) return ['a condition is an object'];
  if ('consent' in condition) return (consentStates as readonly string[]).includes(condition.consent) ? [] : [`consent must be one of ${consentStates.join(', ')}`];
  if ('inList' in condition) return typeof condition.inList === 'string' && condition.inList.length > 0 ? [] : ['inList must be a list id'];
  if ('activeWithinDays' in condition) return wholeDays(condition.activeWithinDays);
  if ('inactiveForDays' in condition) return wholeDays(condition.inactiveForDays);
  if (typeof condition.field !== 'string') return ['a condition needs a field, consent, inList, activeWithinDays or inactiveForDays'];
  const type = fieldType(condition.field, customFields);
  if (!type) return [`unknown field "${condition.field}" (fields: ${[...standardFields, ...customFields.map((f) => `custom.${f.name}`)].join(', ')})`];
  if ((presences as readonly string[]).includes(condition.op)) return [];
  if (!(comparisons as readonly string[]).includes(condition.op)) return [`unknown operator "${condition.op}" (one of ${[...comparisons, ...presences].join(', ')})`];
  const { op, value } = condition as { op: Comparison; value: unknown };
  if (value === undefined || value === null || typeof value === 'object') return [`${op} needs a value`];
  if (['gt', 'gte', 'lt', 'lte'].includes(op) && !ORDERED_TYPES.has(type)) return [`${op} compares numbers and dates; ${condition.field} is ${type}`];
  if (type === 'number' && typeof value !== 'number') return [`${condition.field} is a number: compare it with a number`];
  if (type === 'date' && !(typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value))) return [`${condition.field} is a date: compare it with YYYY-MM-DD`];
  if ((op === 'contains' || op === 'startsWith') && type !== 'text') return [`${op} applies to text; ${condition.field} is ${type}`];
  return [];
}

/** The longest activity window a segment can ask for (a century): longer ones are no window, and overflow date arithmetic. */
export const MAX_SEGMENT_DAYS = 36_500;

function wholeDays(days: number): string[] {
  return Number.isSafeInteger(days) && days > 0 && days <= MAX_SEGMENT_DAYS ? [] : [`days must be a whole number from 1 to ${MAX_SEGMENT_DAYS}`];
}

/** The type of a standard or custom field, or undefined when the base has no such field. */
export function fieldType(field: string, customFields: readonly CustomFieldDef[]): 'text' | 'number' | 'date' | 'boolean' | undefined {
  if (field === 'birthday') return 'date';
  if ((standardFields as readonly string[]).includes(field)) return 'text';
  if (!field.startsWith('custom.')) return undefined;
  return customFields.find((f) => f.name === field.slice('custom.'.length))?.type;
}
