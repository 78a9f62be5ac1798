import type { Registry } from '../rulesets/registry';
import { classify, classifyReference, type ClassificationRecord } from './classify';
import type { Profile } from './profile';

/** Classifies with the configured evaluator: compiled predicates, or json-rules-engine itself. */
export type Classifier = { classify: (profile: Profile) => Promise<ClassificationRecord> };

export function createClassifier(registry: Registry, evaluator: 'compiled' | 'reference'): Classifier {
  if (evaluator === 'reference') return { classify: (p) => classifyReference(registry, p) };
  return { classify: async (p) => classify(registry, p) };
}
