import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { QueueName } from '../../../domain/cases/case.js';
import { RECORDING_KINDS, type RecordingKind } from '../../../recordings/domain/retention.js';
import { oneOf } from './check-in.js';
import { calls } from './calls.js';
import { users } from './users.js';

/**
 * A conversation recorded in Asterisk (MixMonitor) and imported into the engine's store.
 * `stored_name` is the file's name in Asterisk: the importer's key, so a second import
 * of the same file finds this row. Past its retention the audio is deleted and the row
 * kept (purged_at), with its listens.
 */
export const callRecordings = pgTable(
  'call_recordings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    callId: uuid('call_id')
      .notNull()
      .references((): AnyPgColumn => calls.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<RecordingKind>().notNull().default('conversation'),
    storedName: text('stored_name').notNull().unique(),
    /** Key in the recording store; null once purged. */
    recording: text('recording'),
    bytes: integer('bytes').notNull(),
    agentId: uuid('agent_id').references((): AnyPgColumn => users.id, { onDelete: 'set null' }),
    queue: text('queue').$type<QueueName>(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
    purgedAt: timestamp('purged_at', { withTimezone: true }),
  },
  (t) => [
    check('call_recordings_kind_check', oneOf(t.kind, RECORDING_KINDS)),
    check('call_recordings_kept_or_purged_check', sql`(${t.recording} is null) = (${t.purgedAt} is not null)`),
    index('call_recordings_call_id_idx').on(t.callId),
    index('call_recordings_started_at_idx').on(t.startedAt),
    index('call_recordings_agent_id_idx').on(t.agentId, t.startedAt),
  ],
);

/** Every time someone played a recording (the audit trail of listens). */
export const recordingListens = pgTable(
  'recording_listens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    recordingId: uuid('recording_id')
      .notNull()
      .references((): AnyPgColumn => callRecordings.id, { onDelete: 'cascade' }),
    /** User id, or 'admin' for the admin token. */
    userId: text('user_id').notNull(),
    role: text('role').notNull(),
    listenedAt: timestamp('listened_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('recording_listens_recording_id_idx').on(t.recordingId, t.listenedAt)],
);
