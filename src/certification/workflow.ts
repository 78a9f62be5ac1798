import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { RiskTier } from '../config';
import { RuleLoadError } from '../rulesets/registry';
import type { Text } from '../rulesets/types';

export type Guard =
  | 'evidence_complete' | 'evidence_accepted' | 'evidence_valid' | 'classes_determined'
  | 'countersigned' | 'assigned_reviewer' | 'certificate_in_validity' | 'certificate_past_validity'
  | 'certificate_current' | 'not_a_re_review';
export type Effect =
  | 'start_deadline' | 'assign_actor_if_unassigned' | 'issue_certificate' | 'decide'
  | 'certificate_suspended' | 'certificate_valid' | 'certificate_revoked' | 'certificate_expired';
export type WorkflowRole = 'vendor' | 'reviewer' | 'lead_reviewer' | 'rules_admin' | 'admin';

export type Transition = {
  id: string;
  from: string[];
  to: string;
  roles: WorkflowRole[];
  comment: 'required' | 'optional';
  guards: Guard[];
  effects: Effect[];
  /** In a four-eyes tier: only a lead reviewer takes it, or a lead reviewer confirms it in time. */
  fourEyes?: 'lead_required' | 'lead_confirmation';
  title: Text;
};

export type Workflow = {
  id: 'certification';
  version: string;
  title: Text;
  initial: string;
  states: Array<{ id: string; title: Text; final: boolean }>;
  transitions: Transition[];
  tiers: Array<{ id: RiskTier; fourEyes: boolean; classes: Record<string, string[]> }>;
};

export type LoadedWorkflow = Workflow & {
  transition: (id: string) => Transition | undefined;
  /** Transitions out of a state, in file order. */
  from: (state: string) => Transition[];
  /** The first tier (file order) any of the classes falls in; the last tier otherwise. */
  tierOf: (classes: Array<{ framework: string; class: string | null }>) => { tier: RiskTier; fourEyes: boolean };
};

/**
 * The certification workflow is data (rules/workflow/certification.json), validated against
 * its schema and for consistency at start-up: a bad file stops the service naming file and path.
 */
export function loadWorkflow(rulesDir: string): LoadedWorkflow {
  const file = join(rulesDir, 'workflow', 'certification.json');
  const shown = relative(process.cwd(), file) || file;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RuleLoadError(shown, '', `cannot be read as JSON: ${(err as Error).message}`);
  }
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(join(rulesDir, 'schemas', 'workflow.schema.json'), 'utf8')));
  if (!validate(data)) {
    const e = [...(validate.errors ?? [])].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
    const allowed = e?.params && 'allowedValues' in e.params ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
    throw new RuleLoadError(shown, e?.instancePath || '/', `${e?.message ?? 'invalid'}${allowed}`);
  }
  const wf = data as Workflow;
  const states = new Set(wf.states.map((s) => s.id));
  wf.states.forEach((s, i) => {
    if (wf.states.findIndex((o) => o.id === s.id) !== i) throw new RuleLoadError(shown, `/states/${i}/id`, `duplicate state ${s.id}`);
  });
  if (!states.has(wf.initial)) throw new RuleLoadError(shown, '/initial', `names no state (${wf.initial})`);
  wf.transitions.forEach((t, i) => {
    if (wf.transitions.findIndex((o) => o.id === t.id) !== i) throw new RuleLoadError(shown, `/transitions/${i}/id`, `duplicate transition ${t.id}`);
    t.from.forEach((s, j) => {
      if (!states.has(s)) throw new RuleLoadError(shown, `/transitions/${i}/from/${j}`, `names no state (${s})`);
    });
    if (!states.has(t.to)) throw new RuleLoadError(shown, `/transitions/${i}/to`, `names no state (${t.to})`);
  });
  const order: RiskTier[] = ['highest', 'high', 'medium', 'low'];
  wf.tiers.forEach((t, i) => {
    if (t.id !== order[i]) throw new RuleLoadError(shown, `/tiers/${i}/id`, `must be ${order[i]} (tiers go from highest to low)`);
  });
  const byId = new Map(wf.transitions.map((t) => [t.id, t]));
  return {
    ...wf,
    transition: (id) => byId.get(id),
    from: (state) => wf.transitions.filter((t) => t.from.includes(state)),
    tierOf: (classes) => {
      for (const tier of wf.tiers) {
        if (classes.some((c) => c.class !== null && (tier.classes[c.framework] ?? []).includes(c.class))) return { tier: tier.id, fourEyes: tier.fourEyes };
      }
      const last = wf.tiers[wf.tiers.length - 1];
      return { tier: last.id, fourEyes: last.fourEyes };
    },
  };
}
