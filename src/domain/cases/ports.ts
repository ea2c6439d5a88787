import type {
  Case,
  CaseChange,
  CaseDelivery,
  CaseEvent,
  CaseFilter,
  CaseRemark,
  CaseWithEvents,
  NewCase,
  QueueName,
  CaseCategory,
} from './case.js';
import type { District } from './district.js';
import type { Unit } from './unit.js';
import type { Boundary, StoredBoundary } from '../geo/boundaries.js';
import type { CaseMedia, NewCaseMedia } from './media.js';

/** What the services need from storage. Implemented in adapters/db. */
export interface CaseRepo {
  /**
   * Creates a case with a fresh unique tracking number, status `new` and a first
   * case_events row. Idempotent per call: when `callId` is set and a case already
   * exists for that call, returns the existing case unchanged; likewise per channel
   * when `externalId` is set.
   */
  create(input: NewCase): Promise<Case>;
  findByTrackingNumber(trackingNumber: string): Promise<CaseWithEvents | null>;
  list(filter: CaseFilter): Promise<Case[]>;
  /**
   * The note a citizen may read for each case (case id → note): the one given when it
   * was last resolved. Internal notes (triage, rejection reasons, survey remarks,
   * delivery failures) never are.
   */
  publicNotes(caseIds: string[]): Promise<Map<string, string>>;
  /** The photos and media links of these cases, oldest first. */
  media(caseIds: string[]): Promise<CaseMedia[]>;
  /** One photo or link, by its id. */
  findMedia(id: string): Promise<CaseMedia | null>;
  /** Adds photos to an existing case (an e-mail reply with attachments). */
  addMedia(caseId: string, media: NewCaseMedia[]): Promise<CaseMedia[]>;
  /** Open cases for a caller's number, newest first. */
  findOpenByPhone(phone: string): Promise<Case[]>;
  /** Sets the recording key of a case (import of a recording after creation). */
  setRecording(caseId: string, recording: string): Promise<void>;
  findById(id: string): Promise<Case | null>;
  /**
   * Applies a status change and/or a new district, with its case_events rows, in one
   * transaction, only if the case is still in `change.from` (compare-and-set): a
   * concurrent change makes it throw HOTLINE_ERR_CONFLICT and nothing is written.
   * The caller has checked the lifecycle rules (src/domain/cases/lifecycle.ts).
   */
  transition(change: CaseChange): Promise<Case>;
  /** Appends an event that leaves the case as it is (a note, a look at the caller's number). */
  remark(remark: CaseRemark): Promise<CaseEvent>;
  /** Where the case was delivered (case_dispatches), oldest first. */
  deliveries(caseId: string): Promise<CaseDelivery[]>;
  /**
   * Flags every open case past its due time that is not flagged yet, with one
   * `escalated` event each, and returns them. Safe to run concurrently: a case is
   * escalated once.
   */
  escalateOverdue(now: Date): Promise<Case[]>;
  /**
   * Cases with a district still waiting for their first delivery (status `new`, not
   * flagged as failed), created before `before`, oldest first: the dispatch sweep
   * queues them again in case their job was never added (Redis down at the time).
   */
  listUndispatched(before: Date, limit: number): Promise<Case[]>;
}

/** Districts as data (see the `districts` table). */
export interface DistrictRepo {
  list(): Promise<District[]>;
  get(id: number): Promise<District | null>;
  update(id: number, patch: Partial<Omit<District, 'id'>>): Promise<District>;
}

/** Units inside districts and city-wide bodies (see the `units` table). */
export interface UnitRepo {
  list(): Promise<Unit[]>;
  get(id: string): Promise<Unit | null>;
  /** HOTLINE_ERR_CONFLICT when the id is taken. */
  create(unit: Omit<Unit, 'hasBoundary'>): Promise<Unit>;
  update(id: string, patch: Partial<Omit<Unit, 'id' | 'kind' | 'hasBoundary'>>): Promise<Unit>;
}

/** District and unit outlines (GeoJSON), for routing by place. */
export interface BoundaryRepo {
  /** Every stored outline: districts' and units' (a unit with its district). */
  list(): Promise<StoredBoundary[]>;
  /**
   * Stores a whole file's outlines in one transaction: a district's replaces its
   * boundary; a unit's replaces the unit's, creating the unit (named from the file, or
   * its id) when new. Loading the same file again changes nothing. A unit id that names
   * a unit of another district, or a city-wide body, is refused (HOTLINE_ERR_VALIDATION).
   */
  save(boundaries: readonly Boundary[]): Promise<{ districts: number; units: number; unitsCreated: number }>;
}

