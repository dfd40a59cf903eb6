// Inline SVG charts drawn here, without a library: a time line chart and a horizontal bar chart.

const NS = 'http://www.w3.org/2000/svg';
export const PALETTE = ['#1f5fbf', '#d9480f', '#2b8a3e', '#862e9c', '#c2255c', '#0b7285', '#5c940d', '#e67700'];

function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** Round numbers for an axis from 0 to at least max. */
function ticks(max, count = 4) {
  if (max <= 0) return [0, 1];
  const raw = max / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map(m => m * mag).find(x => x >= raw);
  const out = [];
  for (let v = 0; v <= max + step * 0.001; v += step) out.push(Math.round(v * 1e6) / 1e6);
  if (out[out.length - 1] < max) out.push(out[out.length - 1] + step);
  return out;
}

/**
 * Lines over time. series: [{name, points: [{t: ms, v: number}]}]. The SVG has role=img and a
 * label; the numbers it shows are also in the page as text, so nothing is only in the picture.
 */
export function lineChart({series, label, width = 720, height = 240, unit = ''}) {
  const m = {l: 44, r: 12, t: 12, b: 28};
  const all = series.flatMap(x => x.points);
  const svg = s('svg', {viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label});
  svg.append(s('title', {}, label));
  if (all.length === 0) {
    svg.append(s('text', {x: width / 2, y: height / 2, 'text-anchor': 'middle'}, '—'));
    return svg;
  }
  const t0 = Math.min(...all.map(p => p.t)), t1 = Math.max(...all.map(p => p.t), t0 + 1000);
  const yt = ticks(Math.max(...all.map(p => p.v), 1));
  const yMax = yt[yt.length - 1];
  const x = t => m.l + (t - t0) / (t1 - t0) * (width - m.l - m.r);
  const y = v => height - m.b - v / yMax * (height - m.t - m.b);
  for (const v of yt) {
    svg.append(s('line', {class: 'grid', x1: m.l, x2: width - m.r, y1: y(v), y2: y(v)}));
    svg.append(s('text', {x: m.l - 6, y: y(v) + 4, 'text-anchor': 'end'}, v + unit));
  }
  svg.append(s('line', {class: 'axis', x1: m.l, x2: width - m.r, y1: height - m.b, y2: height - m.b}));
  svg.append(s('line', {class: 'axis', x1: m.l, x2: m.l, y1: m.t, y2: height - m.b}));
  const fmt = t => new Date(t).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', second: '2-digit'});
  [t0, (t0 + t1) / 2, t1].forEach((t, i) => svg.append(s('text', {x: x(t), y: height - 8,
    'text-anchor': ['start', 'middle', 'end'][i]}, fmt(t))));
  series.forEach((ser, i) => {
    if (ser.points.length === 0) return;
    const d = ser.points.map((p, j) => (j ? 'L' : 'M') + x(p.t).toFixed(1) + ' ' + y(p.v).toFixed(1)).join(' ');
    const color = ser.color || PALETTE[i % PALETTE.length];
    svg.append(s('path', {d, fill: 'none', stroke: color, 'stroke-width': ser.width || 2, 'data-series': ser.name}));
    const last = ser.points[ser.points.length - 1];
    svg.append(s('circle', {cx: x(last.t), cy: y(last.v), r: 3, fill: color}));
  });
  return svg;
}

/** A legend for a chart's series, as text the reader can also read aloud. */
export function legend(series) {
  const el = document.createElement('div');
  el.className = 'legend';
  series.forEach((ser, i) => {
    const item = document.createElement('span');
    const sw = document.createElement('i');
    sw.style.background = ser.color || PALETTE[i % PALETTE.length];
    item.append(sw, ser.name + (ser.note !== undefined ? ' ' + ser.note : ''));
    el.append(item);
  });
  return el;
}

/** Horizontal bars. items: [{label, value, title?}], largest first is up to the caller. */
export function barChart({items, label, width = 1000, barHeight = 20, labelWidth = 340}) {
  const m = {t: 6, b: 6, r: 56};
  const height = m.t + m.b + Math.max(items.length, 1) * (barHeight + 6);
  const svg = s('svg', {viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label});
  svg.append(s('title', {}, label));
  const max = Math.max(1, ...items.map(i => i.value));
  const w = v => v / max * (width - labelWidth - m.r);
  items.forEach((it, i) => {
    const y = m.t + i * (barHeight + 6);
    const text = it.label.length > 38 ? it.label.slice(0, 37) + '…' : it.label;
    const g = s('g', {'data-label': it.label, 'data-value': it.value});
    g.append(s('title', {}, (it.title || it.label) + ': ' + it.value));
    g.append(s('text', {x: labelWidth - 6, y: y + barHeight * 0.72, 'text-anchor': 'end'}, text));
    g.append(s('rect', {x: labelWidth, y, width: Math.max(w(it.value), it.value > 0 ? 2 : 0), height: barHeight,
      fill: it.color || PALETTE[0], rx: 2}));
    g.append(s('text', {x: labelWidth + w(it.value) + 4, y: y + barHeight * 0.72}, it.value));
    svg.append(g);
  });
  return svg;
}
