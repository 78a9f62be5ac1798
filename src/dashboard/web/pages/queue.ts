import type { paths } from '../../../generated/openapi';
import { api, type Schemas } from '../api.js';
import { badge, field, h, problemView, select, table } from '../dom.js';
import { code, formatDate, t } from '../i18n.js';
import { go, type Route } from '../state.js';

type Summary = Schemas['ApplicationSummary'];
/** The queue's filters, as GET /v1/applications takes them. */
type QueueQuery = NonNullable<paths['/v1/applications']['get']['parameters']['query']>;
export const STATES: Schemas['ApplicationState'][] = ['draft', 'submitted', 'under_review', 'information_requested', 'approved', 'rejected', 'suspended', 'revoked', 'expired', 'withdrawn'];
export const TIERS: Schemas['RiskTier'][] = ['highest', 'high', 'medium', 'low'];
export const FRAMEWORKS = ['ru-differentiated', 'ru-current', 'imdrf-samd', 'eu-mdr', 'eu-ai-act', 'us-fda'];

/** One of `allowed`, or undefined for anything else (a hand-edited URL): no filter rather than a 400. */
const oneOf = <T extends string>(allowed: readonly T[], value: string | null): T | undefined => allowed.find((a) => a === value);

/** Overdue first, otherwise as the API ordered them (newest first). */
export const overdueFirst = (items: Summary[]) => items.map((a, i) => ({ a, i })).sort((x, y) => Number(y.a.overdue) - Number(x.a.overdue) || x.i - y.i).map((x) => x.a);

export function stateBadge(state: string): HTMLElement {
  return badge(code('state', state), `state-${state}`);
}

function row(a: Summary): HTMLElement[] {
  const system = h('a', { href: `#/applications/${a.id}` }, `${a.systemName} v${a.version}`);
  return [
    h('span', {}, system, a.kind === 're_review' ? h('span', {}, ' ', badge(t('reReview'), 'info')) : null),
    h('span', {}, a.organisationName),
    stateBadge(a.state),
    badge(code('tier', a.riskTier), `tier-${a.riskTier}`),
    h('span', { class: 'classes' }, a.classes.map((c) => `${c.framework}: ${c.effectiveClass ?? '?'}`).join(', ')),
    h('span', {}, a.assignee?.name ?? t('nobody')),
    h('span', {}, formatDate(a.deadline), a.overdue ? h('span', {}, ' ', badge(t('overdue'), 'overdue')) : null),
  ];
}

export async function queuePage(route: Route): Promise<HTMLElement> {
  const q = route.query;
  const query: QueueQuery = { limit: 25 };
  const state = oneOf(STATES, q.get('state'));
  const tier = oneOf(TIERS, q.get('tier'));
  if (state) query.state = state;
  if (tier) query.tier = tier;
  for (const f of ['framework', 'class', 'assignee'] as const) {
    const v = q.get(f);
    if (v) query[f] = v;
  }
  if (q.get('overdue')) query.overdue = q.get('overdue') === 'true';
  const [page, stats] = await Promise.all([
    api('get', '/v1/applications', { query }),
    api('get', '/v1/stats').then((r) => r.data).catch(() => null),
  ]);

  // Counts per state: buttons that filter the queue.
  const counts = stats ? h('section', { class: 'card', 'aria-labelledby': 'counts-h' },
    h('h2', { id: 'counts-h' }, t('countsByState')),
    h('ul', { class: 'chips' },
      h('li', {}, h('button', { type: 'button', class: q.get('state') ? 'chip' : 'chip chip-on', 'aria-pressed': String(!q.get('state')), onclick: () => go('queue', Object.fromEntries([...q.entries()].filter(([k]) => k !== 'state'))) }, t('allStates'))),
      ...stats.applicationsByState.filter((s) => s.count > 0).map((s) => h('li', {}, h('button', {
        type: 'button', class: q.get('state') === s.state ? 'chip chip-on' : 'chip', 'aria-pressed': String(q.get('state') === s.state), 'data-state': s.state,
        onclick: () => go('queue', { ...Object.fromEntries(q.entries()), state: s.state }),
      }, `${code('state', s.state)}: ${s.count}`, s.overdue ? h('span', { class: 'chip-overdue' }, ` (${t('overdue')}: ${s.overdue})`) : null))),
    )) : null;

  const stateSelect = select([['', t('any')], ...STATES.map((s): [string, string] => [s, code('state', s)])], q.get('state') ?? '', { name: 'state', id: 'filter-state' });
  const tierSelect = select([['', t('any')], ...TIERS.map((s): [string, string] => [s, code('tier', s)])], q.get('tier') ?? '', { name: 'tier', id: 'filter-tier' });
  const framework = select([['', t('any')], ...FRAMEWORKS.map((s): [string, string] => [s, code('fw', s)])], q.get('framework') ?? '', { name: 'framework', id: 'filter-framework' });
  const cls = h('input', { type: 'text', name: 'class', id: 'filter-class', value: q.get('class') ?? '', maxlength: 40, size: 8 });
  const assignee = select([['', t('assigneeAny')], ['me', t('assigneeMe')], ['none', t('assigneeNone')]], q.get('assignee') ?? '', { name: 'assignee', id: 'filter-assignee' });
  const overdue = h('input', { type: 'checkbox', name: 'overdue', id: 'filter-overdue', checked: q.get('overdue') === 'true' });
  const form = h('form', { class: 'filters', 'aria-label': t('filters') },
    field(t('state'), stateSelect), field(t('tier'), tierSelect), field(t('framework'), framework), field(t('class'), cls), field(t('assignee'), assignee),
    h('div', { class: 'field checkbox' }, overdue, h('label', { for: 'filter-overdue' }, t('overdueOnly'))),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', id: 'filter-apply' }, t('apply')),
      h('button', { type: 'button', class: 'secondary', onclick: () => go('queue') }, t('reset'))),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go('queue', { state: stateSelect.value, tier: tierSelect.value, framework: framework.value, class: cls.value.trim(), assignee: assignee.value, overdue: overdue.checked ? 'true' : '' });
  });

  let items = overdueFirst(page.data.items);
  let cursor = page.data.nextCursor;
  const holder = h('div', { id: 'queue-results' });
  const status = h('p', { role: 'status', class: 'muted' });
  const more = h('button', { type: 'button', id: 'queue-more', class: 'secondary' }, t('more'));
  const error = h('div');
  const draw = () => {
    holder.replaceChildren(items.length === 0
      ? h('p', {}, t('noApplications'))
      : table(null, [t('system'), t('organisation'), t('state'), t('tier'), t('classes'), t('assignee'), t('deadline')], items.map(row), { class: 'queue' }));
    for (const [i, a] of items.entries()) if (a.overdue) holder.querySelectorAll('tbody tr')[i]?.classList.add('row-overdue');
    status.textContent = t('shown', { n: items.length });
    more.hidden = !cursor;
  };
  more.addEventListener('click', async () => {
    if (!cursor) return;
    more.disabled = true;
    try {
      const next = await api('get', '/v1/applications', { query: { ...query, cursor } });
      items = overdueFirst([...items, ...next.data.items]);
      cursor = next.data.nextCursor;
      error.replaceChildren();
      draw();
    } catch (err) {
      error.replaceChildren(problemView(err));
    } finally {
      more.disabled = false;
    }
  });
  draw();
  return h('div', { class: 'page queue-page' },
    h('h1', {}, t('queueTitle')),
    counts,
    h('section', { class: 'card', 'aria-label': t('filters') }, form),
    h('section', { class: 'card', 'aria-label': t('queueTitle') }, holder, status, more, error),
  );
}
