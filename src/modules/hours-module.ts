import type { Logger } from 'pino';
import type { AmiClient } from '../adapters/ami/ami-client.js';
import type { HoursService } from '../adapters/http/deps.js';
import type { Holiday } from '../domain/calendar/holidays.js';
import { DEFAULT_WEEKLY } from '../domain/calendar/office-hours.js';
import type { SettingsRepo } from '../domain/cases/ports.js';
import { OfficeHoursService } from '../services/office-hours-service.js';

/** The AstDB copy is refreshed this often (holidays come into its horizon). */
const ASTDB_SYNC_MS = 6 * 60 * 60_000;

/**
 * Office hours, loaded from the database and mirrored into Asterisk's AstDB at every
 * AMI connection and every few hours, so the dialplan decides alone when the engine is down.
 */
export async function createHoursModule(deps: {
  settings: SettingsRepo;
  ami: AmiClient;
  holidays: readonly Holiday[];
  now: () => Date;
  logger: Logger;
}) {
  const { ami, now, logger } = deps;
  const hours = new OfficeHoursService({
    config: { weekly: DEFAULT_WEEKLY, holidays: deps.holidays },
    settings: deps.settings,
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

  /** What the API offers (GET/PUT /api/hours…). */
  const api: HoursService = {
    getOverride: async () => hours.getOverride(),
    setOverride: (mode, actor) => hours.setOverride(mode, actor),
    status: async (at) => {
      const s = hours.status(at);
      return { open: s.open, mode: s.mode, ...(s.nextOpening ? { nextOpening: s.nextOpening } : {}) };
    },
  };

  return { service: hours, api, stop: () => clearInterval(astdbSync) };
}
