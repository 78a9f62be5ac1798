import type { LoadedPack, Registry } from '../rulesets/registry';
import type { Text } from '../rulesets/types';
import { classifyOutcomes } from './classify';
import { AUTONOMY_ORDER, HARM_ORDER, LAY_USERS, SIGNIFICANCE_ORDER, SITUATION_ORDER, type Profile } from './profile';

/**
 * For each framework, the smallest change to the declared facts that moves its class down one
 * step, found by re-evaluating the framework on changed profiles (never hand-written).
 * Single changes are tried first, then pairs; changes that make the profile contradict itself
 * (requires_review) do not count. The intended purpose itself (medicalPurpose, dataAction,
 * individualPatient) is not varied: a counterfactual says how the same product could be
 * designed or declared, not that it could be another product.
 */
export type Change = { field: string; from: unknown; to: unknown };
export type Counterfactual = { framework: string; from: string; to: string; changes: Change[]; text: Text };

type Lever = { field: string; apply: (p: Profile) => { profile: Profile; change: Change } | null };

const lower = <T>(order: readonly T[], v: T | undefined): T[] => {
  if (v === undefined) return [];
  const i = order.indexOf(v);
  return i > 0 ? order.slice(0, i).reverse() : [];
};

function enumLever<K extends keyof Profile>(field: K, order: readonly NonNullable<Profile[K]>[]): Lever[] {
  return [0, 1, 2].map((k) => ({
    field: field as string,
    apply: (p: Profile) => {
      const to = lower(order, p[field] as NonNullable<Profile[K]> | undefined)[k];
      return to === undefined ? null : { profile: { ...p, [field]: to }, change: { field: field as string, from: p[field], to } };
    },
  }));
}

function boolLever(field: keyof Profile): Lever {
  return {
    field: field as string,
    apply: (p) => {
      const from = p[field] as boolean | undefined;
      const to = !(from ?? false);
      return { profile: { ...p, [field]: to }, change: { field: field as string, from: from ?? null, to } };
    },
  };
}

function removeFromSet(field: 'inputs' | 'useContexts' | 'intendedUsers', pick: (p: Profile) => string[]): Lever[] {
  return [0, 1, 2, 3].map((k) => ({
    field,
    apply: (p: Profile) => {
      const current = (p[field] ?? []) as string[];
      const victim = pick(p)[k];
      if (victim === undefined) return null;
      const next = current.filter((x) => x !== victim);
      if (field !== 'useContexts' && next.length === 0) return null;
      return { profile: { ...p, [field]: next } as Profile, change: { field, from: current, to: next } };
    },
  }));
}

const LEVERS: Lever[] = [
  ...enumLever('significance', SIGNIFICANCE_ORDER),
  ...enumLever('worstCaseHarm', HARM_ORDER),
  ...enumLever('autonomy', AUTONOMY_ORDER),
  ...enumLever('learningMode', ['locked', 'periodic_retraining', 'continuous'] as const),
  {
    field: 'situations',
    apply: (p) => {
      if (!p.situations || p.situations.length === 0) return null;
      const top = Math.max(...p.situations.map((s) => SITUATION_ORDER.indexOf(s)));
      if (top === 0) return null;
      const next = [SITUATION_ORDER[top - 1]];
      return { profile: { ...p, situations: next }, change: { field: 'situations', from: p.situations, to: next } };
    },
  },
  ...['timeCritical', 'reviewableBasis', 'professionalSupport', 'changeControlPlan', 'drivesDevice', 'closedLoop', 'autoMonitoringTransmission', 'interactsWithPersons', 'generatesSyntheticContent'].map((f) => boolLever(f as keyof Profile)),
  ...(['physiological', 'vitalParameters', 'immediateDanger'] as const).map((flag): Lever => ({
    field: `monitoring.${flag}`,
    apply: (p) => (p.monitoring?.[flag] ? { profile: { ...p, monitoring: { ...p.monitoring, [flag]: false } }, change: { field: `monitoring.${flag}`, from: true, to: false } } : null),
  })),
  ...removeFromSet('intendedUsers', (p) => p.intendedUsers.filter((u) => LAY_USERS.has(u))),
  ...removeFromSet('inputs', (p) => p.inputs),
  ...removeFromSet('useContexts', (p) => p.useContexts ?? []),
];

const show = (v: unknown) => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

function sentence(pack: LoadedPack, from: string, to: string, changes: Change[]): Text {
  const en = changes.map((c) => `\`${c.field}: ${show(c.to)}\``).join(' and ');
  return {
    en: `With ${en}, ${pack.id} would answer ${to} instead of ${from}.`,
    ru: `При ${en} схема ${pack.id} дала бы ${to} вместо ${from}.`,
  };
}

export function counterfactuals(registry: Registry, profile: Profile, results: Array<{ framework: string; ruleset: string; class: string | null }>, limit = 3): Counterfactual[] {
  const out: Counterfactual[] = [];
  for (const r of results) {
    if (r.class === null) continue;
    const pack = registry.byRuleset.get(r.ruleset);
    if (!pack) continue;
    const rank = pack.rank(r.class);
    if (rank === 0) continue;
    const target = pack.classes[rank - 1];
    const classOf = (p: Profile) => {
      // Only the class is read: no profile hash or findings for a variant.
      const res = classifyOutcomes(registry, p, [pack])[0];
      return res.disposition === 'determined' ? res.class : null;
    };
    const singles = LEVERS.map((l) => l.apply(profile)).filter((x): x is NonNullable<typeof x> => x !== null);
    let found: Change[][] = singles.filter((s) => classOf(s.profile) === target).map((s) => [s.change]);
    if (found.length === 0) {
      for (let i = 0; i < LEVERS.length && found.length < limit; i++) {
        const first = LEVERS[i].apply(profile);
        if (!first) continue;
        for (let j = i + 1; j < LEVERS.length && found.length < limit; j++) {
          if (LEVERS[j].field === LEVERS[i].field) continue;
          const second = LEVERS[j].apply(first.profile);
          if (second && classOf(second.profile) === target) found.push([first.change, second.change]);
        }
      }
    }
    for (const changes of found.slice(0, limit)) {
      out.push({ framework: pack.id, from: r.class, to: target, changes, text: sentence(pack, r.class, target, changes) });
    }
  }
  return out;
}
