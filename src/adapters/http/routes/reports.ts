import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
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
import { LOYALTY_GROUPINGS, loyaltyTable, type LoyaltyReport } from '../../../domain/reports/loyalty.js';
import { agentTable, REPORTED_PAUSE_REASONS, type AgentReport } from '../../../domain/reports/agents.js';
import { PERIODS } from '../../../quality/domain/periods.js';
import { SATISFACTION_GROUPINGS, satisfactionTable, type SatisfactionReport } from '../../../domain/reports/satisfaction.js';
import { requireRole } from '../auth.js';
import { nullable } from '../case-dto.js';
import type { HttpDeps } from '../deps.js';
import { errorResponses } from '../errors.js';

const JalaliDate = Type.String({ pattern: JALALI_DATE_PATTERN, examples: ['1405-01-01'] });

const ReportQuery = Type.Object({
  from: { ...JalaliDate, description: 'First day (Jalali, Tehran), included' },
  to: { ...JalaliDate, description: 'Last day (Jalali, Tehran), included; at most 400 days after `from`' },
  by: Type.Optional(Type.Enum(GROUPINGS, { default: 'day', description: 'Tehran day or hour of day, queue, district, category' })),
  format: Type.Optional(Type.Enum(['json', 'csv'], { description: 'csv: a download (UTF-8 with BOM); also chosen by `Accept: text/csv`' })),
});

const SatisfactionQuery = Type.Object({
  from: ReportQuery.properties.from,
  to: ReportQuery.properties.to,
  by: Type.Optional(
    Type.Enum(SATISFACTION_GROUPINGS, {
      default: 'district',
      description: "The case's district or category, or the queue and agent of the call that opened it",
    }),
  ),
  format: ReportQuery.properties.format,
});

const CitizenQuery = Type.Object({
  from: ReportQuery.properties.from,
  to: ReportQuery.properties.to,
  by: Type.Optional(
    Type.Enum(LOYALTY_GROUPINGS, {
      default: 'district',
      description: "The contact's district or category (topic), or the citizen's segment (new, returning, frequent, dissatisfied)",
    }),
  ),
  format: ReportQuery.properties.format,
});

