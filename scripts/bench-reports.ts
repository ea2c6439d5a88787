/**
 * `npm run bench:reports`: how long each report takes over a year of data on PostgreSQL.
 *
 * Seeds (or reuses) the database `hotline_bench_reports` on the test cluster with
 * scripts/seed-year.ts (1,000,000 calls, 1,000,000 cases, about 440,000 surveys, Jalali
 * year 1404), then runs every report (calls and cases × day, hour, queue, district,
 * category; satisfaction × district, category, queue, agent; citizens × district, category,
 * segment) for the whole year through
 * the real report service (SQL aggregation + the domain's figures), once to
 * warm the cache and then BENCH_RUNS times, and prints the median, min and max.
 * Also times GET /api/reports/calls?by=day&format=csv and the satisfaction CSV by agent
 * through the real HTTP server (inject), to show what the JSON/CSV layers add.
 *
 * Knobs (environment): BENCH_REPORTS_SERVER (postgres://postgres@127.0.0.1:54329/postgres),
 * BENCH_REPORTS_DATABASE (hotline_bench_reports), BENCH_RUNS (7), SEED_CALLS, SEED_CASES,
 * BENCH_REPORTS_ONLY (e.g. `citizens` or `calls,cases,http`: only those reports; all by default).
 * The database is kept for the next run; drop it with
 * `psql postgres://postgres@127.0.0.1:54329/postgres -c 'drop database hotline_bench_reports'`.
 */
import { cpus, totalmem } from 'node:os';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/adapters/db/database.js';
import { createRepositories } from '../src/adapters/db/repositories.js';
import { GROUPINGS, REPORT_KINDS } from '../src/domain/reports/definitions.js';
import { LOYALTY_GROUPINGS } from '../src/domain/reports/loyalty.js';
import { SATISFACTION_GROUPINGS } from '../src/domain/reports/satisfaction.js';
import { createReportService } from '../src/services/report-service.js';
import { median, ms, reportBenchServer, RUNS, time } from './lib/report-bench.js';
import { DEFAULT_DATABASE, DEFAULT_SERVER, ensureDatabase, SEED_TIMEOUTS, seedYear, YEAR } from './seed-year.js';

const log = (msg: string) => process.stderr.write(`[bench:reports] ${msg}\n`);

