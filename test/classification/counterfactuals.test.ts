import fc from 'fast-check';
import { classify } from '../../src/classification/classify';
import { counterfactuals, type Change } from '../../src/classification/counterfactuals';
import type { Profile } from '../../src/classification/profile';
import { testRegistry } from '../helpers/app';
import { clinicalProfileArb } from '../helpers/arbitraries';
import { profile } from '../helpers/profiles';

const registry = testRegistry();

function apply(p: Profile, changes: Change[]): Profile {
  const out: Record<string, unknown> = { ...p };
  for (const c of changes) {
    if (c.field.startsWith('monitoring.')) out.monitoring = { ...(out.monitoring as object), [c.field.slice(11)]: c.to };
    else out[c.field] = c.to;
  }
  return out as Profile;
}
const classOf = (p: Profile, framework: string) => classify(registry, p).results.find((r) => r.framework === framework)!;

describe('counterfactuals: the smallest change that moves a class down one step', () => {
  test('IMDRF category III (drive, critical): a less severe situation or significance gives II', () => {
    const p = profile({ significance: 'drive', situations: ['critical'], jurisdictions: ['EU'] });
    const cfs = counterfactuals(registry, p, classify(registry, p).results).filter((c) => c.framework === 'imdrf-samd');
    expect(cfs.length).toBeGreaterThan(0);
    for (const c of cfs) {
      expect(c).toMatchObject({ from: 'III', to: 'II' });
      expect(c.changes).toHaveLength(1);
      expect(classOf(apply(p, c.changes), 'imdrf-samd').class).toBe('II');
    }
    expect(cfs.map((c) => c.changes[0].field)).toEqual(expect.arrayContaining(['significance', 'situations']));
    expect(cfs[0].text.en).toContain('imdrf-samd would answer II instead of III');
    expect(cfs[0].text.ru).toMatch(/вместо III/);
  });

  test('pairs are tried when no single change is enough', () => {
    // ru-differentiated class 2a for an informing tool: step 4 needs a reviewable basis AND advisory use.
    const p = profile({ significance: 'inform', situations: ['serious'], autonomy: 'triage_notification', reviewableBasis: false, jurisdictions: ['RU'] });
    expect(classOf(p, 'ru-differentiated').class).toBe('2a');
    const cfs = counterfactuals(registry, p, classify(registry, p).results).filter((c) => c.framework === 'ru-differentiated');
    expect(cfs.length).toBeGreaterThan(0);
    expect(cfs[0].changes.map((c) => c.field).sort()).toEqual(['autonomy', 'reviewableBasis']);
    expect(classOf(apply(p, cfs[0].changes), 'ru-differentiated').class).toBe('1');
  });

  test('computed, never invented: every counterfactual reproduces when re-evaluated, one step down', () => {
    fc.assert(
      fc.property(clinicalProfileArb, (p) => {
        const results = classify(registry, p).results;
        for (const c of counterfactuals(registry, p, results)) {
          const pack = registry.active.find((x) => x.id === c.framework)!;
          expect(pack.rank(c.to)).toBe(pack.rank(c.from) - 1);
          const again = classOf(apply(p, c.changes), c.framework);
          expect(again).toMatchObject({ disposition: 'determined', class: c.to });
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('summary: the first questions in one glance', () => {
  test('highest burden, third parties and the dated obligations', () => {
    const p = profile({ significance: 'treat_or_diagnose', situations: ['critical'], worstCaseHarm: 'death_or_irreversible', modelType: 'deep_learning', inputs: ['medical_image'], timeCritical: true, reviewableBasis: false });
    const { summary, results } = classify(registry, p);
    expect(summary.highestBurden.map((h) => h.framework)).toEqual(expect.arrayContaining(['ru-differentiated', 'ru-current', 'imdrf-samd']));
    for (const h of summary.highestBurden) expect(h.class).toBe(results.find((r) => r.framework === h.framework)!.class);
    expect(summary.thirdParty.find((x) => x.framework === 'ru-differentiated')).toMatchObject({ pathway: 'registration_clinical_prospective', who: { ru: expect.stringContaining('Росздравнадзор') } });
    const dates = summary.timeline.map((e) => e.date);
    expect(dates).toEqual([...dates].sort());
    expect(summary.firstObligation).toEqual(summary.timeline[0] ?? null);
    expect(summary.requiresReview).toEqual([]);
  });

  test('what is not regulated and what needs review', () => {
    const admin = classify(registry, profile({ medicalPurpose: 'administrative', significance: undefined, situations: undefined }));
    expect(admin.summary.notRegulated).toEqual(expect.arrayContaining(['ru-differentiated', 'imdrf-samd']));
    expect(admin.summary.thirdParty.filter((x) => x.framework.startsWith('ru-'))).toEqual([]);
    const missing = classify(registry, profile({ significance: undefined }));
    expect(missing.summary.requiresReview).toEqual(expect.arrayContaining(['ru-differentiated', 'imdrf-samd']));
  });
});
