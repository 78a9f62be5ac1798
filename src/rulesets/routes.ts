import type { FastifyInstance } from 'fastify';
import type { Contract } from '../platform/contract';
import type { Db } from '../platform/db';
import { AppError, notFound } from '../platform/errors';
import { seqCursor } from '../platform/cursor';
import { localizeDeviceType, searchDeviceTypes, type LoadedDeviceTypes } from './device-types';
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

  // The FDA device-type catalogue: for vendors and reviewers (any signed-in caller).
  const catalogueFor = (version: string | undefined, lang: Lang): LoadedDeviceTypes => {
    const found = version ? registry.deviceTypeCatalogues.get(`fda-device-types@${version}`) : registry.deviceTypes;
    if (!found) {
      const what = version ? `fda-device-types@${version}` : 'fda-device-types';
      throw new AppError(404, 'not-found', lang === 'ru' ? 'Не найдено' : 'Not found', lang === 'ru' ? `Каталог типов изделий ${what} не загружен` : `Device-type catalogue ${what} is not loaded`);
    }
    return found;
  };

  operation(app, deps.contract, 'listDeviceTypes', async (request) => {
    const lang = pickLanguage(request.headers['accept-language']);
    const { q, version, limit = 50, cursor } = request.query as { q?: string; version?: string; limit?: number; cursor?: string };
    const dt = catalogueFor(version, lang);
    const from = cursor ? deviceTypeCursor.decode(cursor) : 0;
    const hits = searchDeviceTypes(dt, q);
    const page = hits.slice(from, from + limit);
    return {
      catalogue: dt.ref,
      catalogueHash: dt.hash,
      items: page.map((i) => localizeDeviceType(dt.records[i], lang)),
      nextCursor: from + limit < hits.length ? deviceTypeCursor.encode(from + limit) : null,
    };
  });

  operation(app, deps.contract, 'getDeviceType', async (request) => {
    const lang = pickLanguage(request.headers['accept-language']);
    const { code } = request.params as { code: string };
    const { version } = request.query as { version?: string };
    const dt = catalogueFor(version, lang);
    const at = dt.byCode.get(code);
    if (at === undefined) {
      throw new AppError(404, 'not-found', lang === 'ru' ? 'Не найдено' : 'Not found', lang === 'ru' ? `Кода продукции ${code} нет в каталоге ${dt.ref}` : `Product code ${code} is not in ${dt.ref}`);
    }
    return { catalogue: dt.ref, catalogueHash: dt.hash, deviceType: localizeDeviceType(dt.records[at], lang) };
  });
}

const deviceTypeCursor = seqCursor('dt');
