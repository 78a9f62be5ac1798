import { classify } from '../../src/classification/classify';
import { localizeClassification } from '../../src/classification/localize';
import { canonicalHash } from '../../src/platform/canonical';
import { expectContract, openTestApp, testRegistry, type TestApp } from '../helpers/app';
import { databaseKind } from '../helpers/db';
import { profile } from '../helpers/profiles';
import { seedWorld, type World } from '../helpers/world';
import type { InjectOptions } from 'fastify';
import type { Profile } from '../../src/classification/profile';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await openTestApp();
  w = await seedWorld(t.app, t.testDb.db);
});
afterAll(async () => t.close());

/** Requests as vendor A's API key (systems belong to vendors; scoping is tested in test/certification). */
const inject = (o: InjectOptions) => t.app.inject({ ...o, headers: { ...w.vendorKey.headers, ...(o.headers as Record<string, string> | undefined) } });
const register = (p: unknown, lang = 'en') => inject({ method: 'POST', url: '/v1/systems', payload: p as object, headers: { 'accept-language': lang } });
const count = async (table: string) => Number((await t.testDb.db(table).count({ n: '*' }).first())!.n);

describe(`systems on ${databaseKind}`, () => {
  test('registering stores the first version, classified with pinned rule packs; reading it back shows the same result', async () => {
    const p = profile({ significance: 'treat_or_diagnose', situations: ['critical'] });
    const res = await register(p);
    expect(res.statusCode).toBe(201);
    expectContract('registerSystem', res);
    const created = res.json();
    expect(res.headers.location).toBe(`/v1/systems/${created.id}`);
    expect(created).toMatchObject({ name: p.name, manufacturer: p.manufacturer.name, currentVersion: 1 });
    expect(created.current).toMatchObject({ number: 1, profile: p, changeAssessment: null });
    const expected = JSON.parse(JSON.stringify(localizeClassification(classify(testRegistry(), p), testRegistry(), 'en')));
    const { counterfactuals: stored, ...rest } = created.current.classification;
    expect(rest).toEqual(expected);
    // Stored versions keep their counterfactuals for reviewers.
    expect(stored.length).toBeGreaterThan(0);

    const got = await inject({ method: 'GET', url: `/v1/systems/${created.id}` });
    expect(got.statusCode).toBe(200);
    expectContract('getSystem', got);
    expect(got.json()).toEqual(created);

    // Every pack the classification names is pinned in the database, by hash, with its content.
    for (const r of created.current.classification.results) {
      const row = await t.testDb.db('rulesets').where({ hash: r.rulesetHash }).first();
      expect(row.ruleset).toBe(r.ruleset);
      const content = typeof row.content === 'string' ? JSON.parse(row.content) : row.content;
      expect(canonicalHash(content)).toBe(r.rulesetHash);
    }
  });

  test('the stored result is shown in the language asked for', async () => {
    const created = (await register(profile(), 'ru')).json();
    expect(created.current.classification.language).toBe('ru');
    const en = (await inject({ method: 'GET', url: `/v1/systems/${created.id}`, headers: { 'accept-language': 'en' } })).json();
    expect(en.current.classification.language).toBe('en');
    expect(en.current.classification.results.map((r: { class: string }) => r.class)).toEqual(created.current.classification.results.map((r: { class: string }) => r.class));
  });

  test('a new version is reclassified with a change assessment per framework', async () => {
    const v1 = profile({ significance: 'inform', situations: ['serious'], autonomy: 'advisory', reviewableBasis: true });
    const created = (await register(v1)).json();
    // Same purpose, now drives clinical management: classes move.
    const v2: Profile = { ...v1, version: '2.0.0', significance: 'drive' };
    const res = await inject({ method: 'POST', url: `/v1/systems/${created.id}/versions`, payload: v2 });
    expect(res.statusCode).toBe(201);
    expectContract('addSystemVersion', res);
    expect(res.headers.location).toBe(`/v1/systems/${created.id}/versions/2`);
    const version = res.json();
    expect(version.number).toBe(2);
    const ca = version.changeAssessment;
    expect(ca).toMatchObject({ fromVersion: 1, toVersion: 2, material: true, changedFields: ['significance', 'version'], materialFields: [] });
    const ru = ca.frameworks.find((f: { framework: string }) => f.framework === 'ru-differentiated');
    expect(ru).toEqual({ framework: 'ru-differentiated', before: '1', after: '2a', classChanged: true, material: true });
    const current = ca.frameworks.find((f: { framework: string }) => f.framework === 'ru-current');
    expect(current).toEqual({ framework: 'ru-current', before: '3', after: '3', classChanged: false, material: false });

    const system = (await inject({ method: 'GET', url: `/v1/systems/${created.id}` })).json();
    expect(system.currentVersion).toBe(2);
    const first = await inject({ method: 'GET', url: `/v1/systems/${created.id}/versions/1` });
    expectContract('getSystemVersion', first);
    expect(first.json()).toEqual(created.current);
  });

  test('a change of users, autonomy, inputs, learning mode or purpose is material even when no class moves', async () => {
    const v1 = profile({ significance: 'treat_or_diagnose', situations: ['critical'], modelType: 'deep_learning' });
    const created = (await register(v1)).json();
    const v2 = { ...v1, inputs: ['ehr_structured', 'clinical_text'], intendedPurpose: v1.intendedPurpose + ' Now also reads notes.' };
    const ca = (await inject({ method: 'POST', url: `/v1/systems/${created.id}/versions`, payload: v2 })).json().changeAssessment;
    expect(ca.material).toBe(true);
    expect(ca.materialFields).toEqual(['inputs', 'intendedPurpose']);
    expect(ca.frameworks.every((f: { classChanged: boolean; material: boolean }) => !f.classChanged && f.material)).toBe(true);
    // Reordering a set is no change at all.
    const v3 = { ...v2, inputs: ['clinical_text', 'ehr_structured'] };
    const ca3 = (await inject({ method: 'POST', url: `/v1/systems/${created.id}/versions`, payload: v3 })).json().changeAssessment;
    expect(ca3).toMatchObject({ material: false, changedFields: [], materialFields: [] });
  });

  test('list: newest first, cursor pagination, filter by framework and class', async () => {
    const base = await count('systems');
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const sig = i % 2 === 0 ? 'treat_or_diagnose' : 'inform';
      made.push((await register(profile({ name: `Listed ${i}`, significance: sig as Profile['significance'], situations: ['critical'], autonomy: 'triage_notification' }))).json().id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { statusCode: number; json: () => any } & Parameters<typeof expectContract>[1] = await inject({ method: 'GET', url: `/v1/systems?limit=2${cursor ? `&cursor=${cursor}` : ''}` });
      expect(res.statusCode).toBe(200);
      expectContract('listSystems', res);
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = res.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((s: { id: string }) => s.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(base + 5);
    expect(seen.slice(0, 5)).toEqual([...made].reverse());

    const filtered = (await inject({ method: 'GET', url: '/v1/systems?framework=ru-differentiated&class=3&limit=200' })).json();
    const ids = filtered.items.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining([made[0], made[2], made[4]]));
    expect(ids).not.toContain(made[1]);
    for (const s of filtered.items) {
      expect(s.classes.find((c: { framework: string }) => c.framework === 'ru-differentiated').class).toBe('3');
    }
    const byClass = (await inject({ method: 'GET', url: '/v1/systems?class=IV&limit=200' })).json();
    expect(byClass.items.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining([made[0], made[2], made[4]]));
  });

  test('unknown ids → 404, malformed ids and cursors → 400, bad bodies change nothing', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const url of [`/v1/systems/${missing}`, `/v1/systems/${missing}/versions/1`]) {
      const res = await inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    expect((await inject({ method: 'POST', url: `/v1/systems/${missing}/versions`, payload: profile() })).statusCode).toBe(404);
    const bad = await inject({ method: 'GET', url: '/v1/systems/not-a-uuid' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ in: 'params', field: '/id' });
    expect((await inject({ method: 'GET', url: '/v1/systems?cursor=bogus' })).json().errors[0]).toMatchObject({ field: '/cursor' });
    expect((await inject({ method: 'GET', url: '/v1/systems?limit=0' })).statusCode).toBe(400);

    const before = [await count('systems'), await count('system_versions')];
    expect((await register({ ...profile(), medicalPurpose: 'astrology' })).statusCode).toBe(400);
    const created = (await register(profile())).json();
    const v = await inject({ method: 'POST', url: `/v1/systems/${created.id}/versions`, payload: { ...profile(), unknown: 1 } });
    expect(v.statusCode).toBe(400);
    expect([await count('systems'), await count('system_versions')]).toEqual([before[0] + 1, before[1] + 1]);
    expect((await inject({ method: 'GET', url: `/v1/systems/${created.id}/versions/2` })).statusCode).toBe(404);
  });

  test('a write that fails half-way leaves nothing behind', async () => {
    const db = t.testDb.db;
    const before = [await count('systems'), await count('system_versions'), await count('system_classes')];
    // Make the last insert of the transaction fail, behind the service's back.
    await db.raw("alter table system_classes add constraint no_imdrf check (framework <> 'imdrf-samd') not valid");
    try {
      const res = await register(profile());
      expect(res.statusCode).toBe(500);
      expect(res.json().detail).not.toMatch(/no_imdrf|constraint/);
      expect([await count('systems'), await count('system_versions'), await count('system_classes')]).toEqual(before);

      const created = await db('systems').first();
      const current = created.current_version;
      const failed = await inject({ method: 'POST', url: `/v1/systems/${created.id}/versions`, payload: profile() });
      expect(failed.statusCode).toBe(500);
      expect((await db('systems').where({ id: created.id }).first()).current_version).toBe(current);
      expect([await count('systems'), await count('system_versions'), await count('system_classes')]).toEqual(before);
    } finally {
      await db.raw('alter table system_classes drop constraint no_imdrf');
    }
  });

  test('concurrent versions of one system get distinct numbers', async () => {
    const created = (await register(profile())).json();
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => inject({ method: 'POST', url: `/v1/systems/${created.id}/versions`, payload: profile({ version: `v${i}` }) })));
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(results.map((r) => r.json().number).sort()).toEqual([2, 3, 4, 5, 6]);
    expect((await inject({ method: 'GET', url: `/v1/systems/${created.id}` })).json().currentVersion).toBe(6);
  });
});
