import type { FastifyInstance, InjectOptions } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfficeHoursService } from '../../src/services/office-hours-service.js';
import { parseHolidays } from '../../src/domain/calendar/holidays.js';
import { authenticateTestToken, openHttpBackend, startHttpApp, type HttpBackend } from '../helpers/http-app.js';

/**
 * Hours and holidays as data, over the API: edited by supervisors, checked as they come
 * in, and in force at once for GET /api/hours (what the IVR asks).
 */

// 1406/02/25 is Saturday 2027-05-15. 10:00 Tehran is 06:30Z.
const SAT_1406_02_25_10_00 = new Date('2027-05-15T06:30:00Z');
// Friday 2027-05-14 03:00 Tehran.
const FRIDAY_03_00 = new Date('2027-05-13T23:30:00Z');

let backend: HttpBackend;
let app: FastifyInstance;
let now = SAT_1406_02_25_10_00;

beforeAll(async () => {
  backend = await openHttpBackend();
  ({ app } = await startHttpApp(backend, { now: () => now, authenticate: authenticateTestToken }));
}, 60_000);

afterAll(async () => {
  await app?.close();
  await backend?.close();
});

function call(options: InjectOptions & { token?: string }) {
  const { token = 'supervisor-token', ...rest } = options;
  return app.inject({ ...rest, headers: { authorization: `Bearer ${token}` } });
}

const DAY = { open: '07:00', close: '19:00' };
const WEEK = { saturday: DAY, sunday: DAY, monday: DAY, tuesday: DAY, wednesday: DAY, thursday: { open: '07:00', close: '13:00' }, friday: null };
const ALL_DAY = { open: '00:00', close: '24:00' };
const ROUND_THE_CLOCK = Object.fromEntries(Object.keys(WEEK).map((d) => [d, ALL_DAY]));

