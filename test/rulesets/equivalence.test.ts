import fc from 'fast-check';
import { classify, classifyReference } from '../../src/classification/classify';
import { canonicalJson } from '../../src/platform/canonical';
import { testRegistry } from '../helpers/app';
import { clinicalProfileArb, profileArb } from '../helpers/arbitraries';

/**
 * json-rules-engine is the reference for what a rule pack means. The compiled predicates the
 * service runs must fire exactly the same rules, hence give the same record, on every profile.
 */
const registry = testRegistry();

test('compiled evaluator = json-rules-engine on thousands of random profiles, every active pack', async () => {
  const profiles = [...fc.sample(profileArb, { numRuns: 1000, seed: 7 }), ...fc.sample(clinicalProfileArb, { numRuns: 1000, seed: 8 })];
  for (const p of profiles) {
    const compiled = classify(registry, p, registry.active);
    const reference = await classifyReference(registry, p, registry.active);
    if (canonicalJson(compiled) !== canonicalJson(reference)) {
      expect({ profile: p, compiled }).toEqual({ profile: p, compiled: reference });
    }
  }
});
