// Small SVG bar charts built through the DOM (no inline styles or scripts, so the page's
// strict CSP holds). Colours come from classes in reports.css.

import { toPersianDigits } from '../agent/format.js';
import { axisTicks } from './report-view.js';

/** Drawn at the container's own width, one SVG unit a CSS pixel: text keeps its size on a phone. */
function widthOf(container) {
  return Math.max(300, Math.round(container.clientWidth || 640));
}

const SVG = 'http://www.w3.org/2000/svg';

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}


function frame(width, height) {
  return el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img' });
}

function empty(container, message) {
  const width = widthOf(container);
  const svg = frame(width, 60);
  svg.append(el('text', { x: width / 2, y: 35, 'text-anchor': 'middle', class: 'empty' }, message));
  container.replaceChildren(svg);
}

/**
 * Vertical bars: `series` is [{ name, values, className }], drawn side by side per label.
 * Labels run right to left, as the page reads.
 */
export function columnChart(container, { labels, series, title }) {
  if (series.every((s) => s.values.every((v) => !v))) return empty(container, 'داده‌ای در این بازه نیست');
  const ticks = axisTicks(Math.max(0, ...series.flatMap((s) => s.values)));
  const max = ticks.at(-1);
  const width = widthOf(container), height = 250, left = 40, right = 6, top = 10, bottom = 34;
  const plotW = width - left - right, plotH = height - top - bottom;
  const slot = plotW / labels.length;
  const barW = Math.max(1, (slot * 0.8) / series.length);
  const svg = frame(width, height);
  svg.append(el('title', {}, title));
  // A label for every tick: whole numbers only, none skipped.
  for (const t of ticks) {
    const y = top + plotH - (plotH * t) / max;
    svg.append(el('line', { x1: left, x2: width - right, y1: y, y2: y, class: 'axis' }));
    svg.append(el('text', { x: left - 4, y: y + 4, 'text-anchor': 'end' }, toPersianDigits(t)));
  }
  // Every label under its bar; where the slots are narrower than two digits (24 hours on
  // a phone) the labels stand upright instead of overlapping or being thinned out.
  const upright = slot < 22;
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
    const lx = slotX + slot / 2;
    const ly = height - bottom + (upright ? 6 : 16);
    svg.append(
      upright
        ? el('text', { x: lx, y: ly, 'text-anchor': 'end', 'dominant-baseline': 'middle', transform: `rotate(-90 ${lx} ${ly})` }, label)
        : el('text', { x: lx, y: ly, 'text-anchor': 'middle' }, label),
    );
  });
  container.replaceChildren(svg, legendOf(series));
}

/** The legend as HTML under the chart: it wraps on a narrow screen instead of being cut off. */
function legendOf(series) {
  const list = document.createElement('ul');
  list.className = 'legend';
  for (const s of series) {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = `swatch ${s.className ?? ''}`;
    swatch.setAttribute('aria-hidden', 'true');
    item.append(swatch, s.name);
    list.append(item);
  }
  return list;
}

/** Horizontal bars of a ratio (0..1) against a target line; below target is drawn red. */
export function ratioBars(container, { labels, values, target, title }) {
  if (values.every((v) => v === null)) return empty(container, 'تماسی در صف‌ها نبوده است');
  const width = widthOf(container);
  // The queue names take at most 46% of a narrow chart.
  const rowH = 26, labelW = Math.min(190, Math.round(width * 0.46)), right = 40, top = 10;
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
  // Centred, so right to left costs no position: the sign stays after the number.
  svg.append(el('text', { x: tx, y: height - 4, 'text-anchor': 'middle', direction: 'rtl' }, `هدف ${toPersianDigits(Math.round(target * 100))}٪`));
  container.replaceChildren(svg);
}
