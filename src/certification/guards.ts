import type { Guard, LoadedWorkflow, Transition } from './workflow';
import type { ApplicationRow, CertificateRow, CountersignatureRow, EvidenceRow, OverrideRow } from './repository';

/** Who takes a transition, as the guards see it. */
export type Acting = { id: string; role: string; organisationId: string };

/** Everything the guards read: pure data, so the state machine is tested without a database. */
export type GuardInput = {
  application: ApplicationRow;
  evidence: EvidenceRow[];
  countersignatures: CountersignatureRow[];
  overrides: OverrideRow[];
  certificate: CertificateRow | null;
  actor: Acting;
  /** ISO timestamp of now. */
  now: string;
};

export type Blocked = { guard: Guard; detail: string };

const ids = (rows: EvidenceRow[]) => rows.map((e) => e.evidenceId).join(', ');

/** Why a guard refuses now, or null when it passes. */
export function checkGuard(guard: Guard, t: Transition, input: GuardInput): Blocked | null {
  const { application: a, evidence, actor, now } = input;
  const today = now.slice(0, 10);
  switch (guard) {
    case 'evidence_complete': {
      const open = evidence.filter((e) => e.status === 'missing' || e.status === 'rejected');
      return open.length === 0 ? null : { guard, detail: `Evidence without a document or a justified "not applicable" (or rejected and not replaced): ${ids(open)}` };
    }
    case 'evidence_accepted': {
      const open = evidence.filter((e) => e.status !== 'accepted');
      return open.length === 0 ? null : { guard, detail: `Evidence not accepted yet: ${ids(open)}` };
    }
    case 'evidence_valid': {
      const stale = evidence.filter((e) => (e.validUntil !== null && e.validUntil < today) || (e.validFrom !== null && e.validFrom > today));
      return stale.length === 0 ? null : { guard, detail: `Evidence outside its validity dates: ${ids(stale)}` };
    }
    case 'classes_determined': {
      const open = a.classes.filter((c) => c.disposition === 'requires_review' && c.effectiveClass === c.engineClass);
      return open.length === 0 ? null : { guard, detail: `Frameworks the engine could not decide need an override first: ${open.map((c) => c.framework).join(', ')}` };
    }
    case 'countersigned': {
      if (!a.fourEyes) return null;
      // A countersignature stands for the classes as they were: a later override voids it.
      const lastOverride = input.overrides.reduce((at, o) => (o.at > at ? o.at : at), '');
      const ok = input.countersignatures.some((c) => c.transition === t.id && c.at >= a.stateEnteredAt && c.at >= lastOverride && c.actorId !== actor.id);
      return ok ? null : { guard, detail: `A decision on a four-eyes application needs the countersignature of a lead reviewer other than the deciding reviewer, given after the last override` };
    }
    case 'assigned_reviewer': {
      if (actor.role === 'lead_reviewer' || a.assigneeId === actor.id) return null;
      return { guard, detail: a.assigneeId ? 'Only the assigned reviewer or a lead reviewer may take this decision' : 'Assign a reviewer first' };
    }
    case 'certificate_in_validity': {
      const c = input.certificate;
      return c && c.validUntil > now ? null : { guard, detail: 'The certificate is past its validity' };
    }
    case 'certificate_current': {
      const c = input.certificate;
      return c?.status === 'superseded' ? { guard, detail: `Certificate ${c.number} was superseded by a re-review; act on the re-review's application` } : null;
    }
    case 'not_a_re_review':
      return a.kind === 're_review' ? { guard, detail: 'A re-review opened by the certification centre cannot be withdrawn by the vendor' } : null;
    case 'certificate_past_validity': {
      const c = input.certificate;
      return c && c.validUntil <= now ? null : { guard, detail: c ? `The certificate is valid until ${c.validUntil}` : 'There is no certificate' };
    }
  }
}

/** The transitions a role may take from the application's state, each with what blocks it now. */
export function allowedTransitions(workflow: LoadedWorkflow, input: GuardInput): Array<{ transition: Transition; blockedBy: Blocked[] }> {
  return workflow
    .from(input.application.state)
    .filter((t) => t.roles.includes(input.actor.role as Transition['roles'][number]))
    .map((t) => ({ transition: t, blockedBy: t.guards.map((g) => checkGuard(g, t, input)).filter((b): b is Blocked => b !== null) }));
}
