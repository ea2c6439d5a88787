import { describe, expect, it } from 'vitest';
import { containsPattern, rankSearchResults, rankSuggestions, searchableText, searchScore, usefulness } from './ranking.js';
import { searchTerms } from './normalize.js';

const at = (iso: string) => new Date(iso);

describe('searchableText', () => {
  it('normalises title and body alike, whatever keyboard wrote them', () => {
    const persian = searchableText('ساعت کاری منطقه ۱۲', 'پیگیری\u200cها');
    const arabic = searchableText('ساعت كاري منطقه 12', 'پیگیریها');
    expect(arabic).toBe(persian);
    expect(persian).toBe('ساعت کاری منطقه 12 پیگیریها');
  });
});

describe('containsPattern', () => {
  it('takes % and _ in a query literally', () => {
    expect(containsPattern('50%')).toBe('%50\\%%');
    expect(containsPattern('a_b\\c')).toBe('%a\\_b\\\\c%');
  });
});

describe('searchScore and rankSearchResults', () => {
  const pothole = { title: 'گزارش چاله در آسفالت', searchText: searchableText('گزارش چاله در آسفالت', 'چاله را با عکس گزارش کنید'), updatedAt: at('2026-11-01T00:00:00Z') };
  const lighting = { title: 'روشنایی معابر', searchText: searchableText('روشنایی معابر', 'برای چاله و تیر چراغ برق با ۱۳۷ تماس بگیرید'), updatedAt: at('2026-11-20T00:00:00Z') };
  const potholeOld = { title: 'چاله', searchText: searchableText('چاله', ''), updatedAt: at('2026-01-01T00:00:00Z') };

  it('ranks a title match above a body match', () => {
    const terms = searchTerms('چاله');
    expect(searchScore(pothole, terms)).toBeGreaterThan(searchScore(lighting, terms));
    expect(rankSearchResults([lighting, pothole], terms)).toEqual([pothole, lighting]);
  });

  it('prefers the whole phrase in the title', () => {
    const terms = searchTerms('چاله در آسفالت');
    expect(rankSearchResults([potholeOld, pothole], terms)[0]).toBe(pothole);
  });

  it('breaks ties by the latest update', () => {
    const a = { title: 'الف', searchText: 'الف', updatedAt: at('2026-01-01T00:00:00Z') };
    const b = { title: 'الف', searchText: 'الف', updatedAt: at('2026-02-01T00:00:00Z') };
    expect(rankSearchResults([a, b], ['الف'])).toEqual([b, a]);
  });

  it('matches a query typed with Arabic letters and Latin digits against Persian text', () => {
    const terms = searchTerms('تماس با 137');
    expect(terms).toEqual(['تماس', 'با', '137']);
    expect(searchScore(lighting, terms)).toBeGreaterThan(0);
  });
});

describe('usefulness and rankSuggestions', () => {
  it('starts neutral and moves with the votes', () => {
    expect(usefulness({ usefulVotes: 0, notUsefulVotes: 0 })).toBe(0.5);
    expect(usefulness({ usefulVotes: 1, notUsefulVotes: 0 })).toBeLessThan(usefulness({ usefulVotes: 50, notUsefulVotes: 1 }));
    expect(usefulness({ usefulVotes: 0, notUsefulVotes: 3 })).toBeLessThan(0.5);
  });

  it("puts the caller's district first, then the useful, then the fresh, and keeps at most `limit`", () => {
    const cityWideUseful = { id: 'a', district: null, usefulVotes: 9, notUsefulVotes: 0, updatedAt: at('2026-01-01T00:00:00Z') };
    const local = { id: 'b', district: 12, usefulVotes: 0, notUsefulVotes: 2, updatedAt: at('2026-01-01T00:00:00Z') };
    const cityWideFresh = { id: 'c', district: null, usefulVotes: 0, notUsefulVotes: 0, updatedAt: at('2026-06-01T00:00:00Z') };
    const cityWideOld = { id: 'd', district: null, usefulVotes: 0, notUsefulVotes: 0, updatedAt: at('2026-02-01T00:00:00Z') };
    const all = [cityWideOld, cityWideFresh, local, cityWideUseful];
    expect(rankSuggestions(all, 12, 10).map((c) => c.id)).toEqual(['b', 'a', 'c', 'd']);
    expect(rankSuggestions(all, null, 2).map((c) => c.id)).toEqual(['a', 'c']);
  });
});
