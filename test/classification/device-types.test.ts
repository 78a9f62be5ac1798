import { profile } from '../helpers/profiles';
import { testRegistry } from '../helpers/app';
import { classify, classifyReference } from '../../src/classification/classify';
import type { Profile } from '../../src/classification/profile';
import type { FrameworkOutcome } from '../../src/rulesets/decide';

/**
 * The FDA device-type catalogue and how us-fda@1.2.0 and 1.3.0 use it (issue 18). Profiles are written
 * from the decisions' indications for use; expectations from 21 CFR (the regulation's class) and
 * §8xx.1(b) (a type with a regulation is 510(k) territory).
 */
const us = (o: Partial<Profile>) => profile({ jurisdictions: ['US'], manufacturer: { name: 'Vendor', country: 'US' }, ...o });
const fda = (p: Profile): FrameworkOutcome => classify(testRegistry(), p).results.find((r) => r.framework === 'us-fda')!;
const codes = (r: FrameworkOutcome) => r.deviceTypes?.matches.map((m) => m.productCode) ?? [];

const CXR_TRIAGE = us({
  intendedPurpose: 'Flags chest X-rays with suspected pneumothorax and moves them up the radiologist worklist; the radiologist reads every image.',
  medicalPurpose: 'triage', significance: 'drive', situations: ['serious'], intendedUsers: ['specialist_physician'],
  autonomy: 'triage_notification', inputs: ['medical_image'], timeCritical: true, modelType: 'deep_learning',
});

