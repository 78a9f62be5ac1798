import fc from 'fast-check';
import { classify, classifyReference } from '../../src/classification/classify';
import { profileHash } from '../../src/classification/shape';
import { AUTONOMY_ORDER, HARM_ORDER, SIGNIFICANCE_ORDER, SITUATION_ORDER, type Profile } from '../../src/classification/profile';
import { canonicalJson, sha256 } from '../../src/platform/canonical';
import { testRegistry } from '../helpers/app';
import { clinicalProfileArb, profileArb } from '../helpers/arbitraries';

/** The properties every framework keeps (classification-contract.md), over generated profiles. */
const registry = testRegistry();
const rankOf = (framework: string, cls: string | null) => (cls === null ? null : registry.active.find((p) => p.id === framework)!.rank(cls));
const effective = (r: { class: string | null; provisionalClass: string | null }) => r.class ?? r.provisionalClass;

type Escalation = { field: string; apply: (p: Profile) => Profile | null };
const higher = <T>(order: readonly T[], v: T | undefined): T | null => {
  if (v === undefined) return null;
  const i = order.indexOf(v);
  return i >= 0 && i < order.length - 1 ? order[i + 1] : null;
};
/** Each makes one declared fact more severe, or returns null when it cannot. */
const ESCALATIONS: Escalation[] = [
  { field: 'significance', apply: (p) => { const s = higher(SIGNIFICANCE_ORDER, p.significance); return s ? { ...p, significance: s } : null; } },
  { field: 'autonomy', apply: (p) => { const a = higher(AUTONOMY_ORDER, p.autonomy); return a ? { ...p, autonomy: a } : null; } },
  { field: 'worstCaseHarm', apply: (p) => { const h = higher(HARM_ORDER, p.worstCaseHarm); return h ? { ...p, worstCaseHarm: h } : null; } },
  {
    field: 'situations (add a more severe one)',
    apply: (p) => {
      const missing = SITUATION_ORDER.filter((s) => !(p.situations ?? []).includes(s));
      const top = Math.max(-1, ...(p.situations ?? []).map((s) => SITUATION_ORDER.indexOf(s)));
      const add = missing.find((s) => SITUATION_ORDER.indexOf(s) > top);
      return add && p.situations ? { ...p, situations: [...p.situations, add] } : null;
    },
  },
];

