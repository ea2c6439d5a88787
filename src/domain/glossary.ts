/**
 * One glossary for the Persian words every page, prompt and text uses, so a citizen and
 * a staff member meet one name per thing. Each term lists the variants found in use and
 * refused; `glossary.test.ts` scans the pages and prompts for them. API field names stay
 * as they are (English, stable): this is about what people read and hear.
 */
export interface GlossaryTerm {
  /** What the term names, in English (for reviewers). */
  concept: string;
  /** The chosen Persian word. */
  term: string;
  /** Variants that must not appear in what people read or hear. */
  rejected: readonly string[];
  /** Why this word won. */
  why: string;
}

export const GLOSSARY: readonly GlossaryTerm[] = Object.freeze([
  {
    concept: 'supervisor',
    term: 'سرپرست',
    rejected: ['ناظر'],
    why: 'The contact-centre role that leads a shift; «ناظر» reads as an outside inspector.',
  },
  {
    concept: 'agent (call-taker)',
    term: 'کارشناس',
    rejected: ['اپراتور'],
    why: 'What the IVR already says («کارشناس صفر») and what the 137 staff are called; «اپراتور» is a loanword.',
  },
  {
    concept: 'tracking number',
    term: 'کد رهگیری',
    rejected: ['شماره پیگیری', 'کد پیگیری', 'شماره رهگیری'],
    why: 'The prompts already say «کد رهگیری», the term of Iranian public services (post, e-government); one name on the phone, in texts and on pages.',
  },
  {
    concept: 'abandonment (calls the caller hung up while waiting)',
    term: 'رهاشدگی',
    // Written joined: «رها شده» with a space breaks the word in two on a narrow tile.
    rejected: ['رها شدگی', 'رها شده', 'نرخ رهاشده', 'ترک تماس'],
    why: 'One noun for the rate («نرخ رهاشدگی») and its adjective («رهاشده») for the count.',
  },
]);

// Arabic diacritics (harakat, tanwin) and the tatweel: «کدِ رهگیریِ» is «کد رهگیری».
const MARKS = /[\u064B-\u065F\u0670\u0640]/g;

/**
 * Text as compared: without diacritics (so the ezafe «شمارهٔ» is «شماره»), the written
 * ezafe «شماره‌ی» also as «شماره», other zero-width non-joiners as spaces, spaces collapsed.
 */
export function normaliseForGlossary(text: string): string {
  return text
    .replace(MARKS, '')
    .replace(/\u0647\u200c\u06cc(?=\s)/g, '\u0647')
    .replace(/\u200c/g, ' ')
    .replace(/\s+/g, ' ');
}

/** The rejected variants found in `text`, with the term to use instead. */
export function glossaryViolations(text: string): { found: string; use: string }[] {
  const plain = normaliseForGlossary(text);
  const out: { found: string; use: string }[] = [];
  for (const t of GLOSSARY) {
    for (const variant of t.rejected) {
      if (plain.includes(variant)) out.push({ found: variant, use: t.term });
    }
  }
  return out;
}
