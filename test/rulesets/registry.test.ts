import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRegistry, RuleLoadError } from '../../src/rulesets/registry';
import { canonicalHash } from '../../src/platform/canonical';
import { RULES_DIR, openTestApp, expectContract, type TestApp } from '../helpers/app';
import { openTestDb } from '../helpers/db';
import { checkPinnedPacks } from '../../src/rulesets/store';
import { classify } from '../../src/classification/classify';
import { profile } from '../helpers/profiles';

/** A copy of the real rules with one file changed by `edit`. */
function withEdit(file: string, edit: (json: any) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'medai-rules-'));
  cpSync(RULES_DIR, dir, { recursive: true });
  const path = join(dir, file);
  const json = JSON.parse(readFileSync(path, 'utf8'));
  edit(json);
  writeFileSync(path, JSON.stringify(json));
  return dir;
}

describe('rule packs are validated at start-up', () => {
  test('the shipped packs and catalogue load; hashes are of the canonical pack', () => {
    const r = loadRegistry(RULES_DIR);
    expect(r.active.map((p) => p.id)).toEqual(expect.arrayContaining(['ru-differentiated', 'ru-current', 'imdrf-samd']));
    for (const p of r.packs) {
      const raw = JSON.parse(readFileSync(join(RULES_DIR, p.id, `${p.version}.json`), 'utf8'));
      expect(p.hash).toBe(canonicalHash(raw));
      expect(p.ruleset).toBe(`${p.id}@${p.version}`);
    }
    expect(r.catalogue.items.map((i) => i.id)).toEqual(Array.from({ length: 28 }, (_, i) => `E${String(i + 1).padStart(2, '0')}`));
  });

  test.each<[string, string, (j: any) => void, RegExp]>([
    ['an unknown class', 'imdrf-samd/1.0.0.json', (j) => { j.rules.find((r: any) => r.event.type === 'class').event.params.class = 'V'; }, /imdrf-samd\/1\.0\.0\.json at \/rules\/\d+\/event\/params\/class: unknown class "V"/],
    ['a schema violation', 'ru-current/1.0.0.json', (j) => { j.rules[0].event.params.source.status = 'certain'; }, /ru-current\/1\.0\.0\.json at \/rules\/0\/event\/params\/source\/status: must be equal to one of the allowed values/],
    ['an unknown fact', 'ru-differentiated/1.0.0.json', (j) => { j.rules[0].conditions = { all: [{ fact: 'colour', operator: 'equal', value: 'red' }] }; }, /ru-differentiated\/1\.0\.0\.json at \/rules: rule "ru-diff\.qualification\.purpose": unknown fact "colour"/],
    ['an evidence id outside the catalogue', 'imdrf-samd/1.0.0.json', (j) => { j.consequences[0].event.params.evidence.push('E99'); }, /imdrf-samd\/1\.0\.0\.json at \/consequences\/0\/event\/params\/evidence\/\d+: evidence "E99" is not in the catalogue/],
    ['a duplicate rule name', 'imdrf-samd/1.0.0.json', (j) => { j.rules[1].name = j.rules[0].name; j.rules[1].event.params.rule = j.rules[0].name; }, /duplicate rule name/],
    ['an unknown shared condition', 'imdrf-samd/1.0.0.json', (j) => { j.rules[0].conditions = { condition: 'nowhere' }; }, /unknown shared condition "nowhere"/],
    ['a bad catalogue entry', 'evidence/catalogue.json', (j) => { delete j.items[3].title.ru; }, /catalogue\.json at \/items\/3\/title: must have required property 'ru'/],
    ['a version that does not match the file name', 'imdrf-samd/1.0.0.json', (j) => { j.version = '1.0.1'; j.changelog[0].version = '1.0.1'; }, /\/version: must equal the file name "1\.0\.0\.json"/],
  ])('%s stops loading with a message naming file and path', (_what, file, edit, message) => {
    const dir = withEdit(file, edit);
    try {
      expect(() => loadRegistry(dir)).toThrow(RuleLoadError);
      expect(() => loadRegistry(dir)).toThrow(message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('malformed JSON names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'medai-rules-'));
    cpSync(RULES_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'imdrf-samd', '1.0.0.json'), '{ "id": ');
    expect(() => loadRegistry(dir)).toThrow(/imdrf-samd\/1\.0\.0\.json: not valid JSON/);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a newer version becomes active only from its effective date', () => {
    const dir = withEdit('imdrf-samd/1.0.0.json', () => {});
    const next = JSON.parse(readFileSync(join(dir, 'imdrf-samd', '1.0.0.json'), 'utf8'));
    next.version = '1.1.0';
    next.effectiveDate = '2030-01-01';
    next.changelog.unshift({ version: '1.1.0', date: '2030-01-01', changes: { en: 'Future.', ru: 'Будущее.' } });
    writeFileSync(join(dir, 'imdrf-samd', '1.1.0.json'), JSON.stringify(next));
    expect(loadRegistry(dir, '2026-11-23').active.find((p) => p.id === 'imdrf-samd')!.version).toBe('1.0.0');
    expect(loadRegistry(dir, '2030-01-01').active.find((p) => p.id === 'imdrf-samd')!.version).toBe('1.1.0');
    // One loaded registry follows the date: no restart needed on the effective date.
    const running = loadRegistry(dir);
    expect(running.activeOn('2029-12-31').active.find((p) => p.id === 'imdrf-samd')!.version).toBe('1.0.0');
    expect(running.activeOn('2030-01-01').active.find((p) => p.id === 'imdrf-samd')!.version).toBe('1.1.0');
    jest.useFakeTimers({ now: new Date('2030-01-01T00:00:01Z'), doNotFake: ['nextTick', 'setImmediate'] });
    try {
      expect(running.active.find((p) => p.id === 'imdrf-samd')!.version).toBe('1.1.0');
      const p = classify(running, profile({ significance: 'drive', situations: ['critical'] }));
      expect(p.results.find((r) => r.framework === 'imdrf-samd')!.ruleset).toBe('imdrf-samd@1.1.0');
    } finally {
      jest.useRealTimers();
    }
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('GET /v1/rulesets and /v1/evidence', () => {
  let t: TestApp;
  beforeAll(async () => { t = await openTestApp(); });
  afterAll(async () => t.close());

  test('lists the packs with hashes; one pack with metadata, changelog and its content', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/v1/rulesets', headers: { 'accept-language': 'ru' } });
    expectContract('listRulesets', list);
    const items = list.json().items;
    const imdrf = items.find((i: { id: string }) => i.id === 'imdrf-samd');
    expect(imdrf).toMatchObject({ ruleset: 'imdrf-samd@1.1.0', active: true, classes: ['not_samd', 'I', 'II', 'III', 'IV'] });
    expect(imdrf.title).toMatch(/[а-я]/);

    const one = await t.app.inject({ method: 'GET', url: '/v1/rulesets/ru-differentiated' });
    expectContract('getRuleset', one);
    const body = one.json();
    expect(body.hash).toBe(canonicalHash(body.pack));
    expect(body.sources.some((s: { status: string }) => s.status === 'proposal')).toBe(true);
    expect(body.changelog[0].version).toBe('1.0.0');
    expect(body.version).toBe('1.0.1');
    // The first version keeps answering with its own content (stored classifications replay on it).
    const first = (await t.app.inject({ method: 'GET', url: '/v1/rulesets/ru-differentiated?version=1.0.0' })).json();
    expect(first.hash).toBe(canonicalHash(first.pack));
    expect(first.hash).not.toBe(body.hash);
  });

  test('unknown packs and versions → 404; malformed ids → 400', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/v1/rulesets/nope' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/v1/rulesets/imdrf-samd?version=9.9.9' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/v1/rulesets/imdrf-samd?version=latest' })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/v1/rulesets/Bad_Id' })).statusCode).toBe(400);
  });

  test('the evidence catalogue in both languages', async () => {
    const en = await t.app.inject({ method: 'GET', url: '/v1/evidence' });
    expectContract('listEvidence', en);
    const ru = (await t.app.inject({ method: 'GET', url: '/v1/evidence', headers: { 'accept-language': 'ru' } })).json();
    expect(en.json().items).toHaveLength(28);
    expect(ru.items[9].title).toMatch(/[а-я]/);
    expect(ru.items[9].acceptanceCriteria.length).toBe(en.json().items[9].acceptanceCriteria.length);
  });
});

describe('pinned packs', () => {
  test('a pack changed without a new version refuses to start against a database that pinned the old content', async () => {
    const db = await openTestDb();
    try {
      const registry = loadRegistry(RULES_DIR);
      await checkPinnedPacks(db.db, registry.packs);
      const imdrf = registry.packs.find((p) => p.ruleset === 'imdrf-samd@1.0.0')!;
      await db.db('rulesets').insert({ hash: 'sha256:' + '0'.repeat(64), ruleset: imdrf.ruleset, framework: imdrf.id, version: imdrf.version, content: JSON.stringify({}) });
      await expect(checkPinnedPacks(db.db, registry.packs)).rejects.toThrow(/imdrf-samd\/1\.0\.0\.json at \/version: imdrf-samd@1\.0\.0 was pinned .* a changed pack needs a new version/);
    } finally {
      await db.close();
    }
  });
});