const AgentQuery = Type.Object({
  from: ReportQuery.properties.from,
  to: ReportQuery.properties.to,
  period: Type.Optional(Type.Enum(PERIODS, { default: 'day', description: 'Jalali day, week (Saturday first) or month, Tehran time' })),
  format: ReportQuery.properties.format,
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

const SatisfactionFigures = {
  ended: Type.Integer({ description: 'Surveys that ended in the period: answered, no_answer, failed, opted_out' }),
  answered: Type.Integer(),
  responseRate: nullable(Type.Number({ description: 'answered ÷ ended, 0..1 (an opt-out is not a response)' })),
  rated: Type.Integer({ description: 'Answered surveys with a rating' }),
  satisfied: Type.Integer({ description: 'Ratings of 4 or 5' }),
  csat: nullable(Type.Number({ description: 'satisfied ÷ rated, 0..1' })),
  meanRating: nullable(Type.Number({ description: 'Mean of the ratings given, 1..5' })),
  solvedAnswered: Type.Integer({ description: 'Answered surveys where "was it solved" got an answer' }),
  solvedYes: Type.Integer(),
  solvedRate: nullable(Type.Number({ description: 'solvedYes ÷ solvedAnswered, 0..1' })),
  smsAsked: Type.Integer({ description: 'SMS satisfaction questions sent in the period' }),
  smsAnswered: Type.Integer({ description: 'Of those, answered by SMS' }),
  smsResponseRate: nullable(Type.Number({ description: 'smsAnswered ÷ smsAsked, 0..1' })),
  smsAccepted: Type.Integer({ description: 'Answers accepting the result (31, «بله»)' }),
  smsObjected: Type.Integer({ description: 'Answers objecting (33, «خیر»): the case was reopened' }),
  smsAcceptRate: nullable(Type.Number({ description: 'smsAccepted ÷ smsAnswered, 0..1' })),
};

const SatisfactionReportBody = Type.Object(
  {
    report: Type.Literal('satisfaction'),
    by: Type.Enum(SATISFACTION_GROUPINGS),
    from: JalaliDate,
    to: JalaliDate,
    fromInstant: RangeFields.fromInstant,
    toInstant: RangeFields.toInstant,
    rows: Type.Array(
      Type.Object({
        key: nullable(Type.String({ description: 'district 1..22, category or queue id, agent user id; null: none (web/SMS cases have no queue or agent)' })),
        label: Type.String(),
        ...SatisfactionFigures,
      }),
    ),
    total: Type.Object(SatisfactionFigures),
  },
  { title: 'SatisfactionReport' },
);

const LoyaltyFigures = {
  contacts: Type.Integer({ description: 'Inbound calls from a citizen number, and cases with one that no call opened' }),
  topical: Type.Integer({ description: 'Contacts with a topic (category)' }),
  repeats: Type.Integer({ description: 'Contacts on the same topic as one of the same citizen in the 7 days before' }),
  repeatContactRate: nullable(Type.Number({ description: 'repeats ÷ topical, 0..1' })),
  firstContacts: Type.Integer({ description: 'Contacts with a topic that are not repeats' }),
  firstContactsResolved: Type.Integer({ description: 'First contacts not followed by one on the same topic within 7 days' }),
  firstContactResolution: nullable(Type.Number({ description: 'firstContactsResolved ÷ firstContacts, 0..1' })),
  citizens: Type.Integer({ description: 'Distinct citizens (normalised numbers) with a contact in the period' }),
  contactsPerCitizen: nullable(Type.Number({ description: 'contacts ÷ citizens' })),
  returningCitizens: Type.Integer({ description: 'Citizens with a contact before the period' }),
  returningShare: nullable(Type.Number({ description: 'returningCitizens ÷ citizens, 0..1' })),
  rated: Type.Integer({ description: 'by=segment: surveys answered with a rating in the period by these citizens; 0 otherwise' }),
  satisfied: Type.Integer({ description: 'Of those, rated 4 or 5' }),
  csat: nullable(Type.Number({ description: 'satisfied ÷ rated, 0..1 (by=segment)' })),
};

const AgentFiguresBody = {
  answered: Type.Integer({ description: 'Queue calls the agent answered (by the call start)' }),
  ahtSec: nullable(Type.Number({ description: 'Average handling time: (talk + wrap-up) ÷ calls with a recorded talk time, seconds' })),
  meanTalkSec: nullable(Type.Number({ description: 'Mean talk time (app_queue TalkTime, holds included), seconds' })),
  meanWrapUpSec: nullable(Type.Number({ description: 'Mean after-call work, seconds' })),
  holds: Type.Integer({ description: 'Times the agent put a call on hold' }),
  holdSec: Type.Integer({ description: 'Seconds on hold in all' }),
  meanHoldSec: nullable(Type.Number({ description: 'holdSec ÷ calls with a recorded talk time, seconds' })),
  missedRings: Type.Integer({ description: 'Calls offered to the agent that rang out (AgentRingNoAnswer)' }),
  pauseSec: Type.Object(Object.fromEntries(REPORTED_PAUSE_REASONS.map((r) => [r, Type.Integer()])), {
    description: 'Seconds paused per reason (by the day the pause began); the engine wrap-up pause is in AHT instead',
  }),
  pauseTotalSec: Type.Integer(),
  casesCreated: Type.Integer({ description: "Cases registered on the agent's calls" }),
  surveysAnswered: Type.Integer({ description: "Answered surveys of the agent's cases (by the survey end)" }),
  reopened: Type.Integer({ description: 'Of those, surveys whose answers reopened the case' }),
  reopenedShare: nullable(Type.Number({ description: 'reopened ÷ surveysAnswered, 0..1' })),
  rated: Type.Integer(),
  csat: nullable(Type.Number({ description: 'Ratings of 4 or 5 ÷ ratings given, 0..1' })),
  qaEvaluations: Type.Integer({ description: "Quality evaluations of the agent's calls (by the call start)" }),
  qaScore: nullable(Type.Number({ description: 'Mean evaluation score, 0..100' })),
};

const AgentReportBody = Type.Object(
  {
    report: Type.Literal('agents'),
    period: Type.Enum(PERIODS),
    from: JalaliDate,
    to: JalaliDate,
    fromInstant: RangeFields.fromInstant,
    toInstant: RangeFields.toInstant,
    agents: Type.Array(
      Type.Object({
        agentId: Type.String({ format: 'uuid' }),
        name: Type.String(),
        total: Type.Object(AgentFiguresBody, { description: 'The whole range' }),
        periods: Type.Array(Type.Object({ period: Type.String({ description: 'day: 1405-09-11; week: its Saturday; month: 1405-09' }), ...AgentFiguresBody })),
      }),
    ),
    total: Type.Object(AgentFiguresBody, { description: 'Every agent, the whole range' }),
  },
  { title: 'AgentReport' },
);

const CitizenReportBody = Type.Object(
  {
    report: Type.Literal('citizens'),
    by: Type.Enum(LOYALTY_GROUPINGS),
    from: JalaliDate,
    to: JalaliDate,
    fromInstant: RangeFields.fromInstant,
    toInstant: RangeFields.toInstant,
    rows: Type.Array(
      Type.Object({
        key: nullable(Type.String({ description: 'district 1..22, category id, segment; null: not recorded' })),
        label: Type.String(),
        ...LoyaltyFigures,
      }),
    ),
    total: Type.Object(LoyaltyFigures),
  },
  { title: 'CitizenReport' },
);

const CsvText = Type.String({ description: 'UTF-8 with BOM, RFC 4180, CRLF lines, Persian headers' });

function wantsCsv(format: 'json' | 'csv' | undefined, request: FastifyRequest): boolean {
  if (format) return format === 'csv';
  return /(^|,)\s*text\/csv\b/i.test(request.headers.accept ?? '');
}

function head<B extends string>(report: Pick<Report<unknown>, 'range'> & { by: B }) {
  return {
    by: report.by,
    from: report.range.fromDate,
    to: report.range.toDate,
    fromInstant: report.range.from.toISOString(),
    toInstant: report.range.to.toISOString(),
  };
}

function sendCsv(reply: FastifyReply, report: Pick<Report<unknown>, 'range'> & { kind: string; by: string }, table: Table) {
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

const satisfactionJson = (r: SatisfactionReport) => ({
  report: 'satisfaction' as const,
  ...head(r),
  rows: r.rows.map((row) => ({ key: row.key, label: row.label, ...row.figures })),
  total: r.total,
});

const citizenJson = (r: LoyaltyReport) => ({
  report: 'citizens' as const,
  ...head(r),
  rows: r.rows.map((row) => ({ key: row.key, label: row.label, ...row.figures })),
  total: r.total,
});

const agentJson = (r: AgentReport) => ({
  report: 'agents' as const,
  period: r.by,
  from: r.range.fromDate,
  to: r.range.toDate,
  fromInstant: r.range.from.toISOString(),
  toInstant: r.range.to.toISOString(),
  agents: r.agents.map((a) => ({ agentId: a.agentId, name: a.name, total: a.total, periods: a.periods.map((p) => ({ period: p.period, ...p.figures })) })),
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

    app.get(
      '/reports/satisfaction',
      {
        schema: {
          summary: 'Satisfaction report',
          description:
            'Satisfaction surveys that ended in the period (Tehran days, both ends included): response rate, CSAT ' +
            '(share of ratings 4–5), mean rating and solved rate, by the case\'s district or category, or by the ' +
            'queue and agent of the call that opened the case (web and SMS cases: the `key: null` row). ' +
            '`format=csv` or `Accept: text/csv` downloads the table as CSV.',
          tags: ['reports'],
          querystring: SatisfactionQuery,
          response: {
            200: {
              description: 'The report',
              content: { 'application/json': { schema: SatisfactionReportBody }, 'text/csv': { schema: CsvText } },
            },
            ...errorResponses(400, 403),
          },
        },
      },
      async (request, reply) => {
        const { from, to, by = 'district', format } = request.query;
        const report = await deps.reports.satisfaction({ from, to, by });
        if (wantsCsv(format, request)) return sendCsv(reply, report, satisfactionTable(report));
        return reply.send(satisfactionJson(report));
      },
    );

    app.get(
      '/reports/citizens',
      {
        schema: {
          summary: 'Citizen report (loyalty and value)',
          description:
            'Citizens (normalised phone numbers) who contacted the hotline in the period: repeat contact rate (same ' +
            'citizen, same topic within 7 days), first-contact resolution, contacts per citizen, returning share, and ' +
            'by segment (new, returning, frequent, dissatisfied) the CSAT of their surveys. Definitions in the README. ' +
            '`format=csv` or `Accept: text/csv` downloads the table as CSV.',
          tags: ['reports'],
          querystring: CitizenQuery,
          response: {
            200: {
              description: 'The report',
              content: { 'application/json': { schema: CitizenReportBody }, 'text/csv': { schema: CsvText } },
            },
            ...errorResponses(400, 403),
          },
        },
      },
      async (request, reply) => {
        const { from, to, by = 'district', format } = request.query;
        const report = await deps.reports.citizens({ from, to, by });
        if (wantsCsv(format, request)) return sendCsv(reply, report, loyaltyTable(report));
        return reply.send(citizenJson(report));
      },
    );

    app.get(
      '/reports/agents',
      {
        schema: {
          summary: 'Per-agent report',
          description:
            'Per agent, for each Jalali day, week or month of the range and for the whole range: calls answered, AHT, ' +
            'talk, wrap-up and hold, missed rings, pause time by reason, cases created, the share of their surveyed cases ' +
            'reopened by the survey, CSAT and the mean quality score. Definitions in the README. ' +
            '`format=csv` or `Accept: text/csv` downloads one line per agent and period (UTF-8 with BOM). ' +
            'By day the range is at most 93 days (400 by week or month): a longer one is refused with 400, field `period`.',
          tags: ['reports'],
          querystring: AgentQuery,
          response: {
            200: {
              description: 'The report',
              content: { 'application/json': { schema: AgentReportBody }, 'text/csv': { schema: CsvText } },
            },
            ...errorResponses(400, 403),
          },
        },
      },
      async (request, reply) => {
        const { from, to, period = 'day', format } = request.query;
        const report = await deps.reports.agents({ from, to, period });
        if (wantsCsv(format, request)) return sendCsv(reply, report, agentTable(report));
        return reply.send(agentJson(report));
      },
    );
  };
}
