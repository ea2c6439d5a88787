/**
 * Photos attached to a case. Pure data; the bytes live in the recording store.
 */

export const MEDIA_SOURCES = ['web', 'open311', 'email'] as const;
export type MediaSource = (typeof MEDIA_SOURCES)[number];

export interface CaseMedia {
  id: string;
  caseId: string;
  source: MediaSource;
  /** Key in the recording store (an uploaded photo); null for a link. */
  storedKey: string | null;
  contentType: string | null;
  bytes: number | null;
  /** A `media_url` an Open311 client gave (kept as given, never fetched); null for an upload. */
  sourceUrl: string | null;
  lat: number | null;
  long: number | null;
  createdAt: Date;
}

/** What a new photo or link needs; the rest is filled in as absent. */
export type NewCaseMedia = Pick<CaseMedia, 'source'> & Partial<Omit<CaseMedia, 'id' | 'createdAt' | 'caseId' | 'source'>>;
