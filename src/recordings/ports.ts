import type { QueueName } from '../domain/cases/case.js';
import type { RecordingKind } from './domain/retention.js';

/** A recorded conversation, with the case its call belongs to (if any). */
export interface CallRecording {
  id: string;
  callId: string;
  kind: RecordingKind;
  /** The file's name in Asterisk (ARI stored recordings) when it was imported. */
  storedName: string;
  /** Key in the engine's recording store; null once purged. */
  recording: string | null;
  bytes: number;
  agentId: string | null;
  agentName: string | null;
  queue: QueueName | null;
  startedAt: Date;
  importedAt: Date;
  purgedAt: Date | null;
  caseId: string | null;
  trackingNumber: string | null;
  caller: string | null;
}

export interface NewCallRecording {
  callId: string;
  storedName: string;
  recording: string;
  bytes: number;
  agentId: string | null;
  queue: QueueName | null;
  startedAt: Date;
}

export interface RecordingFilter {
  caseId?: string;
  callId?: string;
  agentId?: string;
  from?: Date;
  to?: Date;
  /** Only recordings whose audio is still kept. */
  kept?: boolean;
  limit?: number;
  offset?: number;
}

export interface RecordingListen {
  userId: string;
  role: string;
  listenedAt: Date;
}

export interface RecordingRepo {
  /** Idempotent on the stored name: a second import of the same file returns the first row. */
  insert(row: NewCallRecording): Promise<CallRecording>;
  findByStoredName(storedName: string): Promise<CallRecording | null>;
  findById(id: string): Promise<CallRecording | null>;
  list(filter: RecordingFilter): Promise<CallRecording[]>;
  /** Kept recordings of `kind` started before `before`, oldest first. */
  expired(kind: RecordingKind, before: Date, limit: number): Promise<CallRecording[]>;
  markPurged(id: string, at: Date): Promise<void>;
  addListen(input: { recordingId: string; userId: string; role: string; at: Date }): Promise<void>;
  listens(recordingId: string): Promise<RecordingListen[]>;
}

/** What the API offers on recordings (the service implements it). */
export interface RecordingsApi {
  list(filter: RecordingFilter): Promise<CallRecording[]>;
  find(id: string): Promise<CallRecording | null>;
  /** The audit row of one listen. */
  listened(recordingId: string, who: { userId: string; role: string }): Promise<void>;
  listens(recordingId: string): Promise<RecordingListen[]>;
}
