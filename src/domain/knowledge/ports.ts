import type { CaseCategory } from '../cases/case.js';

/** A knowledge-base article as stored; `body` is sanitised HTML. */
export interface Article {
  id: string;
  title: string;
  body: string;
  category: CaseCategory | null;
  district: number | null;
  ownerId: string;
  /** YYYY-MM-DD (Gregorian), or null when no review is planned. */
  reviewOn: string | null;
  published: boolean;
  citizenFacing: boolean;
  createdBy: string;
  createdAt: Date;
  updatedBy: string;
  updatedAt: Date;
}

/** What an editor sets; the rest is the service's. */
export type ArticleFields = Pick<Article, 'title' | 'body' | 'category' | 'district' | 'ownerId' | 'reviewOn' | 'published' | 'citizenFacing'>;

export interface ArticleVotes {
  usefulVotes: number;
  notUsefulVotes: number;
}

export type RatedArticle = Article & ArticleVotes;

export interface ArticleFilter {
  category?: CaseCategory | undefined;
  district?: number | undefined;
  /** Agents and the public see published articles only. */
  publishedOnly?: boolean;
  /** The public FAQ: citizen-facing articles only. */
  citizenFacingOnly?: boolean;
  /** Articles whose review date (YYYY-MM-DD) is this day or earlier: due for their owner's check. */
  reviewDueBy?: string | undefined;
  limit?: number;
}

/** An article used on a call, as the case timeline shows it. */
export interface ArticleUse {
  callId: string;
  articleId: string;
  title: string;
  agentId: string;
  usedAt: Date;
}

export interface KnowledgeRepo {
  create(fields: ArticleFields & { searchText: string; actor: string; at: Date }): Promise<Article>;
  /** Null when there is no such article. */
  update(id: string, fields: ArticleFields & { searchText: string; actor: string; at: Date }): Promise<Article | null>;
  remove(id: string): Promise<boolean>;
  find(id: string): Promise<Article | null>;
  /** Newest update first, with their votes. */
  list(filter: ArticleFilter): Promise<RatedArticle[]>;
  /** Articles whose normalised text contains every one of `terms` (normalised too), with that text for ranking. */
  search(terms: readonly string[], filter: ArticleFilter): Promise<(Article & { searchText: string })[]>;
  /** Published articles of `category` for `district` or the whole city, with their votes. */
  suggestions(category: CaseCategory, district: number | null, limit: number): Promise<RatedArticle[]>;
  /** One vote per agent, article and call: a second replaces the first. */
  vote(input: { articleId: string; callId: string; agentId: string; useful: boolean; at: Date }): Promise<void>;
  /** False when the article was already recorded on the call. */
  recordUse(input: { callId: string; articleId: string; agentId: string; at: Date }): Promise<boolean>;
  usesOnCalls(callIds: readonly string[]): Promise<ArticleUse[]>;
}
