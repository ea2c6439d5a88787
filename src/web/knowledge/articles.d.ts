/** Types of articles.js for the TypeScript unit tests; the browser loads the .js as it is. */
export interface ArticleLike {
  category: string | null;
  district: number | null;
  published?: boolean;
  citizenFacing?: boolean;
  updatedAt?: string;
  reviewOn?: string | null;
  usefulVotes?: number;
  notUsefulVotes?: number;
}
export function jalaliDate(value: string | null | undefined): string;
export function tehranDay(now: Date): string;
export function reviewDue(article: { reviewOn?: string | null }, now: Date): boolean;
export function articleMeta(article: ArticleLike, now: Date): string;
export function articleInput(form: Record<string, string | boolean | undefined>): {
  title: string;
  body: string;
  category: string | null;
  district: number | null;
  ownerId?: string;
  reviewOn: string | null;
  published: boolean;
  citizenFacing: boolean;
};
export function snippet(html: string | null | undefined, max?: number): string;
