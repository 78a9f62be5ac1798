import type { FastifyInstance, FastifyRequest } from 'fastify';
import { localizeClassification, pickLanguage } from '../classification/localize';
import type { Profile } from '../classification/profile';
import { requirePrincipal } from '../identity/auth';
import type { Contract } from '../platform/contract';
import { operation } from '../platform/routes';
import type { Registry } from '../rulesets/registry';
import type { Lang } from '../rulesets/types';
import type { SystemsService, SystemWithVersion } from './service';
import type { SystemRow, VersionRow } from './repository';

export function systemRoutes(app: FastifyInstance, deps: { contract: Contract; registry: Registry; systems: SystemsService }): void {
  const { contract, registry, systems } = deps;
  const versionDto = (v: VersionRow, lang: Lang) => ({
    systemId: v.systemId,
    number: v.number,
    profile: v.profile,
    profileHash: v.profileHash,
    classification: localizeClassification(v.classification, registry, lang),
    changeAssessment: v.changeAssessment,
    createdAt: v.createdAt,
  });
  const systemFields = (s: SystemRow) => ({
    id: s.id,
    name: s.name,
    manufacturer: s.manufacturer,
    currentVersion: s.currentVersion,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  });
  const systemDto = ({ system, current }: SystemWithVersion, lang: Lang) => ({ ...systemFields(system), current: versionDto(current, lang) });
  const ctx = (request: FastifyRequest) => ({ principal: requirePrincipal(request), requestId: String(request.id) });

  operation(app, contract, 'registerSystem', async (request, reply) => {
    const created = await systems.register(ctx(request), request.body as Profile);
    request.log.info({ systemId: created.system.id }, 'system registered');
    reply.status(201).header('location', `/v1/systems/${created.system.id}`);
    return systemDto(created, pickLanguage(request.headers['accept-language']));
  });

  operation(app, contract, 'listSystems', async (request) => {
    const q = request.query as { framework?: string; class?: string; limit?: number; cursor?: string };
    const page = await systems.list(ctx(request), q);
    return {
      items: page.items.map(({ system, classes }) => ({
        ...systemFields(system),
        classes: classes.map((c) => ({ framework: c.framework, class: c.class, disposition: c.disposition, ruleset: c.ruleset })),
      })),
      nextCursor: page.nextCursor,
    };
  });

  operation(app, contract, 'getSystem', async (request) => {
    const { id } = request.params as { id: string };
    return systemDto(await systems.get(ctx(request), id), pickLanguage(request.headers['accept-language']));
  });

  operation(app, contract, 'addSystemVersion', async (request, reply) => {
    const { id } = request.params as { id: string };
    const version = await systems.addVersion(ctx(request), id, request.body as Profile);
    request.log.info({ systemId: id, version: version.number, material: version.changeAssessment?.material }, 'system version added');
    reply.status(201).header('location', `/v1/systems/${id}/versions/${version.number}`);
    return versionDto(version, pickLanguage(request.headers['accept-language']));
  });

  operation(app, contract, 'getSystemVersion', async (request) => {
    const { id, n } = request.params as { id: string; n: number };
    return versionDto(await systems.version(ctx(request), id, n), pickLanguage(request.headers['accept-language']));
  });
}
