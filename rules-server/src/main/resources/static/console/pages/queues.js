// Live queues: polled every 2 s; the history of waiting counts stays in this tab for the chart.
import {call} from '../api.js';
import {h, fill, table, seconds, percent} from '../dom.js';
import {t} from '../i18n.js';
import {lineChart, legend} from '../charts.js';

const POLL_MS = 2000;
const KEEP = 300; // samples: 10 minutes at one every 2 s
const STATES = ['online', 'busy', 'away', 'wrap-up', 'offline'];
/** [{t, total, byQueue: {queue: waiting}}], shared by visits to this page within the tab. */
const history = [];

export function render(main) {
  let paused = false;
  let timer = null;
  let stopped = false;
  const status = h('p', {class: 'muted', id: 'queues-updated'}, t('loading'));
  const pause = h('button', {type: 'button', id: 'queues-pause', 'aria-pressed': 'false'}, t('queues.pause'));
  const totals = h('div', {class: 'row', id: 'queues-totals'});
  const tableBox = h('div', {id: 'queues-table'});
  const chartBox = h('div', {class: 'chart', id: 'queues-chart'});
  const waitChartBox = h('div', {class: 'chart', id: 'queues-wait-chart'});
  const error = h('div', {role: 'alert'});
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.setAttribute('aria-pressed', String(paused));
    pause.textContent = paused ? t('queues.resume') : t('queues.pause');
    if (!paused) tick();
  });
  main.append(
    h('h1', {}, t('page.queues')),
    h('div', {class: 'row'}, pause, status),
    error,
    totals,
    h('section', {class: 'card'}, h('h2', {}, t('queues.now')), tableBox),
    h('div', {class: 'grid2'},
      h('section', {class: 'card'}, h('h2', {}, t('queues.chart')), chartBox),
      h('section', {class: 'card'}, h('h2', {}, t('queues.waitChart')), waitChartBox)));

  async function tick() {
    clearTimeout(timer);
    if (stopped) return;
    try {
      const queues = await call('/api/v1/queues');
      if (stopped) return;
      error.textContent = ''; error.className = '';
      record(queues);
      draw(queues);
      status.textContent = t('queues.updated', {time: new Date().toLocaleTimeString()});
    } catch (e) {
      if (stopped) return;
      error.className = 'alert';
      error.textContent = t('loadFailed') + ' ' + e.message;
    }
    if (!paused && !stopped) timer = setTimeout(tick, POLL_MS);
  }

  function draw(queues) {
    const waiting = queues.reduce((s, q) => s + q.waiting, 0);
    const longest = Math.max(0, ...queues.map(q => q.longestWaitSeconds));
    const agentsBy = {};
    queues.forEach(q => Object.entries(q.agents || {}).forEach(([k, v]) => { agentsBy[k] = Math.max(agentsBy[k] || 0, v); }));
    fill(totals, 
      stat('total-waiting', t('queues.totalWaiting'), waiting),
      stat('total-longest', t('queues.longest'), seconds(longest)),
      stat('total-alerts', t('queues.alerts'), queues.filter(q => q.waitAlert).length));
    const rows = queues.map(q => h('tr', {dataset: {queue: q.queue}, class: q.waitAlert ? 'error-cell' : null},
      h('th', {scope: 'row'}, q.queue),
      h('td', {class: 'num', id: 'waiting-' + q.queue}, q.waiting),
      h('td', {class: 'num'}, seconds(q.longestWaitSeconds)),
      h('td', {class: 'num'}, q.estimatedWaitSeconds === null ? '—' : seconds(q.estimatedWaitSeconds)),
      h('td', {class: 'num ' + (q.serviceLevel + 1e-9 >= q.serviceLevelTarget ? 'ok' : 'bad')},
        percent(q.serviceLevel), h('span', {class: 'muted'}, ' / ' + percent(q.serviceLevelTarget))),
      h('td', {class: 'num'}, q.answeredLast15Minutes + ' / ' + q.abandonedLast15Minutes),
      h('td', {}, STATES.filter(s => q.agents && q.agents[s]).map(s => h('span', {class: 'chip'}, t('state.' + s) + ' ' + q.agents[s]))),
      h('td', {}, q.waitAlert ? h('span', {class: 'bad'}, t('queues.alert')) : '')));
    fill(tableBox, table(
      [t('queues.queue'), {text: t('queues.waiting'), class: 'num'}, {text: t('queues.longest'), class: 'num'},
        {text: t('queues.estimated'), class: 'num'}, {text: t('queues.serviceLevel'), class: 'num'},
        {text: t('queues.answeredAbandoned'), class: 'num'}, t('queues.agents'), ''],
      rows, {id: 'queues-grid'}));
    drawChart();
  }

  function drawChart() {
    // The total and the queues that had anyone waiting in the kept history, busiest first.
    const peak = {};
    history.forEach(p => Object.entries(p.byQueue).forEach(([q, v]) => { peak[q] = Math.max(peak[q] || 0, v); }));
    const shown = Object.keys(peak).filter(q => peak[q] > 0).sort((a, b) => peak[b] - peak[a]).slice(0, 6);
    const series = [{name: t('queues.total'), color: '#14263f', width: 3, points: history.map(p => ({t: p.t, v: p.total}))}]
      .concat(shown.map(q => ({name: q, points: history.map(p => ({t: p.t, v: p.byQueue[q] || 0}))})));
    series.forEach(s => { s.note = '(' + (s.points.length ? s.points[s.points.length - 1].v : 0) + ')'; });
    fill(chartBox, lineChart({series, label: t('queues.chart')}), legend(series));
    // Longest wait per queue, for the same queues (seconds).
    const waits = shown.map(q => ({name: q, points: history.map(p => ({t: p.t, v: (p.longest || {})[q] || 0}))}));
    waits.forEach(s => { s.note = '(' + seconds(s.points.length ? s.points[s.points.length - 1].v : 0) + ')'; });
    fill(waitChartBox, lineChart({series: waits, label: t('queues.waitChart'), unit: 's'}), legend(waits));
  }

  tick();
  return () => { stopped = true; clearTimeout(timer); };
}

function record(queues) {
  const byQueue = {}, longest = {};
  queues.forEach(q => { byQueue[q.queue] = q.waiting; longest[q.queue] = q.longestWaitSeconds; });
  history.push({t: Date.now(), total: queues.reduce((s, q) => s + q.waiting, 0), byQueue, longest});
  if (history.length > KEEP) history.splice(0, history.length - KEEP);
}

function stat(id, label, value) {
  return h('div', {class: 'card'}, h('div', {class: 'muted'}, label), h('div', {id, style: 'font-size:1.6em;font-weight:600'}, value));
}
