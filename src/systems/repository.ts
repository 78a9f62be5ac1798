import type { Knex } from 'knex';
import type { ClassificationRecord } from '../classification/classify';
import type { Profile } from '../classification/profile';
import type { ChangeAssessment } from './change';
import { iso, json } from '../platform/rows';

export type SystemRow = { id: string; seq: number; organisationId: string | null; name: string; manufacturer: string; currentVersion: number; createdAt: string; updatedAt: string };
export type VersionRow = {
  systemId: string;
  number: number;
  profile: Profile;
  profileHash: string;
  classification: ClassificationRecord;
  changeAssessment: ChangeAssessment | null;
  createdAt: string;
};
export type ClassRow = { systemId: string; number: number; framework: string; class: string | null; disposition: string; ruleset: string };


const toSystem = (r: Record<string, unknown>): SystemRow => ({
  id: r.id as string,
  seq: Number(r.seq),
  organisationId: (r.organisation_id as string | null) ?? null,
  name: r.name as string,
  manufacturer: r.manufacturer as string,
  currentVersion: Number(r.current_version),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

const toVersion = (r: Record<string, unknown>): VersionRow => ({
  systemId: r.system_id as string,
  number: Number(r.number),
  profile: json<Profile>(r.profile),
  profileHash: r.profile_hash as string,
  classification: json<ClassificationRecord>(r.classification),
  changeAssessment: r.change_assessment == null ? null : json<ChangeAssessment>(r.change_assessment),
  createdAt: iso(r.created_at),
});

/** Knex queries and row mappers for systems; the service owns the transactions. */
export const systemsRepository = {
  async insertSystem(trx: Knex, s: Omit<SystemRow, 'seq'>): Promise<void> {
    await trx('systems').insert({
      id: s.id, organisation_id: s.organisationId, name: s.name, manufacturer: s.manufacturer, current_version: s.currentVersion, created_at: s.createdAt, updated_at: s.updatedAt,
    });
  },

  async insertVersion(trx: Knex, v: VersionRow): Promise<void> {
    await trx('system_versions').insert({
      system_id: v.systemId,
      number: v.number,
      profile: JSON.stringify(v.profile),
      profile_hash: v.profileHash,
      classification: JSON.stringify(v.classification),
      change_assessment: v.changeAssessment === null ? null : JSON.stringify(v.changeAssessment),
      created_at: v.createdAt,
    });
    const rows = v.classification.results.map((r) => ({
      system_id: v.systemId, number: v.number, framework: r.framework, class: r.class, disposition: r.disposition, ruleset: r.ruleset, ruleset_hash: r.rulesetHash,
    }));
    if (rows.length > 0) await trx('system_classes').insert(rows);
  },

  async setCurrentVersion(trx: Knex, id: string, number: number, updatedAt: string): Promise<void> {
    await trx('systems').where({ id }).update({ current_version: number, updated_at: updatedAt });
  },

  async lockSystem(trx: Knex, id: string): Promise<SystemRow | undefined> {
    const row = await trx('systems').where({ id }).forUpdate().first();
    return row ? toSystem(row) : undefined;
  },

  async findSystem(db: Knex, id: string): Promise<SystemRow | undefined> {
    const row = await db('systems').where({ id }).first();
    return row ? toSystem(row) : undefined;
  },

  async findVersion(db: Knex, systemId: string, number: number): Promise<VersionRow | undefined> {
    const row = await db('system_versions').where({ system_id: systemId, number }).first();
    return row ? toVersion(row) : undefined;
  },

  async listSystems(db: Knex, q: { framework?: string; class?: string; limit: number; beforeSeq?: number; organisationId?: string; centreId?: string }): Promise<SystemRow[]> {
    const query = db('systems').select('*').orderBy('seq', 'desc').limit(q.limit);
    if (q.beforeSeq !== undefined) query.where('seq', '<', q.beforeSeq);
    if (q.organisationId !== undefined) query.where('organisation_id', q.organisationId);
    if (q.centreId !== undefined) {
      const centreId = q.centreId;
      query.whereExists(function atCentre() {
        this.select(db.raw('1')).from('applications as a').whereRaw('a.system_id = systems.id').andWhere('a.centre_id', centreId).whereNotNull('a.submitted_at');
      });
    }
    if (q.framework !== undefined || q.class !== undefined) {
      query.whereExists(function filter() {
        this.select(db.raw('1'))
          .from('system_classes as c')
          .whereRaw('c.system_id = systems.id')
          .andWhereRaw('c.number = systems.current_version');
        if (q.framework !== undefined) this.andWhere('c.framework', q.framework);
        if (q.class !== undefined) this.andWhere('c.class', q.class);
      });
    }
    return (await query).map(toSystem);
  },

  async classesOf(db: Knex, systems: SystemRow[]): Promise<ClassRow[]> {
    if (systems.length === 0) return [];
    const pairs = systems.map((s) => [s.id, s.currentVersion]);
    const rows = await db('system_classes').whereIn(['system_id', 'number'], pairs).orderBy(['system_id', 'framework']);
    return rows.map((r: Record<string, unknown>) => ({
      systemId: r.system_id as string, number: Number(r.number), framework: r.framework as string,
      class: (r.class as string | null) ?? null, disposition: r.disposition as string, ruleset: r.ruleset as string,
    }));
  },
};
