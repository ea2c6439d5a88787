import type { Holiday, HolidayKind } from './holidays.js';

/** A holiday as stored: who entered it and when, so the page can say so. */
export interface StoredHoliday extends Holiday {
  id: number;
  kind: HolidayKind;
  district: number | null;
  createdBy: string;
  createdAt: Date;
}

export type NewHoliday = Pick<StoredHoliday, 'kind' | 'jy' | 'jm' | 'jd' | 'name' | 'district'>;

export interface HolidayRepo {
  /** Every holiday, by date (solar ones first). */
  list(): Promise<StoredHoliday[]>;
  add(holiday: NewHoliday, actor: string, at: Date): Promise<StoredHoliday>;
  /** False when there was no such holiday. */
  remove(id: number): Promise<boolean>;
  /**
   * Fills the table from the seed file's holidays the first time only (a settings row
   * remembers it, so holidays an admin deleted do not come back). Returns how many.
   */
  seedOnce(holidays: readonly Holiday[]): Promise<number>;
}
