/**
 * The citizens' FAQ: the hotline's published, citizen-facing articles, searchable, with no
 * sign-in. Answers come from GET /api/public/faq already sanitised on save
 * (src/domain/knowledge/sanitize.ts) and are shown as HTML; questions as text.
 */
const $ = (id) => document.getElementById(id);

const ERRORS = {
  HOTLINE_ERR_RATE_LIMITED: 'درخواست‌ها بیش از حد است؛ یک دقیقه بعد دوباره تلاش کنید.',
  HOTLINE_ERR_VALIDATION: 'عبارت جست‌وجو درست نیست؛ آن را کوتاه‌تر بنویسید.',
};

function render(questions, searched) {
  const list = $('questions');
  list.replaceChildren();
  for (const q of questions) {
    const item = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = q.title;
    const answer = document.createElement('div');
    answer.className = 'answer';
    answer.innerHTML = q.body;
    item.append(summary, answer);
    list.append(item);
  }
  if (questions.length === 1) list.querySelector('details').open = true;
  $('faq-status').textContent = questions.length === 0 ? (searched ? 'پرسشی با این عبارت پیدا نشد.' : 'هنوز پرسشی ثبت نشده است.') : '';
}

async function load(q) {
  $('faq-error').textContent = '';
  try {
    const res = await fetch(`/api/public/faq${q ? `?q=${encodeURIComponent(q)}` : ''}`, { headers: { accept: 'application/json' }, cache: 'no-store' });
    const body = await res.json().catch(() => null);
    if (!res.ok) throw new Error(body?.error?.code ?? `HTTP ${res.status}`);
    render(body.questions, Boolean(q));
  } catch (err) {
    $('faq-error').textContent = ERRORS[err.message] ?? 'پرسش‌ها بارگیری نشد؛ دوباره تلاش کنید.';
  }
}

$('faq-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void load($('faq-q').value.trim());
});
void load('');
