/**
 * The case model shared by every way in (IVR, voicebox, agents, API).
 * Pure data: no I/O here.
 */

/** IVR key → category, in the order the category menu reads them. */
export const CATEGORIES = [
  { key: '1', id: 'cleaning_waste', fa: 'نظافت و پسماند' },
  { key: '2', id: 'streets_lighting', fa: 'معابر، آسفالت و روشنایی' },
  { key: '3', id: 'parks_trees', fa: 'پارک‌ها و فضای سبز' },
  { key: '4', id: 'building_violations', fa: 'تخلفات ساختمانی' },
  { key: '5', id: 'traffic_transport', fa: 'ترافیک و حمل و نقل' },
  { key: '6', id: 'other', fa: 'سایر موارد' },
] as const;

export type CategoryId = (typeof CATEGORIES)[number]['id'];
export const CATEGORY_IDS = CATEGORIES.map((c) => c.id) as CategoryId[];

/** A staff complaint is its own kind of case (the separate 1888 line in the seed). */
export const COMPLAINT_CATEGORY = 'staff_complaint' as const;
export type CaseCategory = CategoryId | typeof COMPLAINT_CATEGORY;
export const CASE_CATEGORIES: CaseCategory[] = [...CATEGORY_IDS, COMPLAINT_CATEGORY];

/** Tehran has 22 municipal districts, numbered 1..22. */
export const DISTRICT_COUNT = 22;
export function isDistrict(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= DISTRICT_COUNT;
}

export const CASE_STATUSES = [
  'new',
  'dispatched',
  'acknowledged',
  'in_progress',
  'resolved',
  'closed',
  'rejected',
  'duplicate',
  'reopened',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses in which the citizen is still waiting for the municipality. */
export const OPEN_STATUSES: CaseStatus[] = ['new', 'dispatched', 'acknowledged', 'in_progress', 'reopened'];
export function isOpen(status: CaseStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

export const CASE_CHANNELS = ['voicebox', 'phone', 'manual', 'web', 'sms', 'open311'] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];

/** Queues in dialplan/queues.conf: general, complaints and one per category. */
export const QUEUES = ['general', 'complaints', ...CATEGORY_IDS] as const;
export type QueueName = (typeof QUEUES)[number];

export interface Case {
  id: string;
  trackingNumber: string;
  channel: CaseChannel;
  category: CaseCategory | null;
  district: number | null;
  callerPhone: string | null;
  description: string | null;
  /** Key of the recording in the recording store (e.g. "12345678.wav"), if any. */
  recording: string | null;
  /** The call that created the case; creation is idempotent per call. */
  callId: string | null;
  /** Where the problem is, as the citizen wrote it (web form, Open311). */
  address: string | null;
  /** WGS 84 position when a client sent one (Open311 apps); both or neither. */
  lat: number | null;
  long: number | null;
  /**
   * The id the channel gave the message that created the case (an SMS gateway's
   * messageId); creation is idempotent per channel and id.
   */
  externalId: string | null;
  status: CaseStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface CaseEvent {
  id: string;
  caseId: string;
  at: Date;
  actor: string;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus;
  note: string | null;
}

export interface CaseWithEvents extends Case {
  events: CaseEvent[];
}

export interface NewCase {
  channel: CaseChannel;
  category?: CaseCategory | null;
  district?: number | null;
  callerPhone?: string | null;
  description?: string | null;
  recording?: string | null;
  callId?: string | null;
  address?: string | null;
  lat?: number | null;
  long?: number | null;
  externalId?: string | null;
  /** Who registered it: "ivr", "fallback-import", "admin", a user id… */
  actor: string;
}

export interface CaseFilter {
  phone?: string;
  status?: CaseStatus;
  /** Any of these statuses (ANDed with `status` when both are given). */
  statuses?: CaseStatus[];
  trackingNumbers?: string[];
  /** Created at or after this instant. */
  createdFrom?: Date;
  /** Created at or before this instant. */
  createdTo?: Date;
  district?: number;
  category?: CaseCategory;
  limit?: number;
  offset?: number;
}