describe('the calendar API', () => {
  it('starts from the seed hours and says the lunar holidays have run out', async () => {
    const res = await call({ method: 'GET', url: '/api/hours/calendar' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.weekly).toEqual(WEEK);
    expect(body.observeHolidays).toBe(true);
    expect(body.districts).toHaveLength(22);
    expect(body.coverage).toMatchObject({ lastYear: null, warn: true });
    expect(body.warnings.join()).toMatch(/no lunar holidays/);
  });

  it('a lunar holiday added closes the hotline that day at once, and removing it opens it again', async () => {
    expect((await call({ method: 'GET', url: '/api/hours' })).json()).toMatchObject({ open: true });
    const added = await call({
      method: 'POST',
      url: '/api/hours/holidays',
      payload: { date: '1406/02/25', name: 'عید سعید قربان', kind: 'lunar' },
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ date: '1406/02/25', kind: 'lunar', district: null, createdBy: 'sup-1' });
    const closed = (await call({ method: 'GET', url: '/api/hours' })).json();
    // Sunday 07:00 Tehran.
    expect(closed).toEqual({ open: false, mode: 'auto', nextOpening: '2027-05-16T03:30:00.000Z' });

    const again = await call({ method: 'POST', url: '/api/hours/holidays', payload: { date: '1406/02/25', name: 'عید سعید قربان', kind: 'lunar' } });
    expect(again.statusCode).toBe(409);

    const removed = await call({ method: 'DELETE', url: `/api/hours/holidays/${added.json().id}` });
    expect(removed.statusCode).toBe(204);
    expect((await call({ method: 'GET', url: '/api/hours' })).json()).toMatchObject({ open: true });
    expect((await call({ method: 'DELETE', url: `/api/hours/holidays/${added.json().id}` })).statusCode).toBe(404);
  });

  it("a district's closure leaves the hotline open", async () => {
    const res = await call({
      method: 'POST',
      url: '/api/hours/holidays',
      payload: { date: '1406/02/25', name: 'آلودگی هوا', kind: 'closure', district: 7 },
    });
    expect(res.statusCode).toBe(201);
    expect((await call({ method: 'GET', url: '/api/hours' })).json()).toMatchObject({ open: true });
    const calendar = (await call({ method: 'GET', url: '/api/hours/calendar' })).json();
    expect(calendar.holidays).toEqual([expect.objectContaining({ name: 'آلودگی هوا', district: 7, kind: 'closure' })]);
  });

  it('round the clock, holidays ignored: open on a Friday night', async () => {
    now = FRIDAY_03_00;
    try {
      expect((await call({ method: 'GET', url: '/api/hours' })).json()).toMatchObject({ open: false });
      const res = await call({ method: 'PUT', url: '/api/hours/weekly', payload: { weekly: ROUND_THE_CLOCK, observeHolidays: false } });
      expect(res.statusCode).toBe(200);
      expect((await call({ method: 'GET', url: '/api/hours' })).json()).toEqual({ open: true, mode: 'auto' });
    } finally {
      now = SAT_1406_02_25_10_00;
      await call({ method: 'PUT', url: '/api/hours/weekly', payload: { weekly: WEEK, observeHolidays: true } });
    }
  });

  it('refuses what is not a calendar, naming what is wrong, and changes nothing', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['/api/hours/holidays', { date: '*/01/01', name: 'x', kind: 'lunar' }, /needs its year/],
      ['/api/hours/holidays', { date: '1406/01/01', name: 'x', kind: 'solar' }, /recurs/],
      ['/api/hours/holidays', { date: '2027/05/15', name: 'x', kind: 'closure' }, /not a Jalali year/],
      ['/api/hours/holidays', { date: '1406/12/30', name: 'x', kind: 'closure' }, /1406 has no day 30 in month 12/],
      ['/api/hours/holidays', { date: '1406/01/01', name: '   ', kind: 'closure' }, /needs a name/],
    ];
    for (const [url, payload, message] of cases) {
      const res = await call({ method: 'POST', url, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('HOTLINE_ERR_VALIDATION');
      expect(res.json().error.message).toMatch(message);
    }
    const backwards = await call({
      method: 'PUT',
      url: '/api/hours/weekly',
      payload: { weekly: { ...WEEK, monday: { open: '19:00', close: '07:00' } }, observeHolidays: true },
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.message).toMatch(/monday opens at 19:00 but closes at 07:00/);
    const missing = await call({ method: 'PUT', url: '/api/hours/weekly', payload: { weekly: { saturday: DAY }, observeHolidays: true } });
    expect(missing.statusCode).toBe(400);
    const calendar = (await call({ method: 'GET', url: '/api/hours/calendar' })).json();
    expect(calendar.weekly).toEqual(WEEK);
    expect(calendar.holidays).toHaveLength(1);
  });

  it("sets a district's hours and returns it to the default", async () => {
    const custom = { ...WEEK, sunday: { open: '09:00', close: '12:00' } };
    const res = await call({ method: 'PUT', url: '/api/hours/districts/5', payload: { officeHours: custom } });
    expect(res.statusCode).toBe(200);
    expect(res.json().effective.sunday).toEqual({ open: '09:00', close: '12:00' });
    expect((await backend.repos.districts.get(5))?.officeHours).toEqual(custom);
    const reset = await call({ method: 'PUT', url: '/api/hours/districts/5', payload: { officeHours: null } });
    expect(reset.json().effective.sunday).toEqual({ open: '07:30', close: '14:30' });
    expect((await backend.repos.districts.get(5))?.officeHours).toBeNull();
  });

  it('answers by the minute of the clock, and a change within the minute at once', async () => {
    // Saturday 18:59:59.999 and 19:00:00.000 Tehran (15:29Z, 15:30Z): the hours close at 19:00.
    const lastInstant = new Date('2027-05-15T15:29:59.999Z');
    const closing = new Date('2027-05-15T15:30:00.000Z');
    try {
      now = new Date('2027-05-15T15:29:00.000Z');
      expect((await call({ method: 'GET', url: '/api/hours' })).json()).toMatchObject({ open: true });
      now = lastInstant;
      expect((await call({ method: 'GET', url: '/api/hours' })).json()).toMatchObject({ open: true });
      now = closing;
      // Sunday 07:00 Tehran.
      expect((await call({ method: 'GET', url: '/api/hours' })).json()).toEqual({ open: false, mode: 'auto', nextOpening: '2027-05-16T03:30:00.000Z' });
      await call({ method: 'PUT', url: '/api/hours/override', payload: { mode: 'open' } });
      expect((await call({ method: 'GET', url: '/api/hours' })).json()).toMatchObject({ open: true, mode: 'open' });
      await call({ method: 'PUT', url: '/api/hours/override', payload: { mode: 'auto' } });
      expect((await call({ method: 'GET', url: '/api/hours' })).json()).toMatchObject({ open: false, mode: 'auto' });
      now = lastInstant;
      expect((await call({ method: 'GET', url: '/api/hours' })).json()).toMatchObject({ open: true });
    } finally {
      now = SAT_1406_02_25_10_00;
      await call({ method: 'PUT', url: '/api/hours/override', payload: { mode: 'auto' } });
    }
  });

  it('says who set the override and when', async () => {
    await call({ method: 'PUT', url: '/api/hours/override', payload: { mode: 'closed' } });
    try {
      const { override } = (await call({ method: 'GET', url: '/api/hours/calendar' })).json();
      expect(override.mode).toBe('closed');
      expect(override.setBy).toMatchObject({ actor: 'sup-1' });
      expect(Date.parse(override.setBy.at)).not.toBeNaN();
    } finally {
      await call({ method: 'PUT', url: '/api/hours/override', payload: { mode: 'auto' } });
    }
  });
});

describe('seeding from the holidays file', () => {
  it('fills the table once: holidays an admin deleted do not come back', async () => {
    const seeded = await openHttpBackend();
    try {
      const seed = parseHolidays({
        holidays: [
          { date: '*/01/01', name: 'نوروز' },
          { date: '1406/03/25', name: 'عاشورا' },
        ],
      });
      const make = () =>
        new OfficeHoursService({
          settings: seeded.repos.settings,
          holidayRepo: seeded.repos.holidays,
          districts: seeded.repos.districts,
          ami: { isConnected: () => false, action: () => Promise.reject(new Error('down')) },
          logger: pino({ level: 'silent' }),
          seed,
        });
      const first = make();
      await first.load();
      expect(first.holidays.map((h) => [h.kind, h.jy, h.name])).toEqual([
        ['solar', null, 'نوروز'],
        ['lunar', 1406, 'عاشورا'],
      ]);
      // /api/health's calendar warning: quiet a year ahead, loud 60 days before 1407 (2028-03-20).
      expect(first.warnings(new Date('2027-06-01T08:00:00Z'))).toEqual([]);
      expect(first.warnings(new Date('2028-02-01T08:00:00Z'))).toEqual([expect.stringMatching(/lunar holidays end with 1406; enter 1407's/)]);
      await first.removeHoliday((await seeded.repos.holidays.list())[0]!.id, 'admin');
      const second = make();
      await second.load();
      expect(second.holidays.map((h) => h.name)).toEqual(['عاشورا']);
    } finally {
      await seeded.close();
    }
  });
});

describe('mirroring into AstDB for the dialplan fallback', () => {
  it('writes the override, each weekday\'s minutes and the coming holidays; a 24/7 line ignoring holidays writes none', async () => {
    const mirrored = await openHttpBackend();
    try {
      const actions: Record<string, string>[] = [];
      const service = new OfficeHoursService({
        settings: mirrored.repos.settings,
        holidayRepo: mirrored.repos.holidays,
        districts: mirrored.repos.districts,
        ami: { isConnected: () => true, action: async (a: Record<string, string>) => (actions.push(a), {}) },
        logger: pino({ level: 'silent' }),
        now: () => SAT_1406_02_25_10_00,
      });
      await service.load();
      await service.addHoliday({ date: '1406/02/25', name: 'عید سعید قربان', kind: 'lunar' }, 'admin');
      await service.addHoliday({ date: '1406/02/26', name: 'آلودگی هوا', kind: 'closure', district: 4 }, 'admin');
      const puts = () => Object.fromEntries(actions.filter((a) => a.action === 'DBPut').map((a) => [`${a.family}/${a.key}`, a.val]));
      expect(puts()).toMatchObject({
        'hotline/override': 'auto',
        'hotline-hours/Sat': '420-1140',
        'hotline-hours/Thu': '420-780',
        'hotline-hours/Fri': 'closed',
        'hotline-holiday/2027-05-15': '1',
      });
      // A district's closure is not the hotline's.
      expect(puts()['hotline-holiday/2027-05-16']).toBeUndefined();

      actions.length = 0;
      await service.setHotlineHours({ weekly: ROUND_THE_CLOCK, observeHolidays: false }, 'admin');
      expect(actions[0]).toEqual({ action: 'DBPut', family: 'hotline', key: 'override', val: 'auto' });
      expect(puts()['hotline-hours/Fri']).toBe('0-1440');
      expect(Object.keys(puts()).filter((k) => k.startsWith('hotline-holiday/'))).toEqual([]);
      expect(actions).toContainEqual({ action: 'DBDelTree', family: 'hotline-holiday' });
    } finally {
      await mirrored.close();
    }
  });
});