describe('us-fda@1.3.0 with the device-type catalogue', () => {
  test('chest X-ray triage, no predicate declared: class II by 510(k) under 892.2080, product code, special controls, cleared devices', () => {
    const r = fda(CXR_TRIAGE);
    expect(r.ruleset).toBe('us-fda@1.3.0');
    expect(r).toMatchObject({ class: 'II', disposition: 'determined', pathway: '510k' });
    expect(r.reasons.map((x) => x.rule)).toContain('fda.class.device_type_ii');
    expect(r.deviceTypes).toMatchObject({ catalogue: 'fda-device-types@1.1.0', fit: 'one', productCode: null, predicate: null });
    expect(r.deviceTypes!.catalogueHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(codes(r)).toEqual(['QFM']);
    const m = r.deviceTypes!.matches[0];
    expect(m.regulation).toBe('892.2080');
    expect(m.deviceClass).toBe('II');
    expect(m.identification.quoted).toBe(true);
    expect(m.identification.text).toMatch(/^Radiological computer aided triage and notification software is an image processing prescription device/);
    expect(m.specialControls!.citation).toBe('21 CFR 892.2080(b)');
    expect(m.decisions.map((d) => d.number)).toContain('K183182');
    expect(r.evidence).not.toContain('E24');
    // The evidence list gains the special controls of the chosen type (21 CFR 892.2080(b)) as E28.
    expect(r.evidence).toContain('E28');
    const e28 = classify(testRegistry(), CXR_TRIAGE).evidence.find((e) => e.id === 'E28')!;
    expect(e28.requiredBy).toEqual(['us-fda']);
    expect(e28.specialControls).toEqual([{ regulation: '892.2080', productCodes: ['QFM'], citation: '21 CFR 892.2080(b)', summary: { en: expect.stringMatching(/effective triage/), ru: expect.stringMatching(/[а-я]/) } }]);
  });

  test('sepsis risk software from EHR data fits SAK under 880.6316 (De Novo DEN230036); a genuinely new type gets no E28', () => {
    // Written from the Sepsis ImmunoScore indications for use (DEN230036): up to 22 EHR inputs, a risk
    // score and four risk categories, to aid the risk assessment of sepsis within 24 hours, not the sole basis.
    const r = fda(us({
      intendedPurpose: 'Identifies patients at risk for having or developing sepsis: uses predetermined inputs from the electronic health record to generate a risk score and a risk category, to aid the risk assessment for presence of or progression to sepsis within 24 hours; not the sole basis for the diagnosis.',
      medicalPurpose: 'diagnosis', significance: 'drive', situations: ['critical'], intendedUsers: ['physician'], autonomy: 'assistive',
      inputs: ['ehr_structured', 'discrete_vitals'], timeCritical: false, reviewableBasis: false,
    }));
    expect(r).toMatchObject({ class: 'II', disposition: 'determined', pathway: '510k' });
    expect(codes(r)).toEqual(['SAK']);
    expect(r.deviceTypes!.matches[0]).toMatchObject({ regulation: '880.6316', deNovo: { number: 'DEN230036' }, identification: { quoted: false } });
    expect(r.evidence).toContain('E28');
    const novel = fda(us({
      intendedPurpose: 'Predicts postoperative delirium risk from anaesthesia records for the surgical team.',
      medicalPurpose: 'prognosis', significance: 'drive', intendedUsers: ['physician'], autonomy: 'assistive', inputs: ['ehr_structured'], timeCritical: false, reviewableBasis: false,
    }));
    expect(novel.evidence).not.toContain('E28');
  });

  test('a stroke triage tool on head CT fits QAS under the same regulation', () => {
    const r = fda(us({ ...CXR_TRIAGE, intendedPurpose: 'Notifies the stroke team of suspected large vessel occlusion on CT angiography of the head.' }));
    expect(codes(r)).toEqual(['QAS']);
    expect(r.pathway).toBe('510k');
  });

  test('a genuinely new kind of software still goes De Novo', () => {
    const r = fda(us({
      intendedPurpose: 'Predicts postoperative delirium risk from anaesthesia records for the surgical team.',
      medicalPurpose: 'prognosis', significance: 'drive', intendedUsers: ['physician'], autonomy: 'assistive', inputs: ['ehr_structured'], timeCritical: false, reviewableBasis: false,
    }));
    expect(r).toMatchObject({ class: 'II', disposition: 'determined', pathway: 'de_novo' });
    expect(r.deviceTypes).toMatchObject({ fit: 'none', matches: [] });
    expect(r.evidence).toContain('E24');
  });

  test('several regulations of the same class: class II, 510(k), candidates listed and a finding asks for the product code', () => {
    const record = classify(testRegistry(), us({
      intendedPurpose: 'Marks regions of interest on images to help the clinician find abnormalities.',
      medicalPurpose: 'diagnosis', significance: 'drive', intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'],
    }));
    const r = record.results.find((x) => x.framework === 'us-fda')!;
    expect(r.deviceTypes!.fit).toBe('several');
    expect(new Set(r.deviceTypes!.matches.map((m) => m.regulation)).size).toBeGreaterThan(1);
    expect(r).toMatchObject({ class: 'II', pathway: '510k' });
    expect(record.findings.map((f) => f.code)).toContain('fda_device_type_ambiguous');
  });

  test('a declared product code that fits narrows the list; an unknown or mismatching one is a finding', () => {
    const fits = classify(testRegistry(), us({ ...CXR_TRIAGE, intendedPurpose: 'Prioritises radiological images with suspected findings for review.', fdaProductCode: 'QAS' }));
    expect(codes(fits.results.find((x) => x.framework === 'us-fda')!)).toEqual(['QAS']);
    expect(fits.findings.map((f) => f.code)).not.toContain('fda_product_code_unknown');

    const unknown = classify(testRegistry(), us({ ...CXR_TRIAGE, fdaProductCode: 'ZZZ' }));
    expect(unknown.findings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'fda_product_code_unknown', fields: ['fdaProductCode'], framework: 'us-fda' })]));
    expect(unknown.results.find((x) => x.framework === 'us-fda')!.pathway).toBe('510k');

    const other = classify(testRegistry(), us({ ...CXR_TRIAGE, fdaProductCode: 'PIB' }));
    expect(other.findings.map((f) => f.code)).toContain('fda_product_code_mismatch');
  });

  test('a declared predicate of another device type is a finding; one of the fitting type confirms it', () => {
    const wrong = classify(testRegistry(), us({ ...CXR_TRIAGE, fdaPredicate: 'DEN180001' }));
    expect(wrong.findings.map((f) => f.code)).toContain('fda_predicate_mismatch');
    const right = classify(testRegistry(), us({ ...CXR_TRIAGE, fdaPredicate: 'k183182' }));
    const r = right.results.find((x) => x.framework === 'us-fda')!;
    expect(r.deviceTypes!.predicate).toBe('fits');
    expect(r.pathway).toBe('510k');
    expect(right.findings.map((f) => f.code)).not.toContain('fda_predicate_mismatch');
    const unlisted = classify(testRegistry(), us({ ...CXR_TRIAGE, fdaPredicate: 'K999999' }));
    expect(unlisted.findings.map((f) => f.code)).toContain('fda_predicate_unlisted');
  });

  test('no device types are shown for a function that is not a device', () => {
    const r = fda(us({ medicalPurpose: 'administrative', significance: undefined, situations: undefined, intendedUsers: ['administrator'], inputs: ['ehr_structured'] }));
    expect(r.class).toBe('not_device');
    expect(r.deviceTypes).toBeUndefined();
  });

  test('the compiled match gives the same answer through json-rules-engine', async () => {
    for (const p of [CXR_TRIAGE, us({ ...CXR_TRIAGE, fdaProductCode: 'ZZZ', fdaPredicate: 'DEN170073' })]) {
      const reg = testRegistry();
      expect(await classifyReference(reg, p)).toEqual(classify(reg, p));
    }
  });

  test('us-fda@1.0.0 still answers as before (no device types, De Novo without a predicate)', () => {
    const reg = testRegistry();
    const old = reg.byRuleset.get('us-fda@1.0.0')!;
    const r = classify(reg, CXR_TRIAGE, [old]).results[0];
    expect(r).toMatchObject({ ruleset: 'us-fda@1.0.0', class: 'II', pathway: 'de_novo' });
    expect(r.deviceTypes).toBeUndefined();
  });
});

