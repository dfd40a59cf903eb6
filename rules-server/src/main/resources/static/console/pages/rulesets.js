// Rulesets: upload, validation problems at their cells, scenarios, diff, activate, roll back, A/B share, replay.
import {call, session, enc} from '../api.js';
import {h, clear, fill, table, time, shortId, field, isoFromLocal, toast, percent} from '../dom.js';
import {t} from '../i18n.js';
import {fetchFile, readSheets, columnIndex, columnName, downloadFile} from '../sheets.js';

export function render(main, {args}) {
  let stopped = false;
  let replayTimer = null;
  let listing = null;
  const error = h('div', {role: 'alert', id: 'rulesets-error'});
  const activeBox = h('section', {class: 'card', id: 'rulesets-active', 'aria-labelledby': 'rulesets-active-title'});
  const versionsBox = h('div', {id: 'rulesets-versions'});
  const detail = h('section', {id: 'ruleset-detail', tabindex: '-1', 'aria-live': 'polite'});
  const diffBox = h('div', {id: 'diff-result'});
  const replayBox = h('div', {id: 'replay-result'});
  const experimentBox = h('div', {id: 'experiment-result'});

  // ---- upload
  const files = h('input', {type: 'file', multiple: true, accept: '.xlsx,.xls,.csv,.drl,.zip', required: true});
  const author = h('input', {type: 'text', value: (session.who() || {}).name || ''});
  const note = h('input', {type: 'text', size: 40});
  const uploadButton = h('button', {type: 'submit', class: 'primary', id: 'upload-submit'}, t('rulesets.upload'));
  const uploadForm = h('form', {class: 'card', id: 'upload-form'},
    h('h2', {}, t('rulesets.uploadTitle')),
    h('p', {class: 'muted'}, t('rulesets.uploadHelp')),
    field('upload-files', t('rulesets.files'), files), field('upload-author', t('rulesets.author'), author),
    field('upload-note', t('rulesets.note'), note), h('div', {class: 'field'}, uploadButton));
  uploadForm.addEventListener('submit', async ev => {
    ev.preventDefault();
    if (!files.files.length) { showError(t('rulesets.pickFiles')); files.focus(); return; }
    const form = new FormData();
    for (const f of files.files) form.append('files', f, f.name);
    if (author.value.trim()) form.append('author', author.value.trim());
    if (note.value.trim()) form.append('note', note.value.trim());
    uploadButton.disabled = true;
    try {
      const v = await call('/api/v1/rulesets', {method: 'POST', form});
      clearError();
      toast(t('rulesets.uploaded', {version: shortId(v.version), status: t('status.' + v.status)}));
      await load();
      showVersion(v);
    } catch (e) { showError(e.message); } finally { uploadButton.disabled = false; }
  });

  // ---- diff, experiment and replay forms (their selects are filled from the listing)
  const diffFrom = h('select', {}), diffTo = h('select', {});
  const diffForm = h('form', {class: 'card', id: 'diff-form'}, h('h2', {}, t('rulesets.diffTitle')),
    field('diff-from', t('rulesets.from'), diffFrom), field('diff-to', t('rulesets.to'), diffTo),
    h('div', {class: 'field'}, h('button', {type: 'submit', id: 'diff-submit'}, t('rulesets.diff'))), diffBox);
  diffForm.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      const d = await call('/api/v1/rulesets/diff', {query: {from: diffFrom.value, to: diffTo.value}});
      clearError();
      showDiff(d);
    } catch (e) { showError(e.message); }
  });

  const expVersion = h('select', {});
  const expShare = h('input', {type: 'number', min: '1', max: '99', step: '1', value: '10'});
  const expForm = h('form', {class: 'card', id: 'experiment-form'}, h('h2', {}, t('rulesets.abTitle')),
    h('p', {class: 'muted'}, t('rulesets.abHelp')),
    field('experiment-version', t('rulesets.variant'), expVersion), field('experiment-share', t('rulesets.sharePercent'), expShare),
    h('div', {class: 'field'}, h('button', {type: 'submit', id: 'experiment-submit'}, t('rulesets.startAb'))), experimentBox);
  expForm.addEventListener('submit', async ev => {
    ev.preventDefault();
    const share = Number(expShare.value) / 100;
    try {
      await call('/api/v1/rulesets/experiments', {method: 'POST', json: {version: expVersion.value, share, by: actor()}});
      clearError();
      toast(t('rulesets.abStarted', {share: percent(share)}));
      await load();
    } catch (e) { showError(e.message); }
  });

  const replayVersion = h('select', {});
  const replayFrom = h('input', {type: 'datetime-local', step: '1'});
  const replayTo = h('input', {type: 'datetime-local', step: '1'});
  const replayForm = h('form', {class: 'card', id: 'replay-form'}, h('h2', {}, t('rulesets.replayTitle')),
    h('p', {class: 'muted'}, t('rulesets.replayHelp')),
    field('replay-version', t('rulesets.version'), replayVersion), field('replay-from', t('rulesets.from'), replayFrom),
    field('replay-to', t('rulesets.to'), replayTo),
    h('div', {class: 'field'}, h('button', {type: 'submit', id: 'replay-submit'}, t('rulesets.replay'))), replayBox);
  replayForm.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      const job = await call('/api/v1/rulesets/' + enc(replayVersion.value) + '/replay',
        {method: 'POST', query: {from: isoFromLocal(replayFrom.value), to: isoFromLocal(replayTo.value)}});
      clearError();
      followReplay(job.id);
    } catch (e) { showError(e.message); }
  });

  const rollback = h('button', {type: 'button', class: 'danger', id: 'rollback'}, t('rulesets.rollback'));
  rollback.addEventListener('click', async () => {
    if (!confirm(t('rulesets.confirmRollback'))) return;
    try {
      const state = await call('/api/v1/rulesets/rollback', {method: 'POST', json: {by: actor()}});
      clearError();
      toast(t('rulesets.rolledBack', {version: shortId(state.activeVersion)}));
      await load();
      refreshDetail();
    } catch (e) { showError(e.message); }
  });

  main.append(h('h1', {}, t('page.rulesets')), error, activeBox, uploadForm, detail,
    h('section', {class: 'card'}, h('h2', {}, t('rulesets.versions')), versionsBox),
    h('div', {class: 'grid2'}, diffForm, expForm), replayForm);

  async function load() {
    try {
      listing = await call('/api/v1/rulesets');
      if (stopped) return;
      drawActive();
      drawVersions();
      fillSelects();
    } catch (e) { showError(t('loadFailed') + ' ' + e.message); }
  }

  function drawActive() {
    const exp = listing.experiment;
    fill(activeBox, h('h2', {id: 'rulesets-active-title'}, t('rulesets.live')),
      h('dl', {class: 'kv'},
        h('dt', {}, t('rulesets.activeVersion')), h('dd', {id: 'active-version', title: listing.activeVersion || ''}, listing.activeVersion || '—'),
        h('dt', {}, t('rulesets.experiment')), h('dd', {id: 'experiment-state'}, exp
          ? [t('rulesets.experimentRunning', {variant: shortId(exp.variantVersion), control: shortId(exp.controlVersion), share: percent(exp.share)}), ' ',
            h('button', {type: 'button', id: 'experiment-report', onclick: () => showExperiment(exp.id)}, t('rulesets.abReport')), ' ',
            h('button', {type: 'button', class: 'danger', id: 'experiment-stop', onclick: () => stopExperiment(exp.id)}, t('rulesets.stopAb'))]
          : t('rulesets.noExperiment'))),
      h('p', {}, rollback));
  }

  function drawVersions() {
    const rows = listing.versions.map(v => {
      const r = v.report || {};
      const canActivate = v.status === 'candidate' || v.status === 'retired';
      return h('tr', {dataset: {version: v.version}},
        h('th', {scope: 'row', title: v.version}, h('code', {}, shortId(v.version))),
        h('td', {}, h('span', {class: 'badge ' + v.status}, t('status.' + v.status))),
        h('td', {}, time(v.createdAt)), h('td', {}, v.author || '—'), h('td', {}, v.note || ''),
        h('td', {class: 'num'}, r.ruleCount ?? '—'),
        h('td', {class: 'num'}, h('span', {class: (r.errors || []).length ? 'bad' : ''}, (r.errors || []).length), ' / ', (r.warnings || []).length),
        h('td', {class: 'num'}, r.scenariosRun ? (r.scenariosRun - r.scenariosFailed) + ' / ' + r.scenariosRun : '—'),
        h('td', {class: 'row'},
          h('button', {type: 'button', class: 'view', onclick: () => openVersion(v.version),
            'aria-label': t('rulesets.viewVersion', {version: shortId(v.version)})}, t('rulesets.view')),
          h('button', {type: 'button', class: 'activate primary', disabled: !canActivate, onclick: () => activate(v.version),
            'aria-label': t('rulesets.activateVersion', {version: shortId(v.version)})}, t('rulesets.activate'))));
    });
    fill(versionsBox, table([t('rulesets.version'), t('rulesets.status'), t('rulesets.created'), t('rulesets.author'),
      t('rulesets.note'), {text: t('rulesets.rules'), class: 'num'}, {text: t('rulesets.errorsWarnings'), class: 'num'},
      {text: t('rulesets.scenariosPassed'), class: 'num'}, ''], rows, {id: 'versions-grid'}));
  }

  function fillSelects() {
    const options = (sel, filterFn, preferred) => {
      const old = sel.value;
      fill(sel, listing.versions.filter(filterFn).map(v => h('option', {value: v.version},
        shortId(v.version) + ' · ' + t('status.' + v.status) + (v.note ? ' · ' + v.note : ''))));
      if ([...sel.options].some(o => o.value === old)) sel.value = old;
      else if (preferred && [...sel.options].some(o => o.value === preferred)) sel.value = preferred;
    };
    const valid = v => v.status !== 'failed';
    const newest = listing.versions.find(valid);
    options(diffFrom, valid, listing.activeVersion);
    options(diffTo, valid, newest && newest.version);
    options(expVersion, v => v.status === 'candidate' || v.status === 'retired');
    options(replayVersion, valid, newest && newest.version);
  }

  /** The version on show again, when its status may have changed. */
  function refreshDetail() {
    const shown = document.getElementById('version-detail');
    if (shown) openVersion(shown.dataset.version, false);
  }

  async function openVersion(version, focus = true) {
    try { showVersion(await call('/api/v1/rulesets/' + enc(version)), focus); clearError(); } catch (e) { showError(e.message); }
  }

  async function activate(version) {
    try {
      const state = await call('/api/v1/rulesets/' + enc(version) + '/activate', {method: 'POST', json: {by: actor()}});
      clearError();
      toast(t('rulesets.activated', {version: shortId(state.activeVersion)}));
      await load();
      refreshDetail();
    } catch (e) { showError(e.message); }
  }

  async function stopExperiment(id) {
    try {
      await call('/api/v1/rulesets/experiments/' + enc(id) + '/stop', {method: 'POST', json: {by: actor()}});
      toast(t('rulesets.abStopped'));
      await load();
      showExperiment(id);
    } catch (e) { showError(e.message); }
  }

  async function showExperiment(id) {
    try {
      const r = await call('/api/v1/rulesets/experiments/' + enc(id));
      const names = Object.keys(r.variants || {});
      const metrics = ['conversations', 'assigned', 'averageWaitSeconds', 'abandoned', 'abandonmentRate', 'reRouted', 'closed',
        'resolutionRate', 'conversionRate', 'averageSatisfaction', 'satisfactionResponses', 'toBot'];
      const fmt = (k, v) => v === null || v === undefined ? '—' : /Rate$/.test(k) ? percent(v) : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : v;
      fill(experimentBox, h('h3', {}, t('rulesets.abReport') + (r.running ? ' · ' + t('rulesets.running') : '')),
        table([t('rulesets.metric'), ...names.map(n => ({text: n, class: 'num'}))],
          metrics.map(k => [t('kpi.' + k), ...names.map(n => ({text: fmt(k, r.variants[n][k]), class: 'num'}))]), {id: 'experiment-grid'}));
    } catch (e) { showError(e.message); }
  }

  function followReplay(id) {
    clearTimeout(replayTimer);
    const progress = h('progress', {max: '1', value: '0', id: 'replay-progress', 'aria-label': t('rulesets.replayProgress')});
    const label = h('span', {class: 'muted'});
    fill(replayBox, h('div', {class: 'row'}, progress, label));
    const poll = async () => {
      if (stopped) return;
      try {
        const job = await call('/api/v1/rulesets/replays/' + enc(id));
        progress.value = job.progress;
        label.textContent = t('rulesets.replayed', {processed: job.processed, total: job.total, status: t('job.' + job.status)});
        if (job.status === 'running') { replayTimer = setTimeout(poll, 500); return; }
        if (job.status === 'failed') { showError(job.error || 'replay failed'); return; }
        showReplay(job.report);
      } catch (e) { showError(e.message); }
    };
    poll();
  }

  function showReplay(r) {
    replayBox.append(h('div', {id: 'replay-report'},
      h('p', {}, t('rulesets.replaySummary', {replayed: r.replayed, changed: r.changed, version: shortId(r.version)})),
      Object.keys(r.changedBy || {}).length
        ? table([t('rulesets.changedWhat'), {text: t('rulesets.count'), class: 'num'}],
          Object.entries(r.changedBy).map(([k, v]) => [k, {text: v, class: 'num'}])) : null,
      (r.byRule || []).length ? [h('h3', {}, t('rulesets.byRule')),
        table([t('rulesets.rule'), {text: t('rulesets.nowFires'), class: 'num'}, {text: t('rulesets.noLongerFires'), class: 'num'},
          {text: t('rulesets.editedAndFired'), class: 'num'}],
        r.byRule.map(e => [e.rule, {text: e.nowFires, class: 'num'}, {text: e.noLongerFires, class: 'num'}, {text: e.editedAndFired, class: 'num'}]))] : null,
      (r.examples || []).length ? [h('h3', {}, t('rulesets.examples')),
        table([t('trace.conversation'), t('rulesets.text'), t('rulesets.before'), t('rulesets.after')],
          r.examples.map(x => [h('a', {href: '#/trace/' + enc(x.conversationId)}, shortId(x.conversationId)), x.text || '',
            h('code', {}, JSON.stringify(x.before)), h('code', {}, JSON.stringify(x.after))]))] : null));
  }

  function showDiff(d) {
    const group = (title, id, changes) => h('div', {id},
      h('h3', {}, title + ' (' + changes.length + ')'),
      changes.length ? table([t('rulesets.rule'), t('rulesets.where'), t('rulesets.before'), t('rulesets.after')],
        changes.map(c => [c.rule, where(c), c.before ? h('pre', {}, c.before) : '—', c.after ? h('pre', {}, c.after) : '—'])) : null);
    fill(diffBox, h('p', {}, t('rulesets.diffSummary', {from: shortId(d.from), to: shortId(d.to), unchanged: d.unchanged})),
      group(t('rulesets.added'), 'diff-added', d.added), group(t('rulesets.removed'), 'diff-removed', d.removed),
      group(t('rulesets.changed'), 'diff-changed', d.changed));
  }

  /** One version: its validation report, each problem at its cell, and its scenarios. */
  function showVersion(v, focus = true) {
    const r = v.report || {errors: [], warnings: [], scenarios: []};
    const problems = (list, kind) => table(
      [t('rulesets.file'), t('rulesets.sheet'), t('rulesets.cell'), t('rulesets.message')],
      list.map(p => h('tr', {class: kind === 'error' ? 'error-cell problem' : 'problem',
        dataset: {file: p.file || '', sheet: p.sheet || '', cell: p.cell || '', row: p.row ?? '', line: p.line ?? ''}},
        h('td', {}, p.file || '—'), h('td', {}, p.sheet || '—'),
        h('td', {class: 'cellref'}, p.cell || (p.row ? t('rulesets.rowN', {row: p.row}) : p.line ? t('rulesets.lineN', {line: p.line}) : '—')),
        h('td', {}, p.message))), {class: kind + 's'});
    const locator = h('div', {id: 'problem-cells'});
    fill(detail, h('div', {class: 'card', id: 'version-detail', dataset: {version: v.version, status: v.status}},
      h('h2', {}, t('rulesets.versionTitle', {version: shortId(v.version)}), ' ', h('span', {class: 'badge ' + v.status, id: 'detail-status'}, t('status.' + v.status))),
      h('p', {class: r.valid ? 'ok' : 'bad', id: 'detail-valid'}, r.valid ? t('rulesets.valid', {rules: r.ruleCount}) : t('rulesets.invalid', {errors: r.errors.length})),
      h('p', {class: 'muted'}, v.version, ' · ', (v.files || []).map((f, i) => [i ? ', ' : '',
        h('button', {type: 'button', class: 'link', title: t('trace.download'), onclick: () => download(v.version, f.path)}, f.path)])),
      r.errors.length ? [h('h3', {}, t('rulesets.errors') + ' (' + r.errors.length + ')'), problems(r.errors, 'error')] : null,
      r.errors.length ? [h('h3', {}, t('rulesets.atCells')), locator] : null,
      r.warnings.length ? [h('h3', {}, t('rulesets.warnings') + ' (' + r.warnings.length + ')'), problems(r.warnings, 'warning')] : null,
      h('h3', {}, t('rulesets.scenarios', {run: r.scenariosRun, failed: r.scenariosFailed})),
      (r.scenarios || []).length ? table([t('rulesets.scenario'), t('rulesets.where'), t('rulesets.result'), t('rulesets.mismatches')],
        r.scenarios.map(s => h('tr', {class: s.passed ? '' : 'error-cell', dataset: {scenario: s.name}},
          h('td', {}, s.name), h('td', {}, where(s)),
          h('td', {class: s.passed ? 'ok' : 'bad'}, s.passed ? t('rulesets.passed') : t('rulesets.failed')),
          h('td', {}, (s.mismatches || []).map(m => h('div', {}, t('rulesets.mismatch', {field: m.field, expected: m.expected, actual: m.actual})))))),
        {id: 'scenario-grid'}) : h('p', {class: 'muted'}, t('rulesets.noScenarios'))));
    if (r.errors.length) showAtCells(v.version, r.errors, locator);
    if (focus) detail.focus();
  }

  async function download(version, path) {
    try { await downloadFile(version, path); } catch (e) { showError(e.message); }
  }

  function actor() { return (session.who() || {}).name || 'console'; }
  function showError(text) { error.className = 'alert'; error.textContent = text; }
  function clearError() { error.className = ''; error.textContent = ''; }

  load().then(() => { if (args[0]) openVersion(args[0]); });
  return () => { stopped = true; clearTimeout(replayTimer); };
}

