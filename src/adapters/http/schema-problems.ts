import type { ErrorObject } from 'ajv';
import { escapePointer } from '../../core/text/index.ts';
import type { FieldProblem } from '../../app/errors.ts';

/**
 * A request that does not match the API schema → one problem per field: the field (a JSON pointer in the body,
 * or the query parameter's name), the value found and what is allowed. An unknown field is named.
 */
export function schemaProblems(all: readonly ErrorObject[]): FieldProblem[] {
  const oneOfTheseAt = new Map<string, unknown[]>();
  for (const error of all) {
    if (error.keyword === 'const' || error.keyword === 'enum') {
      const allowed = error.keyword === 'const' ? [error.params.allowedValue] : (error.params.allowedValues as unknown[]);
      oneOfTheseAt.set(error.instancePath, [...(oneOfTheseAt.get(error.instancePath) ?? []), ...allowed]);
    }
  }
  const errors = closestAlternatives(all);
  // An anyOf whose alternatives failed deeper down says nothing more than those failures.
  const deeper = (error: ErrorObject) => errors.some((other) => other !== error && other.keyword !== 'anyOf' && fieldOf(other).startsWith(`${error.instancePath}/`));
  const byField = new Map<string, FieldProblem>();
  for (const error of errors) {
    if (error.keyword === 'anyOf' && deeper(error)) continue;
    const field = fieldOf(error) || '/';
    if (!byField.has(field)) byField.set(field, { field, reason: reasonOf(error, oneOfTheseAt.get(error.instancePath)) });
  }
  return [...byField.values()];
}

/**
 * Where a value matched none of an anyOf's alternatives, only the errors of the alternative it came closest to:
 * the one with the fewest unknown or missing fields, then the fewest errors.
 */
function closestAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  for (const anyOf of errors.filter((e) => e.keyword === 'anyOf')) {
    const prefix = `${anyOf.schemaPath}/`;
    const byAlternative = new Map<string, ErrorObject[]>();
    for (const error of errors) {
      if (!error.schemaPath.startsWith(prefix)) continue;
      const alternative = error.schemaPath.slice(prefix.length).split('/')[0]!;
      byAlternative.set(alternative, [...(byAlternative.get(alternative) ?? []), error]);
    }
    const structural = (list: ErrorObject[]) => list.filter((e) => (e.keyword === 'required' || e.keyword === 'additionalProperties') && e.instancePath === anyOf.instancePath).length;
    const ranked = [...byAlternative.values()].sort((a, b) => structural(a) - structural(b) || a.length - b.length);
    for (const list of ranked.slice(1)) for (const error of list) dropped.add(error);
  }
  return errors.filter((error) => !dropped.has(error));
}

function fieldOf(error: ErrorObject): string {
  const property = error.params.missingProperty ?? error.params.additionalProperty;
  return property === undefined ? error.instancePath : `${error.instancePath}/${escapePointer(String(property))}`;
}

function reasonOf(error: ErrorObject, oneOfThese: unknown[] | undefined): string {
  const got = `got ${shown(error.data)}`;
  switch (error.keyword) {
    case 'additionalProperties': {
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return `unknown field${known.length > 0 ? `; the fields are ${known.join(', ')}` : ''}`;
    }
    case 'required':
      return 'missing: this field is required';
    case 'const':
    case 'enum':
    case 'anyOf':
      return oneOfThese ? `${got}; allowed: ${oneOfThese.map(shown).join(', ')}` : `${got}; it matches none of the allowed forms`;
    case 'type':
      return `${got}; expected ${article(String(error.params.type))}`;
    case 'format':
      return `${got}; expected ${formatName(String(error.params.format))}`;
    case 'pattern':
      return `${got}; expected text matching ${String(error.params.pattern)}`;
    case 'maxLength':
    case 'minLength':
      return `${got} (${String(error.data).length} characters); ${error.keyword === 'maxLength' ? 'at most' : 'at least'} ${error.params.limit} characters`;
    case 'maxItems':
    case 'minItems':
      return `${(error.data as unknown[]).length} items; ${error.keyword === 'maxItems' ? 'at most' : 'at least'} ${error.params.limit}`;
    case 'maximum':
    case 'minimum':
    case 'exclusiveMaximum':
    case 'exclusiveMinimum':
      return `${got}; ${error.message}`;
    default:
      return `${got}; ${error.message ?? 'not allowed here'}`;
  }
}

/** A value as JSON, cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function article(type: string): string {
  const names: Record<string, string> = { string: 'text (a JSON string)', integer: 'an integer', number: 'a number', boolean: 'true or false (a JSON boolean)', array: 'an array', object: 'an object', null: 'null' };
  return type.split(',').map((t) => names[t] ?? t).join(' or ');
}

function formatName(format: string): string {
  const names: Record<string, string> = { 'date-time': 'an ISO 8601 date-time with its zone, such as 2027-03-01T09:30:00+01:00', date: 'a date such as 2027-03-01', uri: 'an absolute URL', email: 'an e-mail address', uuid: 'an id (UUID)' };
  return names[format] ?? `the format ${format}`;
}