async function main(): Promise<void> {
  const server = process.env.BENCH_REPORTS_SERVER ?? DEFAULT_SERVER;
  const name = process.env.BENCH_REPORTS_DATABASE ?? DEFAULT_DATABASE;
  const url = await ensureDatabase(server, name);
  const database = await openDatabase({ url, timeouts: SEED_TIMEOUTS });
  try {
    const seedStarted = performance.now();
    const seeded = await seedYear(database);
    const seedSec = (performance.now() - seedStarted) / 1000;
    const count = async (table: string) =>
      Number(((await database.db.execute(sql.raw(`select count(*) as n from ${table}`))) as unknown as { rows: { n: string }[] }).rows[0]!.n);
    const sizes = {
      calls: await count('calls'),
      cases: await count('cases'),
      events: await count('case_events'),
      surveys: await count('surveys'),
      surveysEnded: await count(`surveys where ended_at is not null and status <> 'cancelled'`),
    };
    const version = ((await database.db.execute(sql`show server_version`)) as unknown as { rows: { server_version: string }[] }).rows[0]!.server_version;

    const repos = createRepositories(database);
    const service = createReportService(repos.reports, { now: () => new Date('2026-03-21T12:00:00Z') });
    const query = { from: YEAR.jalaliFrom, to: YEAR.jalaliTo };
    const only = process.env.BENCH_REPORTS_ONLY?.split(',').map((s) => s.trim());
    const wanted = (what: string) => !only || only.includes(what);
    const lines: string[] = [];
    for (const kind of REPORT_KINDS.filter(wanted)) {
      for (const by of GROUPINGS) {
        const times = await time(() => (kind === 'calls' ? service.calls({ ...query, by }) : service.cases({ ...query, by })));
        lines.push(`| ${kind} | ${by} | ${ms(median(times))} | ${ms(Math.min(...times))} | ${ms(Math.max(...times))} |`);
        log(`${kind} by ${by}: median ${ms(median(times))} ms`);
      }
    }
    for (const by of wanted('satisfaction') ? SATISFACTION_GROUPINGS : []) {
      const times = await time(() => service.satisfaction({ ...query, by }));
      lines.push(`| satisfaction | ${by} | ${ms(median(times))} | ${ms(Math.min(...times))} | ${ms(Math.max(...times))} |`);
      log(`satisfaction by ${by}: median ${ms(median(times))} ms`);
    }
    // The citizen report over one Jalali month (Mehr 1404): a year takes tens of seconds
    // (docs/benchmarks.md), which 8 runs × 3 groupings would turn into half an hour.
    const month = { from: '1404-07-01', to: '1404-07-30' };
    // A database migrated since its seeding (citizen_contacts, migration 0028) has no
    // visibility map for the new table yet; a live one gets it from autovacuum.
    if (wanted('citizens')) await database.db.execute(sql`vacuum (analyze) citizen_contacts`);
    for (const by of wanted('citizens') ? LOYALTY_GROUPINGS : []) {
      const times = await time(() => service.citizens({ ...month, by }));
      lines.push(`| citizens (${month.from}..${month.to}) | ${by} | ${ms(median(times))} | ${ms(Math.min(...times))} | ${ms(Math.max(...times))} |`);
      log(`citizens by ${by}: median ${ms(median(times))} ms`);
    }

    const token = 'bench-reports-token';
    const app = await reportBenchServer(repos, service, token);
    const httpLines: string[] = [];
    for (const path of wanted('http') ? [
      `/api/reports/calls?from=${query.from}&to=${query.to}&by=day`,
      `/api/reports/calls?from=${query.from}&to=${query.to}&by=day&format=csv`,
      `/api/reports/cases?from=${query.from}&to=${query.to}&by=district&format=csv`,
      `/api/reports/satisfaction?from=${query.from}&to=${query.to}&by=agent&format=csv`,
    ] : []) {
      const times = await time(async () => {
        const res = await app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${token}` } });
        if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
      });
      httpLines.push(`| \`GET ${path}\` | ${ms(median(times))} | ${ms(Math.min(...times))} | ${ms(Math.max(...times))} |`);
    }
    await app.close();

    process.stdout.write(
      [
        '',
        `## Reports over a year — ${new Date().toISOString()}`,
        '',
        `Node ${process.version}, ${cpus().length} CPU (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, PostgreSQL ${version}`,
        `Data: ${sizes.calls.toLocaleString('en-US')} calls, ${sizes.cases.toLocaleString('en-US')} cases, ${sizes.events.toLocaleString('en-US')} case events, ` +
          `${sizes.surveys.toLocaleString('en-US')} surveys (${sizes.surveysEnded.toLocaleString('en-US')} ended and reported)` +
          (seeded ? ` (seeded in ${seedSec.toFixed(0)} s)` : ' (reused)'),
        `Period: ${query.from} .. ${query.to} (the whole year); ${RUNS} runs after one warm-up; milliseconds.`,
        '',
        '| report | by | median | min | max |',
        '|---|---|---:|---:|---:|',
        ...lines,
        '',
        '| HTTP (inject, admin token) | median | min | max |',
        '|---|---:|---:|---:|',
        ...httpLines,
        '',
      ].join('\n'),
    );
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench:reports] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  // drizzle wraps the driver's error: PostgreSQL's own message is its cause.
  const cause = err instanceof Error ? (err.cause as Error | undefined) : undefined;
  if (cause) process.stderr.write(`[bench:reports] caused by: ${cause.message}\n`);
  process.exitCode = 1;
});
