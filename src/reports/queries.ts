import type { Knex } from 'knex';
import type { components } from '../generated/openapi';
import { DECISION_TRANSITIONS } from './assessment';
import { iso, json } from '../platform/rows';

export type RegistryEntry = components['schemas']['RegistryEntry'];
export type Decision = components['schemas']['Decision'];
export type CertificateStatus = RegistryEntry['status'];

/** A registry row and its keyset position (issue time, then number). */
export type RegistryRow = { entry: RegistryEntry; key: RegistryKey };
export type RegistryKey = { issuedAt: string; number: string };

export type DecisionRow = { decision: Decision; key: DecisionKey };
export type DecisionKey = { at: string; id: number };


/**
 * The public registry: certificates with what may be published about them, and nothing else
 * (no profile beyond its version label, no intended purpose, documents, people or
 * organisation ids). `status` is `expired` once past `validUntil` even where the row still
 * says `valid`.
 */
export function registryQueries(db: Knex, publicUrl: string) {
  const base = publicUrl.replace(/\/$/, '');
  const effective = (now: string) => db.raw(`case when c.status = 'valid' and c.valid_until <= ?::timestamptz then 'expired' else c.status end`, [now]);

  function select(now: string, status: CertificateStatus | undefined) {
    const q = db('certificates as c')
      .join('systems as s', 's.id', 'c.system_id')
      .join('system_versions as v', function join() {
        this.on('v.system_id', '=', 'c.system_id').andOn('v.number', '=', 'c.version');
      })
      .join('organisations as o', 'o.id', 'c.centre_id')
      .select(
        'c.number', 'c.issued_at', 'c.valid_until', 'c.version', 'c.classes',
        's.name as system_name', 's.manufacturer',
        db.raw(`v.profile->>'version' as system_version`),
        'o.name as centre_name',
      )
      .select({ status: effective(now) });
    if (status === 'valid') q.where('c.status', 'valid').where('c.valid_until', '>', now);
    else if (status === 'expired') q.where((w) => w.where('c.status', 'expired').orWhere((x) => x.where('c.status', 'valid').where('c.valid_until', '<=', now)));
    else if (status) q.where('c.status', status);
    return q;
  }

  const toRow = (r: Record<string, unknown>): RegistryRow => {
    const number = r.number as string;
    const issuedAt = iso(r.issued_at);
    return {
      key: { issuedAt, number },
      entry: {
        certificateNumber: number,
        status: r.status as CertificateStatus,
        systemName: r.system_name as string,
        manufacturer: r.manufacturer as string,
        systemVersion: (r.system_version as string | null) ?? '',
        version: Number(r.version),
        centreName: r.centre_name as string,
        issuedAt,
        validUntil: iso(r.valid_until),
        classes: json<Array<{ framework: string; class: string | null }>>(r.classes).map((c) => ({ framework: c.framework, class: c.class ?? null })),
        verificationUrl: `${base}/v1/certificates/${encodeURIComponent(number)}`,
      },
    };
  };

  return {
    /** Newest certificate first: the rows after `before` (exclusive). */
    async newestFirst(now: string, q: { status?: CertificateStatus; before?: RegistryKey | null; limit: number }): Promise<RegistryRow[]> {
      const query = select(now, q.status).orderBy([{ column: 'c.issued_at', order: 'desc' }, { column: 'c.number', order: 'desc' }]).limit(q.limit);
      if (q.before) query.whereRaw('(c.issued_at, c.number) < (?::timestamptz, ?)', [q.before.issuedAt, q.before.number]);
      return (await query).map(toRow);
    },
    /** Issue order (oldest first), for the exports: the rows after `after` (exclusive). */
    async inIssueOrder(now: string, after: RegistryKey | null, limit: number): Promise<RegistryRow[]> {
      const query = select(now, undefined).orderBy([{ column: 'c.issued_at', order: 'asc' }, { column: 'c.number', order: 'asc' }]).limit(limit);
      if (after) query.whereRaw('(c.issued_at, c.number) > (?::timestamptz, ?)', [after.issuedAt, after.number]);
      return (await query).map(toRow);
    },
  };
}

/** A cursor of the registry: the last row's position, opaque to clients. */
export const encodeRegistryCursor = (k: RegistryKey) => Buffer.from(`r:${k.issuedAt}|${k.number}`).toString('base64url');
export function decodeRegistryCursor(cursor: string): RegistryKey | null {
  const m = /^r:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([\x21-\x7e]{1,100})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  // A well-formed but impossible time (month 13) is no cursor of ours either.
  if (!m || Number.isNaN(Date.parse(m[1])) || new Date(m[1]).toISOString() !== m[1]) return null;
  return { issuedAt: m[1], number: m[2] };
}

export const REGISTRY_COLUMNS = ['certificateNumber', 'status', 'systemName', 'manufacturer', 'systemVersion', 'version', 'centreName', 'issuedAt', 'validUntil', 'classes', 'verificationUrl'] as const;

export const registryCsvRow = (e: RegistryEntry): unknown[] =>
  REGISTRY_COLUMNS.map((c) => (c === 'classes' ? e.classes.map((x) => `${x.framework}:${x.class ?? ''}`).join(';') : e[c]));

/** A centre's decisions (history rows whose transition is a decision) in [from, toExclusive), oldest first. */
export function decisionQueries(db: Knex) {
  return {
    async page(centreId: string, from: string, toExclusive: string, after: DecisionKey | null, limit: number): Promise<DecisionRow[]> {
      const q = db('application_history as h')
        .join('applications as a', 'a.id', 'h.application_id')
        .join('systems as s', 's.id', 'a.system_id')
        .where('a.centre_id', centreId)
        .whereIn('h.transition', DECISION_TRANSITIONS as unknown as string[])
        .where('h.at', '>=', from)
        .where('h.at', '<', toExclusive)
        .select('h.id', 'h.at', 'h.application_id', 'h.transition', 'h.to_state', 'h.actor_name', 'h.comment', 'a.version', 'a.risk_tier', 'a.certificate_number', 's.name as system_name', 's.manufacturer')
        .orderBy([{ column: 'h.at', order: 'asc' }, { column: 'h.id', order: 'asc' }])
        .limit(limit);
      if (after) q.whereRaw('(h.at, h.id) > (?::timestamptz, ?)', [after.at, after.id]);
      return (await q).map((r: Record<string, unknown>) => {
        const at = iso(r.at);
        return {
          key: { at, id: Number(r.id) },
          decision: {
            at,
            applicationId: r.application_id as string,
            transition: r.transition as string,
            state: r.to_state as string,
            systemName: r.system_name as string,
            manufacturer: r.manufacturer as string,
            version: Number(r.version),
            riskTier: r.risk_tier as Decision['riskTier'],
            certificateNumber: (r.certificate_number as string | null) ?? null,
            decidedBy: (r.actor_name as string | null) ?? null,
            comment: (r.comment as string | null) ?? null,
          },
        };
      });
    },
  };
}

export const DECISION_COLUMNS = ['at', 'applicationId', 'transition', 'state', 'systemName', 'manufacturer', 'version', 'riskTier', 'certificateNumber', 'decidedBy', 'comment'] as const;
export const decisionCsvRow = (d: Decision): unknown[] => DECISION_COLUMNS.map((c) => d[c]);
