// Sign in with an API key: the server says whose key it is (GET /api/v1/whoami) before it is kept for this tab.
import {call, session} from '../api.js';
import {h} from '../dom.js';
import {t} from '../i18n.js';

export function render(main, {go}) {
  const key = h('input', {type: 'password', id: 'api-key', autocomplete: 'off', required: true, spellcheck: 'false'});
  const error = h('div', {id: 'signin-error', role: 'alert'});
  const submit = h('button', {type: 'submit', class: 'primary', id: 'signin-submit'}, t('signin.submit'));
  const form = h('form', {class: 'card signin', id: 'signin-form', novalidate: true},
    h('h1', {}, t('signin.title')),
    h('p', {class: 'muted'}, t('signin.help')),
    h('p', {}, h('label', {for: 'api-key'}, t('signin.key'))),
    h('p', {}, key),
    h('p', {}, submit),
    error);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    error.textContent = '';
    error.className = '';
    const value = key.value.trim();
    if (!value) { fail(t('signin.empty')); return; }
    submit.disabled = true;
    try {
      const who = await whoami(value);
      session.signIn(value, who);
      go('#/');
    } catch (e) {
      fail(e.status === 401 || e.status === 403 ? t('signin.refused') + ' ' + e.message : e.message);
    } finally {
      submit.disabled = false;
    }
  });
  function fail(text) {
    error.className = 'alert';
    error.textContent = text;
    key.focus();
  }
  main.append(form);
  setTimeout(() => key.focus(), 0);
}

/** Whose key this is. A server without key checks has no whoami (404): the key is then kept as given. */
async function whoami(key) {
  try {
    return await call('/api/v1/whoami', {key});
  } catch (e) {
    if (e.status === 404) return {name: t('signin.unchecked'), role: null};
    throw e;
  }
}