function where(x) {
  const parts = [x.file || x.source, x.sheet, x.row ? t('rulesets.rowN', {row: x.row}) : null, x.line ? t('rulesets.lineN', {line: x.line}) : null];
  return parts.filter(Boolean).join(' › ');
}

/**
 * The rows around each problem, from the file as the server keeps it, with the cell in question
 * outlined; a problem with only a line (DRL) shows the lines around it.
 */
async function showAtCells(version, errors, box) {
  const byFile = {};
  errors.filter(p => p.file && (p.row || p.line)).forEach(p => { (byFile[p.file] = byFile[p.file] || []).push(p); });
  for (const [file, list] of Object.entries(byFile)) {
    let sheets;
    try { sheets = await readSheets(file, await fetchFile(version, file)); } catch (e) {
      box.append(h('p', {class: 'muted'}, file + ': ' + t('rulesets.cannotShow') + ' (' + e.message + ')'));
      continue;
    }
    const bySheet = {};
    list.forEach(p => { (bySheet[p.sheet || ''] = bySheet[p.sheet || ''] || []).push(p); });
    for (const [sheet, problems] of Object.entries(bySheet)) {
      const rows = sheets[sheet] || (Object.keys(sheets).length === 1 ? Object.values(sheets)[0] : null);
      if (!rows) continue;
      const marks = problems.map(p => ({row: (p.row || p.line) - 1, col: p.column ? columnIndex(p.column) : (p.line ? 0 : -1), p}));
      const shownRows = new Set();
      marks.forEach(m => { for (let r = Math.max(0, m.row - 2); r <= m.row + 2; r++) shownRows.add(r); });
      const width = Math.min(14, Math.max(1, ...[...shownRows].map(r => (rows[r] || []).length), ...marks.map(m => m.col + 1)));
      const lineMode = marks.every(m => !m.p.column);
      const header = h('tr', {}, h('th', {scope: 'col'}, ''), lineMode ? h('th', {scope: 'col'}, t('rulesets.text'))
        : Array.from({length: width}, (_, c) => h('th', {scope: 'col', class: marks.some(m => m.col === c) ? 'hl' : ''}, columnName(c))));
      const body = [...shownRows].sort((a, b) => a - b).map(r => h('tr', {},
        h('th', {scope: 'row', class: marks.some(m => m.row === r) ? 'hl' : ''}, r + 1),
        Array.from({length: lineMode ? 1 : width}, (_, c) => {
          const mark = marks.find(m => m.row === r && (lineMode || m.col === c));
          const ref = lineMode ? String(r + 1) : columnName(c) + (r + 1);
          return h('td', {class: mark ? 'hl' : '', title: mark ? mark.p.text : null, dataset: {ref},
            'aria-label': mark ? ref + ': ' + mark.p.message : null}, (rows[r] || [])[c] ?? '');
        })));
      box.append(h('div', {class: 'sheet-view', dataset: {file, sheet}},
        h('p', {}, h('strong', {}, file), sheet ? ' › ' + sheet : ''),
        // focusable, so a keyboard can scroll a wide sheet
        h('div', {style: 'overflow:auto', tabindex: '0', role: 'region', 'aria-label': t('rulesets.cellsOf', {file: file + (sheet ? ' › ' + sheet : '')})},
          h('table', {class: 'sheet-grid'}, h('thead', {}, header), h('tbody', {}, body))),
        problems.map(p => h('p', {class: 'bad'}, p.text))));
    }
  }
}
