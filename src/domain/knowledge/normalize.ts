/**
 * Persian text as the knowledge base's search compares it (issue 16 item 4). The same word
 * reaches us typed on Arabic and Persian keyboards, with or without a zero-width non-joiner,
 * with Persian, Arabic-Indic or Latin digits and with or without short vowels; an article
 * and a query are both put through this before they are compared (a normalised search
 * column matched with LIKE works the same on PostgreSQL and PGlite, no trigram extension).
 */
import { toAsciiDigits } from '../phone.js';

const CHARACTER_FOLDS: Record<string, string> = {
  '\u064a': '\u06cc', // Arabic yeh ي → Persian yeh ی
  '\u0649': '\u06cc', // alef maksura ى → ی
  '\u0643': '\u06a9', // Arabic kaf ك → Persian kaf ک
  '\u0629': '\u0647', // teh marbuta ة → ه
  '\u06c0': '\u0647', // heh with yeh above ۀ → ه
  '\u0623': '\u0627', // alef with hamza above أ → ا
  '\u0625': '\u0627', // alef with hamza below إ → ا
  '\u0624': '\u0648', // waw with hamza ؤ → و
};

// Short vowels and other marks (fatha, damma, kasra, tanwin, shadda, sukun, superscript alef), tatweel.
const MARKS = /[\u064b-\u0652\u0670\u0640]/g;
// Zero-width non-joiner and joiner, LRM/RLM and bidi embeddings: invisible, never part of a word.
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** One spelling for the comparisons of search: folded letters, ASCII digits, no marks, lower-case Latin, single spaces. */
export function normalizePersian(text: string): string {
  return toAsciiDigits(text.normalize('NFC'))
    .replace(/[\u064a\u0649\u0643\u0629\u06c0\u0623\u0625\u0624]/g, (ch) => CHARACTER_FOLDS[ch]!)
    .replace(MARKS, '')
    .replace(INVISIBLE, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The words of a query, normalised, each once, in order; punctuation (Persian too) separates words. */
export function searchTerms(query: string): string[] {
  const words = normalizePersian(query)
    .split(/[\s.,;:!?()[\]{}"'«»،؛؟\-_/\\]+/)
    .filter((w) => w.length > 0);
  return [...new Set(words)];
}
