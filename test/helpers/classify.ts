import { classify } from '../../src/classification/classify';
import type { Profile } from '../../src/classification/profile';
import type { FrameworkOutcome } from '../../src/rulesets/decide';
import { testRegistry } from './app';

export function resultFor(p: Profile, framework: string): FrameworkOutcome {
  const r = classify(testRegistry(), p).results.find((x) => x.framework === framework);
  if (!r) throw new Error(`${framework} did not answer`);
  return r;
}

export const firedRules = (r: FrameworkOutcome) => r.reasons.map((x) => x.rule);
