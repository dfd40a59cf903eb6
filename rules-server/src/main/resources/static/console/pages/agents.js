// Agents: presence, load against capacity per channel, skills. Polled every 5 s while open.
import {call} from '../api.js';
import {h, clear, fill, table, time, field} from '../dom.js';
import {t} from '../i18n.js';

const POLL_MS = 5000;

export function render(main) {
  let timer = null;
  let stopped = false;
  let agents = [];
  const filter = h('input', {type: 'search'});
  const presence = h('select', {}, h('option', {value: ''}, t('agents.anyPresence')),
    ['online', 'busy', 'away', 'offline'].map(s => h('option', {value: s}, t('state.' + s))));
  const box = h('div', {id: 'agents-table'});
  const summary = h('p', {class: 'muted', id: 'agents-summary'});
  const error = h('div', {role: 'alert'});
  filter.addEventListener('input', draw);
  presence.addEventListener('change', draw);
  main.append(h('h1', {}, t('page.agents')),
    h('form', {class: 'card', role: 'search', onsubmit: e => e.preventDefault()},
      field('agents-filter', t('agents.filter'), filter), field('agents-presence', t('agents.presence'), presence)),
    error, summary, box);

  async function tick() {
    clearTimeout(timer);
    if (stopped) return;
    try {
      agents = await call('/api/v1/agents');
      if (stopped) return;
      error.textContent = ''; error.className = '';
      draw();
    } catch (e) {
      if (stopped) return;
      error.className = 'alert';
      error.textContent = t('loadFailed') + ' ' + e.message;
    }
    if (!stopped) timer = setTimeout(tick, POLL_MS);
  }

  function draw() {
    const text = filter.value.trim().toLowerCase();
    const shown = agents.filter(a => (!presence.value || a.status === presence.value)
      && (!text || [a.id, a.name, ...Object.keys(a.skills || {}), ...(a.teams || [])].some(v => v && String(v).toLowerCase().includes(text))));
    const byStatus = {};
    agents.forEach(a => { byStatus[a.status] = (byStatus[a.status] || 0) + 1; });
    summary.textContent = t('agents.summary', {shown: shown.length, total: agents.length}) + ' · '
      + Object.entries(byStatus).map(([s, n]) => t('state.' + s) + ' ' + n).join(', ');
    const rows = shown.map(a => h('tr', {dataset: {agent: a.id}},
      h('th', {scope: 'row'}, a.id, h('br'), h('span', {class: 'muted'}, a.name || '')),
      h('td', {}, h('span', {class: 'badge'}, t('state.' + a.status)), h('br'),
        h('span', {class: 'muted'}, t('agents.since', {time: time(a.statusSince)})),
        a.wrapUpUntil ? h('div', {class: 'warn'}, t('agents.wrapUp', {time: time(a.wrapUpUntil)})) : null),
      h('td', {}, loadCells(a)),
      h('td', {}, Object.entries(a.skills || {}).map(([s, l]) => h('span', {class: 'chip'}, s + ' ' + l))),
      h('td', {}, (a.languages || []).join(', '), h('br'), h('span', {class: 'muted'}, (a.teams || []).join(', '))),
      h('td', {class: 'num'}, (a.conversations || []).length)));
    fill(box, table([t('agents.agent'), t('agents.presence'), t('agents.load'), t('agents.skills'),
      t('agents.languagesTeams'), {text: t('agents.conversations'), class: 'num'}], rows, {id: 'agents-grid'}));
  }

  tick();
  return () => { stopped = true; clearTimeout(timer); };
}

/** One line per channel with capacity: a meter and "load / capacity"; weighted units when set. */
function loadCells(a) {
  const lines = Object.entries(a.capacity || {}).map(([channel, cap]) => {
    const used = (a.load || {})[channel] || 0;
    const share = cap > 0 ? Math.min(1, used / cap) : 0;
    return h('div', {},
      h('span', {class: 'meter' + (used >= cap ? ' full' : ''), role: 'img', 'aria-label': `${channel} ${used}/${cap}`},
        h('span', {style: `width:${(share * 100).toFixed(0)}%`})),
      ' ', channel, ' ', h('strong', {}, used + ' / ' + cap));
  });
  if (a.maxUnits !== null && a.maxUnits !== undefined) {
    lines.push(h('div', {class: 'muted'}, t('agents.units', {used: (a.unitsUsed || 0) / 1000, max: a.maxUnits / 1000})));
  }
  return lines;
}
