// Small DOM helpers: build elements without innerHTML, so server text is never parsed as markup.

/** h('button', {type: 'button', onclick: f}, 'Go') -> <button>. Attributes starting with "on" become listeners. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Replaces an element's children; arrays (of arrays) of nodes and texts are flattened. */
export function fill(el, ...children) {
  return append(clear(el), children);
}

/** A labelled form field; the label points at the control by id. */
export function field(id, labelText, control) {
  control.id = id;
  return h('div', {class: 'field'}, h('label', {for: id}, labelText), control);
}

/** A table from header cells and rows of cells; a cell may be a node, text or {text, class}. */
export function table(headers, rows, attrs) {
  const head = h('tr', {}, headers.map(c => cell('th', c, {scope: 'col'})));
  return h('table', attrs || {}, h('thead', {}, head), h('tbody', {}, rows.map(r => r instanceof Node ? r : h('tr', {}, r.map(c => cell('td', c))))));
}

function cell(tag, c, base) {
  if (c && typeof c === 'object' && !(c instanceof Node) && !Array.isArray(c)) {
    return h(tag, {...base, class: c.class, id: c.id, dataset: c.dataset}, c.text);
  }
  return h(tag, base || {}, c);
}

export function seconds(s) {
  if (s === null || s === undefined) return '—';
  s = Math.round(s);
  if (s < 60) return s + ' s';
  const m = Math.floor(s / 60), r = s % 60;
  if (m < 60) return m + ' min' + (r ? ' ' + r + ' s' : '');
  return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
}

export function percent(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  const p = x * 100;
  return (Math.abs(p - Math.round(p)) < 0.05 ? String(Math.round(p)) : p.toFixed(1)) + '%';
}

export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

export function shortId(v) {
  return v ? String(v).slice(0, 8) : '—';
}

/** A <input type=datetime-local> value as an ISO instant (or null when empty). */
export function isoFromLocal(value) {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function toast(text) {
  const t = document.getElementById('toast');
  t.textContent = text;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.textContent = ''; }, 5000);
}
