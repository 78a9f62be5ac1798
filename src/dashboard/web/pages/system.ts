import { api, type Schemas } from '../api.js';
import { badge, h, section, table } from '../dom.js';
import { code, formatDate, t } from '../i18n.js';
import type { Route } from '../state.js';
import { frameworkDetails, profileView } from './application.js';

function changeView(c: Schemas['ChangeAssessment'] | null): HTMLElement {
  if (!c) return h('p', { class: 'muted' }, t('firstVersion'));
  return h('div', {},
    h('p', {}, `${c.fromVersion} → ${c.toVersion}: `, c.material ? badge(t('material'), 'overdue') : badge(t('notMaterial'), 'info')),
    h('p', {}, `${t('changedFields')}: `, c.changedFields.length ? c.changedFields.map((f) => (c.materialFields.includes(f) ? `${f} *` : f)).join(', ') : '—'),
    table(null, [t('framework'), t('before'), t('after'), t('classChanged'), t('material')], c.frameworks.map((f) => [
      code('fw', f.framework), f.before ?? '—', f.after ?? '—', f.classChanged ? t('yes') : t('no'), f.material ? t('yes') : t('no'),
    ])),
  );
}

export async function systemPage(id: string, route: Route): Promise<HTMLElement> {
  const { data: system } = await api('get', '/v1/systems/{id}', { path: { id } });
  const wanted = Number(route.query.get('version') ?? system.currentVersion);
  const n = Number.isInteger(wanted) && wanted >= 1 && wanted <= system.currentVersion ? wanted : system.currentVersion;
  // Every version's change assessment (systems have few versions; the newest 20 at most).
  const numbers = Array.from({ length: system.currentVersion }, (_x, i) => system.currentVersion - i).slice(0, 20);
  const versions = await Promise.all(numbers.map((k) => (k === system.currentVersion ? Promise.resolve(system.current)
    : api('get', '/v1/systems/{id}/versions/{n}', { path: { id, n: k } }).then((r) => r.data))));
  const selected = versions.find((v) => v.number === n) ?? system.current;
  const cls = selected.classification;
  return h('div', { class: 'page system-page' },
    h('h1', {}, t('systemTitle', { name: system.name })),
    section(t('summary'), 'system-summary', h('dl', { class: 'kv' },
      h('dt', {}, t('manufacturer')), h('dd', {}, system.manufacturer),
      h('dt', {}, t('currentVersion')), h('dd', {}, String(system.currentVersion)),
      h('dt', {}, t('created')), h('dd', {}, formatDate(system.createdAt, true)),
      h('dt', {}, t('updated')), h('dd', {}, formatDate(system.updatedAt, true)))),
    section(t('versions'), 'versions', h('ol', { class: 'versions', reversed: true }, ...versions.map((v) => h('li', { class: v.number === n ? 'selected' : '' },
      h('h3', {}, h('a', { href: `#/systems/${id}?version=${v.number}`, 'aria-current': v.number === n ? 'true' : null }, `${t('version')} ${v.number} (${v.profile.version})`), ' · ', formatDate(v.createdAt, true)),
      h('h4', {}, t('changeAssessment')), changeView(v.changeAssessment))))),
    section(`${t('classification')} — ${t('version')} ${selected.number}`, 'version-classes',
      table(null, [t('framework'), t('class'), t('disposition'), t('ruleset')], cls.results.map((r) => [code('fw', r.framework), r.class ?? r.provisionalClass ?? '—', code('disp', r.disposition), r.ruleset])),
      h('div', { class: 'frameworks' }, ...cls.results.map((r, i) => frameworkDetails(r, cls.counterfactuals ?? [], i === 0)))),
    section(t('profile'), 'system-profile', profileView(selected.profile)),
  );
}
