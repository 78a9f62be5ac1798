import type { FastifyInstance } from 'fastify';
import type { Contract } from '../platform/contract';
import type { Db } from '../platform/db';
import { notFound } from '../platform/errors';
import { operation } from '../platform/routes';
import { localizeEvidenceItem, pickLanguage } from '../classification/localize';
import { canonicalHash } from '../platform/canonical';
import type { Registry } from './registry';
import type { Lang, RulePack } from './types';
import { findStoredPack } from './store';

function summary(pack: RulePack, hash: string, active: boolean, lang: Lang) {
  return {
    id: pack.id,
    version: pack.version,
    ruleset: `${pack.id}@${pack.version}`,
    hash,
    active,
    effectiveDate: pack.effectiveDate,
    title: pack.title[lang],
    jurisdiction: pack.jurisdiction,
    classes: pack.classes,
    ruleCount: pack.rules.length + pack.consequences.length,
  };
}

export function rulesetRoutes(app: FastifyInstance, deps: { contract: Contract; registry: Registry; db: Db }): void {
  const { registry } = deps;
  const isActive = (ruleset: string) => registry.active.some((p) => p.ruleset === ruleset);

  operation(app, deps.contract, 'listRulesets', async (request) => {
    const lang = pickLanguage(request.headers['accept-language']);
    return { items: registry.packs.map((p) => summary(p.pack, p.hash, isActive(p.ruleset), lang)) };
  });

  operation(app, deps.contract, 'getRuleset', async (request) => {
    const lang = pickLanguage(request.headers['accept-language']);
    const { id } = request.params as { id: string };
    const { version } = request.query as { version?: string };
    let pack: RulePack | undefined;
    let hash: string | undefined;
    if (version) {
      const loaded = registry.byRuleset.get(`${id}@${version}`);
      if (loaded) {
        pack = loaded.pack;
        hash = loaded.hash;
      } else {
        pack = await findStoredPack(deps.db, id, version);
        hash = pack && canonicalHash(pack);
      }
    } else {
      const loaded = registry.active.find((p) => p.id === id);
      pack = loaded?.pack;
      hash = loaded?.hash;
    }
    if (!pack || !hash) throw notFound(`Rule pack ${id}${version ? `@${version}` : ''}`);
    return {
      ...summary(pack, hash, isActive(`${pack.id}@${pack.version}`), lang),
      description: pack.description[lang],
      sources: pack.sources,
      changelog: pack.changelog.map((c) => ({ version: c.version, date: c.date, changes: c.changes[lang] })),
      pack,
    };
  });

  operation(app, deps.contract, 'listEvidence', async (request) => {
    const lang = pickLanguage(request.headers['accept-language']);
    return {
      version: registry.catalogue.version,
      hash: registry.catalogueHash,
      items: registry.catalogue.items.map((i) => localizeEvidenceItem(i, lang)),
    };
  });
}
