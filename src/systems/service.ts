import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Classifier } from '../classification/service';
import type { Profile } from '../classification/profile';
import { AppError, notFound } from '../platform/errors';
import { pinPacks } from '../rulesets/store';
import type { Registry } from '../rulesets/registry';
import { assessChange } from './change';
import { counterfactuals } from '../classification/counterfactuals';
import { systemsRepository as repo, type SystemRow, type VersionRow } from './repository';
import { FRAMEWORK_ORDER } from '../rulesets/registry';

export type SystemWithVersion = { system: SystemRow; current: VersionRow };

/** The rule packs a classification was decided with, exactly as loaded. */
function packsOf(registry: Registry, results: VersionRow['classification']['results']) {
  return results.map((r) => {
    const p = registry.byRuleset.get(r.ruleset);
    if (!p || p.hash !== r.rulesetHash) throw new Error(`rule pack ${r.ruleset} is not loaded`);
    return p;
  });
}

const encodeCursor = (seq: number) => Buffer.from(`s:${seq}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^s:(\d{1,15})$/.exec(text);
  if (!m) throw new AppError(400, 'validation', 'Request validation failed', 'cursor is not a cursor this service issued', [{ in: 'query', field: '/cursor', message: 'is not a valid cursor' }]);
  return Number(m[1]);
}

/** Registers systems and their versions: classification, pinning and storage in one transaction. */
export function createSystemsService(deps: { db: Knex; registry: Registry; classifier: Classifier }) {
  const { db, registry, classifier } = deps;
  // Stored versions keep their counterfactuals: they are written rarely and read by reviewers.
  const classifyWithCounterfactuals = async (profile: Profile) => {
    const record = await classifier.classify(profile);
    record.counterfactuals = counterfactuals(registry, profile, record.results);
    return record;
  };

  return {
    async register(profile: Profile): Promise<SystemWithVersion> {
      const classification = await classifyWithCounterfactuals(profile);
      const now = new Date().toISOString();
      const system: SystemRow = { id: randomUUID(), seq: 0, name: profile.name, manufacturer: profile.manufacturer.name, currentVersion: 1, createdAt: now, updatedAt: now };
      const current: VersionRow = { systemId: system.id, number: 1, profile, profileHash: classification.profileHash, classification, changeAssessment: null, createdAt: now };
      await db.transaction(async (trx) => {
        await pinPacks(trx, packsOf(registry, classification.results));
        await repo.insertSystem(trx, system);
        await repo.insertVersion(trx, current);
      });
      return { system, current };
    },

    async addVersion(systemId: string, profile: Profile): Promise<VersionRow> {
      const classification = await classifyWithCounterfactuals(profile);
      return db.transaction(async (trx) => {
        const system = await repo.lockSystem(trx, systemId);
        if (!system) throw notFound(`System ${systemId}`);
        const previous = await repo.findVersion(trx, systemId, system.currentVersion);
        if (!previous) throw new Error(`system ${systemId} has no version ${system.currentVersion}`);
        const number = system.currentVersion + 1;
        const now = new Date().toISOString();
        const changeAssessment = assessChange(previous, { number, profile, classification });
        const version: VersionRow = { systemId, number, profile, profileHash: classification.profileHash, classification, changeAssessment, createdAt: now };
        await pinPacks(trx, packsOf(registry, classification.results));
        await repo.insertVersion(trx, version);
        await repo.setCurrentVersion(trx, systemId, number, now);
        return version;
      });
    },

    async get(systemId: string): Promise<SystemWithVersion> {
      const system = await repo.findSystem(db, systemId);
      if (!system) throw notFound(`System ${systemId}`);
      const current = await repo.findVersion(db, systemId, system.currentVersion);
      if (!current) throw new Error(`system ${systemId} has no version ${system.currentVersion}`);
      return { system, current };
    },

    async version(systemId: string, number: number): Promise<VersionRow> {
      const v = await repo.findVersion(db, systemId, number);
      if (!v) throw notFound(`Version ${number} of system ${systemId}`);
      return v;
    },

    async list(q: { framework?: string; class?: string; limit?: number; cursor?: string }) {
      const limit = q.limit ?? 50;
      const beforeSeq = q.cursor ? decodeCursor(q.cursor) : undefined;
      const rows = await repo.listSystems(db, { framework: q.framework, class: q.class, limit: limit + 1, beforeSeq });
      const page = rows.slice(0, limit);
      const classes = await repo.classesOf(db, page);
      const order = (f: string) => (FRAMEWORK_ORDER.indexOf(f) + 100) % 100;
      return {
        items: page.map((s) => ({
          system: s,
          classes: classes.filter((c) => c.systemId === s.id).sort((a, b) => order(a.framework) - order(b.framework) || a.framework.localeCompare(b.framework)),
        })),
        nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].seq) : null,
      };
    },

  };
}

export type SystemsService = ReturnType<typeof createSystemsService>;
