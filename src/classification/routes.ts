import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClassificationRecord } from './classify';
import type { Contract } from '../platform/contract';
import { operation } from '../platform/routes';
import type { Registry } from '../rulesets/registry';
import type { Classifier } from './service';
import { pickLanguage } from './localize';
import { renderClassification } from './render';
import type { Profile } from './profile';
import { counterfactuals } from './counterfactuals';

export function classificationRoutes(app: FastifyInstance, deps: { contract: Contract; registry: Registry; classifier: Classifier }): void {
  const respond = (request: FastifyRequest, reply: FastifyReply, record: ClassificationRecord) => {
    const profile = request.body as Profile;
    const { include } = request.query as { include?: 'counterfactuals' };
    if (include === 'counterfactuals') record.counterfactuals = counterfactuals(deps.registry, profile, record.results);
    // Rendered from memoized fragments of the rule packs (the hot path); same JSON as the contract's serializer.
    return reply.type('application/json; charset=utf-8').send(renderClassification(record, deps.registry, pickLanguage(request.headers['accept-language'])));
  };
  const { classifySync } = deps.classifier;
  operation(app, deps.contract, 'classifyProfile', classifySync
    // Compiled packs classify synchronously: no promise on the hot path.
    ? function classifyNow(request, reply) { respond(request, reply, classifySync(request.body as Profile)); }
    : async (request, reply) => respond(request, reply, await deps.classifier.classify(request.body as Profile)));
}
