import fc from 'fast-check';
import { classify } from '../../src/classification/classify';
import { localizeClassification } from '../../src/classification/localize';
import { buildApp } from '../../src/app';
import type { Profile } from '../../src/classification/profile';
import { expectContract, openTestApp, testConfig, testRegistry, type TestApp } from '../helpers/app';
import { openTestDb } from '../helpers/db';
import { profileArb } from '../helpers/arbitraries';
import { profile } from '../helpers/profiles';

let t: TestApp;
beforeAll(async () => { t = await openTestApp(); });
afterAll(async () => t.close());

const post = (body: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/v1/classifications', payload: body as object, headers });

describe('POST /v1/classifications', () => {
  test('classifies a profile: every selected framework, evidence with requiredBy, contract-valid', async () => {
    const res = await post(profile({ significance: 'treat_or_diagnose', situations: ['critical'] }));
    expect(res.statusCode).toBe(200);
    expectContract('classifyProfile', res);
    const body = res.json();
    expect(body.language).toBe('en');
    expect(body.results.map((r: { framework: string }) => r.framework)).toEqual(expect.arrayContaining(['ru-differentiated', 'ru-current', 'imdrf-samd']));
    const imdrf = body.results.find((r: { framework: string }) => r.framework === 'imdrf-samd');
    expect(imdrf).toMatchObject({ class: 'IV', disposition: 'determined', ruleset: 'imdrf-samd@1.1.0' });
    expect(imdrf.rulesetHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(body.evidence.find((e: { id: string }) => e.id === 'E01').requiredBy).toEqual(expect.arrayContaining(['imdrf-samd', 'ru-differentiated']));
  });

  test('speaks Russian when asked (Accept-Language), English by default', async () => {
    const p = profile({ significance: 'treat_or_diagnose', situations: ['critical'] });
    const ru = (await post(p, { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.8' })).json();
    const en = (await post(p, { 'accept-language': 'de, en;q=0.5' })).json();
    expect(ru.language).toBe('ru');
    expect(en.language).toBe('en');
    const reasonRu = ru.results[0].reasons[0].text as string;
    expect(reasonRu).toMatch(/[а-яё]/i);
    expect(en.results[0].reasons[0].text).toMatch(/^[\x20-\x7E«»–—’]+$/);
    expect(ru.evidence[0].title).toMatch(/[а-яё]/i);
    // Same decision in both languages.
    expect(ru.results.map((r: { class: string }) => r.class)).toEqual(en.results.map((r: { class: string }) => r.class));
  });

  test('the HTTP answer is the pure classification, localized: nothing else decides', async () => {
    for (const p of fc.sample(profileArb, { numRuns: 25, seed: 3 })) {
      const res = await post(p);
      expect(res.statusCode).toBe(200);
      expectContract('classifyProfile', res);
      expect(res.json()).toEqual(JSON.parse(JSON.stringify(localizeClassification(classify(testRegistry(), p), testRegistry(), 'en'))));
    }
  });

  test('stateless: nothing is stored', async () => {
    const tables = ['rulesets', 'systems', 'system_versions', 'system_classes'];
    const counts = async () => Promise.all(tables.map(async (name) => Number((await t.testDb.db(name).count({ n: '*' }).first())!.n)));
    const before = await counts();
    expect((await post(profile())).statusCode).toBe(200);
    expect((await post(profile(), {}).then(() => t.app.inject({ method: 'POST', url: '/v1/classifications?include=counterfactuals', payload: profile() }))).statusCode).toBe(200);
    expect(await counts()).toEqual(before);
  });

  test('hundreds of different profiles at once get the answers each gets alone', async () => {
    const profiles = fc.sample(profileArb, { numRuns: 200, seed: 11 });
    const alone: string[] = [];
    for (const p of profiles) alone.push((await post(p)).body);
    const together = await Promise.all(profiles.map((p) => post(p)));
    expect(together.map((r) => r.body)).toEqual(alone);
  });

  test('requests answered together: one that fails gets its own problem, the others their answers', async () => {
    // A classifier that breaks on one profile and hands the renderer a broken record for another,
    // and notes how many answers had gone out at each call: calls that saw the same count were
    // classified together, before any of them was answered.
    const answeredAtCall: number[] = [];
    let answered = 0;
    const registry = testRegistry();
    const classifier = {
      classify: async (p: Profile) => classify(registry, p),
      classifySync: (p: Profile) => {
        answeredAtCall.push(answered);
        if (p.name === 'classify breaks') throw new Error('classifier broke');
        const record = classify(registry, p);
        return p.name === 'render breaks' ? { ...record, results: null as never } : record;
      },
    };
    const testDb = await openTestDb();
    const app = await buildApp(testConfig(), { db: testDb.db, registry, classifier, logger: false });
    app.addHook('onResponse', (_req, _reply, done) => { answered++; done(); });
    try {
      const profiles = fc.sample(profileArb, { numRuns: 12, seed: 5 });
      profiles[4] = { ...profiles[4], name: 'classify breaks' };
      profiles[9] = { ...profiles[9], name: 'render breaks' };
      // Each alone, one after the other, from the app with the real classifier.
      const alone: string[] = [];
      for (const p of profiles) alone.push((await post(p)).body);
      answered = 0;
      answeredAtCall.length = 0;
      const together = await Promise.all(profiles.map((p, i) => app.inject({ method: 'POST', url: '/v1/classifications', payload: p as object, headers: { 'x-request-id': `req-${i}` } })));
      expect(answeredAtCall).toEqual(profiles.map(() => 0));
      together.forEach((res, i) => {
        expect(res.headers['x-client-request-id']).toBe(`req-${i}`);
        if (i === 4 || i === 9) {
          expect(res.statusCode).toBe(500);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.json()).toMatchObject({ status: 500, title: 'Internal error', requestId: res.headers['x-request-id'] });
          expect(res.body).not.toContain('broke');
        } else {
          expect(res.statusCode).toBe(200);
          expect(res.body).toBe(alone[i]);
        }
      });
    } finally {
      await app.close();
      await testDb.close();
    }
  });
});

describe('bad input: RFC 9457 problem+json naming what is wrong', () => {
  const problem = (res: { statusCode: number; headers: Record<string, unknown>; json: () => any }, status: number) => {
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body).toMatchObject({ status, type: expect.stringContaining('https://'), title: expect.any(String) });
    // Problems are part of the contract too.
    if (status !== 404) expectContract('classifyProfile', res as never);
    return body;
  };

  test('unknown fields are rejected by name', async () => {
    const body = problem(await post({ ...profile(), colour: 'blue', manufacturer: { name: 'x', country: 'RU', city: 'Kazan' } }), 400);
    expect(body.errors).toEqual(expect.arrayContaining([
      { in: 'body', field: '/colour', message: 'unknown field' },
      { in: 'body', field: '/manufacturer/city', message: 'unknown field' },
    ]));
  });

  test('each bad field is named: missing required, wrong enum, duplicates in a set, too short, bad country', async () => {
    const { medicalPurpose: _omit, ...rest } = profile();
    const bad = { ...rest, autonomy: 'full', situations: ['serious', 'serious'], intendedPurpose: 'short', manufacturer: { name: 'x', country: 'Russia' } };
    const body = problem(await post(bad), 400);
    const fields = body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['/medicalPurpose', '/autonomy', '/situations', '/intendedPurpose', '/manufacturer/country']));
    expect(body.errors.find((e: { field: string }) => e.field === '/autonomy').message).toContain('autonomous');
  });

  test('malformed JSON → 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/classifications', payload: '{"name": ', headers: { 'content-type': 'application/json' } });
    expect(problem(res, 400).title).toBe('Malformed JSON');
  });

  test('empty body → 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/classifications', payload: '', headers: { 'content-type': 'application/json' } });
    problem(res, 400);
  });

  test.each(['application/x-www-form-urlencoded', 'text/plain', 'application/xml', 'multipart/form-data; boundary=x'])('content type %s → 415', async (type) => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/classifications', payload: 'name=x', headers: { 'content-type': type } });
    problem(res, 415);
  });

  test('a bad query parameter is named as in: query', async () => {
    const body = problem(await t.app.inject({ method: 'POST', url: '/v1/classifications?include=everything', payload: profile() }), 400);
    expect(body.errors[0]).toMatchObject({ in: 'query', field: '/include' });
  });

  test('an x-request-id that is not a sane token is replaced, not echoed', async () => {
    const res = await post(profile(), { 'x-request-id': 'evil id\twith spaces'.padEnd(300, 'x') });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-client-request-id']).toBeUndefined();
  });

  test('Accept-Language q=0 means not acceptable', async () => {
    expect((await post(profile(), { 'accept-language': 'ru;q=0, en;q=0.5' })).json().language).toBe('en');
  });

  test('a body over 1 MiB → 413', async () => {
    const res = await post({ ...profile(), intendedPurpose: 'x'.repeat(1024 * 1024 + 10) });
    problem(res, 413);
  });

  test('an unknown route → 404 problem', async () => {
    problem(await t.app.inject({ method: 'GET', url: '/v1/nothing-here' }), 404);
  });

  test('the service\'s own request id comes back in the header and the problem; the caller\'s x-request-id is echoed apart', async () => {
    const res = await post({}, { 'x-request-id': 'req-abc-123' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-client-request-id']).toBe('req-abc-123');
    expect(problem(res, 400).requestId).toBe(res.headers['x-request-id']);
  });
});
