import { api } from '../api.js';
import { barChart, type Group } from '../charts.js';
import { h } from '../dom.js';
import { code, formatDate, t } from '../i18n.js';
import { FRAMEWORKS, STATES } from './queue.js';

export async function statsPage(): Promise<HTMLElement> {
  const [{ data: stats }, rulesets] = await Promise.all([
    api('get', '/v1/stats'),
    api('get', '/v1/rulesets').then((r) => r.data.items).catch(() => []),
  ]);
  // Classes in each pack's own order (lowest first), unknown ones after.
  const order = (fw: string, cls: string | null) => {
    const pack = rulesets.find((r) => r.id === fw && r.active);
    const i = pack && cls ? pack.classes.indexOf(cls) : -1;
    return i < 0 ? 99 : i;
  };
  const frameworks = [...new Set(stats.systemsByClass.map((x) => x.framework))].sort((a, b) => (FRAMEWORKS.indexOf(a) + 99) % 99 - (FRAMEWORKS.indexOf(b) + 99) % 99);
  const systemGroups: Group[] = frameworks.map((fw) => ({
    label: code('fw', fw),
    bars: stats.systemsByClass.filter((x) => x.framework === fw).sort((a, b) => order(fw, a.class) - order(fw, b.class))
      .map((x) => ({ label: x.class ?? t('disposition'), value: x.count, series: Math.min(order(fw, x.class), 7) })),
  }));

  const states = [...stats.applicationsByState].sort((a, b) => STATES.indexOf(a.state) - STATES.indexOf(b.state));
  const stateGroups: Group[] = states.map((x) => ({ label: code('state', x.state), bars: [{ label: t('count'), value: x.count, series: 0 }, { label: t('overdue'), value: x.overdue, series: 3 }] }));

  const reviewGroups: Group[] = stats.reviewDays.map((x) => ({ label: code('tier', x.tier), bars: [{ label: t('median'), value: x.median, series: 1 }, { label: t('p90'), value: x.p90, series: 2 }] }));

  const ovFrameworks = [...new Set(stats.overrides.map((o) => o.framework))];
  const overrideGroups: Group[] = ovFrameworks.map((fw) => ({
    label: code('fw', fw),
    bars: stats.overrides.filter((o) => o.framework === fw).map((o, i) => ({ label: `${o.engineClass ?? '?'}→${o.class}`, value: o.count, series: i + 4 })),
  }));

  return h('div', { class: 'page stats-page' },
    h('h1', {}, t('statsTitle')),
    h('p', { class: 'muted' }, t('generatedAt', { at: formatDate(stats.generatedAt, true) })),
    h('div', { class: 'charts' },
      barChart('chart-systems', t('chartSystems'), systemGroups, [], [t('framework'), t('class'), t('count')],
        stats.systemsByClass.map((x) => [code('fw', x.framework), x.class ?? '—', String(x.count)])),
      barChart('chart-states', t('chartStates'), stateGroups, [{ label: t('count'), series: 0 }, { label: t('overdue'), series: 3 }], [t('state'), t('count'), t('overdue')],
        states.map((x) => [code('state', x.state), String(x.count), String(x.overdue)])),
      barChart('chart-review', t('chartReview'), reviewGroups, [{ label: t('median'), series: 1 }, { label: t('p90'), series: 2 }], [t('tier'), t('decidedCount'), t('median'), t('p90')],
        stats.reviewDays.map((x) => [code('tier', x.tier), String(x.decided), x.median === null ? '—' : String(x.median), x.p90 === null ? '—' : String(x.p90)])),
      barChart('chart-overrides', t('chartOverrides'), overrideGroups, [], [t('framework'), t('engineClass'), t('class'), t('count')],
        stats.overrides.map((o) => [code('fw', o.framework), o.engineClass ?? '—', o.class, String(o.count)])),
    ),
  );
}
