/**
 * The rich text of a knowledge-base article, made safe when it is saved (issue 16 item 4).
 * Articles are written by supervisors but read by every agent and, when citizen-facing, by
 * anyone on /faq: whatever was pasted in (from Word, a web page, an attacker's account) is
 * reduced to a small subset of HTML that cannot run code — paragraphs, bold, italics,
 * lists, third-level headings, line breaks and links to http(s) addresses. Everything else
 * is dropped: other tags lose their markup but keep their words; script, style and similar
 * containers lose their content too; every attribute except a link's href goes, so no
 * event handler (onerror, onclick) or style survives.
 *
 * Pure and self-contained: a tokenizer over the input, a stack of open elements, output
 * written from scratch (never copied from the input), so the result is always well formed.
 */

/** Elements kept, without attributes (`a` keeps a checked href). */
const ALLOWED = new Set(['p', 'strong', 'em', 'ul', 'ol', 'li', 'a', 'h3', 'br']);
/** Markup from editors that means the same as an allowed element. */
const SYNONYMS: Record<string, string> = { b: 'strong', i: 'em' };
/** No closing tag. */
const VOID = new Set(['br']);
/** Elements whose whole content is dropped with them: code, styles, embedded documents. */
const DROP_CONTENT = new Set(['script', 'style', 'iframe', 'object', 'embed', 'template', 'noscript', 'textarea', 'title', 'svg', 'math', 'xmp', 'noembed', 'noframes', 'select']);

/**
 * Controls and bidi overrides have no place in an article, even written as character
 * references (`&#x202E;` would show a number or a link's words reversed). ZWNJ stays: Persian needs it.
 */
const UNSAFE_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', zwnj: '\u200c', zwj: '\u200d' };

/** Decodes the character references a browser would, enough to see what an href really says. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});?/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '';
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A link target an article may carry: an absolute http(s) URL, after the entity decoding
 * and whitespace stripping a browser does (`jav&#x61;script:`, `java\tscript:` are caught
 * by the scheme check); null for anything else.
 */
export function safeHref(raw: string): string | null {
  const decoded = decodeEntities(raw).replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  if (!/^https?:\/\//i.test(decoded)) return null;
  try {
    const url = new URL(decoded);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

// A tag: `<name attrs>` or `</name>`; a comment, doctype or processing instruction; the rest is text.
// Bounded, so a flood of unclosed `<a "` costs linear time, not quadratic.
const TOKEN = /<!--[\s\S]*?(?:-->|$)|<![^>]*>?|<\?[^>]*>?|<\/?([a-zA-Z][a-zA-Z0-9-]{0,30})((?:[^>"']|"[^"]{0,2000}"|'[^']{0,2000}'){0,256})>/g;
const HREF = /(?:^|\s)href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;

/** `html` reduced to the article subset; text outside tags is escaped, so a stray `<` is shown, not parsed. */
export function sanitizeArticleHtml(html: string): string {
  let out = '';
  const open: string[] = [];
  /** Inside a dropped container: the name that ends it. */
  let dropping: string | null = null;
  let last = 0;

  const text = (raw: string) => {
    if (dropping === null && raw.length > 0) out += escapeHtml(decodeEntities(raw).replace(UNSAFE_CHARACTERS, ''));
  };
  const close = (name: string) => {
    const at = open.lastIndexOf(name);
    if (at < 0) return;
    while (open.length > at) out += `</${open.pop()}>`;
  };

  for (const match of html.matchAll(TOKEN)) {
    text(html.slice(last, match.index));
    last = match.index + match[0].length;
    const rawName = match[1]?.toLowerCase();
    if (!rawName) continue; // comment, doctype, processing instruction
    const closing = match[0].startsWith('</');
    if (dropping !== null) {
      if (closing && rawName === dropping) dropping = null;
      continue;
    }
    if (DROP_CONTENT.has(rawName)) {
      if (!closing && !/\/\s*$/.test(match[2] ?? '')) dropping = rawName;
      continue;
    }
    const name = SYNONYMS[rawName] ?? rawName;
    if (!ALLOWED.has(name)) continue;
    if (closing) {
      close(name);
      continue;
    }
    if (VOID.has(name)) {
      out += `<${name}>`;
      continue;
    }
    if (name === 'a') {
      // Links do not nest; an unsafe href leaves the words without a link.
      close('a');
      const found = HREF.exec(match[2] ?? '');
      const href = found ? safeHref(found[1] ?? found[2] ?? found[3] ?? '') : null;
      if (href === null) continue;
      out += `<a href="${escapeHtml(href)}" rel="noopener noreferrer nofollow">`;
      open.push('a');
      continue;
    }
    // A new block or list item ends an open paragraph or item of the same kind, as in HTML.
    if (name === 'p' || name === 'h3' || name === 'li') {
      if (name === 'li') {
        const list = Math.max(open.lastIndexOf('ul'), open.lastIndexOf('ol'));
        if (open.lastIndexOf('li') > list) close('li');
      } else {
        close('p');
      }
    }
    out += `<${name}>`;
    open.push(name);
  }
  text(html.slice(last));
  while (open.length > 0) out += `</${open.pop()}>`;
  return out;
}

/** The words of sanitised article HTML, for search and plain-text previews. */
export function articleText(html: string): string {
  return decodeEntities(html.replace(/<br>|<\/(?:p|li|h3)>/g, '\n').replace(/<[^>]*>/g, ' '))
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}