describe('the catalogue is validated at start-up and rendered like the rest of a result', () => {
  const { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } = require('node:fs') as typeof import('node:fs');
  const { tmpdir } = require('node:os') as typeof import('node:os');
  const { join } = require('node:path') as typeof import('node:path');
  const { RULES_DIR } = require('../helpers/app') as typeof import('../helpers/app');
  const { loadRegistry, RuleLoadError } = require('../../src/rulesets/registry') as typeof import('../../src/rulesets/registry');

  const withEdit = (file: string, edit: (json: any) => void): string => {
    const dir = mkdtempSync(join(tmpdir(), 'medai-fdt-'));
    cpSync(RULES_DIR, dir, { recursive: true });
    const json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    edit(json);
    writeFileSync(join(dir, file), JSON.stringify(json));
    return dir;
  };

  test.each<[string, string, (j: any) => void, RegExp]>([
    ['a schema violation', 'fda-device-types/1.0.0.json', (j) => { j.deviceTypes[3].productCode = 'qfm'; }, /fda-device-types\/1\.0\.0\.json at \/deviceTypes\/3\/productCode: must match pattern/],
    ['an unknown regulation', 'fda-device-types/1.0.0.json', (j) => { j.deviceTypes[0].regulation = '892.9999'; }, /fda-device-types\/1\.0\.0\.json at \/deviceTypes\/0\/regulation: regulation 892\.9999 is not in \/regulations/],
    ['a duplicate product code', 'fda-device-types/1.0.0.json', (j) => { j.deviceTypes[1].productCode = j.deviceTypes[0].productCode; }, /\/deviceTypes\/1\/productCode: duplicate product code/],
    ['an unknown fact', 'fda-device-types/1.0.0.json', (j) => { j.deviceTypes[0].selects = { all: [{ fact: 'colour', operator: 'equal', value: 'red' }] }; }, /at \/deviceTypes: rule "QAS": unknown fact "colour"/],
    ['a pack naming a missing catalogue', 'us-fda/1.2.0.json', (j) => { j.deviceTypes = 'fda-device-types@9.0.0'; }, /us-fda\/1\.2\.0\.json at \/deviceTypes: fda-device-types@9\.0\.0 is not in rules\/fda-device-types/],
  ])('%s stops loading, naming file and path', (_what, file, edit, message) => {
    const dir = withEdit(file, edit);
    try {
      expect(() => loadRegistry(dir)).toThrow(RuleLoadError);
      expect(() => loadRegistry(dir)).toThrow(message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('types of different classes fitting at once: requires review with the candidates (a catalogue where 892.2070 were class III)', () => {
    const dir = withEdit('fda-device-types/1.1.0.json', (j) => { j.regulations['892.2070'].deviceClass = 'III'; });
    try {
      const reg = loadRegistry(dir, '2026-12-03');
      const r = classify(reg, us({ intendedPurpose: 'Marks regions of interest on images to help the clinician find abnormalities.', medicalPurpose: 'diagnosis', significance: 'drive', intendedUsers: ['specialist_physician'], autonomy: 'assistive', inputs: ['medical_image'] }))
        .results.find((x) => x.framework === 'us-fda')!;
      expect(r).toMatchObject({ disposition: 'requires_review', class: null, pathway: null, missing: ['fdaProductCode'] });
      expect(r.reasons.map((x) => x.rule)).toContain('fda.review.device_types_differ');
      expect(new Set(r.deviceTypes!.matches.map((m) => m.deviceClass))).toEqual(new Set(['II', 'III']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the result with its device types renders to exactly the JSON of the localized result, in both languages', () => {
    const { renderClassification } = require('../../src/classification/render') as typeof import('../../src/classification/render');
    const { localizeClassification } = require('../../src/classification/localize') as typeof import('../../src/classification/localize');
    const reg = testRegistry();
    const record = classify(reg, us({ ...CXR_TRIAGE, fdaProductCode: 'ZZZ' }));
    for (const lang of ['en', 'ru'] as const) {
      const json = JSON.stringify(localizeClassification(record, reg, lang));
      expect(json).toContain('"deviceTypes":{"catalogue":"fda-device-types@1.1.0"');
      expect(json).toContain('"id":"E28"');
      expect(renderClassification(record, reg, lang).toString('utf8')).toBe(json);
    }
  });
});
