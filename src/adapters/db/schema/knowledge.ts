import { sql } from 'drizzle-orm';
import { boolean, check, date, index, pgTable, primaryKey, smallint, text, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { CASE_CATEGORIES, type CaseCategory } from '../../../domain/cases/case.js';
import { oneOf } from './check-in.js';
import { calls } from './calls.js';
import { districts } from './districts.js';

/**
 * An article of the knowledge base (issue 16 item 4): what agents answer citizens with,
 * and, when citizen-facing and published, a question of the public FAQ. The body is
 * sanitised HTML (src/domain/knowledge/sanitize.ts); `search_text` is title and body
 * normalised for Persian search, written with them on every save.
 */
export const knowledgeArticles = pgTable(
  'knowledge_articles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    searchText: text('search_text').notNull(),
    /** The IVR category it answers; null: any subject. */
    category: text('category').$type<CaseCategory>(),
    /** Null: the whole city. */
    district: smallint('district').references(() => districts.id),
    /** Who keeps it true (a user id). */
    ownerId: text('owner_id').notNull(),
    /** When its owner should check it again (a Gregorian date; pages show it in Jalali). */
    reviewOn: date('review_on', { mode: 'string' }),
    published: boolean('published').notNull().default(false),
    citizenFacing: boolean('citizen_facing').notNull().default(false),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('knowledge_articles_category_check', oneOf(t.category, CASE_CATEGORIES)),
    check('knowledge_articles_title_check', sql`length(${t.title}) between 1 and 200`),
    index('knowledge_articles_category_idx').on(t.category, t.district),
  ],
);

/** "Was this useful": one vote per agent, article and call (a second vote replaces the first). */
export const knowledgeVotes = pgTable(
  'knowledge_votes',
  {
    articleId: uuid('article_id')
      .notNull()
      .references((): AnyPgColumn => knowledgeArticles.id, { onDelete: 'cascade' }),
    callId: uuid('call_id')
      .notNull()
      .references((): AnyPgColumn => calls.id, { onDelete: 'cascade' }),
    agentId: text('agent_id').notNull(),
    useful: boolean('useful').notNull(),
    votedAt: timestamp('voted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'knowledge_votes_pk', columns: [t.articleId, t.agentId, t.callId] })],
);

/** The articles an agent used to answer a call: shown on the call's case timeline. */
export const callArticles = pgTable(
  'call_articles',
  {
    callId: uuid('call_id')
      .notNull()
      .references((): AnyPgColumn => calls.id, { onDelete: 'cascade' }),
    articleId: uuid('article_id')
      .notNull()
      .references((): AnyPgColumn => knowledgeArticles.id, { onDelete: 'cascade' }),
    agentId: text('agent_id').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'call_articles_pk', columns: [t.callId, t.articleId] }), index('call_articles_article_id_idx').on(t.articleId)],
);
