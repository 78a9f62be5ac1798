import type { FastifyInstance } from 'fastify';
import type { Contract } from '../platform/contract';
import { operation } from '../platform/routes';
import type { Registry } from '../rulesets/registry';
import type { Classifier } from './service';
import { pickLanguage } from './localize';
import { renderClassification } from './render';
import type { Profile } from './profile';
import { counterfactuals } from './counterfactuals';

export function classificationRoutes(app: FastifyInstance, deps: { contract: Contract; registry: Registry; classifier: Classifier }): void {
  operation(app, deps.contract, 'classifyProfile', async (request, reply) => {
    const profile = request.body as Profile;
    const { include } = request.query as { include?: 'counterfactuals' };
    const record = await deps.classifier.classify(profile);
    if (include === 'counterfactuals') record.counterfactuals = counterfactuals(deps.registry, profile, record.results);
    // Rendered from memoized fragments of the rule packs (the hot path); same JSON as the contract's serializer.
    return reply.type('application/json; charset=utf-8').send(renderClassification(record, deps.registry, pickLanguage(request.headers['accept-language'])));
  });
}
