import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { CLOCK_STATES } from '../certification/repository';
import { requirePrincipal } from '../identity/auth';
import type { Principal } from '../identity/types';
import { applicationScope, systemScope, type Scope } from '../identity/scope';
import type { Contract } from '../platform/contract';
import { forbidden } from '../platform/errors';
import { operation } from '../platform/routes';
import { FRAMEWORK_ORDER } from '../rulesets/registry';

const TIERS = ['highest', 'high', 'medium', 'low'];
const round = (v: unknown) => (v == null ? null : Math.round(Number(v) * 10) / 10);


/**
 * Narrows a query of applications (alias `a`) or systems (alias `s`) to a scope: an organisation's
 * own, or (a centre) what was submitted to it; no scope, no rows.
 */
function scoped<Q extends Knex.QueryBuilder>(db: Knex, q: Q, scope: Scope, alias: 'a' | 's'): Q {
  if (!scope) return q.whereRaw('false') as Q;
  if (scope.organisationId !== undefined) q.where(`${alias}.organisation_id`, scope.organisationId);
  if (scope.centreId !== undefined) {
    if (alias === 'a') q.where('a.centre_id', scope.centreId).whereNotNull('a.submitted_at');
    else q.whereExists(db('applications as x').select(db.raw('1')).whereRaw('x.system_id = s.id').andWhere('x.centre_id', scope.centreId).whereNotNull('x.submitted_at'));
  }
  return q;
}

/** Figures for the dashboard's statistics page, computed by the database in a few grouped queries. */
export async function statistics(db: Knex, p: Principal, now: Date = new Date()) {
  // The same scope as every read of the caller's.
  const apps = () => scoped(db, db('applications as a'), applicationScope(p), 'a');
  const systems = scoped(
    db,
    db('system_classes as c').join('systems as s', function join() {
      this.on('s.id', '=', 'c.system_id').andOn('s.current_version', '=', 'c.number');
    }).select('c.framework', 'c.class').count({ n: '*' }).groupBy('c.framework', 'c.class'),
    systemScope(p),
    's',
  );
  if (!applicationScope(p) && !systemScope(p)) throw forbidden('Your role has no statistics');

  const nowIso = now.toISOString();
  const [byClass, byState, review, overrides] = await Promise.all([
    systems,
    apps().select('a.state').count({ n: '*' })
      .select(db.raw(`count(*) filter (where a.deadline < ? and a.state in (${CLOCK_STATES.map(() => '?').join(', ')})) as overdue`, [nowIso, ...CLOCK_STATES]))
      .groupBy('a.state'),
    apps().whereNotNull('a.decided_at').whereNotNull('a.submitted_at').select('a.risk_tier').count({ n: '*' })
      .select(db.raw('percentile_cont(0.5) within group (order by extract(epoch from a.decided_at - a.submitted_at) / 86400) as median'))
      .select(db.raw('percentile_cont(0.9) within group (order by extract(epoch from a.decided_at - a.submitted_at) / 86400) as p90'))
      .select(db.raw('max(extract(epoch from a.decided_at - a.submitted_at) / 86400) as max'))
      .groupBy('a.risk_tier'),
    apps().join('overrides as o', 'o.application_id', 'a.id').select('o.framework', 'o.engine_class', 'o.class').count({ n: '*' }).groupBy('o.framework', 'o.engine_class', 'o.class'),
  ]);
  const fw = (f: string) => (FRAMEWORK_ORDER.indexOf(f) + 100) % 100;
  return {
    generatedAt: nowIso,
    systemsByClass: (byClass as Array<Record<string, unknown>>)
      .map((r) => ({ framework: r.framework as string, class: (r.class as string | null) ?? null, count: Number(r.n) }))
      .sort((a, b) => fw(a.framework) - fw(b.framework) || a.framework.localeCompare(b.framework) || String(a.class).localeCompare(String(b.class))),
    applicationsByState: (byState as Array<Record<string, unknown>>)
      .map((r) => ({ state: r.state as never, count: Number(r.n), overdue: Number(r.overdue) }))
      .sort((a, b) => String(a.state).localeCompare(String(b.state))),
    reviewDays: TIERS.map((tier) => {
      const r = (review as Array<Record<string, unknown>>).find((x) => x.risk_tier === tier);
      return { tier: tier as never, decided: r ? Number(r.n) : 0, median: r ? round(r.median) : null, p90: r ? round(r.p90) : null, max: r ? round(r.max) : null };
    }),
    overrides: (overrides as Array<Record<string, unknown>>)
      .map((r) => ({ framework: r.framework as string, engineClass: (r.engine_class as string | null) ?? null, class: r.class as string, count: Number(r.n) }))
      .sort((a, b) => b.count - a.count || a.framework.localeCompare(b.framework)),
  };
}

export function statsRoutes(app: FastifyInstance, deps: { contract: Contract; db: Knex; now?: () => Date }): void {
  operation(app, deps.contract, 'getStatistics', async (request) => statistics(deps.db, requirePrincipal(request), deps.now?.() ?? new Date()));
}
