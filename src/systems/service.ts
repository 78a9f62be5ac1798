import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Classifier } from '../classification/service';
import type { Profile } from '../classification/profile';
import { appendAudit } from '../audit/log';
import { auditActor } from '../identity/service';
import type { Principal } from '../identity/types';
import { systemScope } from '../identity/scope';
import { forbidden, notFound } from '../platform/errors';
import { seqCursor } from '../platform/cursor';
import { pinPacks } from '../rulesets/store';
import type { Registry } from '../rulesets/registry';
import { assessChange } from './change';
import { counterfactuals } from '../classification/counterfactuals';
import { systemsRepository as repo, type SystemRow, type VersionRow } from './repository';
import { FRAMEWORK_ORDER } from '../rulesets/registry';

export type SystemWithVersion = { system: SystemRow; current: VersionRow };
export type Ctx = { principal: Principal; requestId?: string | null };
/** Called inside the transaction of a new version whose change is material (certificates need a re-review). */
export type MaterialChangeHook = (trx: Knex.Transaction, ctx: Ctx, systemId: string, version: number) => Promise<unknown>;


/** The rule packs a classification was decided with, exactly as loaded. */
function packsOf(registry: Registry, results: VersionRow['classification']['results']) {
  return results.map((r) => {
    const p = registry.byRuleset.get(r.ruleset);
    if (!p || p.hash !== r.rulesetHash) throw new Error(`rule pack ${r.ruleset} is not loaded`);
    if (r.deviceTypes && p.deviceTypes?.hash !== r.deviceTypes.catalogueHash) throw new Error(`device-type catalogue ${r.deviceTypes.catalogue} is not loaded as pinned`);
    return p;
  });
}

const cursor = seqCursor('s');

