import type { Registry } from '../rulesets/registry';
import { classify, classifyReference, type ClassificationRecord } from './classify';
import type { Profile } from './profile';

/**
 * Classifies with the configured evaluator: compiled predicates (synchronous: `classifySync` is
 * there, and the hot path skips the promise), or json-rules-engine itself (asynchronous).
 */
export type Classifier = {
  classify: (profile: Profile) => Promise<ClassificationRecord>;
  classifySync?: (profile: Profile) => ClassificationRecord;
};

export function createClassifier(registry: Registry, evaluator: 'compiled' | 'reference'): Classifier {
  if (evaluator === 'reference') return { classify: (p) => classifyReference(registry, p) };
  const classifySync = (p: Profile) => classify(registry, p);
  return { classify: async (p) => classifySync(p), classifySync };
}
