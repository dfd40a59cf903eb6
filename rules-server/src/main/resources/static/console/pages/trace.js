// One conversation's trace: where it stands, then each decision with its inputs, the rules that
// fired (file, sheet, row), the candidates with why they lost, and the winner.
import {call, enc} from '../api.js';
import {h, clear, fill, table, time, shortId} from '../dom.js';
import {t} from '../i18n.js';
import {downloadFile} from '../sheets.js';

export function render(main, {args}) {
  const id = args[0];
  const box = h('div', {id: 'trace'});
  main.append(h('h1', {}, t('trace.title', {id: shortId(id)})),
    h('p', {}, h('a', {href: '#/decisions'}, t('trace.back')), ' · ', h('code', {}, id)), box);
  load();

  async function load() {
    try {
      const [conversation, decisions] = await Promise.all([
        // An auditor may read decisions but not live conversations: the trace then goes without the summary.
        call('/api/v1/conversations/' + enc(id)).catch(e => (e.status === 404 || e.status === 403 ? null : Promise.reject(e))),
        call('/api/v1/conversations/' + enc(id) + '/decisions')]);
      fill(box, summary(conversation), decisions.length ? decisions.map(decision) : h('p', {class: 'muted'}, t('trace.none')));
    } catch (e) {
      fill(box, h('div', {class: 'alert', role: 'alert'}, e.message));
    }
  }
}

function summary(c) {
  if (!c) return null;
  const kv = [['trace.status', c.status], ['decisions.queue', c.queue], ['trace.intent', c.intent], ['trace.priority', c.priority],
    ['decisions.agent', c.agentId], ['trace.channel', c.channel], ['trace.language', c.language], ['trace.version', shortId(c.rulesetVersion)]];
  return h('section', {class: 'card', id: 'trace-summary'}, h('h2', {}, t('trace.now')),
    h('dl', {class: 'kv'}, kv.map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v ?? '—')])));
}

function decision(d, index) {
  const winner = d.chosenAgentId;
  const candidates = [...(d.candidates || [])].sort((a, b) => (a.agentId === winner ? -1 : b.agentId === winner ? 1 : 0)
    || (a.rank ?? 1e9) - (b.rank ?? 1e9));
  return h('section', {class: 'card decision', dataset: {decision: d.id, kind: d.kind}},
    h('h2', {}, (index + 1) + '. ' + t('kind.' + d.kind, {}, d.kind), ' ', h('span', {class: 'muted'}, time(d.at))),
    h('dl', {class: 'kv'},
      h('dt', {}, t('decisions.outcome')), h('dd', {class: 'outcome'}, d.outcome || '—'),
      h('dt', {}, t('decisions.reason')), h('dd', {}, d.reason || '—'),
      h('dt', {}, t('trace.winner')), h('dd', {class: 'winner'}, winner ? h('strong', {}, winner) : t('trace.noWinner')),
      h('dt', {}, t('trace.version')), h('dd', {}, d.rulesetVersion ? h('a', {href: '#/rulesets/' + enc(d.rulesetVersion)}, shortId(d.rulesetVersion)) : '—'),
      h('dt', {}, t('trace.took')), h('dd', {}, (d.durationMicros / 1000).toFixed(2) + ' ms')),
    Object.keys(d.input || {}).length ? [h('h3', {}, t('trace.inputs')), inputs(d.input)] : null,
    h('h3', {}, t('trace.rulesFired') + ' (' + (d.rulesFired || []).length + ')'),
    (d.rulesFired || []).length ? table([t('rulesets.rule'), t('trace.stage'), t('rulesets.file'), t('rulesets.sheet'), t('trace.rowLine')],
      d.rulesFired.map(r => h('tr', {class: 'fired', dataset: {rule: r.name, sheet: r.sheet || '', row: r.row ?? ''}},
        h('td', {}, r.name), h('td', {}, r.stage || '—'),
        h('td', {}, r.source && d.rulesetVersion ? h('button', {type: 'button', class: 'link', title: t('trace.download'),
          onclick: () => downloadFile(d.rulesetVersion, r.source)}, r.source) : r.source || '—'),
        h('td', {}, r.sheet || '—'),
        h('td', {}, r.row ? t('rulesets.rowN', {row: r.row}) : r.line ? t('rulesets.lineN', {line: r.line}) : '—')))) : h('p', {class: 'muted'}, '—'),
    d.plan ? [h('h3', {}, t('trace.plan')), inputs(d.plan)] : null,
    h('h3', {}, t('trace.candidates') + ' (' + candidates.length + ')'),
    candidates.length ? table([t('decisions.agent'), t('trace.eligible'), t('trace.why'), t('trace.score'), t('trace.rank')],
      candidates.map(c => h('tr', {class: c.agentId === winner ? 'winner candidate' : 'candidate', dataset: {agent: c.agentId}},
        h('td', {}, c.agentId, c.agentId === winner ? [' ', h('span', {class: 'badge active'}, t('trace.won'))] : null),
        h('td', {class: c.eligible ? 'ok' : 'bad'}, c.eligible ? t('yes') : t('no')),
        h('td', {}, c.agentId === winner ? t('trace.wonBecause') : c.excludedBecause.length ? h('ul', {}, c.excludedBecause.map(x => h('li', {}, x)))
          : c.eligible ? t('trace.outranked', {rank: c.rank ?? '—'}) : '—'),
        h('td', {}, Object.entries(c.score || {}).map(([k, v]) => h('div', {}, k + ': ' + (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : JSON.stringify(v))))),
        h('td', {class: 'num'}, c.rank ?? '—')))) : h('p', {class: 'muted'}, t('trace.noCandidates')));
}


/** A flat key/value view of an object; nested values as compact JSON. */
function inputs(obj) {
  return h('dl', {class: 'kv'}, Object.entries(obj).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && !v.length))
    .map(([k, v]) => [h('dt', {}, k), h('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))]));
}
