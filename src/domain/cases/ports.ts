import type { Case, CaseFilter, CaseWithEvents, NewCase, QueueName, CaseCategory } from './case.js';

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
  /** The note of each case's latest event (case id → note), for cases whose latest event has one. */
  latestNotes(caseIds: string[]): Promise<Map<string, string>>;
  /** Open cases for a caller's number, newest first. */
  findOpenByPhone(phone: string): Promise<Case[]>;
  /** Sets the recording key of a case (import of a recording after creation). */
  setRecording(caseId: string, recording: string): Promise<void>;
}

export const CALL_OUTCOMES = [
  'in_ivr',
  'queued',
  'voicebox',
  'followup',
  'hangup',
  'fallback_queued',
  'fallback_voicebox',
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
}

export interface NewCall {
  uniqueId: string;
  caller: string | null;
  direction?: 'inbound' | 'outbound';
  startedAt: Date;
}

export type CallPatch = Partial<
  Pick<Call, 'ivrPath' | 'outcome' | 'queue' | 'category' | 'district' | 'caseId' | 'endedAt'>
>;

export interface CallRepo {
  /** Idempotent on uniqueId: a second start for the same call returns the existing row. */
  start(call: NewCall): Promise<Call>;
  update(uniqueId: string, patch: CallPatch): Promise<Call>;
  findByUniqueId(uniqueId: string): Promise<Call | null>;
  list(filter: { caller?: string; limit?: number }): Promise<Call[]>;
}

/** Small persistent key/value settings (office-hours override, import cursors…). */
export interface SettingsRepo {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
}
