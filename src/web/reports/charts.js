// Small SVG bar charts built through the DOM (no inline styles or scripts, so the page's
// strict CSP holds). Colours come from classes in reports.css.

import { toPersianDigits } from '../agent/format.js';

const SVG = 'http://www.w3.org/2000/svg';

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}


function niceMax(value) {
  if (value <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (value <= m * p) return m * p;
  return 10 * p;
}

function frame(width, height) {
  return el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img' });
}

function empty(container, message) {
  const svg = frame(400, 60);
  svg.append(el('text', { x: 200, y: 35, 'text-anchor': 'middle', class: 'empty' }, message));
  container.replaceChildren(svg);
}

/**
 * Vertical bars: `series` is [{ name, values, className }], drawn side by side per label.
 * Labels run right to left, as the page reads.
 */
export function columnChart(container, { labels, series, title }) {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  if (series.every((s) => s.values.every((v) => !v))) return empty(container, 'داده‌ای در این بازه نیست');
  const width = 640, height = 260, left = 44, right = 8, top = 24, bottom = 40;
  const plotW = width - left - right, plotH = height - top - bottom;
  const slot = plotW / labels.length;
  const barW = Math.max(1, (slot * 0.8) / series.length);
  const svg = frame(width, height);
  svg.append(el('title', {}, title));
  for (let i = 0; i <= 4; i++) {
    const y = top + plotH - (plotH * i) / 4;
    svg.append(el('line', { x1: left, x2: width - right, y1: y, y2: y, class: 'axis' }));
    svg.append(el('text', { x: left - 4, y: y + 3, 'text-anchor': 'end' }, toPersianDigits(Math.round((max * i) / 4))));
  }
  labels.forEach((label, i) => {
    // Right to left: the first label sits at the right edge.
    const slotX = left + plotW - (i + 1) * slot;
    series.forEach((s, j) => {
      const v = s.values[i] ?? 0;
      const h = (plotH * v) / max;
      const x = slotX + slot * 0.1 + (series.length - 1 - j) * barW;
      const bar = el('rect', { x, y: top + plotH - h, width: barW, height: h, class: `bar ${s.className ?? ''}` });
      bar.append(el('title', {}, `${label} — ${s.name}: ${toPersianDigits(v)}`));
      svg.append(bar);
    });
    if (labels.length <= 24 || i % Math.ceil(labels.length / 24) === 0) {
      svg.append(el('text', { x: slotX + slot / 2, y: height - bottom + 14, 'text-anchor': 'middle' }, label));
    }
  });
  const legend = el('g', { class: 'legend' });
  series.forEach((s, j) => {
    const x = width - right - 10 - j * 110;
    legend.append(el('rect', { x: x - 10, y: 6, width: 10, height: 10, class: `bar ${s.className ?? ''}` }));
    legend.append(el('text', { x: x - 14, y: 15, 'text-anchor': 'end' }, s.name));
  });
  svg.append(legend);
  container.replaceChildren(svg);
}

/** Horizontal bars of a ratio (0..1) against a target line; below target is drawn red. */
export function ratioBars(container, { labels, values, target, title }) {
  if (values.every((v) => v === null)) return empty(container, 'تماسی در صف‌ها نبوده است');
  const rowH = 24, width = 640, labelW = 190, right = 40, top = 10;
  const height = top + labels.length * rowH + 20;
  const plotW = width - labelW - right;
  const svg = frame(width, height);
  svg.append(el('title', {}, title));
  // Bars grow leftwards from the label column on the right.
  const x0 = width - labelW;
  labels.forEach((label, i) => {
    const y = top + i * rowH;
    svg.append(el('text', { x: x0 + 6, y: y + 15, 'text-anchor': 'start' }, label));
    const v = values[i];
    if (v === null) {
      svg.append(el('text', { x: x0 - 6, y: y + 15, 'text-anchor': 'end' }, '—'));
      return;
    }
    const w = plotW * Math.min(1, Math.max(0, v));
    const bar = el('rect', { x: x0 - w, y: y + 4, width: w, height: rowH - 8, class: `bar ${v < target ? 'bad' : 'good'}` });
    bar.append(el('title', {}, `${label}: ${toPersianDigits((v * 100).toFixed(1))}٪`));
    svg.append(bar);
    svg.append(el('text', { x: x0 - w - 4, y: y + 15, 'text-anchor': 'end' }, `${toPersianDigits(Math.round(v * 100))}٪`));
  });
  const tx = x0 - plotW * target;
  svg.append(el('line', { x1: tx, x2: tx, y1: top, y2: height - 16, class: 'target' }));
  svg.append(el('text', { x: tx, y: height - 4, 'text-anchor': 'middle' }, `هدف ${toPersianDigits(Math.round(target * 100))}٪`));
  container.replaceChildren(svg);
}
