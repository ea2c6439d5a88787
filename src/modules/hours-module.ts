import type { Logger } from 'pino';
import type { Ami } from '../adapters/ami/ami-client.js';
import type { Repositories } from '../adapters/db/repositories.js';
import { hoursApi } from '../adapters/http/hours-api.js';
import type { Holiday } from '../domain/calendar/holidays.js';
import { OfficeHoursService } from '../services/office-hours-service.js';

/** The AstDB copy is refreshed this often (holidays come into its horizon). */
const ASTDB_SYNC_MS = 6 * 60 * 60_000;
/** Another instance (or a worker's admin) may have changed the calendar in the database. */
const CALENDAR_REFRESH_MS = 60_000;

/**
 * Office hours, loaded from the database and mirrored into Asterisk's AstDB at every
 * AMI connection and every few hours, so the dialplan decides alone when the engine is down.
 */
export async function createHoursModule(deps: {
  repos: Pick<Repositories, 'settings' | 'holidays' | 'districts' | 'users'>;
  /** Holidays that seed an empty calendar table (config/holidays.json). */
  seed: readonly Holiday[];
  ami: Ami;
  now: () => Date;
  logger: Logger;
}) {
  const { ami, now, logger, repos } = deps;
  const hours = new OfficeHoursService({
    settings: repos.settings,
    holidayRepo: repos.holidays,
    districts: repos.districts,
    users: repos.users,
    seed: [...deps.seed],
    ami,
    logger: logger.child({ component: 'hours' }),
    now,
  });
  await hours.load();
  ami.on('connected', () => {
    hours.syncToAsterisk(now()).catch((err: Error) => logger.warn({ err: err.message }, 'AstDB sync failed'));
  });
  const astdbSync = setInterval(() => {
    if (ami.isConnected()) hours.syncToAsterisk(now()).catch(() => undefined);
  }, ASTDB_SYNC_MS);
  astdbSync.unref();

  const calendarRefresh = setInterval(() => {
    hours.refresh().catch((err: Error) => logger.warn({ err: err.message }, 'calendar refresh failed'));
  }, CALENDAR_REFRESH_MS);
  calendarRefresh.unref();

  return {
    service: hours,
    /** What the API offers (/api/hours…, the calendar's pages). */
    api: hoursApi(hours),
    stop: () => {
      clearInterval(astdbSync);
      clearInterval(calendarRefresh);
    },
  };
}
