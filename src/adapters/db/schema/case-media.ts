import { sql } from 'drizzle-orm';
import { check, doublePrecision, index, integer, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { MEDIA_SOURCES, type MediaSource } from '../../../domain/cases/media.js';
import { oneOf } from './check-in.js';
import { cases } from './cases.js';

/**
 * Photos sent with a case (web form, Open311, e-mail), stored like recordings (a key in
 * the store), or a link an Open311 client gave as `media_url` (kept, never fetched).
 */
export const caseMedia = pgTable(
  'case_media',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    source: text('source').$type<MediaSource>().notNull(),
    storedKey: text('stored_key'),
    contentType: text('content_type'),
    bytes: integer('bytes'),
    sourceUrl: text('source_url'),
    /** Where the photo was taken (its EXIF GPS position, read before the metadata was stripped). */
    lat: doublePrecision('lat'),
    long: doublePrecision('long'),
    /** Order among the photos sent together (one transaction shares one created_at). */
    position: smallint('position').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('case_media_source_check', oneOf(t.source, MEDIA_SOURCES)),
    check('case_media_kind_check', sql`(${t.storedKey} is null) <> (${t.sourceUrl} is null)`),
    check('case_media_position_check', sql`(${t.lat} is null) = (${t.long} is null)`),
    index('case_media_case_id_created_at_idx').on(t.caseId, t.createdAt, t.position),
  ],
);
