import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { InvalidState } from '../../app/errors.ts';
import { availabilityReport, forecastReport, trafficReport, type ReportDeps } from '../../app/reports.ts';
import { availabilityCsv, forecastCsv, trafficCsv } from '../csv/report-csv.ts';
import { sendCsv } from './csv-reply.ts';
import type { Api, HttpDeps } from './server.ts';

const problem = { $ref: 'Problem#' };
const tags = ['aggregator'];
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, a month in Europe/Paris' });
const Query = Type.Object(
  {
    month: Month,
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: 'csv, or send Accept: text/csv; default JSON' })),
  },
  { additionalProperties: false },
);
const Json = Type.Object({}, { additionalProperties: true });
const responses = { 200: { description: 'JSON, or CSV (text/csv) with ?format=csv or Accept: text/csv', content: { 'application/json': { schema: Json }, 'text/csv': { schema: { type: 'string' } } } }, 400: problem, 401: problem };

/**
 * The service-level and traffic reports (docs/monitoring.md), under /v1/aggregator/reports: the aggregator's staff
 * read them (operator-support included); JSON, or CSV.
 */
export async function reportRoutes(app: Api, deps: HttpDeps): Promise<void> {
  const reports = (): ReportDeps => deps.reports ?? (() => { throw new InvalidState('reports are not wired in this process'); })();
  const wantsCsv = (request: FastifyRequest) => {
    const { format } = request.query as { format?: string };
    return format === 'csv' || (format === undefined && /\btext\/csv\b/.test(request.headers.accept ?? ''));
  };

  app.get(
    '/reports/availability',
    {
      schema: {
        summary: 'Availability of each route and door in a month and over the rolling 12 months, against 99 %, with its outages and their restoration times against 6 hours',
        tags,
        querystring: Query,
        response: responses,
      },
    },
    async (request, reply) => {
      const report = await availabilityReport(reports(), request.query.month);
      return wantsCsv(request) ? sendCsv(reply, `availability-${report.month}.csv`, lines(availabilityCsv(report))) : report;
    },
  );

  app.get(
    '/reports/traffic',
    {
      schema: { summary: 'Per short code in a month: SMS-MT submitted and delivered, SMS-MO received, STOPs, the busiest second against the subscribed rate', tags, querystring: Query, response: responses },
    },
    async (request, reply) => {
      const report = await trafficReport(reports(), request.query.month);
      return wantsCsv(request) ? sendCsv(reply, `traffic-${report.month}.csv`, lines(trafficCsv(report.lines))) : report;
    },
  );

  app.get(
    '/reports/forecast',
    {
      schema: { summary: 'The traffic forecast per short code for the six months after the month given, from the 12 months ending with it (method in the answer)', tags, querystring: Query, response: responses },
    },
    async (request, reply) => {
      const report = await forecastReport(reports(), request.query.month);
      return wantsCsv(request) ? sendCsv(reply, `forecast-${report.basedOn}.csv`, lines(forecastCsv(report.forecasts))) : report;
    },
  );
}

async function* lines(rows: Iterable<string>): AsyncGenerator<string> {
  yield* rows;
}
