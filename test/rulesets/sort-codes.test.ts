import fc from 'fast-check';
import { sortCodes } from '../../src/rulesets/decide';

test('sortCodes orders any strings exactly as Array.prototype.sort does, duplicates and surrogates included', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 6 }), { maxLength: 20 }), (list) => {
      const expected = [...list].sort();
      const copy = [...list];
      expect(sortCodes(copy)).toBe(copy);
      expect(copy).toEqual(expected);
    }),
    { numRuns: 500 },
  );
});
