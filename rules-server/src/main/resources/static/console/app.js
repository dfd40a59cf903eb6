// The console shell: language, sign-in state, hash routes (#/queues, #/trace/<id>, …) and the page in <main>.
import {session, onUnauthorized} from './api.js';
import {clear, toast} from './dom.js';
import {t, lang, setLang, applyStatic} from './i18n.js';
import * as signin from './pages/signin.js';
import * as queues from './pages/queues.js';
import * as agents from './pages/agents.js';
import * as rulesets from './pages/rulesets.js';
import * as decisions from './pages/decisions.js';
import * as trace from './pages/trace.js';

const routes = {signin, queues, agents, rulesets, decisions, trace};
const main = document.getElementById('main');
let stopCurrent = null;

/**
 * The pages each role can use (the server decides; this only hides what would answer 403).
 * A key whose role is unknown (a server without key checks) sees every page.
 */
const PAGES_BY_ROLE = {
  admin: ['queues', 'agents', 'rulesets', 'decisions'],
  ops: ['queues', 'agents', 'rulesets'],
  supervisor: ['queues', 'agents'],
  auditor: ['decisions', 'rulesets'],
  integration: ['agents'],
};

function allowedPages() {
  const who = session.who();
  return (who && PAGES_BY_ROLE[who.role]) || PAGES_BY_ROLE.admin;
}

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  const name = parts[0] || allowedPages()[0];
  return {name: routes[name] ? name : allowedPages()[0], args: parts.slice(1).map(decodeURIComponent)};
}

export function go(hash) {
  if (location.hash === hash) render(); else location.hash = hash;
}

function render() {
  if (stopCurrent) { stopCurrent(); stopCurrent = null; }
  let {name, args} = parseHash();
  if (!session.key() && name !== 'signin') {
    history.replaceState(null, '', '#/signin');
    name = 'signin'; args = [];
  }
  updateHeader(name);
  clear(main);
  const page = routes[name];
  document.title = t('page.' + name) + ' · ' + t('brand');
  stopCurrent = page.render(main, {args, go, rerender: render}) || null;
  // Move focus to the new page so keyboard and screen-reader users start at its top.
  const heading = main.querySelector('h1');
  if (heading) { heading.tabIndex = -1; heading.focus({preventScroll: true}); }
}

function updateHeader(name) {
  const who = session.who();
  const signedIn = !!session.key();
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('sign-out').hidden = !signedIn;
  document.getElementById('who').textContent = signedIn && who ? t('signedInAs', {name: who.name, role: who.role ? t('role.' + who.role) : '—'}) : '';
  const allowed = allowedPages();
  for (const a of document.querySelectorAll('#nav a')) {
    const target = a.getAttribute('href').slice(2);
    a.parentElement.hidden = !allowed.includes(target);
    if (target === name || (name === 'trace' && target === 'decisions')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut();
  toast(t('signedOut'));
  go('#/signin');
});

const langSelect = document.getElementById('lang');
langSelect.value = lang();
langSelect.addEventListener('change', () => {
  setLang(langSelect.value);
  applyStatic();
  render();
});

onUnauthorized(() => {
  session.signOut();
  toast(t('sessionExpired'));
  go('#/signin');
});

window.addEventListener('hashchange', render);
applyStatic();
render();