/** Delivery bookkeeping of the dispatch jobs. */
export interface DispatchRepo {
  /** Targets ('inbox' or a webhook URL) the case was already delivered to in this district, in this routing of it. */
  deliveredTargets(caseId: string, district: number, routing?: number): Promise<string[]>;
  recordDelivery(caseId: string, district: number, target: string, at: Date, routing?: number): Promise<void>;
  /** Flags the case for supervisors (dispatch_failed_at) with a `dispatch_failed` event. */
  flagFailed(caseId: string, at: Date, note: string): Promise<void>;
  /** Clears the flag with a `dispatch_retried` event when someone retries the job. */
  clearFailed(caseId: string, actor: string, at: Date): Promise<void>;
}

export const CALL_OUTCOMES = [
  'in_ivr',
  'queued',
  'voicebox',
  'followup',
  'hangup',
  'fallback_queued',
  'fallback_voicebox',
  'callback',
  'failed',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export interface Call {
  id: string;
  /** Asterisk's channel uniqueid: one row per call. */
  uniqueId: string;
  caller: string | null;
  direction: 'inbound' | 'outbound';
  startedAt: Date;
  endedAt: Date | null;
  /** IVR path as the caller walked it, e.g. ["menu:1", "category:2", "district:7", "queue:streets_lighting"]. */
  ivrPath: string[];
  outcome: CallOutcome;
  queue: QueueName | null;
  category: CaseCategory | null;
  district: number | null;
  caseId: string | null;
  /** The wait in app_queue, from AMI queue events (null until the call queues). */
  queueRecord: QueueRecord;
}

export const QUEUE_RESULTS = ['answered', 'abandoned', 'exited'] as const;
export type QueueResult = (typeof QUEUE_RESULTS)[number];

export interface QueueRecord {
  queueJoinedAt: Date | null;
  queueLeftAt: Date | null;
  queueResult: QueueResult | null;
  /** Seconds waited until answered or abandoned (app_queue's HoldTime). */
  waitSeconds: number | null;
  /** The agent's user id. */
  agentId: string | null;
  answeredAt: Date | null;
  talkSeconds: number | null;
  wrapUpSeconds: number | null;
}

export interface NewCall {
  uniqueId: string;
  caller: string | null;
  direction?: 'inbound' | 'outbound';
  startedAt: Date;
}

export type CallPatch = Partial<
  Pick<Call, 'ivrPath' | 'outcome' | 'queue' | 'category' | 'district' | 'caseId' | 'endedAt'> & QueueRecord
>;

export interface CallRepo {
  /** Idempotent on uniqueId: a second start for the same call returns the existing row. */
  start(call: NewCall): Promise<Call>;
  /**
   * An inbound call reaching the IVR: recorded as `start` does (idempotent per uniqueId),
   * and, in the same round trip, the tracking number of `phone`'s newest open case (null:
   * none, or no phone). One statement instead of two on every call's first step.
   */
  arrive(call: NewCall, phone: string | null): Promise<{ openCase: string | null }>;
  /**
   * `outcomeIfCase`: the outcome written instead of `patch.outcome` when the row already
   * holds a case (decided by the statement itself: the end of a call is one round trip).
   */
  update(uniqueId: string, patch: CallPatch, opts?: { outcomeIfCase?: CallOutcome }): Promise<Call>;
  /**
   * The end of a call: `update`, answering only the case the row holds (null: no such
   * row). Every call ends, and reading back the whole row was a third of its cost.
   */
  end(uniqueId: string, patch: CallPatch, opts?: { outcomeIfCase?: CallOutcome }): Promise<{ caseId: string | null } | null>;
  findByUniqueId(uniqueId: string): Promise<Call | null>;
  findById(id: string): Promise<Call | null>;
  list(filter: { caller?: string; caseId?: string; limit?: number }): Promise<Call[]>;
}

/** Small persistent key/value settings (office-hours override, import cursors…). */
export interface SettingsRepo {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
}
