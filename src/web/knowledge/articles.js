/**
 * What the knowledge pages (and the agent desk's suggestions) say about an article, and
 * the API body built from the editor: pure, so the unit tests cover it without a browser.
 */
import { categoryLabel, districtLabel, toLatinDigits, toPersianDigits } from '../agent/format.js';

const dateFormat = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { timeZone: 'Asia/Tehran', year: 'numeric', month: 'long', day: 'numeric' });

/** A YYYY-MM-DD day or an ISO instant as a Jalali date in Persian digits; '—' when missing. */
export function jalaliDate(value) {
  if (!value) return '—';
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? '—' : dateFormat.format(date);
}

/** Today in Tehran as YYYY-MM-DD, to compare with review dates. */
export function tehranDay(now) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Its review date has come (or passed): the owner should check it. */
export function reviewDue(article, now) {
  return Boolean(article.reviewOn) && article.reviewOn <= tehranDay(now);
}

/** One line under an article's title: subject, place, state and the last update. */
export function articleMeta(article, now) {
  const parts = [
    article.category ? categoryLabel(article.category) : 'همهٔ موضوع‌ها',
    article.district ? districtLabel(article.district) : 'همهٔ شهر',
  ];
  if (article.published === false) parts.push('پیش‌نویس');
  if (article.citizenFacing) parts.push('در پرسش‌های متداول');
  if (article.updatedAt) parts.push(`به‌روزرسانی ${jalaliDate(article.updatedAt)}`);
  if (article.reviewOn) parts.push(reviewDue(article, now) ? `بازبینی لازم است (${jalaliDate(article.reviewOn)})` : `بازبینی ${jalaliDate(article.reviewOn)}`);
  if (typeof article.usefulVotes === 'number' && article.usefulVotes + article.notUsefulVotes > 0) {
    parts.push(`مفید: ${toPersianDigits(article.usefulVotes)} از ${toPersianDigits(article.usefulVotes + article.notUsefulVotes)}`);
  }
  return parts.join(' · ');
}

/** The API body from the editor's fields (strings and checkboxes as a form gives them). */
export function articleInput(form) {
  const district = toLatinDigits(String(form.district ?? '')).trim();
  const owner = String(form.ownerId ?? '').trim();
  return {
    title: String(form.title ?? '').trim(),
    body: String(form.body ?? ''),
    category: form.category ? String(form.category) : null,
    district: district === '' ? null : Number(district),
    ...(owner ? { ownerId: owner } : {}),
    reviewOn: form.reviewOn ? String(form.reviewOn) : null,
    published: Boolean(form.published),
    citizenFacing: Boolean(form.citizenFacing),
  };
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/** The first words of an article's (sanitised) HTML, for a result line. */
export function snippet(html, max = 140) {
  const text = String(html ?? '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name) => ENTITIES[name])
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}