/** Registers systems and their versions: classification, pinning and storage in one transaction. */
export function createSystemsService(deps: { db: Knex; registry: Registry; classifier: Classifier; onMaterialChange?: MaterialChangeHook }) {
  const { db, registry, classifier } = deps;
  const audit = (trx: Knex.Transaction, ctx: Ctx, action: string, objectId: string, before: unknown, after: unknown) =>
    appendAudit(trx, { actor: auditActor(ctx.principal), action, objectType: 'system', objectId, applicationId: null, before, after, requestId: ctx.requestId ?? null });

  /** The system when the caller may see it; 404 otherwise (never another vendor's data). */
  async function visible(conn: Knex, ctx: Ctx, id: string, lock = false): Promise<SystemRow> {
    const system = lock ? await repo.lockSystem(conn, id) : await repo.findSystem(conn, id);
    const scope = systemScope(ctx.principal);
    if (!system || !scope) throw notFound(`System ${id}`);
    if (scope.organisationId !== undefined && system.organisationId !== scope.organisationId) throw notFound(`System ${id}`);
    if (scope.centreId !== undefined && !(await conn('applications').where({ system_id: id, centre_id: scope.centreId }).whereNotNull('submitted_at').first('id'))) throw notFound(`System ${id}`);
    return system;
  }
  const requireVendor = (ctx: Ctx) => {
    if (ctx.principal.role !== 'vendor') throw forbidden('Systems are registered and versioned by their vendor (an API key or a vendor user)');
  };
  // Stored versions keep their counterfactuals: they are written rarely and read by reviewers.
  const classifyWithCounterfactuals = async (profile: Profile) => {
    const record = await classifier.classify(profile);
    record.counterfactuals = counterfactuals(registry, profile, record.results);
    return record;
  };

  return {
    async register(ctx: Ctx, profile: Profile): Promise<SystemWithVersion> {
      requireVendor(ctx);
      const classification = await classifyWithCounterfactuals(profile);
      const now = new Date().toISOString();
      const system: SystemRow = { id: randomUUID(), seq: 0, organisationId: ctx.principal.organisation.id, name: profile.name, manufacturer: profile.manufacturer.name, currentVersion: 1, createdAt: now, updatedAt: now };
      const current: VersionRow = { systemId: system.id, number: 1, profile, profileHash: classification.profileHash, classification, changeAssessment: null, createdAt: now };
      await pinPacks(db, packsOf(registry, classification.results));
      await db.transaction(async (trx) => {
        await repo.insertSystem(trx, system);
        await repo.insertVersion(trx, current);
        await audit(trx, ctx, 'system.register', system.id, null, {
          name: system.name, version: 1, profileHash: current.profileHash,
          classes: classification.results.map((r) => ({ framework: r.framework, class: r.class, ruleset: r.ruleset })),
        });
      });
      return { system, current };
    },

    async addVersion(ctx: Ctx, systemId: string, profile: Profile): Promise<VersionRow> {
      // Who may add a version is settled before the (costly) classification; the row is locked below.
      await visible(db, ctx, systemId);
      requireVendor(ctx);
      const classification = await classifyWithCounterfactuals(profile);
      await pinPacks(db, packsOf(registry, classification.results));
      return db.transaction(async (trx) => {
        const system = await visible(trx, ctx, systemId, true);
        const previous = await repo.findVersion(trx, systemId, system.currentVersion);
        if (!previous) throw new Error(`system ${systemId} has no version ${system.currentVersion}`);
        const number = system.currentVersion + 1;
        const now = new Date().toISOString();
        const changeAssessment = assessChange(previous, { number, profile, classification });
        const version: VersionRow = { systemId, number, profile, profileHash: classification.profileHash, classification, changeAssessment, createdAt: now };
        await repo.insertVersion(trx, version);
        await repo.setCurrentVersion(trx, systemId, number, now);
        await audit(trx, ctx, 'system.version', systemId, { version: previous.number, profileHash: previous.profileHash }, {
          version: number, profileHash: version.profileHash, material: changeAssessment.material, materialFields: changeAssessment.materialFields,
          classes: classification.results.map((r) => ({ framework: r.framework, class: r.class, ruleset: r.ruleset })),
        });
        if (changeAssessment.material && deps.onMaterialChange) await deps.onMaterialChange(trx, ctx, systemId, number);
        return version;
      });
    },

    async get(ctx: Ctx, systemId: string): Promise<SystemWithVersion> {
      const system = await visible(db, ctx, systemId);
      const current = await repo.findVersion(db, systemId, system.currentVersion);
      if (!current) throw new Error(`system ${systemId} has no version ${system.currentVersion}`);
      return { system, current };
    },

    async version(ctx: Ctx, systemId: string, number: number): Promise<VersionRow> {
      await visible(db, ctx, systemId);
      const v = await repo.findVersion(db, systemId, number);
      if (!v) throw notFound(`Version ${number} of system ${systemId}`);
      return v;
    },

    async list(ctx: Ctx, q: { framework?: string; class?: string; limit?: number; cursor?: string }) {
      const scope = systemScope(ctx.principal);
      if (!scope) throw forbidden('Systems are listed for vendors, reviewers and admins');
      const limit = q.limit ?? 50;
      const beforeSeq = q.cursor ? cursor.decode(q.cursor) : undefined;
      const rows = await repo.listSystems(db, { framework: q.framework, class: q.class, limit: limit + 1, beforeSeq, ...scope });
      const page = rows.slice(0, limit);
      const classes = await repo.classesOf(db, page);
      const order = (f: string) => (FRAMEWORK_ORDER.indexOf(f) + 100) % 100;
      return {
        items: page.map((s) => ({
          system: s,
          classes: classes.filter((c) => c.systemId === s.id).sort((a, b) => order(a.framework) - order(b.framework) || a.framework.localeCompare(b.framework)),
        })),
        nextCursor: rows.length > limit ? cursor.encode(page[page.length - 1].seq) : null,
      };
    },

  };
}

export type SystemsService = ReturnType<typeof createSystemsService>;
