/** The vocabulary of identity and access, shared by the service, the hook and the routes. */

export const ORGANISATION_KINDS = ['vendor', 'certification_centre', 'regulator'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const ROLES = ['vendor', 'reviewer', 'lead_reviewer', 'rules_admin', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const LANGUAGES = ['en', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The roles a user may hold in an organisation of each kind. `admin` sees and manages everything,
 * so it belongs to the regulator only: a centre's staff must not see other centres' work.
 */
export const ROLES_BY_KIND: Record<OrganisationKind, readonly Role[]> = {
  vendor: ['vendor'],
  certification_centre: ['reviewer', 'lead_reviewer'],
  regulator: ['reviewer', 'lead_reviewer', 'rules_admin', 'admin'],
};

/** Who is calling: a logged-in user or a vendor API key (which always acts with role `vendor`). */
export type Principal = {
  kind: 'user' | 'api_key';
  id: string;
  name: string;
  role: Role;
  organisation: { id: string; name: string; kind: OrganisationKind };
  language: Language;
};

/** The actor of an audit entry, as src/audit/log.ts takes it. */
export type { AuditActor } from '../audit/log';
