import type { Profile } from '../../src/classification/profile';

/**
 * Golden cases from the regulators' own worked examples. One file per primary document in
 * `test/golden/` (`*.golden.ts`), each exporting a `table`; `test/classification/golden.test.ts`
 * runs every row and prints the coverage per document.
 *
 * A row's profile is written from the example's text (never from what the service answers):
 * only the facts the example states or plainly implies. `name`, `version`, `manufacturer` and
 * `intendedPurpose` are filled in from the example; `modelType` and `learningMode`, when the
 * example says nothing of them, are `classical_ml` and `locked` (no framework reads them for class).
 */
export type Disposition = 'determined' | 'requires_review';

export type Expectation = {
  /** Framework id: imdrf-samd, eu-mdr, eu-ai-act, us-fda, ru-differentiated, ru-current. */
  framework: string;
  /** The class the document gives (null with requires_review when the service must not decide). */
  class?: string | null;
  /** Under requires_review, the class the service should propose, where the document gives one. */
  provisionalClass?: string | null;
  disposition?: Disposition;
  pathway?: string | null;
  /** A rule that must fire (its id). */
  rule?: string;
  /** Fields the answer must name as missing. */
  missing?: string[];
};

export type GoldenRow = {
  /** The primary document, as in shared/domain/sources/README.md (e.g. 'IMDRF N12', 'MDCG 2019-11 Rev.1'). */
  doc: string;
  /** Where the example stands (e.g. '§7.4 example 2', 'Annex IV §2.3'). */
  section: string;
  /** The example's words, shortened; enough for a reader to find it. */
  example: string;
  /** Facts the example states; see above for what is filled in. */
  profile: Partial<Profile> & Pick<Profile, 'medicalPurpose' | 'intendedUsers' | 'autonomy' | 'inputs'>;
  expect: Expectation[];
  /** Why a fact was read the way it was, where the example leaves room. */
  note?: string;
};

/** An example the profile vocabulary cannot express: listed, never bent into another field. */
export type Inexpressible = { doc: string; section: string; example: string; why: string };

export type GoldenTable = { doc: string; rows: GoldenRow[]; inexpressible: Inexpressible[] };

/** The full profile a row describes. */
export function rowProfile(row: GoldenRow): Profile {
  const purpose = `${row.example} (${row.doc} ${row.section})`;
  return {
    name: `${row.doc} ${row.section}`.slice(0, 200),
    version: '1',
    manufacturer: { name: 'Example manufacturer', country: 'DE' },
    intendedPurpose: purpose.length >= 20 ? purpose.slice(0, 5000) : purpose.padEnd(20, '.'),
    modelType: 'classical_ml',
    learningMode: 'locked',
    ...row.profile,
  } as Profile;
}
