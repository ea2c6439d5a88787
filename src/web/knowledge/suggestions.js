/**
 * The agent desk's suggested articles: when a screen pop opens for a call whose IVR
 * category is known, the published articles of that category (the caller's district
 * first) are listed under the pop. The agent opens one to read it, says whether it was
 * useful (one vote per article and call, the latest counts) and records the ones used
 * to answer, which then show on the call's case timeline. Bodies are sanitised by the
 * server on save and shown as HTML.
 */
import { errorMessage } from '../agent/format.js';
import { articleMeta } from './articles.js';

function button(text, onClick, className = '') {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  if (className) b.className = className;
  b.addEventListener('click', onClick);
  return b;
}

/**
 * Fills `container` (its list `ul` and status `p[role=status]`) with the suggestions for
 * `pop`; `api` is the desk's authenticated fetch. Returns when the list is drawn.
 */
export async function showSuggestions({ api, pop, category, container }) {
  const list = container.querySelector('ul');
  const status = container.querySelector('[role="status"]');
  list.replaceChildren();
  status.textContent = '';
  container.hidden = !category;
  if (!category) return;
  const query = `category=${encodeURIComponent(category)}${pop.district ? `&district=${pop.district}` : ''}`;
  let articles;
  try {
    articles = (await api('GET', `/api/knowledge/suggestions?${query}`)).articles;
  } catch (err) {
    status.textContent = errorMessage(err.code);
    return;
  }
  if (articles.length === 0) status.textContent = 'برای این موضوع مقاله‌ای در بانک دانش نیست.';
  for (const a of articles) {
    const li = document.createElement('li');
    li.dataset.articleId = a.id;
    const details = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = a.title;
    const meta = document.createElement('p');
    meta.className = 'muted';
    meta.textContent = articleMeta(a, new Date());
    const body = document.createElement('div');
    body.className = 'article-body';
    body.innerHTML = a.body;
    const note = document.createElement('p');
    note.setAttribute('role', 'status');
    note.className = 'muted';
    const act = async (work, done) => {
      note.textContent = '';
      try {
        await work();
        note.textContent = done;
      } catch (err) {
        note.textContent = errorMessage(err.code);
      }
    };
    const path = `/api/knowledge/articles/${encodeURIComponent(a.id)}/votes`;
    const actions = document.createElement('div');
    actions.className = 'article-actions';
    actions.append(
      button('از این پاسخ استفاده کردم', () => act(() => api('POST', `/api/calls/${encodeURIComponent(pop.callId)}/articles`, { articleId: a.id }), 'در پروندهٔ این تماس ثبت شد.'), 'primary'),
      button('مفید بود', () => act(() => api('PUT', path, { callId: pop.callId, useful: true }), 'رأی شما ثبت شد: مفید.')),
      button('مفید نبود', () => act(() => api('PUT', path, { callId: pop.callId, useful: false }), 'رأی شما ثبت شد: نامفید.')),
    );
    details.append(summary, meta, body, actions, note);
    li.append(details);
    list.append(li);
  }
}
