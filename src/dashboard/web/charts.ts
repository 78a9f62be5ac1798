import { h, s, table, uid } from './dom.js';
import { t } from './i18n.js';

export type Bar = { label: string; value: number | null; series: number };
export type Group = { label: string; bars: Bar[] };

const W = 760;
const H = 300;
const PAD = { left: 44, right: 12, top: 20, bottom: 62 };

/** A step of 1, 2 or 5 × 10ⁿ giving about four grid lines. */
function niceStep(max: number): number {
  const raw = max / 4;
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((m) => m * p).find((x) => x >= raw) ?? p * 10;
}

/**
 * A grouped bar chart as inline SVG built with DOM calls (presentation attributes and CSS
 * classes only: the CSP allows no inline styles), with a data table as its text alternative.
 */
export function barChart(id: string, title: string, groups: Group[], legend: Array<{ label: string; series: number }>, tableHead: string[], tableRows: string[][]): HTMLElement {
  const captionId = uid('chart-caption');
  const figure = h('figure', { class: 'chart', id });
  figure.append(h('figcaption', { id: captionId }, title));
  const bars = groups.reduce((n, g) => n + g.bars.length, 0);
  if (bars === 0) {
    figure.append(h('p', { class: 'muted' }, t('noData')));
    return figure;
  }
  const max = Math.max(1, ...groups.flatMap((g) => g.bars.map((b) => b.value ?? 0)));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / (bars + groups.length);
  const barW = Math.max(4, slot * 0.8);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;

  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': captionId, class: 'chart-svg', preserveAspectRatio: 'xMidYMid meet' });
  svg.append(s('title', {}, title));
  for (let v = 0; v <= top + 1e-9; v += step) {
    svg.append(s('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(s('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis-label' }, String(Math.round(v * 10) / 10)));
  }
  let x = PAD.left + slot / 2;
  for (const g of groups) {
    const start = x;
    for (const b of g.bars) {
      const v = b.value ?? 0;
      const rect = s('rect', { x: x + (slot - barW) / 2, y: y(v), width: barW, height: Math.max(0, y(0) - y(v)), class: `bar series-${b.series % 8}` });
      rect.append(s('title', {}, `${g.label} · ${b.label}: ${b.value ?? '—'}`));
      svg.append(rect);
      svg.append(s('text', { x: x + slot / 2, y: y(v) - 4, 'text-anchor': 'middle', class: 'value-label' }, b.value === null ? '—' : String(b.value)));
      svg.append(s('text', { x: x + slot / 2, y: H - PAD.bottom + 14, 'text-anchor': 'middle', class: 'bar-label' }, b.label.length > 10 ? `${b.label.slice(0, 9)}…` : b.label));
      x += slot;
    }
    svg.append(s('text', { x: (start + x) / 2, y: H - PAD.bottom + 34, 'text-anchor': 'middle', class: 'group-label' }, g.label.length > 18 ? `${g.label.slice(0, 17)}…` : g.label));
    x += slot;
  }
  svg.append(s('line', { x1: PAD.left, x2: W - PAD.right, y1: y(0), y2: y(0), class: 'axis' }));
  figure.append(svg);
  if (legend.length > 1) {
    figure.append(h('ul', { class: 'legend', 'aria-hidden': 'true' }, ...legend.map((l) => h('li', {}, s('svg', { viewBox: '0 0 10 10', class: 'swatch' }, s('rect', { width: 10, height: 10, class: `bar series-${l.series % 8}` })), ' ', l.label))));
  }
  figure.append(h('details', { class: 'chart-data' }, h('summary', {}, t('dataTable')), table(title, tableHead, tableRows)));
  return figure;
}
