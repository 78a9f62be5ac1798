import type { FastifyInstance } from 'fastify';
import type { Contract } from '../platform/contract';
import { operation } from '../platform/routes';
import type { Registry } from '../rulesets/registry';
import type { Classifier } from './service';
import { localizeClassification, pickLanguage } from './localize';
import type { Profile } from './profile';

export function classificationRoutes(app: FastifyInstance, deps: { contract: Contract; registry: Registry; classifier: Classifier }): void {
  operation(app, deps.contract, 'classifyProfile', async (request) => {
    const record = await deps.classifier.classify(request.body as Profile);
    return localizeClassification(record, deps.registry, pickLanguage(request.headers['accept-language']));
  });
}
