/**
 * How cases read in Persian to citizens (SMS replies, the web form, Open311's
 * agency_responsible). The status phrases are the ones the IVR speaks
 * (sounds/fa/manifest.json), so a citizen hears and reads the same words.
 */
import { CATEGORIES, COMPLAINT_CATEGORY, type CaseCategory, type CaseStatus } from './case.js';

export const STATUS_FA: Record<CaseStatus, string> = {
  new: 'ثبت شده و در انتظار ارجاع',
  dispatched: 'ارجاع شده به منطقه',
  acknowledged: 'دریافت شده توسط منطقه',
  in_progress: 'در حال رسیدگی',
  resolved: 'رسیدگی شده',
  closed: 'بسته شده',
  rejected: 'خارج از حوزه شهرداری',
  duplicate: 'تکراری',
  reopened: 'بازگشایی شده',
};

const CATEGORY_FA: Record<CaseCategory, string> = {
  ...(Object.fromEntries(CATEGORIES.map((c) => [c.id, c.fa])) as Record<(typeof CATEGORIES)[number]['id'], string>),
  [COMPLAINT_CATEGORY]: 'شکایت از کارکنان',
};

export function categoryFa(category: CaseCategory): string {
  return CATEGORY_FA[category];
}

/** ASCII digits to Persian (۰-۹); other characters unchanged. */
export function toPersianDigits(s: string): string {
  return s.replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d)));
}

/** 7 → "منطقه ۷". */
export function districtFa(district: number): string {
  return `منطقه ${toPersianDigits(String(district))}`;
}
