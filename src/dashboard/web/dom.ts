import { ApiError } from './api.js';
import { t } from './i18n.js';

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
}

/** An HTML element: `h('button', { type: 'button', onclick }, 'Text')`. Never innerHTML. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';
/** An SVG element, drawn with presentation attributes and classes (the CSP forbids inline styles). */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/**
 * A URL from API data as a link target: only absolute http: and https: URLs (no javascript:,
 * data:, relative paths …); null means show the text without a link.
 */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
}

let ids = 0;
export const uid = (prefix: string) => `${prefix}-${++ids}`;

/** A labelled form control: the label's `for` names the control. */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement {
  if (!control.id) control.id = uid('f');
  const hintEl = hint ? h('span', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

export function select(options: Array<[string, string]>, value: string, attrs: Attrs = {}): HTMLSelectElement {
  const el = h('select', attrs);
  for (const [v, label] of options) el.append(h('option', { value: v, selected: v === value }, label));
  return el;
}

/** A problem+json answer, readably: title, detail, and each bad field. */
export function problemView(err: unknown): HTMLElement {
  const box = h('div', { class: 'problem', role: 'alert' });
  if (err instanceof ApiError) {
    const p = err.problem;
    box.append(h('p', { class: 'problem-title' }, err.status === 0 ? t('networkError') : p.title, err.status ? ` (${err.status})` : ''));
    if (p.detail) box.append(h('p', {}, p.detail));
    if (p.errors?.length) {
      box.append(h('p', {}, t('fieldErrors')));
      box.append(h('ul', {}, ...p.errors.map((e) => h('li', {}, h('code', {}, e.field ?? e.in ?? ''), ' ', e.message))));
    }
  } else {
    box.append(h('p', { class: 'problem-title' }, t('errorTitle')), h('p', {}, err instanceof Error ? err.message : String(err)));
  }
  return box;
}

export function badge(text: string, kind: string): HTMLElement {
  return h('span', { class: `badge badge-${kind}` }, text);
}

/** A table from a header row and rows of cells. */
export function table(caption: string | null, head: string[], rows: Child[][], attrs: Attrs = {}): HTMLElement {
  const tbl = h('table', attrs,
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))),
  );
  return h('div', { class: 'table-wrap' }, tbl);
}

export function section(title: string, id: string, ...children: Child[]): HTMLElement {
  const headingId = `${id}-h`;
  return h('section', { class: 'card', id, 'aria-labelledby': headingId }, h('h2', { id: headingId }, title), ...children);
}
