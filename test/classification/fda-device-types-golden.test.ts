import { classify } from '../../src/classification/classify';
import { testRegistry } from '../helpers/app';
import { rowProfile } from '../golden/types';
import { REGULATIONS, table } from '../golden/fda-device-types.golden';

/** The device type each golden row of 21 CFR must be matched to (class and pathway: test/classification/golden.test.ts). */
describe('21 CFR golden rows: the matched regulation', () => {
  test.each(table.rows.map((r) => [r.section, r] as const))('%s', (section, row) => {
    const r = classify(testRegistry(), rowProfile(row)).results.find((x) => x.framework === 'us-fda')!;
    const regulations = [...new Set((r.deviceTypes?.matches ?? []).map((m) => m.regulation))];
    expect({ section, regulations }).toEqual({ section, regulations: [REGULATIONS[section]] });
  });
});
