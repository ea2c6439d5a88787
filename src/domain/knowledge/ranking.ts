/**
 * Which articles come first: for a search, the ones whose title holds the words; for the
 * screen pop, the ones written for the caller's district, then the ones agents found
 * useful. Pure: the repository finds the candidates (every query word somewhere in the
 * normalised text), these functions order them.
 */
import { normalizePersian } from './normalize.js';

/** What the search column holds: title and words of the body, normalised once on save. */
export function searchableText(title: string, bodyText: string): string {
  return normalizePersian(`${title}\n${bodyText}`);
}

/** A LIKE pattern that matches `term` anywhere, its own % and _ taken literally (backslash is PostgreSQL's default escape). */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

export interface SearchCandidate {
  title: string;
  searchText: string;
  updatedAt: Date;
}

function occurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}

/**
 * How well a candidate answers the query's terms: a term in the title counts most (more
 * when it is a whole word there), the whole query as a phrase in the title more still;
 * each occurrence in the text adds a little, capped so a long article does not win by
 * length alone.
 */
export function searchScore(candidate: Pick<SearchCandidate, 'title' | 'searchText'>, terms: readonly string[]): number {
  const title = normalizePersian(candidate.title);
  const titleWords = new Set(title.split(/[\s.,;:!?()[\]{}"'«»،؛؟\-_/\\]+/));
  let score = 0;
  for (const term of terms) {
    if (titleWords.has(term)) score += 10;
    else if (title.includes(term)) score += 6;
    score += Math.min(occurrences(candidate.searchText, term), 5);
  }
  if (terms.length > 1 && title.includes(terms.join(' '))) score += 10;
  return score;
}

/** Candidates best first; equal scores: the most recently updated first. */
export function rankSearchResults<T extends SearchCandidate>(candidates: readonly T[], terms: readonly string[]): T[] {
  return candidates
    .map((candidate) => ({ candidate, score: searchScore(candidate, terms) }))
    .sort((a, b) => b.score - a.score || b.candidate.updatedAt.getTime() - a.candidate.updatedAt.getTime())
    .map((r) => r.candidate);
}

export interface SuggestionCandidate {
  district: number | null;
  usefulVotes: number;
  notUsefulVotes: number;
  updatedAt: Date;
}

/**
 * Agents' votes as a share that starts from a neutral prior (one vote each way), so one
 * "useful" on a new article does not outrank fifty on an old one.
 */
export function usefulness(c: Pick<SuggestionCandidate, 'usefulVotes' | 'notUsefulVotes'>): number {
  return (c.usefulVotes + 1) / (c.usefulVotes + c.notUsefulVotes + 2);
}

/**
 * The screen pop's suggestions for a call: articles of the caller's district before
 * city-wide ones, then the most useful, then the most recently updated; at most `limit`.
 */
export function rankSuggestions<T extends SuggestionCandidate>(candidates: readonly T[], district: number | null, limit: number): T[] {
  const local = (c: T) => (district !== null && c.district === district ? 1 : 0);
  return [...candidates]
    .sort((a, b) => local(b) - local(a) || usefulness(b) - usefulness(a) || b.updatedAt.getTime() - a.updatedAt.getTime())
    .slice(0, limit);
}