describe('properties of every framework', () => {
  test('deterministic: the same profile gives the same result byte for byte, whatever the order of its sets', () => {
    fc.assert(
      fc.property(profileArb, fc.infiniteStream(fc.nat()), (p, seeds) => {
        const shuffle = <T>(a: T[] | undefined) => a && [...a].sort(() => (seeds.next().value % 3) - 1);
        const reordered = { ...p, intendedUsers: shuffle(p.intendedUsers)!, inputs: shuffle(p.inputs)!, situations: shuffle(p.situations), useContexts: shuffle(p.useContexts) };
        expect(canonicalJson(classify(registry, reordered))).toBe(canonicalJson(classify(registry, p)));
      }),
      { numRuns: 300 },
    );
  });

  test.each(ESCALATIONS)('monotone: a more severe $field never lowers a class', ({ apply }) => {
    fc.assert(
      fc.property(fc.oneof(profileArb, clinicalProfileArb), (p) => {
        const q = apply(p);
        if (!q) return;
        const before = classify(registry, p).results;
        const after = classify(registry, q).results;
        for (const b of before) {
          const a = after.find((x) => x.framework === b.framework)!;
          const rb = rankOf(b.framework, effective(b));
          const ra = rankOf(a.framework, effective(a));
          if (rb === null || ra === null) continue;
          // AI Act Art 5(1)(f): while the MDR result is unsettled the pack proposes "prohibited"
          // (the medical-reasons exception needs a device class, recital 44); a more severe fact
          // that settles the MDR class lifts the prohibition to high-risk. The only allowed step down.
          const art5fSettled = b.reasons.some((x) => x.rule === 'aia.review.art5f_mdr_unsettled')
            && after.find((x) => x.framework === 'eu-mdr')?.disposition === 'determined';
          if (ra < rb && art5fSettled) continue;
          if (ra < rb) throw new Error(`${b.framework}: ${effective(b)} → ${effective(a)} for ${JSON.stringify(q)}`);
        }
      }),
      { numRuns: 1500 },
    );
  });

  test('explained: every determined class is backed by a fired rule citing a source, and every reason names a rule of its pack', () => {
    fc.assert(
      fc.property(profileArb, (p) => {
        for (const r of classify(registry, p).results) {
          const pack = registry.active.find((x) => x.id === r.framework)!;
          for (const reason of r.reasons) {
            if (reason.rule !== 'engine.undecided') expect(pack.ruleIndex.has(reason.rule)).toBe(true);
            expect(['binding', 'guidance', 'proposal', 'unconfirmed']).toContain(reason.source.status);
            expect(reason.text.en.length > 0 && reason.text.ru.length > 0).toBe(true);
          }
          if (r.disposition === 'determined') {
            const deciding = r.reasons.filter((x) => x.effect === 'qualification' || x.effect === 'class' || x.effect === 'adjust');
            expect(deciding.length).toBeGreaterThan(0);
            expect(deciding.map((x) => x.class)).toContain(r.class);
          } else {
            expect(r.class).toBeNull();
            expect(r.reasons.some((x) => x.effect === 'review')).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  test('evidence: the union of what each framework requires, each item naming exactly the frameworks that require it', () => {
    fc.assert(
      fc.property(profileArb, (p) => {
        const record = classify(registry, p);
        const expected = new Map<string, string[]>();
        for (const r of record.results) for (const e of r.evidence) expected.set(e, [...(expected.get(e) ?? []), r.framework]);
        expect(Object.fromEntries(record.evidence.map((e) => [e.id, e.requiredBy]))).toEqual(Object.fromEntries(expected));
        for (const e of record.evidence) expect(registry.evidenceIndex.has(e.id)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('jurisdictions select the frameworks; imdrf-samd is always evaluated', () => {
    fc.assert(
      fc.property(profileArb, (p) => {
        const shown = classify(registry, p).results.map((r) => r.framework);
        expect(shown).toContain('imdrf-samd');
        const wanted = p.jurisdictions ?? ['RU', 'EU', 'US'];
        for (const pack of registry.active) {
          const selected = pack.pack.jurisdiction === null || wanted.includes(pack.pack.jurisdiction);
          expect(shown.includes(pack.id)).toBe(selected);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('concurrency', () => {
  test('hundreds of different profiles classified at once by json-rules-engine equal each classified alone', async () => {
    const profiles = fc.sample(profileArb, { numRuns: 300, seed: 42 });
    const alone: string[] = [];
    for (const p of profiles) alone.push(canonicalJson(await classifyReference(registry, p)));
    const together = await Promise.all(profiles.map((p) => classifyReference(registry, p)));
    expect(together.map((r) => canonicalJson(r))).toEqual(alone);
  });
});

describe('profile hash', () => {
  test('equals sha256 of the canonical JSON (keys sorted, sets sorted), whatever the key order', () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    fc.assert(
      fc.property(profileArb, fc.array(text, { maxLength: 4 }), (p, sources) => {
        const withText = { ...p, name: sources.join('"\\') || 'x', trainingData: { sources: [...new Set(sources)], size: 3 } };
        const reversed = Object.fromEntries(Object.entries(withText).reverse()) as typeof withText;
        expect(profileHash(reversed)).toBe(sha256(canonicalJson(withText, { sortArrays: true })));
      }),
      { numRuns: 300 },
    );
  });

  test('values outside the schema, which validation never lets through, still hash as canonical JSON', () => {
    const base = fc.sample(profileArb, { numRuns: 1, seed: 3 })[0];
    const odd = [
      { ...base, autonomy: 'not "a" code' },
      { ...base, timeCritical: 'yes' },
      { ...base, inputs: ['medical_image', 'medical_image'] },
      { ...base, inputs: ['video', 'nonsense', 7] },
      { ...base, situations: [] },
      { ...base, monitoring: null },
      { ...base, stranger: { b: 1, a: [2, 1] } },
    ] as unknown as Profile[];
    for (const p of odd) expect(profileHash(p)).toBe(sha256(canonicalJson(p, { sortArrays: true })));
  });

  test('a profile larger than the scratch buffer hashes the same, and so does the next one', () => {
    const [a, b] = fc.sample(profileArb, { numRuns: 2, seed: 8 });
    const big = { ...a, intendedPurpose: 'Ж'.repeat(5000), trainingData: { sources: Array.from({ length: 40 }, (_, i) => `${i}${'ё'.repeat(400)}`), size: 1 } };
    for (const p of [big, b, big]) expect(profileHash(p)).toBe(sha256(canonicalJson(p, { sortArrays: true })));
  });
});
