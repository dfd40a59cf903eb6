// Decision log: search by conversation, agent, rule, queue and time; rule hit counts as a chart.
import {call, enc} from '../api.js';
import {h, clear, fill, table, time, shortId, field, isoFromLocal} from '../dom.js';
import {t} from '../i18n.js';
import {barChart} from '../charts.js';

const PAGE_SIZE = 25;
/** The last search, kept while the tab lives so coming back from a trace shows the same list. */
let last = {conversationId: '', agentId: '', rule: '', queue: '', from: '', to: '', page: 0};

export function render(main) {
  const inputs = {
    conversationId: h('input', {type: 'text', value: last.conversationId}),
    agentId: h('input', {type: 'text', value: last.agentId}),
    rule: h('input', {type: 'text', value: last.rule, size: 28}),
    queue: h('input', {type: 'text', value: last.queue}),
    from: h('input', {type: 'datetime-local', step: '1', value: last.from}),
    to: h('input', {type: 'datetime-local', step: '1', value: last.to}),
  };
  const error = h('div', {role: 'alert'});
  const results = h('div', {id: 'decisions-results'});
  const pager = h('div', {class: 'row', id: 'decisions-pager'});
  const chartBox = h('div', {class: 'chart', id: 'rule-hits'});
  const chartNote = h('p', {class: 'muted'});
  const traceInput = h('input', {type: 'text', size: 30});
  const form = h('form', {class: 'card', id: 'decisions-form', role: 'search'},
    field('q-conversation', t('decisions.conversation'), inputs.conversationId), field('q-agent', t('decisions.agent'), inputs.agentId),
    field('q-rule', t('decisions.rule'), inputs.rule), field('q-queue', t('decisions.queue'), inputs.queue),
    field('q-from', t('decisions.from'), inputs.from), field('q-to', t('decisions.to'), inputs.to),
    h('div', {class: 'field'}, h('button', {type: 'submit', class: 'primary', id: 'decisions-search'}, t('decisions.search'))),
    h('div', {class: 'field'}, h('button', {type: 'button', id: 'decisions-reset', onclick: reset}, t('decisions.reset'))));
  form.addEventListener('submit', ev => { ev.preventDefault(); last.page = 0; search(); });
  const traceForm = h('form', {class: 'row', id: 'trace-form'},
    field('trace-id', t('decisions.openTrace'), traceInput), h('button', {type: 'submit', id: 'trace-open'}, t('decisions.trace')));
  traceForm.addEventListener('submit', ev => {
    ev.preventDefault();
    if (traceInput.value.trim()) location.hash = '#/trace/' + enc(traceInput.value.trim());
  });
  main.append(h('h1', {}, t('page.decisions')), form, error,
    h('section', {class: 'card'}, traceForm),
    h('section', {class: 'card'}, h('h2', {}, t('decisions.results')), results, pager),
    h('section', {class: 'card'}, h('h2', {}, t('decisions.hits')), chartNote, chartBox));

  function reset() {
    Object.values(inputs).forEach(i => { i.value = ''; });
    last.page = 0;
    search();
  }

  function params() {
    Object.keys(inputs).forEach(k => { last[k] = inputs[k].value.trim(); });
    return {conversationId: last.conversationId, agentId: last.agentId, rule: last.rule, queue: last.queue,
      from: isoFromLocal(last.from), to: isoFromLocal(last.to)};
  }

  async function search() {
    const q = params();
    try {
      const page = await call('/api/v1/decisions', {query: {...q, page: last.page, size: PAGE_SIZE}});
      error.className = ''; error.textContent = '';
      drawResults(page);
      hits(q, page.items);
    } catch (e) { error.className = 'alert'; error.textContent = e.message; }
  }

  function drawResults(page) {
    const rows = page.items.map(d => h('tr', {dataset: {decision: d.id}},
      h('td', {}, time(d.at)), h('td', {}, t('kind.' + d.kind, {}, d.kind)),
      h('td', {}, d.conversationId ? h('a', {href: '#/trace/' + enc(d.conversationId), class: 'trace-link',
        'aria-label': t('decisions.traceOf', {id: d.conversationId})}, shortId(d.conversationId)) : '—'),
      h('td', {}, d.plan && d.plan.queue || '—'), h('td', {}, d.chosenAgentId || '—'), h('td', {}, d.outcome || '—'),
      h('td', {}, (d.rulesFired || []).map(r => h('button', {type: 'button', class: 'chip', title: t('decisions.filterRule'),
        onclick: () => { inputs.rule.value = r.name; last.page = 0; search(); }}, r.name))),
      h('td', {}, d.reason || '')));
    fill(results, page.items.length ? table([t('decisions.at'), t('decisions.kind'), t('decisions.conversation'),
      t('decisions.queue'), t('decisions.agent'), t('decisions.outcome'), t('decisions.rulesFired'), t('decisions.reason')],
    rows, {id: 'decisions-grid'}) : h('p', {class: 'muted'}, t('decisions.none')));
    const pages = Math.max(1, Math.ceil(page.total / page.size));
    fill(pager, 
      h('button', {type: 'button', disabled: page.page === 0, onclick: () => { last.page--; search(); }}, t('decisions.prev')),
      h('span', {}, t('decisions.pageOf', {page: page.page + 1, pages, total: page.total})),
      h('button', {type: 'button', disabled: page.page + 1 >= pages, onclick: () => { last.page++; search(); }}, t('decisions.next')));
  }

  /** Hit counts over the searched time range from the rule report; without it, over the decisions listed. */
  async function hits(q, items) {
    let list, note;
    try {
      const report = await call('/api/v1/reports/rules', {query: {from: q.from, to: q.to}});
      list = report.rules.filter(r => r.hits > 0).map(r => ({label: r.name, value: r.hits,
        title: [r.source, r.sheet, r.row ? t('rulesets.rowN', {row: r.row}) : null].filter(Boolean).join(' › ') + ' · ' + r.name}));
      note = t('decisions.hitsReport', {n: report.classifications, never: (report.neverFired || []).length});
    } catch (e) {
      const counts = {};
      items.forEach(d => (d.rulesFired || []).forEach(r => { counts[r.name] = (counts[r.name] || 0) + 1; }));
      list = Object.entries(counts).map(([label, value]) => ({label, value}));
      note = t('decisions.hitsListed', {n: items.length});
    }
    list.sort((a, b) => b.value - a.value);
    chartNote.textContent = note;
    fill(chartBox, list.length ? barChart({items: list.slice(0, 20), label: t('decisions.hits')}) : h('p', {class: 'muted'}, '—'));
  }

  search();
}
