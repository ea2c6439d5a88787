/**
 * The case model shared by every way in (IVR, voicebox, agents, API).
 * Pure data: no I/O here.
 */
import type { NewCaseMedia } from './media.js';

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

export const CASE_CHANNELS = ['voicebox', 'phone', 'manual', 'web', 'sms', 'open311', 'email'] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];

/** Queues in dialplan/queues.conf: general, complaints and one per category. */
export const QUEUES = ['general', 'complaints', ...CATEGORY_IDS] as const;
export type QueueName = (typeof QUEUES)[number];

/** queues.conf reserves [general] for its options, so our `general` queue is `general_queue` there. */
export function asteriskQueue(queue: QueueName): string {
  return queue === 'general' ? 'general_queue' : queue;
}
export function queueFromAsterisk(name: string): QueueName | null {
  if (name === 'general_queue') return 'general';
  // Asterisk never has a queue called "general" (that section holds the options).
  if (name === 'general') return null;
  return (QUEUES as readonly string[]).includes(name) ? (name as QueueName) : null;
}
/**
 * What a case_events row records: a status change, or something supervisors must see
 * that leaves the status alone (routing to a district, an SLA breach, a failed dispatch,
 * a reclassification, a note, a look at the caller's number, a district sending the
 * case back to triage as not theirs).
 */
export const CASE_EVENT_KINDS = [
  'status',
  'district',
  'escalated',
  'dispatch_failed',
  'dispatch_retried',
  'category',
  'note',
  'phone_revealed',
  'declined',
  'unit',
  'location',
] as const;
export type CaseEventKind = (typeof CASE_EVENT_KINDS)[number];

export interface Case {
  id: string;
  trackingNumber: string;
  channel: CaseChannel;
  category: CaseCategory | null;
  district: number | null;
  /** A unit of its district, or a city-wide body (then district is null); null when none. */
  unit: string | null;
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
  /** How the reporter asked to be reached (Open311 fields, an e-mail's sender): for staff, never published. */
  reporter: CaseReporter | null;
  status: CaseStatus;
  /** When the SLA of its category runs out (null for cases older than SLAs). */
  dueAt: Date | null;
  /** Set once, when an open case passed its due time. */
  escalatedAt: Date | null;
  /** Set when delivery to the district failed for good; cleared when retried. */
  dispatchFailedAt: Date | null;
  /** For status `duplicate`: the case this one repeats. */
  duplicateOf: string | null;
  /** Routing generation: 0 as created, +1 at every change of district (each is dispatched anew). */
  routing: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface CaseReporter {
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  /** A number as given when it is not an Iranian one (an Iranian number is the case's callerPhone). */
  phone: string | null;
}

export interface CaseEvent {
  id: string;
  caseId: string;
  kind: CaseEventKind;
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
  /** A unit of `district` (found by the case's point). */
  unit?: string | null;
  callerPhone?: string | null;
  description?: string | null;
  recording?: string | null;
  callId?: string | null;
  address?: string | null;
  lat?: number | null;
  long?: number | null;
  externalId?: string | null;
  reporter?: CaseReporter | null;
  /** Photos or links sent with it, stored in the same transaction. */
  media?: NewCaseMedia[];
  /** Who registered it: "ivr", "fallback-import", "admin", a user id… */
  actor: string;
}

/** One atomic change of a case; see CaseRepo.transition. */
export interface CaseChange {
  caseId: string;
  /** The status the caller saw; if the case has moved on since, nothing changes. */
  from: CaseStatus;
  /** New status; absent when only the district changes. */
  to?: CaseStatus;
  /** New district (routing); absent to leave it; null sends the case back to triage. A new district clears the unit. */
  district?: number | null;
  /**
   * New unit or body (routing); absent to leave it; null clears it. A unit brings its
   * district with it; a city-wide body leaves the case without one.
   */
  unit?: string | null;
  /** Where the problem is (a point an agent set, or one found from the address); absent to leave it. */
  location?: { lat: number; long: number };
  /** New category (reclassification); absent to leave it. */
  category?: CaseCategory;
  /** For `to: 'duplicate'`: the id of the case this one repeats. */
  duplicateOf?: string;
  actor: string;
  note?: string | null;
  at?: Date;
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
  /** Any of these categories (Open311's `service_code=a,b`). */
  categories?: CaseCategory[];
  /** Everything but this category (Open311 never lists staff complaints). */
  notCategory?: CaseCategory;
  /** Only cases that came in through this channel (Open311 lists only its own). */
  channel?: CaseChannel;
  /** true: flagged overdue and still open; false: not. */
  overdue?: boolean;
  /** true: no category yet; false: classified. */
  unclassified?: boolean;
  /** Open and missing a category or a district: what triage must look at. */
  toTriage?: boolean;
  hasRecording?: boolean;
  /** Words to find in the description or the address (case-insensitive, as typed). */
  text?: string;
  limit?: number;
  offset?: number;
}

/** A note, or the record that someone looked at something, on a case: an event that changes nothing. */
export interface CaseRemark {
  caseId: string;
  kind: Extract<CaseEventKind, 'note' | 'phone_revealed'>;
  actor: string;
  note: string | null;
  at?: Date;
}

/** Everything that happened around a case besides its events. */
export interface CaseDelivery {
  district: number;
  /** 'inbox' or a webhook's origin. */
  target: string;
  deliveredAt: Date;
}
