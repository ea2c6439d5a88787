import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import { toCsv } from '../../../domain/reports/csv.js';
import { JALALI_DATE_PATTERN } from '../../../domain/reports/date-range.js';
import {
  callTable,
  caseTable,
  csvFileName,
  GROUPINGS,
  type CallReport,
  type CaseReport,
  type Report,
  type Table,
} from '../../../domain/reports/definitions.js';
import { requireRole } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const JalaliDate = Type.String({ pattern: JALALI_DATE_PATTERN, examples: ['1405-01-01'] });

const ReportQuery = Type.Object({
  from: { ...JalaliDate, description: 'First day (Jalali, Tehran), included' },
  to: { ...JalaliDate, description: 'Last day (Jalali, Tehran), included; at most 400 days after `from`' },
  by: Type.Optional(Type.Enum(GROUPINGS, { default: 'day', description: 'Tehran day or hour of day, queue, district, category' })),
  format: Type.Optional(Type.Enum(['json', 'csv'], { description: 'csv: a download (UTF-8 with BOM); also chosen by `Accept: text/csv`' })),
});

const Key = nullable(Type.String({ description: 'day: Jalali YYYY-MM-DD; hour: 0..23; queue/category id; district 1..22; null: not recorded' }));

const CallFigures = {
  offered: Type.Integer({ description: 'Calls that joined a queue' }),
  answered: Type.Integer(),
  answeredInTime: Type.Integer({ description: 'Answered within the service-level threshold' }),
  abandoned: Type.Integer(),
  abandonedLate: Type.Integer({ description: 'Abandoned after the short-abandon threshold' }),
  serviceLevel: nullable(Type.Number({ description: 'answeredInTime ÷ (answered + abandonedLate), 0..1' })),
  asaSec: nullable(Type.Number({ description: 'Average speed of answer, seconds' })),
  abandonmentRate: nullable(Type.Number({ description: 'abandoned ÷ offered, 0..1' })),
  ahtSec: nullable(Type.Number({ description: 'Average handling time (talk + wrap-up), seconds' })),
};

const CaseFigures = {
  opened: Type.Integer({ description: 'Cases registered in the period' }),
  resolved: Type.Integer({ description: 'Of those, resolved by now' }),
  overdue: Type.Integer({ description: 'Of those, still open past their category SLA' }),
  meanTimeToResolveHours: nullable(Type.Number({ description: 'Registration to first `resolved`, hours' })),
};

const RangeFields = {
  by: Type.Enum(GROUPINGS),
  from: JalaliDate,
  to: JalaliDate,
  fromInstant: Type.String({ format: 'date-time', description: 'Tehran midnight starting `from`' }),
  toInstant: Type.String({ format: 'date-time', description: 'Tehran midnight after `to` (exclusive)' }),
};

const CallReportBody = Type.Object(
  {
    report: Type.Literal('calls'),
    ...RangeFields,
    thresholds: Type.Object({ answerWithinSec: Type.Integer(), abandonAfterSec: Type.Integer() }),
    rows: Type.Array(Type.Object({ key: Key, label: Type.String(), ...CallFigures })),
    total: Type.Object(CallFigures),
  },
  { title: 'CallReport' },
);

const CaseReportBody = Type.Object(
  {
    report: Type.Literal('cases'),
    ...RangeFields,
    rows: Type.Array(Type.Object({ key: Key, label: Type.String(), ...CaseFigures })),
    total: Type.Object(CaseFigures),
  },
  { title: 'CaseReport' },
);

const CsvText = Type.String({ description: 'UTF-8 with BOM, RFC 4180, CRLF lines, Persian headers' });

function wantsCsv(format: 'json' | 'csv' | undefined, request: FastifyRequest): boolean {
  if (format) return format === 'csv';
  return /(^|,)\s*text\/csv\b/i.test(request.headers.accept ?? '');
}

function head<F>(report: Report<F>) {
  return {
    by: report.by,
    from: report.range.fromDate,
    to: report.range.toDate,
    fromInstant: report.range.from.toISOString(),
    toInstant: report.range.to.toISOString(),
  };
}

function sendCsv(reply: FastifyReply, report: Report<unknown>, table: Table) {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${csvFileName(report)}"`)
    .send(toCsv(table.header, table.rows));
}

const callJson = (r: CallReport) => ({
  report: 'calls' as const,
  ...head(r),
  thresholds: r.thresholds,
  rows: r.rows.map((row) => ({ key: row.key, label: row.label, ...row.figures })),
  total: r.total,
});

const caseJson = (r: CaseReport) => ({
  report: 'cases' as const,
  ...head(r),
  rows: r.rows.map((row) => ({ key: row.key, label: row.label, ...row.figures })),
  total: r.total,
});

/** Performance reports over a Jalali period: supervisors and admins. */
export function reportRoutes(deps: Pick<HttpDeps, 'reports'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireRole('admin', 'supervisor'));

    app.get(
      '/reports/calls',
      {
        schema: {
          summary: 'Call report',
          description:
            'Queued calls that started in the period (Tehran days, both ends included): offered, answered, abandoned, ' +
            'service level, ASA, AHT, grouped by `by`. Every group is listed, empty ones with zeros; the last ' +
            'rows may carry `key: null` for calls with no queue, district or category recorded. ' +
            '`format=csv` or `Accept: text/csv` downloads the table as CSV.',
          tags: ['reports'],
          querystring: ReportQuery,
          response: {
            200: {
              description: 'The report',
              content: { 'application/json': { schema: CallReportBody }, 'text/csv': { schema: CsvText } },
            },
            ...errorResponses(400, 403),
          },
        },
      },
      async (request, reply) => {
        const { from, to, by = 'day', format } = request.query;
        const report = await deps.reports.calls({ from, to, by });
        if (wantsCsv(format, request)) return sendCsv(reply, report, callTable(report));
        return reply.send(callJson(report));
      },
    );

    app.get(
      '/reports/cases',
      {
        schema: {
          summary: 'Case report',
          description:
            'Cases registered in the period: opened, resolved (by now), overdue (still open past the SLA of their ' +
            'category), mean time to the first `resolved`. By `queue`, cases count under the queue serving their ' +
            'category. `format=csv` or `Accept: text/csv` downloads the table as CSV.',
          tags: ['reports'],
          querystring: ReportQuery,
          response: {
            200: {
              description: 'The report',
              content: { 'application/json': { schema: CaseReportBody }, 'text/csv': { schema: CsvText } },
            },
            ...errorResponses(400, 403),
          },
        },
      },
      async (request, reply) => {
        const { from, to, by = 'day', format } = request.query;
        const report = await deps.reports.cases({ from, to, by });
        if (wantsCsv(format, request)) return sendCsv(reply, report, caseTable(report));
        return reply.send(caseJson(report));
      },
    );
  };
}
