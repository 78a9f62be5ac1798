import { canonicalJson } from '../platform/canonical';
import type { ClassificationRecord } from '../classification/classify';
import type { Profile } from '../classification/profile';
import type { components } from '../generated/openapi';

export type ChangeAssessment = components['schemas']['ChangeAssessment'];

/** A change to any of these is material whatever the classes do. */
export const MATERIAL_FIELDS = ['intendedPurpose', 'medicalPurpose', 'intendedUsers', 'autonomy', 'inputs', 'learningMode'] as const;

/** Arrays in a profile are sets: compare them sorted. */
function comparable(value: unknown): string {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(norm).map((x) => canonicalJson(x)).sort();
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]));
    return v;
  };
  return canonicalJson(norm(value));
}

function outcomeOf(record: ClassificationRecord, framework: string): string | null {
  const r = record.results.find((x) => x.framework === framework);
  if (!r) return null;
  return r.class ?? r.disposition;
}

/** What changed between two versions of a system, per framework, and whether it is material. */
export function assessChange(
  before: { number: number; profile: Profile; classification: ClassificationRecord },
  after: { number: number; profile: Profile; classification: ClassificationRecord },
): ChangeAssessment {
  const keys = new Set([...Object.keys(before.profile), ...Object.keys(after.profile)]);
  const changedFields = [...keys]
    .filter((k) => comparable((before.profile as Record<string, unknown>)[k]) !== comparable((after.profile as Record<string, unknown>)[k]))
    .sort();
  const materialFields = changedFields.filter((f) => (MATERIAL_FIELDS as readonly string[]).includes(f));
  const frameworkIds: string[] = [];
  for (const r of [...before.classification.results, ...after.classification.results]) {
    if (!frameworkIds.includes(r.framework)) frameworkIds.push(r.framework);
  }
  const frameworks = frameworkIds.map((framework) => {
    const b = outcomeOf(before.classification, framework);
    const a = outcomeOf(after.classification, framework);
    const classChanged = b !== a;
    return { framework, before: b, after: a, classChanged, material: classChanged || materialFields.length > 0 };
  });
  return {
    fromVersion: before.number,
    toVersion: after.number,
    material: materialFields.length > 0 || frameworks.some((f) => f.classChanged),
    changedFields,
    materialFields,
    frameworks,
  };
}
