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
