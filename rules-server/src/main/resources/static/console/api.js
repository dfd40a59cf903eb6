// The API as the console uses it: every call carries the key the person signed in with.

const KEY = 'convrouter.console.key';
const WHO = 'convrouter.console.who';

export const session = {
  key() { return sessionStorage.getItem(KEY); },
  who() {
    try { return JSON.parse(sessionStorage.getItem(WHO) || 'null'); } catch { return null; }
  },
  signIn(key, who) {
    sessionStorage.setItem(KEY, key);
    sessionStorage.setItem(WHO, JSON.stringify(who));
  },
  signOut() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(WHO);
  },
};

/** A failed call: the HTTP status and the problem+json body when there is one. */
export class ApiError extends Error {
  constructor(status, problem, path) {
    super(describe(status, problem, path));
    this.status = status;
    this.problem = problem;
  }
}

function describe(status, problem, path) {
  if (problem && (problem.detail || problem.title)) {
    const fields = (problem.errors || []).map(e => e.field ? e.field + ': ' + e.message : e.message);
    return (problem.detail || problem.title) + (fields.length && !String(problem.detail).includes(fields[0]) ? ' (' + fields.join('; ') + ')' : '');
  }
  return 'HTTP ' + status + ' ' + path;
}

/** Listeners told when the server refuses the key (401), so the app can ask to sign in again. */
const unauthorizedListeners = [];
export function onUnauthorized(f) { unauthorizedListeners.push(f); }

/**
 * Calls the API. {json} sends a JSON body, {form} a FormData (multipart), {key} overrides the
 * session key (sign-in checks a key before storing it). Answers parsed JSON, text, or null.
 */
export async function call(path, {method = 'GET', json, form, key, query} = {}) {
  const headers = {Accept: 'application/json, application/problem+json, text/plain'};
  const useKey = key !== undefined ? key : session.key();
  if (useKey) headers['X-API-Key'] = useKey;
  let body;
  if (json !== undefined) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(json); }
  if (form) body = form;
  const url = path + (query ? queryString(query) : '');
  const res = await fetch(url, {method, headers, body});
  const type = res.headers.get('Content-Type') || '';
  const payload = res.status === 204 ? null : type.includes('json') ? await res.json().catch(() => null) : await res.text();
  if (!res.ok) {
    const err = new ApiError(res.status, typeof payload === 'object' ? payload : null, path);
    if (res.status === 401 && key === undefined) unauthorizedListeners.forEach(f => f(err));
    throw err;
  }
  return payload;
}

function queryString(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

export const enc = encodeURIComponent;
