/**
 * The aggregator's numbering routes (docs/operators.md): who serves a number, the plan's and the portability
 * base's imports (the file as the body, streamed), and what each import refused. Registered among the
 * aggregator's routes: an aggregator key, operator-admin to import; every import is on the audit trail.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Readable } from 'node:stream';
import { InvalidRequest, InvalidState, NotFound } from '../../app/errors.ts';
import { importNumbering, lookUpNumber, type NumberingDeps, type NumberingImport } from '../../app/numbering.ts';
import type { Api, HttpDeps } from './server.ts';

const problem = { $ref: 'Problem#' };
const tags = ['numbering'];
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const OperatorAnswer = Type.Object(
  {
    msisdn: Type.String({ description: 'The number in E.164' }),
    operator: Nullable(Type.String({ description: "The operator's code (Arcep's mnémo), null when unknown" })),
    name: Nullable(Type.String()),
    source: Type.Union([Type.Literal('ported'), Type.Literal('range'), Type.Literal('unknown')], {
      description: 'ported: the portability base says so; range: the holder of its range in the numbering plan; unknown: neither knows the number',
    }),
    rangeHolder: Nullable(Type.Object({ operator: Type.String(), name: Nullable(Type.String()) }, { description: "Its range's holder, whatever the ports say" })),
    portedOn: Nullable(Type.String({ description: 'When it was ported (YYYY-MM-DD)' })),
  },
  { $id: 'OperatorAnswer' },
);

const NumberingImportSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.Union([Type.Literal('ranges'), Type.Literal('ports'), Type.Literal('ports-delta')]),
    fileName: Nullable(Type.String()),
    by: Nullable(Type.String()),
    startedAt: Type.String({ format: 'date-time' }),
    finishedAt: Type.String({ format: 'date-time' }),
    lines: Type.Integer({ description: 'Data lines read: taken + rejected' }),
    taken: Type.Integer(),
    rejected: Type.Integer(),
    summary: Type.Record(Type.String(), Type.Integer(), { description: 'ranges and operators; or ports (full file); or new, changed, returned, unchanged, superseded (delta)' }),
    rejects: Type.Array(Type.Object({ line: Type.Integer(), content: Type.String(), reason: Type.String() }), { description: 'Refused lines with their reason (the first 100 in an import’s answer, 1,000 when read back)' }),
    timings: Type.Optional(Type.Record(Type.String(), Type.Integer())),
  },
  { $id: 'NumberingImport' },
);

const csvBody = {
  content: {
    'text/csv': {
      schema: { description: 'The file, streamed: the plan in the shape of Arcep’s MAJNUM, or a portability file (msisdn;operator;date[;action]); docs/operators.md' },
    },
  },
};

export async function numberingRoutes(app: Api, deps: HttpDeps): Promise<void> {
  app.addSchema(OperatorAnswer);
  app.addSchema(NumberingImportSchema);
  const numbering = (): NumberingDeps => deps.numbering ?? (() => { throw new InvalidState('numbering is not wired in this process'); })();

  app.get(
    '/numbering',
    {
      schema: {
        summary: 'What this process has in memory: ranges, ported numbers, their size, when loaded; and the latest imports',
        tags,
        response: {
          200: Type.Object({
            ranges: Type.Integer(),
            ports: Type.Integer(),
            portMegabytes: Type.Number(),
            loadedAt: Nullable(Type.String({ format: 'date-time' })),
            imports: Type.Array(Type.Ref(NumberingImportSchema)),
          }),
          401: problem,
        },
      },
    },
    async () => {
      const { store, directory } = numbering();
      const { ranges, ports, portBytes, loadedAt } = directory.figures;
      return { ranges, ports, portMegabytes: Math.round(portBytes / 1e5) / 10, loadedAt: loadedAt?.toISOString() ?? null, imports: (await store.listImports(20)).map(presentImport) };
    },
  );

  app.get(
    '/numbering/:msisdn',
    {
      schema: {
        summary: 'Who serves a number now: the operator it was ported to, else its range’s holder',
        description: 'Answered from the copy in memory that routing uses (no SQL but for the port’s date). 422 when the text is not a phone number.',
        tags,
        params: Type.Object({ msisdn: Type.String({ minLength: 1, maxLength: 32 }) }),
        response: { 200: Type.Ref(OperatorAnswer), 401: problem, 422: problem },
      },
    },
    async (request) => lookUpNumber(numbering(), request.params.msisdn),
  );

  for (const [path, kind, summary] of [
    ['/numbering/ranges', 'ranges', 'Replace the numbering plan with the regulator’s file of number ranges (Arcep MAJNUM shape)'],
    ['/numbering/ports', 'ports', 'Import the portability base: a full file replaces it, a delta (?delta=true) changes it'],
  ] as const) {
    app.post(
      path,
      {
        config: { action: `numbering.import-${kind}` },
        schema: {
          summary,
          description:
            'Send the file as the body with `Content-Type: text/csv`. Each line is taken or refused with its line number and reason (`rejects`; lines = taken + rejected); ' +
            'the taken ones are applied in one transaction, and every Relais process answers from them within a second (plus the load of the base). ' +
            'A file that is not of the expected shape is refused (422) and nothing changes.',
          tags,
          ...(kind === 'ports' ? { querystring: Type.Object({ delta: Type.Optional(Type.Boolean({ description: 'A daily delta: lines may end with the action port or return' })) }) } : {}),
          body: csvBody,
          response: { 201: Type.Ref(NumberingImportSchema), 401: problem, 403: problem, 422: problem },
        },
      },
      async (request, reply) => {
        const body = request.body as Readable | undefined;
        if (!body || typeof (body as Readable).pipe !== 'function') throw new InvalidRequest([{ field: '/file', reason: 'send the file as the body, with Content-Type: text/csv' }]);
        const delta = (request.query as { delta?: boolean } | undefined)?.delta === true;
        const done = await importNumbering(numbering(), kind === 'ports' && delta ? 'ports-delta' : kind, body, { fileName: undefined, by: request.actorLabel ?? 'aggregator' });
        reply.status(201);
        return presentImport(done);
      },
    );
  }

  app.get(
    '/numbering/imports/:id',
    {
      schema: { summary: 'An import and the lines it refused (the first 1,000)', tags, params: Type.Object({ id: Type.String() }), response: { 200: Type.Ref(NumberingImportSchema), 401: problem, 404: problem } },
    },
    async (request) => presentImport((await numbering().store.findImport(request.params.id)) ?? (await Promise.reject(new NotFound(`numbering import "${request.params.id}"`)))),
  );
}

function presentImport(record: NumberingImport): Static<typeof NumberingImportSchema> {
  return { ...record, startedAt: record.startedAt.toISOString(), finishedAt: record.finishedAt.toISOString() };
}
