/**
 * A process that only works the queues (district dispatch, SLA escalation): run more
 * of them, on any machine reaching the same Redis and database, to scale dispatch out.
 */
import 'dotenv/config';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createLogger } from './adapters/log/logger.js';
import { openDatabase } from './adapters/db/database.js';
import { createRepositories } from './adapters/db/repositories.js';
import { startJobs } from './adapters/jobs/start-jobs.js';
import { loadConfig } from './config.js';
import { parseHolidays, type Holiday } from './domain/calendar/holidays.js';
import { createSmsModule } from './sms/sms-module.js';

const CALENDAR_REFRESH_MS = 60_000;

const logger = createLogger(process.env.LOG_LEVEL ?? 'info');

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(
    config.databaseUrl ? { url: config.databaseUrl, timeouts: config.databaseTimeouts } : { pgliteDir: path.join(config.dataDir, 'pglite') },
  );
  if (database.kind === 'pglite') {
    logger.warn('the embedded PGlite database belongs to one process: a separate worker needs DATABASE_URL (PostgreSQL)');
  }
  // Dispatch never reclassifies, but a due time set here must be the service's.
  const holidays: Holiday[] = [];
  const storedRepos = createRepositories(database, { slaPolicy: { hours: config.slaHours, clock: config.slaClock, holidays: () => holidays } });
  // Dispatch marks cases dispatched here: the citizen's text is queued from here too, and sent by any worker.
  const sms = config.sms
    ? createSmsModule({
        config: config.sms,
        db: database.db,
        cases: storedRepos.cases,
        connection: { url: config.redisUrl, maxRetriesPerRequest: null },
        prefix: config.jobs.prefix,
        work: true,
        now: () => new Date(),
        logger,
      })
    : null;
  const repos = sms ? { ...storedRepos, cases: sms.wrapCases(storedRepos.cases) } : storedRepos;
  // The calendar is data: seeded from the file once (whichever process starts first),
  // then read from the database and re-read every minute, so a change on /hours reaches
  // this worker's deliveries within a minute.
  await storedRepos.holidays.seedOnce(parseHolidays(JSON.parse(await readFile(config.holidaysFile, 'utf8'))));
  const loadHolidays = async () => {
    const stored = await storedRepos.holidays.list();
    holidays.splice(0, holidays.length, ...stored);
  };
  await loadHolidays();
  const refresh = setInterval(() => {
    loadHolidays().catch((err: Error) => logger.warn({ err: err.message }, 'calendar refresh failed'));
  }, CALENDAR_REFRESH_MS);
  refresh.unref();
  const jobs = startJobs({
    redisUrl: config.redisUrl,
    prefix: config.jobs.prefix,
    runWorkers: true,
    dispatch: config.jobs.dispatch,
    repos,
    holidays,
    escalationWebhook: config.escalationWebhook,
    logger,
    now: () => new Date(),
  });
  logger.info({ prefix: config.jobs.prefix }, 'hotline-137 worker is up');

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'worker shutting down');
    // Workers finish their current jobs before closing; what is left stays in Redis.
    Promise.all([jobs.close(), sms?.close()])
      .then(() => database.close())
      .then(
        () => process.exit(0),
        (err: Error) => {
          logger.error({ err: err.message }, 'unclean worker shutdown');
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: Error) => {
  logger.fatal({ err: err.message, code: (err as { code?: string }).code }, 'hotline-137 worker could not start');
  process.exit(1);
});
