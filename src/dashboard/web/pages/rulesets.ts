import { api } from '../api.js';
import { badge, h, section, table } from '../dom.js';
import { code, formatDate, t } from '../i18n.js';
import type { Route } from '../state.js';
import { sourceLink } from './application.js';

export async function rulesetsPage(): Promise<HTMLElement> {
  const { data } = await api('get', '/v1/rulesets');
  return h('div', { class: 'page rulesets-page' },
    h('h1', {}, t('rulesetsTitle')),
    section(t('rulesetsTitle'), 'rulesets', table(null, [t('framework'), t('version'), t('title'), t('active'), t('effectiveDate'), t('jurisdiction'), t('classes'), t('rules'), t('hash')],
      data.items.map((r) => [
        h('a', { href: `#/rulesets/${encodeURIComponent(r.id)}?version=${encodeURIComponent(r.version)}` }, r.id),
        r.version, r.title, r.active ? badge(t('active'), 'ok') : '—', formatDate(r.effectiveDate), r.jurisdiction ?? '—', r.classes.join(' < '), String(r.ruleCount),
        h('code', { class: 'hash', title: r.hash }, `${r.hash.slice(0, 15)}…`),
      ]))),
  );
}

export async function rulesetPage(id: string, route: Route): Promise<HTMLElement> {
  const version = route.query.get('version');
  const { data: r } = await api('get', '/v1/rulesets/{id}', { path: { id }, query: version ? { version } : {} });
  return h('div', { class: 'page ruleset-page' },
    h('p', {}, h('a', { href: '#/rulesets' }, `← ${t('rulesetsTitle')}`)),
    h('h1', {}, `${r.title} (${r.ruleset})`),
    section(t('summary'), 'ruleset-meta', h('dl', { class: 'kv' },
      h('dt', {}, t('framework')), h('dd', {}, code('fw', r.id)),
      h('dt', {}, t('version')), h('dd', {}, r.version, ' ', r.active ? badge(t('active'), 'ok') : null),
      h('dt', {}, t('effectiveDate')), h('dd', {}, formatDate(r.effectiveDate)),
      h('dt', {}, t('jurisdiction')), h('dd', {}, r.jurisdiction ?? '—'),
      h('dt', {}, t('classes')), h('dd', {}, r.classes.join(' < ')),
      h('dt', {}, t('hash')), h('dd', {}, h('code', { class: 'hash' }, r.hash))),
      h('h3', {}, t('description')), h('p', { class: 'prose' }, r.description)),
    section(t('sources'), 'ruleset-sources', table(null, ['id', t('sources'), t('status')], r.sources.map((x) => [
      h('code', {}, x.id),
      sourceLink(x),
      badge(code('source', x.status), `source-${x.status}`),
    ]))),
    section(t('changelog'), 'ruleset-changelog', h('ul', { class: 'changelog' }, ...r.changelog.map((c) => h('li', {}, h('strong', {}, c.version), ` (${formatDate(c.date)}): ${c.changes}`)))),
  );
}
