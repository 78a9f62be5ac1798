import fc from 'fast-check';
import { classify } from '../../src/classification/classify';
import { counterfactuals } from '../../src/classification/counterfactuals';
import { localizeClassification } from '../../src/classification/localize';
import { renderClassification } from '../../src/classification/render';
import { testRegistry } from '../helpers/app';
import { profileArb } from '../helpers/arbitraries';

const registry = testRegistry();

test('the fragment renderer writes exactly the UTF-8 bytes of the JSON of the localized classification, in both languages, on repeated use', () => {
  fc.assert(
    fc.property(profileArb, fc.constantFrom('en', 'ru') as fc.Arbitrary<'en' | 'ru'>, fc.boolean(), (p, lang, withCounterfactuals) => {
      const record = classify(registry, p);
      if (withCounterfactuals) record.counterfactuals = counterfactuals(registry, p, record.results, 1);
      const expected = JSON.stringify(localizeClassification(record, registry, lang));
      const rendered = renderClassification(record, registry, lang);
      expect(rendered.toString('utf8')).toBe(expected);
      expect(rendered.equals(Buffer.from(expected, 'utf8'))).toBe(true);
      // Memoized fragments give the same text the second time, and never the other language's.
      expect(renderClassification(record, registry, lang).toString('utf8')).toBe(expected);
    }),
    { numRuns: 300 },
  );
});

test('responses rendered one after another stay intact, across slabs, however large', () => {
  const profiles = fc.sample(profileArb, { numRuns: 120, seed: 11 });
  const kept: Array<{ rendered: Buffer; expected: string }> = [];
  const huge = 'Ж'.repeat(200_000);
  profiles.forEach((p, i) => {
    const record = classify(registry, p);
    // Every tenth response is larger than a slab: it must move to a slab of its own size.
    if (i % 10 === 0) record.findings = [...record.findings, { code: 'contradiction', fields: ['name'], text: { en: huge, ru: huge } }];
    const lang = i % 2 ? 'ru' : 'en';
    kept.push({ rendered: renderClassification(record, registry, lang), expected: JSON.stringify(localizeClassification(record, registry, lang)) });
  });
  // Checked only after all were rendered: a later response must never have written over an earlier one.
  for (const { rendered, expected } of kept) expect(rendered.toString('utf8')).toBe(expected);
});

test('strings JSON must escape, or non-ASCII, in places that usually hold plain codes are escaped as JSON.stringify does', () => {
  const record = classify(registry, fc.sample(profileArb, { numRuns: 1, seed: 5 })[0]);
  const odd = ['a"b', 'c\\d', 'line\nbreak', 'дата', '\u2028', 'tab\tx', ''];
  record.summary = {
    ...record.summary,
    timeline: odd.map((s, i) => ({ date: s, framework: `fw${i}`, obligation: s.split('').reverse().join('') })),
    firstObligation: { date: odd[0], framework: 'x', obligation: odd[3] },
  };
  for (const lang of ['en', 'ru'] as const) {
    expect(renderClassification(record, registry, lang).toString('utf8')).toBe(JSON.stringify(localizeClassification(record, registry, lang)));
  }
});
