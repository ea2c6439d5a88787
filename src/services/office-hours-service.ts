import type { Logger } from 'pino';
import type { Ami } from '../adapters/ami/ami-client.js';
import type { DistrictRepo, SettingsRepo } from '../domain/cases/ports.js';
import { DISTRICT_COUNT } from '../domain/cases/case.js';
import { districtHours } from '../domain/cases/district.js';
import { coverageWarning, lunarCoverage, type LunarCoverage } from '../domain/calendar/coverage.js';
import { hotlineError } from '../domain/errors.js';
import { holidayDateString, parseHolidayDate, type Holiday, type HolidayKind } from '../domain/calendar/holidays.js';
import {
  DEFAULT_WEEKLY,
  holidayGregorianDates,
  isOpen,
  nextOpening,
  parseWeekly,
  type OfficeHoursConfig,
  type OverrideMode,
  type WeeklyHours,
} from '../domain/calendar/office-hours.js';
import type { HolidayRepo, StoredHoliday } from '../domain/calendar/ports.js';
import { WEEKDAYS } from '../domain/calendar/tehran-time.js';
import type { UserRepo } from '../domain/users/user.js';

const OVERRIDE_KEY = 'hours.override';
const OVERRIDE_BY_KEY = 'hours.override.by';
const WEEKLY_KEY = 'hours.weekly';
/** How far ahead the dialplan fallback is told about holidays. */
const HOLIDAY_HORIZON_DAYS = 60;
/** AstDB key names of the weekdays: what the dialplan's STRFTIME(...,%a) gives. */
const ASTDB_DAY: Record<(typeof WEEKDAYS)[number], string> = {
  saturday: 'Sat',
  sunday: 'Sun',
  monday: 'Mon',
  tuesday: 'Tue',
  wednesday: 'Wed',
  thursday: 'Thu',
  friday: 'Fri',
};

/** isOpen and nextOpening for one minute of one calendar (see OfficeHoursService.minuteOf). */
interface MinuteAnswer {
  index: number;
  override: OverrideMode;
  hotline: HotlineHours;
  stored: StoredHoliday[];
  open: boolean;
  next?: Date;
}

export interface OfficeHoursStatus {
  open: boolean;
  mode: OverrideMode;
  nextOpening: string | null;
}

/** Who last changed the override, and when (ISO); null before anyone did. */
export interface OverrideSetBy {
  actor: string;
  name: string;
  at: string;
}

/** The hotline's own hours. `observeHolidays: false` keeps it open on holidays (a 24/7 service). */
export interface HotlineHours {
  weekly: WeeklyHours;
  observeHolidays: boolean;
}

export interface CalendarView extends HotlineHours {
  override: { mode: OverrideMode; setBy: OverrideSetBy | null };
  holidays: StoredHoliday[];
  districts: { id: number; name: string; officeHours: WeeklyHours | null; effective: WeeklyHours }[];
  coverage: LunarCoverage;
  warnings: string[];
}

export interface HolidayInput {
  /** "1406/02/27", or "* / 01 / 01" without spaces for a solar holiday. */
  date: string;
  name: string;
  kind: HolidayKind;
  district?: number | null;
}

/**
 * The hotline's calendar: its weekly hours, the holidays and closures, the override,
 * and the districts' own hours. All of it is data (database), edited over the API and
 * effective at once: the IVR asks `isOpen` on every call, and `holidays` is one array
 * handed by reference to dispatch, surveys and callbacks, replaced in place on change.
 * Everything the dialplan fallback needs is mirrored into Asterisk's AstDB on each
 * change and at every AMI connection, so it decides by itself when the engine is down.
 */
export class OfficeHoursService {
  /** Every holiday and closure (city-wide and per district). Shared by reference: never reassigned. */
  readonly holidays: Holiday[] = [];
  private stored: StoredHoliday[] = [];
  private override: OverrideMode = 'auto';
  private overrideBy: OverrideSetBy | null = null;
  private hotline: HotlineHours = { weekly: { ...DEFAULT_WEEKLY }, observeHolidays: true };
  private lastMinute: MinuteAnswer | undefined;

