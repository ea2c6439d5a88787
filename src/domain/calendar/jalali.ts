/**
 * Jalali (Solar Hijri) dates. Display goes through Intl's Persian calendar; date
 * arithmetic and holiday matching use jalaali-js, which agrees with Intl up to 2256.
 */
import { toGregorian, toJalaali } from 'jalaali-js';
import { tehranDate, TEHRAN_TIME_ZONE, type LocalDate } from './tehran-time.js';

export interface JalaliDate {
  jy: number;
  jm: number;
  jd: number;
}

export function jalaliOf(date: LocalDate): JalaliDate {
  return toJalaali(date.year, date.month, date.day);
}

export function gregorianOf(date: JalaliDate): LocalDate {
  const { gy, gm, gd } = toGregorian(date.jy, date.jm, date.jd);
  return { year: gy, month: gm, day: gd };
}

/** The Jalali date in Tehran at this instant (what the IVR reads aloud). */
export function jalaliParts(date: Date): JalaliDate {
  return jalaliOf(tehranDate(date));
}

const FORMATS = {
  /** ۱ فروردین ۱۴۰۵ */
  date: { year: 'numeric', month: 'long', day: 'numeric' },
  /** ۱ فروردین ۱۴۰۵ ساعت ۱۵:۳۰ */
  dateTime: { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  /** ۱۴۰۵/۰۱/۰۱ */
  numeric: { year: 'numeric', month: '2-digit', day: '2-digit' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

export type JalaliFormat = keyof typeof FORMATS;

const formatters = new Map<JalaliFormat, Intl.DateTimeFormat>();

/** Persian display of an instant in Tehran time, with Persian digits. */
export function formatJalali(date: Date, format: JalaliFormat = 'date'): string {
  let f = formatters.get(format);
  if (!f) {
    f = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { timeZone: TEHRAN_TIME_ZONE, ...FORMATS[format] });
    formatters.set(format, f);
  }
  return f.format(date);
}
