import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * How requests are checked against the route schemas. A JSON body is taken as it is written: no coercion, so a
 * number where text is expected, an array where one value is, or "false" where a boolean is are refused and named
 * (a form body is read into the right types by its parser). The query string and the path are text by nature: they
 * are coerced ("limit=10" is the number 10).
 *
 * A body that may be one thing or a batch (`anyOf` of schemas) is checked against the alternative it resembles
 * most — the one declaring most of its fields — so the problems name that alternative's fields, not every
 * alternative's.
 */
export function buildValidator(external: Record<string, unknown>): (route: { schema: Record<string, unknown>; httpPart?: string }) => Validate {
  const strict = ajvWith(external, false);
  const coercing = ajvWith(external, 'array');
  return ({ schema, httpPart }) => compile(httpPart === 'body' ? strict : coercing, schema);
}

type Validate = ((data: unknown, context?: object) => boolean) & { errors?: ErrorObject[] | null; schemaEnv?: unknown };

function ajvWith(external: Record<string, unknown>, coerceTypes: false | 'array'): Ajv {
  // verbose: each error carries the value and its schema, so a problem can name both.
  const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: true, verbose: true, addUsedSchema: false, strict: false });
  addFormats.default(ajv);
  for (const schema of Object.values(external)) ajv.addSchema(schema as object);
  return ajv;
}

function compile(ajv: Ajv, schema: Record<string, unknown>): Validate {
  const alternatives = schema.anyOf as Record<string, unknown>[] | undefined;
  if (!alternatives?.every((a) => typeof a.$ref === 'string')) return ajv.compile(schema) as Validate;
  const compiled = alternatives.map((a) => ajv.compile(a) as ValidateFunction);
  const fieldsOf = alternatives.map((a) => new Set(Object.keys((ajv.getSchema(String(a.$ref))?.schema as { properties?: object })?.properties ?? {})));
  const validate: Validate = (data, context) => {
    const keys = data !== null && typeof data === 'object' && !Array.isArray(data) ? Object.keys(data) : [];
    let best = 0;
    let bestScore = -1;
    fieldsOf.forEach((fields, i) => {
      const score = keys.filter((k) => fields.has(k)).length;
      if (score > bestScore) [best, bestScore] = [i, score];
    });
    const chosen = compiled[best]!;
    const valid = chosen(data, context as never);
    validate.errors = chosen.errors ?? null;
    return valid;
  };
  validate.schemaEnv = true;
  return validate;
}
