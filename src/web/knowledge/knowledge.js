/**
 * The knowledge base page: everyone signed in (agents, supervisors, admins) searches and
 * reads; supervisors and admins also write, publish and delete. Article bodies come from
 * the API already sanitised (src/domain/knowledge/sanitize.ts) and are shown as HTML;
 * everything else is set as text. Plain DOM, no build step, like the other pages.
 */
import { CATEGORY_OPTIONS, DISTRICT_COUNT, districtLabel, errorMessage } from '../agent/format.js';
import { $ } from '../shared/session.js';
import { createSignIn, showSignedIn } from '../shared/sign-in.js';
import { articleInput, articleMeta, snippet } from './articles.js';

const EDITORS = new Set(['admin', 'supervisor']);

const signIn = createSignIn({
  storageKey: 'hotline137.knowledge.token',
  pageId: 'kb',
  open: openPage,
  refuse: (user) => (user && !['admin', 'supervisor', 'agent'].includes(user.role) ? 'بانک دانش برای کارشناسان و سرپرستان است.' : null),
  errorText: errorMessage,
});
const { api } = signIn;
const state = { role: null, editing: null, shown: null };

function fillSelects() {
  for (const id of ['search-category', 'article-category']) {
    const select = $(id);
    for (const c of CATEGORY_OPTIONS) select.append(new Option(c.fa, c.id));
  }
  const district = $('article-district');
  for (let d = 1; d <= DISTRICT_COUNT; d++) district.append(new Option(districtLabel(d), String(d)));
}

async function openPage() {
  const me = await api('GET', '/api/auth/me');
  if (!['admin', 'supervisor', 'agent'].includes(me.role)) return 'بانک دانش برای کارشناسان و سرپرستان است.';
  state.role = me.role;
  $('account-name').textContent = me.user?.displayName ?? me.id;
  $('editor-actions').hidden = !EDITORS.has(me.role);
  showSignedIn('kb');
  const wanted = new URLSearchParams(location.search).get('article');
  await listAll();
  if (wanted) await openArticle(wanted);
  return null;
}

function renderResults(articles, emptyText) {
  const list = $('results');
  list.replaceChildren();
  for (const a of articles) {
    const li = document.createElement('li');
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'link';
    open.textContent = a.title;
    open.addEventListener('click', () => openArticle(a.id));
    const meta = document.createElement('span');
    meta.className = a.published ? 'meta' : 'meta draft';
    meta.textContent = articleMeta(a, new Date());
    const text = document.createElement('span');
    text.className = 'meta';
    text.textContent = snippet(a.body);
    li.append(open, meta, text);
    list.append(li);
  }
  $('search-status').textContent = articles.length === 0 ? emptyText : `${articles.length.toLocaleString('fa-IR')} مقاله`;
}

async function run(load, emptyText) {
  $('search-error').textContent = '';
  try {
    renderResults(await load(), emptyText);
  } catch (err) {
    $('search-error').textContent = errorMessage(err.code);
  }
}

function categoryQuery() {
  const category = $('search-category').value;
  return category ? `category=${encodeURIComponent(category)}` : '';
}

function listAll() {
  return run(async () => (await api('GET', `/api/knowledge/articles?${categoryQuery()}`)).articles, 'هنوز مقاله‌ای نیست.');
}

/** Editors: the articles whose review date has come, for their owners to check. */
function listDue() {
  return run(async () => (await api('GET', `/api/knowledge/articles?reviewDue=true&${categoryQuery()}`)).articles, 'مقاله‌ای در انتظار بازبینی نیست.');
}

function search(event) {
  event.preventDefault();
  const q = $('search-q').value.trim();
  if (!q) return listAll();
  const params = [`q=${encodeURIComponent(q)}`, categoryQuery()].filter(Boolean).join('&');
  return run(async () => (await api('GET', `/api/knowledge/search?${params}`)).articles, 'مقاله‌ای با این عبارت پیدا نشد.');
}

async function openArticle(id) {
  $('search-error').textContent = '';
  try {
    const a = await api('GET', `/api/knowledge/articles/${encodeURIComponent(id)}`);
    state.shown = a;
    $('editor').hidden = true;
    $('reader').hidden = false;
    $('reader-title').textContent = a.title;
    $('reader-meta').textContent = articleMeta(a, new Date());
    // Sanitised by the server on save: only p, strong, em, lists, h3, br and http(s) links.
    $('reader-body').innerHTML = a.body;
    $('reader-edit').hidden = !EDITORS.has(state.role);
    $('reader').scrollIntoView({ block: 'start' });
  } catch (err) {
    $('search-error').textContent = errorMessage(err.code);
  }
}

function openEditor(article) {
  state.editing = article;
  $('reader').hidden = true;
  $('editor').hidden = false;
  $('editor-title').textContent = article ? 'ویرایش مقاله' : 'مقالهٔ تازه';
  $('article-title').value = article?.title ?? '';
  $('article-category').value = article?.category ?? '';
  $('article-district').value = article?.district ? String(article.district) : '';
  $('article-owner').value = article?.ownerId ?? '';
  $('article-review').value = article?.reviewOn ?? '';
  $('article-published').checked = article?.published ?? false;
  $('article-citizen').checked = article?.citizenFacing ?? false;
  $('article-body').value = article?.body ?? '';
  $('editor-delete').hidden = !article;
  $('editor-status').textContent = '';
  $('editor-error').textContent = '';
  $('article-title').focus();
}

async function save(event) {
  event.preventDefault();
  const form = $('editor-form');
  if (!form.reportValidity()) return;
  const body = articleInput({
    title: $('article-title').value,
    body: $('article-body').value,
    category: $('article-category').value,
    district: $('article-district').value,
    ownerId: $('article-owner').value,
    reviewOn: $('article-review').value,
    published: $('article-published').checked,
    citizenFacing: $('article-citizen').checked,
  });
  $('editor-error').textContent = '';
  try {
    const saved = state.editing
      ? await api('PUT', `/api/knowledge/articles/${encodeURIComponent(state.editing.id)}`, body)
      : await api('POST', '/api/knowledge/articles', body);
    await listAll();
    await openArticle(saved.id);
  } catch (err) {
    $('editor-error').textContent =
      err.code === 'HOTLINE_ERR_VALIDATION' ? 'عنوان و متن لازم است؛ متنی که پس از حذف برچسب‌های نامجاز چیزی از آن نماند پذیرفته نمی‌شود.' : errorMessage(err.code);
  }
}

async function remove() {
  if (!state.editing || !confirm(`مقالهٔ «${state.editing.title}» حذف شود؟ رأی‌ها و سابقهٔ استفاده از آن در تماس‌ها هم حذف می‌شود.`)) return;
  try {
    await api('DELETE', `/api/knowledge/articles/${encodeURIComponent(state.editing.id)}`);
    state.editing = null;
    $('editor').hidden = true;
    await listAll();
  } catch (err) {
    $('editor-error').textContent = errorMessage(err.code);
  }
}

fillSelects();
$('search-form').addEventListener('submit', search);
$('search-clear').addEventListener('click', () => {
  $('search-q').value = '';
  return listAll();
});
$('new-article').addEventListener('click', () => openEditor(null));
$('review-due').addEventListener('click', listDue);
$('reader-edit').addEventListener('click', () => openEditor(state.shown));
$('reader-close').addEventListener('click', () => ($('reader').hidden = true));
$('editor-form').addEventListener('submit', save);
$('editor-delete').addEventListener('click', remove);
$('editor-cancel').addEventListener('click', () => ($('editor').hidden = true));
signIn.start();
