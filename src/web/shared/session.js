/**
 * The session parts every page (agent desktop, district inbox, wallboard, reports) uses
 * through sign-in.js: the element lookup, the API error, the token kept in
 * sessionStorage and the authenticated fetch. Plain DOM like the pages: no build step.
 */

export const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el;
};

export class ApiError extends Error {
  constructor(code, status) {
    super(code ?? `HTTP ${status}`);
    this.code = code;
    this.status = status;
  }
}

/**
 * sessionStorage: the token lives as long as the tab, and a shared PC forgets it when
 * closed. Each page has its own key, so signing in to one page does not sign in another.
 */
export function tokenStore(key) {
  return {
    load: () => sessionStorage.getItem(key),
    save: (token) => sessionStorage.setItem(key, token),
    clear: () => sessionStorage.removeItem(key),
  };
}

/**
 * The page's fetch of the JSON API with the session's bearer token. A 401 on a
 * signed-in session (not the sign-in itself) means the token expired or was revoked:
 * `onUnauthorized` takes the user back to the sign-in form.
 */
export function createApi(session, onUnauthorized) {
  return async function api(method, path, body) {
    const headers = { accept: 'application/json' };
    if (session.token) headers.authorization = `Bearer ${session.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
    if (res.status === 401 && session.token && path !== '/api/auth/login') {
      onUnauthorized();
      throw new ApiError('HOTLINE_ERR_UNAUTHORIZED', 401);
    }
    if (!res.ok) {
      const error = await res.json().catch(() => null);
      throw new ApiError(error?.error?.code, res.status);
    }
    return res.status === 204 ? null : res.json();
  };
}

/** What the shared sign-in form (#username, #password) holds. */
export function credentials() {
  return { username: $('username').value.trim(), password: $('password').value };
}

/**
 * Runs a sign-in `attempt` from the shared form: checks it, clears the last error and
 * keeps the button disabled while the attempt runs, so a double click signs in once.
 */
export async function withSignInForm(event, attempt) {
  event.preventDefault();
  const form = event.currentTarget;
  if (!form.reportValidity()) return;
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  $('sign-in-error').textContent = '';
  try {
    await attempt(credentials());
  } finally {
    button.disabled = false;
  }
}

/** Keeps the token of a successful sign-in for this tab and empties the password field. */
export function keepSession(session, store, token) {
  session.token = token;
  store.save(token);
  $('password').value = '';
}

/**
 * Forgets the session's token, hides the signed-in page (`#pageId` and the account
 * bar) and shows the sign-in form again with `message`, the password cleared, the
 * username focused.
 */
export function backToSignIn(session, store, pageId, message = '') {
  session.token = null;
  store.clear();
  $(pageId).hidden = true;
  $('account').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message;
  $('password').value = '';
  $('username').focus();
}
