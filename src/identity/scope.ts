import type { Principal } from './types';

/** Roles that review applications at a certification centre. */
export const REVIEWER_ROLES: readonly string[] = ['reviewer', 'lead_reviewer'];
export const isReviewer = (p: Principal) => REVIEWER_ROLES.includes(p.role);

/**
 * What a caller may read, in one place: a vendor its own organisation's systems and
 * applications; a centre's reviewers the applications submitted to it (a draft is the vendor's
 * own until it is submitted) and the systems those concern; a rules admin the systems; an admin
 * everything. `{}` is everything, `null` nothing; `centreId` means "submitted to that centre".
 */
export type Scope = { organisationId?: string; centreId?: string } | null;

export function applicationScope(p: Principal): Scope {
  if (p.role === 'admin') return {};
  if (p.role === 'vendor') return { organisationId: p.organisation.id };
  if (isReviewer(p)) return { centreId: p.organisation.id };
  return null;
}

export function systemScope(p: Principal): Scope {
  if (p.role === 'rules_admin') return {};
  return applicationScope(p);
}

/** One application, by the same rule. */
export function canSeeApplication(p: Principal, a: { organisationId: string; centreId: string; submittedAt: string | null }): boolean {
  const scope = applicationScope(p);
  if (!scope) return false;
  if (scope.organisationId !== undefined) return a.organisationId === scope.organisationId;
  if (scope.centreId !== undefined) return a.centreId === scope.centreId && a.submittedAt !== null;
  return true;
}
