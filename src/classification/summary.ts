import type { FrameworkOutcome } from '../rulesets/decide';
import type { Registry } from '../rulesets/registry';
import type { Text } from '../rulesets/types';

/**
 * The side-by-side view in one glance: where the burden is highest, which regulators need a
 * third party, what applies first and when, and what still needs a reviewer.
 */
export type Summary = {
  highestBurden: Array<{ framework: string; class: string; pathway: string | null }>;
  thirdParty: Array<{ framework: string; pathway: string; who: Text }>;
  timeline: Array<{ date: string; framework: string; obligation: string }>;
  firstObligation: { date: string; framework: string; obligation: string } | null;
  requiresReview: string[];
  notRegulated: string[];
};

export function summarize(registry: Registry, results: FrameworkOutcome[]): Summary {

  let best = -1;
  let highest: Summary['highestBurden'] = [];
  const thirdParty: Summary['thirdParty'] = [];
  const timeline: Summary['timeline'] = [];
  for (const r of results) {
    const pack = registry.byRuleset.get(r.ruleset)!;
    if (r.class !== null) {
      // Burden relative to the framework's own scale, so classes of different frameworks compare.
      const burden = pack.rank(r.class) / (pack.classes.length - 1);
      const entry = { framework: r.framework, class: r.class, pathway: r.pathway };
      if (burden > best + 1e-9) {
        best = burden;
        highest = [entry];
      } else if (Math.abs(burden - best) < 1e-9) {
        highest.push(entry);
      }
    }
    const who = r.pathway ? pack.pack.thirdParty?.[r.pathway] : undefined;
    if (r.pathway && who) thirdParty.push({ framework: r.framework, pathway: r.pathway, who });
    for (const o of r.obligations) {
      if (o.appliesFrom) timeline.push({ date: o.appliesFrom, framework: r.framework, obligation: o.id });
    }
  }
  timeline.sort((a, b) => a.date.localeCompare(b.date) || a.framework.localeCompare(b.framework) || a.obligation.localeCompare(b.obligation));
  return {
    highestBurden: best > 0 ? highest : [],
    thirdParty,
    timeline,
    firstObligation: timeline[0] ?? null,
    requiresReview: results.filter((r) => r.disposition === 'requires_review').map((r) => r.framework),
    notRegulated: results.filter((r) => r.class !== null && registry.byRuleset.get(r.ruleset)!.rank(r.class) === 0).map((r) => r.framework),
  };
}
