import type { FastifyInstance } from 'fastify';
import type { Contract } from '../platform/contract';
import { operation } from '../platform/routes';
import type { Registry } from '../rulesets/registry';
import type { Classifier } from './service';
import { localizeClassification, pickLanguage } from './localize';
import type { Profile } from './profile';
import { counterfactuals } from './counterfactuals';

export function classificationRoutes(app: FastifyInstance, deps: { contract: Contract; registry: Registry; classifier: Classifier }): void {
  operation(app, deps.contract, 'classifyProfile', async (request) => {
    const profile = request.body as Profile;
    const { include } = request.query as { include?: 'counterfactuals' };
    const record = await deps.classifier.classify(profile);
    if (include === 'counterfactuals') record.counterfactuals = counterfactuals(deps.registry, profile, record.results);
    return localizeClassification(record, deps.registry, pickLanguage(request.headers['accept-language']));
  });
}
