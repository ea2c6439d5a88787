/**
 * The sign-in every page shares: the form (drawn into the page's empty
 * `<section id="sign-in" data-title="…">`), the token kept for this tab, signing out, and
 * the way back to the form when the session ends. A page hands in only what is its own:
 * what to open once signed in, what to stop on the way out, and who may not use it.
 */
import { $, backToSignIn, createApi, keepSession, tokenStore, withSignInForm } from './session.js';

/**
 * The form, with ids the pages' scripts and styles share. `method="post"` and an action
 * on this page: with the page's CSP (form-action 'none') and no script the form goes
 * nowhere, so a password never lands in a URL.
 */
function drawForm(section) {
  const title = document.createElement('h2');
  title.id = 'sign-in-title';
  title.textContent = section.dataset.title ?? 'ورود';
  const form = document.createElement('form');
  form.id = 'sign-in-form';
  form.method = 'post';
  form.action = location.pathname;
  const field = (id, label, attrs) => {
    const l = document.createElement('label');
    l.htmlFor = id;
    l.textContent = label;
    const input = document.createElement('input');
    input.id = id;
    input.name = id;
    input.dir = 'ltr';
    input.required = true;
    for (const [k, v] of Object.entries(attrs)) input.setAttribute(k, v);
    return [l, input];
  };
  const submit = document.createElement('button');
  submit.type = 'submit';
  submit.className = 'primary';
  submit.textContent = 'ورود';
  const error = document.createElement('p');
  error.id = 'sign-in-error';
  error.className = 'error';
  error.setAttribute('role', 'alert');
  form.append(
    ...field('username', 'نام کاربری', { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' }),
    ...field('password', 'گذرواژه', { type: 'password', autocomplete: 'current-password' }),
    submit,
    error,
  );
  section.classList.add('card', 'sign-in');
  section.setAttribute('aria-labelledby', title.id);
  section.prepend(title, form);
}

/** Hides the sign-in form and shows the signed-in page `pageId` with the account bar. */
export function showSignedIn(pageId) {
  $('sign-in').hidden = true;
  $(pageId).hidden = false;
  $('account').hidden = false;
}

/**
 * Sets up the page's sign-in and returns its session ({ token }), its authenticated
 * `api` (see createApi), `backToForm(message)`, `start()` and `useToken(token)`.
 * - `storageKey`: the page's own sessionStorage key, so signing in here signs in nowhere else;
 * - `pageId`: the element shown while signed in;
 * - `open()`: shows the signed-in page (showSignedIn) and loads it; it may instead
 *   return a message refusing this user, whose session then ends;
 * - `close()`: stops what `open` started (streams, timers), on every way out;
 * - `refuse(user)`: a message when the signed-in user may not use this page at all;
 * - `errorText(code)`: the page's Persian text for an API error code.
 */
export function createSignIn({ storageKey, pageId, open, close = () => {}, refuse = () => null, errorText }) {
  drawForm($('sign-in'));
  const store = tokenStore(storageKey);
  const session = { token: store.load() };
  const api = createApi(session, () => backToForm(errorText('HOTLINE_ERR_UNAUTHORIZED')));

  function backToForm(message = '') {
    close();
    backToSignIn(session, store, pageId, message);
  }

  /** Best effort: a token this page will not use should not stay valid until the end of the shift. */
  function endSession() {
    const token = session.token;
    session.token = null;
    store.clear();
    if (token) fetch('/api/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => {});
  }

  /** Opens the page for the session's token; a refusal ends the session. */
  async function enter() {
    const refusal = await open();
    if (!refusal) return;
    endSession();
    backToForm(refusal);
  }

  async function signIn(event) {
    await withSignInForm(event, async (login) => {
      try {
        const signedIn = await api('POST', '/api/auth/login', login);
        const refusal = refuse(signedIn.user);
        if (refusal) {
          session.token = signedIn.token;
          endSession();
          $('sign-in-error').textContent = refusal;
          return;
        }
        keepSession(session, store, signedIn.token);
        await enter();
      } catch (err) {
        // Signed in but the page did not open (the server failed): the token is not kept.
        if (session.token) {
          endSession();
          backToForm(errorText(err.code));
        } else {
          $('sign-in-error').textContent = errorText(err.code);
        }
      }
    });
  }

  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => {
    endSession();
    backToForm();
  });

  /** Resumes the tab's session, or waits at the form. Call once the page has wired its own parts. */
  function start() {
    if (!session.token) {
      backToForm();
      return;
    }
    enter().catch((err) => {
      if (session.token) backToForm(errorText(err.code));
    });
  }

  /** Signs in with a token the user already holds (the reports page's admin token). */
  async function useToken(token) {
    keepSession(session, store, token);
    await enter().catch((err) => {
      if (session.token) backToForm(errorText(err.code));
    });
  }

  return { session, api, backToForm, start, useToken };
}
