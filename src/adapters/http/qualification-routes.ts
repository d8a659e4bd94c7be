/**
 * Qualification over HTTP (docs/operators.md, "Qualification"): qualify numbers or a contact base, read a number's
 * latest qualification. The area's right is "contacts" (a qualification may remove contacts); POSTs are audited.
 */
import { Type } from '@sinclair/typebox';
import { InvalidRequest, InvalidState } from '../../app/errors.ts';
import { MAX_QUALIFY_BATCH, qualificationOf, qualifyBase, qualifyNumbers, summarize, type Qualification, type QualificationDeps, type QualifiedNumber } from '../../app/qualification.ts';
import { requiredMobile } from '../../app/check-all.ts';
import type { Api, HttpDeps } from './server.ts';

const problem = { $ref: 'Problem#' };
const tags = ['qualification'];
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

const QualificationSchema = Type.Object(
  {
    msisdn: Type.String({ description: 'E.164' }),
    operator: Nullable(Type.String({ description: 'The operator serving the number (Arcep code, e.g. ORAN), null when unknown' })),
    state: Type.Union([Type.Literal('valid'), Type.Literal('unknown'), Type.Literal('terminated')]),
    checkedAt: Type.String({ format: 'date-time', description: 'When the operator lookup answered' }),
  },
  { $id: 'Qualification' },
);

const QualifiedSchema = Type.Object(
  {
    msisdn: Type.String(),
    operator: Nullable(Type.String()),
    state: Type.Union([Type.Literal('valid'), Type.Literal('unknown'), Type.Literal('terminated')]),
    checkedAt: Type.String({ format: 'date-time' }),
    cached: Type.Boolean({ description: 'Answered from a qualification within its time to live: not looked up, not billed' }),
    removedContacts: Type.Integer({ description: 'Contacts of the account removed because the number is terminated' }),
  },
  { $id: 'QualifiedNumber' },
);

const Summary = {
  numbers: Type.Integer(),
  lookedUp: Type.Integer({ description: 'Numbers looked up (each a billable event)' }),
  cached: Type.Integer(),
  valid: Type.Integer(),
  unknown: Type.Integer(),
  terminated: Type.Integer(),
  removedContacts: Type.Integer(),
};

const presentQualification = (q: Qualification) => ({ msisdn: q.msisdn, operator: q.operator, state: q.state, checkedAt: q.checkedAt.toISOString() });
const presentQualified = (q: QualifiedNumber) => ({ ...presentQualification(q), cached: q.cached, removedContacts: q.removedContacts });

export async function qualificationRoutes(app: Api, deps: HttpDeps): Promise<void> {
  app.addSchema(QualificationSchema);
  app.addSchema(QualifiedSchema);
  const qualification = (): QualificationDeps => deps.qualification ?? (() => { throw new InvalidState('qualification is not wired in this process'); })();

  app.post(
    '/qualifications',
    {
      config: { action: 'qualifications.qualify' },
      schema: {
        summary: 'Qualify numbers or a contact base: the operator serving each number, and whether it is valid, unknown or terminated',
        description:
          `Give \`numbers\` (at most ${MAX_QUALIFY_BATCH}: answered per number) or \`base\` (a contact base's id or name: answered with counts). ` +
          'A number qualified within the time to live (qualification.ttlDays) is answered from the store, neither looked up nor billed again; ' +
          'each number looked up is a billable event. A terminated number is removed at once from every base of the account, each removal kept ' +
          'in the audit of removals. Needs the "contacts" right.',
        tags,
        body: Type.Object(
          {
            numbers: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: MAX_QUALIFY_BATCH })),
            base: Type.Optional(Type.String({ minLength: 1 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            results: Type.Optional(Type.Array(Type.Ref(QualifiedSchema))),
            base: Type.Optional(Type.Object({ id: Type.String(), name: Type.String() })),
            ...Summary,
          }),
          400: problem,
          404: problem,
          409: problem,
          422: problem,
        },
      },
    },
    async (request) => {
      const body = request.body as { numbers?: string[]; base?: string };
      if ((body.numbers === undefined) === (body.base === undefined)) throw new InvalidRequest([{ field: '', reason: 'give either numbers or base' }]);
      if (body.base !== undefined) return qualifyBase(qualification(), request.account.id, body.base);
      const results = await qualifyNumbers(qualification(), request.account.id, body.numbers!);
      return { results: results.map(presentQualified), ...summarize(results) };
    },
  );

  app.get(
    '/qualifications/:msisdn',
    {
      schema: {
        summary: 'The account’s latest qualification of a number (however old); 404 when it was never qualified',
        tags,
        params: Type.Object({ msisdn: Type.String({ minLength: 1, maxLength: 32 }) }),
        response: { 200: Type.Ref(QualificationSchema), 404: problem, 409: problem, 422: problem },
      },
    },
    async (request) => presentQualification(await qualificationOf(qualification(), request.account.id, requiredMobile(request.params.msisdn, '/msisdn'))),
  );
}
