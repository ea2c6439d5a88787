import { describe, expect, it } from 'vitest';
import { articleInput, articleMeta, jalaliDate, reviewDue, snippet, tehranDay } from './articles.js';

// 23:30 UTC on 20 March 2027 is already the 21st (Nowruz, 1 Farvardin 1406) in Tehran.
const NOW = new Date('2027-03-20T23:30:00Z');

describe('dates', () => {
  it('reads days and instants in Jalali, and today in Tehran', () => {
    expect(jalaliDate('2027-03-21')).toBe('۱ فروردین ۱۴۰۶');
    expect(jalaliDate(null)).toBe('—');
    expect(tehranDay(NOW)).toBe('2027-03-21');
  });

  it('says when a review is due, by the Tehran day', () => {
    expect(reviewDue({ reviewOn: '2027-03-21' }, NOW)).toBe(true);
    expect(reviewDue({ reviewOn: '2027-03-22' }, NOW)).toBe(false);
    expect(reviewDue({ reviewOn: null }, NOW)).toBe(false);
  });
});

describe('articleMeta', () => {
  it('names subject, place, state, review and votes in Persian', () => {
    const meta = articleMeta(
      { category: 'parks_trees', district: 12, published: false, citizenFacing: true, reviewOn: '2027-03-01', usefulVotes: 3, notUsefulVotes: 1 },
      NOW,
    );
    expect(meta).toBe('پارک‌ها و فضای سبز · منطقه ۱۲ · پیش‌نویس · در پرسش‌های متداول · بازبینی لازم است (۱۰ اسفند ۱۴۰۵) · مفید: ۳ از ۴');
    expect(articleMeta({ category: null, district: null }, NOW)).toBe('همهٔ موضوع‌ها · همهٔ شهر');
  });
});

describe('articleInput', () => {
  it('turns the editor fields into the API body: empty means none, Persian digits read', () => {
    expect(articleInput({ title: ' عنوان ', body: '<p>x</p>', category: '', district: '۱۲', ownerId: '', reviewOn: '', published: true, citizenFacing: false })).toEqual({
      title: 'عنوان',
      body: '<p>x</p>',
      category: null,
      district: 12,
      reviewOn: null,
      published: true,
      citizenFacing: false,
    });
    expect(articleInput({ title: 'a', body: 'b', category: 'other', district: '', ownerId: 'sup-2', reviewOn: '2027-01-01' })).toMatchObject({
      category: 'other',
      district: null,
      ownerId: 'sup-2',
      reviewOn: '2027-01-01',
      published: false,
    });
  });
});

describe('snippet', () => {
  it('gives the words without markup, cut at a word budget', () => {
    expect(snippet('<h3>عنوان</h3><p>یک &amp; دو</p>')).toBe('عنوان یک & دو');
    expect(snippet('<p>۱۲۳۴۵۶۷۸۹۰</p>', 5)).toBe('۱۲۳۴…');
  });
});
