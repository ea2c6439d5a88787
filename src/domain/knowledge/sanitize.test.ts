import { describe, expect, it } from 'vitest';
import { articleText, safeHref, sanitizeArticleHtml } from './sanitize.js';

describe('sanitizeArticleHtml', () => {
  it('keeps the allowed subset as it is', () => {
    const html =
      '<h3>ساعات کاری</h3><p>مناطق <strong>شنبه</strong> تا <em>چهارشنبه</em><br>باز هستند.</p>' +
      '<ul><li>یک</li><li>دو</li></ul><ol><li>سه</li></ol><p><a href="https://tehran.ir/x?a=1&amp;b=2">سامانه</a></p>';
    expect(sanitizeArticleHtml(html)).toBe(
      '<h3>ساعات کاری</h3><p>مناطق <strong>شنبه</strong> تا <em>چهارشنبه</em><br>باز هستند.</p>' +
        '<ul><li>یک</li><li>دو</li></ul><ol><li>سه</li></ol><p><a href="https://tehran.ir/x?a=1&amp;b=2" rel="noopener noreferrer nofollow">سامانه</a></p>',
    );
  });

  it('drops script elements with their content, in any spelling', () => {
    expect(sanitizeArticleHtml('<p>پیش</p><script>alert(1)</script><p>پس</p>')).toBe('<p>پیش</p><p>پس</p>');
    expect(sanitizeArticleHtml('<SCRIPT type="text/javascript">steal()</SCRIPT >ok')).toBe('ok');
    expect(sanitizeArticleHtml('<script src="https://evil.example/x.js"></script>')).toBe('');
    expect(sanitizeArticleHtml('<style>p{display:none}</style><iframe src="https://x"></iframe>متن')).toBe('متن');
    expect(sanitizeArticleHtml('<svg><script>alert(1)</script></svg>متن')).toBe('متن');
  });

  it('drops every attribute but a link\'s href: no event handlers, no styles', () => {
    expect(sanitizeArticleHtml('<img src=x onerror=alert(1)>')).toBe('');
    expect(sanitizeArticleHtml('<p onclick="alert(1)" style="color:red" class="x">متن</p>')).toBe('<p>متن</p>');
    expect(sanitizeArticleHtml('<a href="https://tehran.ir" onmouseover="alert(1)">پیوند</a>')).toBe(
      '<a href="https://tehran.ir/" rel="noopener noreferrer nofollow">پیوند</a>',
    );
    expect(sanitizeArticleHtml('<strong/onmouseover=alert(1)>x</strong>')).toBe('<strong>x</strong>');
    expect(sanitizeArticleHtml('<p title="a>b" onclick="x">c</p>')).toBe('<p>c</p>');
  });

  it('keeps the words of a link to anything but http(s), without the link', () => {
    expect(sanitizeArticleHtml('<a href="javascript:alert(1)">کلیک</a>')).toBe('کلیک');
    expect(sanitizeArticleHtml('<a href="JaVaScRiPt:alert(1)">x</a>')).toBe('x');
    expect(sanitizeArticleHtml('<a href="jav&#x61;script:alert(1)">x</a>')).toBe('x');
    expect(sanitizeArticleHtml('<a href="java\tscript:alert(1)">x</a>')).toBe('x');
    expect(sanitizeArticleHtml('<a href=" javascript:alert(1)">x</a>')).toBe('x');
    expect(sanitizeArticleHtml('<a href="data:text/html,<script>alert(1)</script>">x</a>')).toBe('x');
    expect(sanitizeArticleHtml('<a href="/relative">x</a>')).toBe('x');
    expect(sanitizeArticleHtml('<a>بی‌نشانی</a>')).toBe('بی‌نشانی');
  });

  it('escapes text, so markup written as text stays text', () => {
    expect(sanitizeArticleHtml('a < b & c > d')).toBe('a &lt; b &amp; c &gt; d');
    expect(sanitizeArticleHtml('&lt;script&gt;alert(1)&lt;/script&gt;')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(sanitizeArticleHtml('<p>"نقل"</p>')).toBe('<p>&quot;نقل&quot;</p>');
    expect(sanitizeArticleHtml('<scr<script>ipt>alert(1)</script>')).toBe('ipt&gt;alert(1)');
  });

  it('drops controls and bidi overrides, also written as references, and keeps ZWNJ', () => {
    expect(sanitizeArticleHtml('<p>۱۲&#x202E;۳۴\u0007</p>')).toBe('<p>۱۲۳۴</p>');
    expect(sanitizeArticleHtml('می&zwnj;توانید')).toBe('می\u200cتوانید');
  });

  it('maps b and i to strong and em, drops comments and unknown tags but keeps their words', () => {
    expect(sanitizeArticleHtml('<b>پررنگ</b> <i>کج</i>')).toBe('<strong>پررنگ</strong> <em>کج</em>');
    expect(sanitizeArticleHtml('<!-- <script>x</script> --><div><span>متن</span></div>')).toBe('متن');
    expect(sanitizeArticleHtml('<h1>عنوان</h1>')).toBe('عنوان');
  });

  it('always returns well-formed markup', () => {
    expect(sanitizeArticleHtml('<p><strong>باز')).toBe('<p><strong>باز</strong></p>');
    expect(sanitizeArticleHtml('</p></ul>متن</strong>')).toBe('متن');
    expect(sanitizeArticleHtml('<p>یک<p>دو')).toBe('<p>یک</p><p>دو</p>');
    expect(sanitizeArticleHtml('<ul><li>یک<li>دو</ul>')).toBe('<ul><li>یک</li><li>دو</li></ul>');
    expect(sanitizeArticleHtml('<a href="https://a.ir">یک<a href="https://b.ir">دو</a>')).toBe(
      '<a href="https://a.ir/" rel="noopener noreferrer nofollow">یک</a><a href="https://b.ir/" rel="noopener noreferrer nofollow">دو</a>',
    );
  });

  it('treats a flood of unclosed tags as text (bounded patterns: the timeout of the test catches a quadratic scan)', () => {
    expect(sanitizeArticleHtml('<a "'.repeat(20_000))).toBe('&lt;a &quot;'.repeat(20_000));
  });
});

describe('safeHref', () => {
  it('accepts absolute http(s) URLs only', () => {
    expect(safeHref('https://my.tehran.ir/137')).toBe('https://my.tehran.ir/137');
    expect(safeHref('HTTP://tehran.ir')).toBe('http://tehran.ir/');
    expect(safeHref('mailto:a@b.ir')).toBeNull();
    expect(safeHref('vbscript:x')).toBeNull();
    expect(safeHref('https://')).toBeNull();
  });
});

describe('articleText', () => {
  it('gives the words of an article, a line per block', () => {
    expect(articleText('<h3>عنوان</h3><p>یک &amp; دو<br>سه</p><ul><li>چهار</li></ul>')).toBe('عنوان\nیک & دو\nسه\nچهار');
  });
});
