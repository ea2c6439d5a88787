import { and, desc, eq, inArray, isNull, like, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Article, ArticleFilter, ArticleVotes, KnowledgeRepo } from '../../domain/knowledge/ports.js';
import { containsPattern } from '../../domain/knowledge/ranking.js';
import type { Db } from './database.js';
import { callArticles, knowledgeArticles, knowledgeVotes } from './schema/index.js';

/** Candidates a search ranks: enough for any sensible query, bounded for a one-letter one. */
const SEARCH_CANDIDATES = 200;

const articleColumns = {
  id: knowledgeArticles.id,
  title: knowledgeArticles.title,
  body: knowledgeArticles.body,
  category: knowledgeArticles.category,
  district: knowledgeArticles.district,
  ownerId: knowledgeArticles.ownerId,
  reviewOn: knowledgeArticles.reviewOn,
  published: knowledgeArticles.published,
  citizenFacing: knowledgeArticles.citizenFacing,
  createdBy: knowledgeArticles.createdBy,
  createdAt: knowledgeArticles.createdAt,
  updatedBy: knowledgeArticles.updatedBy,
  updatedAt: knowledgeArticles.updatedAt,
};

function conditions(filter: ArticleFilter): (SQL | undefined)[] {
  return [
    filter.category !== undefined ? eq(knowledgeArticles.category, filter.category) : undefined,
    filter.district !== undefined ? eq(knowledgeArticles.district, filter.district) : undefined,
    filter.publishedOnly ? eq(knowledgeArticles.published, true) : undefined,
    filter.citizenFacingOnly ? eq(knowledgeArticles.citizenFacing, true) : undefined,
    filter.reviewDueBy !== undefined ? lte(knowledgeArticles.reviewOn, filter.reviewDueBy) : undefined,
  ];
}

export function createKnowledgeRepo(db: Db): KnowledgeRepo {
  async function withVotes<T extends Article>(articles: T[]): Promise<(T & ArticleVotes)[]> {
    if (articles.length === 0) return [];
    const counts = await db
      .select({ articleId: knowledgeVotes.articleId, useful: knowledgeVotes.useful, votes: sql<number>`count(*)::int` })
      .from(knowledgeVotes)
      .where(inArray(knowledgeVotes.articleId, articles.map((a) => a.id)))
      .groupBy(knowledgeVotes.articleId, knowledgeVotes.useful);
    return articles.map((a) => ({
      ...a,
      usefulVotes: Number(counts.find((c) => c.articleId === a.id && c.useful)?.votes ?? 0),
      notUsefulVotes: Number(counts.find((c) => c.articleId === a.id && !c.useful)?.votes ?? 0),
    }));
  }

  return {
    async create({ actor, at, ...fields }) {
      const [row] = await db
        .insert(knowledgeArticles)
        .values({ ...fields, createdBy: actor, createdAt: at, updatedBy: actor, updatedAt: at })
        .returning(articleColumns);
      return row!;
    },
    async update(id, { actor, at, ...fields }) {
      const [row] = await db
        .update(knowledgeArticles)
        .set({ ...fields, updatedBy: actor, updatedAt: at })
        .where(eq(knowledgeArticles.id, id))
        .returning(articleColumns);
      return row ?? null;
    },
    async remove(id) {
      const rows = await db.delete(knowledgeArticles).where(eq(knowledgeArticles.id, id)).returning({ id: knowledgeArticles.id });
      return rows.length === 1;
    },
    async find(id) {
      const [row] = await db.select(articleColumns).from(knowledgeArticles).where(eq(knowledgeArticles.id, id));
      return row ?? null;
    },
    async list(filter) {
      const rows = await db
        .select(articleColumns)
        .from(knowledgeArticles)
        .where(and(...conditions(filter)))
        .orderBy(desc(knowledgeArticles.updatedAt), knowledgeArticles.id)
        .limit(filter.limit ?? 500);
      return withVotes(rows);
    },
    search(terms, filter) {
      // LIKE over the normalised column works alike on PostgreSQL and PGlite (no extension to install).
      return db
        .select({ ...articleColumns, searchText: knowledgeArticles.searchText })
        .from(knowledgeArticles)
        .where(and(...conditions(filter), ...terms.map((term) => like(knowledgeArticles.searchText, containsPattern(term)))))
        .orderBy(desc(knowledgeArticles.updatedAt))
        .limit(filter.limit ?? SEARCH_CANDIDATES);
    },
    async suggestions(category, district, limit) {
      const rows = await db
        .select(articleColumns)
        .from(knowledgeArticles)
        .where(
          and(
            eq(knowledgeArticles.published, true),
            eq(knowledgeArticles.category, category),
            district === null ? isNull(knowledgeArticles.district) : or(isNull(knowledgeArticles.district), eq(knowledgeArticles.district, district)),
          ),
        )
        // The district's own articles first, so many city-wide ones never crowd them out of the candidates.
        .orderBy(sql`${knowledgeArticles.district} is null`, desc(knowledgeArticles.updatedAt))
        .limit(limit);
      return withVotes(rows);
    },
    async vote({ articleId, callId, agentId, useful, at }) {
      await db
        .insert(knowledgeVotes)
        .values({ articleId, callId, agentId, useful, votedAt: at })
        .onConflictDoUpdate({ target: [knowledgeVotes.articleId, knowledgeVotes.agentId, knowledgeVotes.callId], set: { useful, votedAt: at } });
    },
    async recordUse({ callId, articleId, agentId, at }) {
      const rows = await db
        .insert(callArticles)
        .values({ callId, articleId, agentId, usedAt: at })
        .onConflictDoNothing({ target: [callArticles.callId, callArticles.articleId] })
        .returning({ callId: callArticles.callId });
      return rows.length === 1;
    },
    async usesOnCalls(callIds) {
      if (callIds.length === 0) return [];
      return db
        .select({ callId: callArticles.callId, articleId: callArticles.articleId, title: knowledgeArticles.title, agentId: callArticles.agentId, usedAt: callArticles.usedAt })
        .from(callArticles)
        .innerJoin(knowledgeArticles, eq(knowledgeArticles.id, callArticles.articleId))
        .where(inArray(callArticles.callId, [...callIds]))
        .orderBy(callArticles.usedAt);
    },
  };
}
