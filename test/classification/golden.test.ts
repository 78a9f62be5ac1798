import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { classify } from '../../src/classification/classify';
import { loadContract, newAjv } from '../../src/platform/contract';
import { testRegistry } from '../helpers/app';
import { rowProfile, type GoldenRow, type GoldenTable } from '../golden/types';

/**
 * Every worked example of the primary texts (test/golden/*.golden.ts) against the active packs.
 * The coverage per document is printed at the end of the run.
 */
const DIR = join(__dirname, '..', 'golden');
const tables: GoldenTable[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.golden.ts'))
  .sort()
  .map((f) => (require(join(DIR, f)) as { table: GoldenTable }).table);

const validProfile = newAjv().compile(loadContract().schema('Profile'));

const title = (r: GoldenRow) => `${r.doc} ${r.section}: ${r.example}`;
const rows = tables.flatMap((t) => t.rows);

describe('golden rows from the primary texts', () => {
  test('there are golden tables', () => {
    expect(tables.length).toBeGreaterThan(0);
  });

  test.each(rows.map((r) => [title(r), r] as const))('%s', (_title, row) => {
    const p = rowProfile(row);
    expect({ valid: validProfile(p), errors: validProfile.errors ?? null }).toEqual({ valid: true, errors: null });
    const results = classify(testRegistry(), p).results;
    for (const e of row.expect) {
      const r = results.find((x) => x.framework === e.framework);
      expect(r ? r.framework : `${e.framework} did not answer`).toBe(e.framework);
      if (!r) continue;
      const got: Record<string, unknown> = {};
      const want: Record<string, unknown> = {};
      if (e.class !== undefined) { want.class = e.class; got.class = r.class; }
      if (e.provisionalClass !== undefined) { want.provisionalClass = e.provisionalClass; got.provisionalClass = r.provisionalClass; }
      if (e.disposition !== undefined) { want.disposition = e.disposition; got.disposition = r.disposition; }
      if (e.pathway !== undefined) { want.pathway = e.pathway; got.pathway = r.pathway; }
      if (e.missing !== undefined) { want.missing = e.missing; got.missing = r.missing; }
      if (e.rule !== undefined) { want.rule = e.rule; got.rule = r.reasons.some((x) => x.rule === e.rule) ? e.rule : r.reasons.map((x) => x.rule); }
      expect({ framework: e.framework, ...got }).toEqual({ framework: e.framework, ...want });
    }
  });

  test('every inexpressible example says why', () => {
    for (const t of tables) for (const x of t.inexpressible) expect(x.why.length).toBeGreaterThan(10);
  });

  afterAll(() => {
    const lines = tables.map((t) => `  ${t.doc}: ${t.rows.length} golden rows, ${t.inexpressible.length} inexpressible`);
    const total = tables.reduce((n, t) => n + t.rows.length, 0);
    process.stdout.write(`\nGolden coverage per document (${total} rows):\n${lines.join('\n')}\n`);
  });
});