  constructor(
    private readonly deps: {
      settings: SettingsRepo;
      holidayRepo: HolidayRepo;
      districts: Pick<DistrictRepo, 'list' | 'get' | 'update'>;
      ami: Pick<Ami, 'action' | 'isConnected'>;
      logger: Logger;
      /** Fills an empty holiday table at first start (config/holidays.json). */
      seed?: readonly Holiday[];
      /** Names the people in "set by"; ids only without it. */
      users?: Pick<UserRepo, 'findById'>;
      /** The engine's clock (a test's, in tests); the real one by default. */
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Seeds the holidays once, then reads everything; `refresh` re-reads (other instances' changes). */
  async load(): Promise<void> {
    if (this.deps.seed) {
      const seeded = await this.deps.holidayRepo.seedOnce(this.deps.seed);
      if (seeded > 0) this.deps.logger.info({ seeded }, 'holidays seeded from the seed file');
    }
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const { settings } = this.deps;
    const [mode, by, weekly, stored] = await Promise.all([
      settings.get(OVERRIDE_KEY),
      settings.get(OVERRIDE_BY_KEY),
      settings.get(WEEKLY_KEY),
      this.deps.holidayRepo.list(),
    ]);
    this.override = parseMode(mode);
    this.overrideBy = parseJson<OverrideSetBy>(by);
    this.hotline = parseHotlineHours(weekly, this.deps.logger);
    this.stored = stored;
    this.holidays.splice(0, this.holidays.length, ...stored);
  }

  /** The hotline's calendar (its weekly hours and, unless it ignores them, the city-wide holidays). */
  hotlineConfig(): OfficeHoursConfig {
    return { weekly: this.hotline.weekly, holidays: this.hotline.observeHolidays ? this.holidays : [] };
  }

  /** Synchronous: the IVR asks on every event. */
  isOpen(now: Date): boolean {
    return this.minuteOf(now).open;
  }

  /** When agents answer again by the calendar (`now` while open); null when the override holds it closed. */
  nextOpening(now: Date): Date | null {
    if (this.override === 'closed') return null;
    if (this.override === 'open') return now;
    const minute = this.minuteOf(now);
    if (minute.open) return now;
    // Closed: the next opening is a whole minute, the same for every instant of this one.
    minute.next ??= nextOpening(now, this.hotlineConfig());
    return minute.next;
  }

  /**
   * The calendar's answer for the minute of `now`, kept until the minute or the calendar
   * changes: the IVR asks on every event of every call, and working it out (Tehran's
   * wall clock, the Jalali date, the holidays) was a tenth of the engine's CPU per call.
   * The hours are whole minutes of Tehran time, so one answer holds for the whole minute.
   * Every change replaces `override`, `hotline` or `stored`: a changed reference is a miss.
   */
  private minuteOf(now: Date): MinuteAnswer {
    const index = Math.floor(now.getTime() / 60_000);
    const kept = this.lastMinute;
    if (kept && kept.index === index && kept.override === this.override && kept.hotline === this.hotline && kept.stored === this.stored) return kept;
    const answer: MinuteAnswer = {
      index,
      override: this.override,
      hotline: this.hotline,
      stored: this.stored,
      open: isOpen(now, this.hotlineConfig(), this.override),
    };
    this.lastMinute = answer;
    return answer;
  }

  getOverride(): OverrideMode {
    return this.override;
  }

  async setOverride(mode: OverrideMode, actor: string): Promise<void> {
    const by: OverrideSetBy = { actor, name: await this.nameOf(actor), at: this.now().toISOString() };
    await this.deps.settings.set(OVERRIDE_KEY, mode);
    await this.deps.settings.set(OVERRIDE_BY_KEY, JSON.stringify(by));
    this.override = mode;
    this.overrideBy = by;
    this.deps.logger.info({ mode, actor }, 'office hours override changed');
    await this.mirror();
  }

  async setHotlineHours(hours: { weekly: unknown; observeHolidays: boolean }, actor: string): Promise<HotlineHours> {
    const next: HotlineHours = { weekly: parseWeekly(hours.weekly), observeHolidays: hours.observeHolidays };
    await this.deps.settings.set(WEEKLY_KEY, JSON.stringify(next));
    this.hotline = next;
    this.deps.logger.info({ actor, ...next }, 'hotline hours changed');
    await this.mirror();
    return next;
  }

  async addHoliday(input: HolidayInput, actor: string): Promise<StoredHoliday> {
    const parsed = parseHolidayDate(input.date);
    if ('error' in parsed) throw hotlineError('HOTLINE_ERR_VALIDATION', parsed.error);
    if ((input.kind === 'solar') !== (parsed.jy === null)) {
      throw hotlineError(
        'HOTLINE_ERR_VALIDATION',
        input.kind === 'solar' ? 'a solar holiday recurs: write its date as */MM/DD' : `a ${input.kind} day needs its year: YYYY/MM/DD`,
      );
    }
    const name = input.name.trim();
    if (name === '') throw hotlineError('HOTLINE_ERR_VALIDATION', 'the holiday needs a name');
    const district = input.district ?? null;
    if (district !== null && (!Number.isInteger(district) || district < 1 || district > DISTRICT_COUNT)) {
      throw hotlineError('HOTLINE_ERR_VALIDATION', `district must be 1-${DISTRICT_COUNT}`);
    }
    const date = holidayDateString(parsed);
    if (this.stored.some((h) => holidayDateString(h) === date && h.name === name && h.district === district)) {
      throw hotlineError('HOTLINE_ERR_CONFLICT', `${date} ${name} is already in the calendar`);
    }
    const added = await this.deps.holidayRepo.add({ ...parsed, kind: input.kind, name, district }, actor, this.now());
    this.deps.logger.info({ actor, id: added.id, date, kind: input.kind, district }, 'holiday added');
    await this.refresh();
    await this.mirror();
    return added;
  }

  async removeHoliday(id: number, actor: string): Promise<void> {
    if (!(await this.deps.holidayRepo.remove(id))) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `No holiday ${id}`);
    this.deps.logger.info({ actor, id }, 'holiday removed');
    await this.refresh();
    await this.mirror();
  }

  /** A district's own hours; null returns it to the default district hours. */
  async setDistrictHours(id: number, weekly: unknown, actor: string): Promise<WeeklyHours> {
    const officeHours = weekly === null ? null : parseWeekly(weekly);
    if (!(await this.deps.districts.get(id))) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `No district ${id}`);
    const district = await this.deps.districts.update(id, { officeHours });
    this.deps.logger.info({ actor, district: id, custom: officeHours !== null }, 'district hours changed');
    return districtHours(district);
  }

  status(now: Date): OfficeHoursStatus {
    const open = this.isOpen(now);
    const next = open ? null : this.nextOpening(now);
    return { open, mode: this.override, nextOpening: next ? next.toISOString() : null };
  }

  /** Risks an operator should act on (for /api/health and the page). */
  warnings(now: Date): string[] {
    const warning = coverageWarning(lunarCoverage(this.holidays, now));
    return warning ? [warning] : [];
  }

  async calendar(now: Date): Promise<CalendarView> {
    const districts = await this.deps.districts.list();
    return {
      ...this.hotline,
      override: { mode: this.override, setBy: this.overrideBy },
      holidays: [...this.stored],
      districts: districts.map((d) => ({ id: d.id, name: d.name, officeHours: d.officeHours, effective: districtHours(d) })),
      coverage: lunarCoverage(this.holidays, now),
      warnings: this.warnings(now),
    };
  }

  /** After a change: AstDB now if AMI is up; otherwise the next connection writes it. */
  private async mirror(): Promise<void> {
    await this.syncToAsterisk(this.now()).catch((err: Error) =>
      this.deps.logger.warn({ err: err.message }, 'calendar not mirrored to Asterisk yet (AMI down?); will retry on reconnect'),
    );
  }

  /**
   * Writes into AstDB what the dialplan fallback decides by: the override, each weekday's
   * hours (`hotline-hours/<Sat..Fri>` = `<open minute>-<close minute>` of the Tehran day,
   * or `closed`) and the holidays of the coming days (`hotline-holiday/<YYYY-MM-DD>`).
   */
  async syncToAsterisk(now: Date): Promise<void> {
    const { ami } = this.deps;
    if (!ami.isConnected()) throw new Error('AMI is not connected');
    await ami.action({ action: 'DBPut', family: 'hotline', key: 'override', val: this.override });
    for (const day of WEEKDAYS) {
      await ami.action({ action: 'DBPut', family: 'hotline-hours', key: ASTDB_DAY[day], val: astdbHours(this.hotline.weekly[day]) });
    }
    await ami.action({ action: 'DBDelTree', family: 'hotline-holiday' }).catch(() => undefined);
    for (const date of holidayGregorianDates(this.hotlineConfig(), now, HOLIDAY_HORIZON_DAYS)) {
      await ami.action({ action: 'DBPut', family: 'hotline-holiday', key: date, val: '1' });
    }
  }

  private async nameOf(actor: string): Promise<string> {
    if (!this.deps.users || actor === 'admin') return actor;
    const user = await this.deps.users.findById(actor).catch(() => null);
    return user ? `${user.displayName} (${user.username})` : actor;
  }
}

function astdbHours(hours: WeeklyHours[keyof WeeklyHours]): string {
  if (hours === null) return 'closed';
  const minute = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return `${minute(hours.open)}-${minute(hours.close)}`;
}

function parseMode(value: string | null): OverrideMode {
  return value === 'open' || value === 'closed' ? value : 'auto';
}

function parseJson<T>(value: string | null): T | null {
  if (value === null) return null;
  try {
    return JSON.parse(value) as T;
  } catch {
    return null;
  }
}

/** The stored hours, or the seed (DEFAULT_WEEKLY) when none are stored or they no longer parse. */
function parseHotlineHours(value: string | null, logger: Logger): HotlineHours {
  const json = parseJson<{ weekly?: unknown; observeHolidays?: unknown }>(value);
  if (json === null) return { weekly: { ...DEFAULT_WEEKLY }, observeHolidays: true };
  try {
    return { weekly: parseWeekly(json.weekly), observeHolidays: json.observeHolidays !== false };
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'stored hotline hours are invalid; using the default hours');
    return { weekly: { ...DEFAULT_WEEKLY }, observeHolidays: true };
  }
}
