import { isoDate, tehranDate } from '../domain/calendar/tehran-time.js';
import { isDistrict, type CaseCategory } from '../domain/cases/case.js';
import type { CallRepo } from '../domain/cases/ports.js';
import { hotlineError } from '../domain/errors.js';
import { searchTerms } from '../domain/knowledge/normalize.js';
import type { Article, ArticleFields, ArticleUse, KnowledgeRepo, RatedArticle } from '../domain/knowledge/ports.js';
import { rankSearchResults, rankSuggestions, searchableText } from '../domain/knowledge/ranking.js';
import { isCalendarDate } from '../domain/knowledge/review-date.js';
import { articleText, sanitizeArticleHtml } from '../domain/knowledge/sanitize.js';

/** Who acts: a user id ('admin' for the admin token) and role. */
export interface Actor {
  id: string;
  role: string;
}

/** Suggestions on a screen pop: a short list an agent can read while the caller talks. */
export const SUGGESTION_COUNT = 5;
/** Candidates ranked for the suggestions, before the best few are kept. */
const SUGGESTION_CANDIDATES = 50;
/** Words of a query that count; more is a pasted paragraph, not a search. */
const MAX_TERMS = 8;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const editors = new Set(['admin', 'supervisor']);
const mayEdit = (actor: Actor) => editors.has(actor.role);

const validation = (message: string, field: string) => hotlineError('HOTLINE_ERR_VALIDATION', message, { in: 'body', field });
const notFound = (id: string) => hotlineError('HOTLINE_ERR_NOT_FOUND', 'No such article', { id });

/**
 * The knowledge base: supervisors write articles (their HTML sanitised on save), agents
 * read and search published ones, get suggestions on a call's screen pop, vote on them
 * and record the ones they used; citizens read the published, citizen-facing ones on /faq.
 */
export function createKnowledgeService(deps: { repo: KnowledgeRepo; calls: Pick<CallRepo, 'findById'>; now: () => Date }) {
  function checked(fields: ArticleFields): ArticleFields & { searchText: string } {
    const title = fields.title.trim();
    if (title.length === 0) throw validation('The article needs a title', 'title');
    const body = sanitizeArticleHtml(fields.body);
    const text = articleText(body);
    if (text.length === 0) throw validation('The article has no text once unsafe markup is removed', 'body');
    if (fields.district !== null && !isDistrict(fields.district)) throw validation(`District ${fields.district} is not 1..22`, 'district');
    if (fields.reviewOn !== null && !isCalendarDate(fields.reviewOn)) throw validation(`${fields.reviewOn} is not a day of the calendar`, 'reviewOn');
    return { ...fields, title, body, searchText: searchableText(title, text) };
  }

  /** An article the actor may read: editors see drafts, everyone else published articles only. */
  async function readable(id: string, actor: Actor): Promise<Article> {
    const found = UUID.test(id) ? await deps.repo.find(id) : null;
    if (!found || (!found.published && !mayEdit(actor))) throw notFound(id);
    return found;
  }

  async function callOf(callId: string) {
    const call = UUID.test(callId) ? await deps.calls.findById(callId) : null;
    if (!call) throw hotlineError('HOTLINE_ERR_NOT_FOUND', 'No such call', { callId });
    return call;
  }

  /** Articles holding every word of `query` (Persian-normalised on both sides), best first. */
  async function search(query: string, filter: { category?: CaseCategory | undefined; publishedOnly: boolean; citizenFacingOnly?: boolean; limit: number }): Promise<Article[]> {
    const terms = searchTerms(query).slice(0, MAX_TERMS);
    if (terms.length === 0) return [];
    const candidates = await deps.repo.search(terms, { category: filter.category, publishedOnly: filter.publishedOnly, citizenFacingOnly: filter.citizenFacingOnly ?? false });
    return rankSearchResults(candidates, terms)
      .slice(0, filter.limit)
      .map(({ searchText: _searchText, ...article }) => article);
  }

  return {
    create: (fields: ArticleFields, actor: Actor) => deps.repo.create({ ...checked(fields), actor: actor.id, at: deps.now() }),

    async update(id: string, fields: ArticleFields, actor: Actor): Promise<Article> {
      const updated = UUID.test(id) ? await deps.repo.update(id, { ...checked(fields), actor: actor.id, at: deps.now() }) : null;
      if (!updated) throw notFound(id);
      return updated;
    },

    async remove(id: string): Promise<void> {
      if (!(UUID.test(id) && (await deps.repo.remove(id)))) throw notFound(id);
    },

    get: readable,

    /** `reviewDue`: only those whose review date has come (by the Tehran day), for their owners to check. */
    list: (filter: { category?: CaseCategory | undefined; district?: number | undefined; reviewDue?: boolean | undefined }, actor: Actor): Promise<RatedArticle[]> =>
      deps.repo.list({
        category: filter.category,
        district: filter.district,
        publishedOnly: !mayEdit(actor),
        reviewDueBy: filter.reviewDue ? isoDate(tehranDate(deps.now())) : undefined,
      }),

    search,

    /** The public FAQ: published, citizen-facing articles, all of them or those matching `query`. */
    async faq(query: string | undefined, category: CaseCategory | undefined): Promise<Article[]> {
      if (query !== undefined) return search(query, { category, publishedOnly: true, citizenFacingOnly: true, limit: 50 });
      return deps.repo.list({ category, publishedOnly: true, citizenFacingOnly: true, limit: 200 });
    },

    /** What the screen pop suggests for a call about `category` from `district`. */
    async suggestions(category: CaseCategory, district: number | null): Promise<RatedArticle[]> {
      return rankSuggestions(await deps.repo.suggestions(category, district, SUGGESTION_CANDIDATES), district, SUGGESTION_COUNT);
    },

    async vote(articleId: string, input: { callId: string; useful: boolean }, actor: Actor): Promise<void> {
      const article = await readable(articleId, actor);
      const call = await callOf(input.callId);
      await deps.repo.vote({ articleId: article.id, callId: call.id, agentId: actor.id, useful: input.useful, at: deps.now() });
    },

    /** Records that `articleId` answered the call; false when it was already recorded. */
    async recordUse(callId: string, articleId: string, actor: Actor): Promise<boolean> {
      const call = await callOf(callId);
      const article = await readable(articleId, actor);
      return deps.repo.recordUse({ callId: call.id, articleId: article.id, agentId: actor.id, at: deps.now() });
    },

    async usesOnCall(callId: string): Promise<ArticleUse[]> {
      const call = await callOf(callId);
      return deps.repo.usesOnCalls([call.id]);
    },

    usesOnCalls: (callIds: readonly string[]) => deps.repo.usesOnCalls(callIds),
  };
}

export type KnowledgeService = ReturnType<typeof createKnowledgeService>;
