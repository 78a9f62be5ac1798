import { connect } from 'node:net';
import { openTestApp, type TestApp } from '../helpers/app';
import { databaseKind } from '../helpers/db';
import { profile } from '../helpers/profiles';
import { seedWorld, type World } from '../helpers/world';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await openTestApp();
  w = await seedWorld(t.app, t.testDb.db);
});
afterAll(async () => t.close());

type Res = { statusCode: number; headers: Record<string, unknown>; body: string; json: () => any };
/** A 4xx problem+json answer; returns the problem. */
function problem(res: Res, status: number) {
  expect({ status: res.statusCode, body: res.body.slice(0, 300) }).toEqual({ status, body: expect.any(String) });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const p = res.json();
  expect(p).toMatchObject({ status, type: expect.stringMatching(/^https:\/\//), title: expect.any(String) });
  return p;
}

const count = async (table: string) => Number((await t.testDb.db(table).count({ n: '*' }).first())!.n);
const NUL = '\u0000';
const LONE_HIGH = '\ud800';
const LONE_LOW = 'x\udc00y';

describe(`hostile text is refused with a 400 naming the field, on ${databaseKind}`, () => {
  test.each([
    ['NUL in the email', { email: `a${NUL}@example.org`, password: 'whatever it is' }, '/email'],
    ['a lone surrogate in the password', { email: 'a@example.org', password: `pass${LONE_HIGH}word` }, '/password'],
  ])('the unauthenticated login: %s', async (_label, payload, field) => {
    const before = await count('audit_log');
    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload });
    const p = problem(res, 400);
    expect(p.errors).toEqual([{ in: 'body', field, message: 'must not contain NUL or unpaired surrogate characters' }]);
    expect(await count('audit_log')).toBe(before);
  });

  test.each([
    ['/name', { name: `Sys${NUL}tem` }],
    ['/intendedPurpose', { intendedPurpose: `A purpose long enough to pass ${LONE_LOW} the other checks.` }],
    ['/manufacturer/name', { manufacturer: { name: LONE_HIGH, country: 'DE' } }],
  ])('a stored text field (%s) of a new system', async (field, change) => {
    const before = await count('systems');
    const res = await t.app.inject({ method: 'POST', url: '/v1/systems', headers: w.vendorKey.headers, payload: profile(change as never) });
    expect(problem(res, 400).errors).toContainEqual({ in: 'body', field, message: 'must not contain NUL or unpaired surrogate characters' });
    expect(await count('systems')).toBe(before);
  });

  test('a member name with NUL in a body is named too (U+FFFD shown in its place)', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/classifications', payload: { ...profile(), [`x${NUL}`]: 1 } });
    expect(problem(res, 400).errors[0]).toMatchObject({ in: 'body', field: '/x\uFFFD' });
  });

  test('the public classification and a path parameter', async () => {
    expect(problem(await t.app.inject({ method: 'POST', url: '/v1/classifications', payload: profile({ name: NUL }) }), 400).errors[0].field).toBe('/name');
    problem(await t.app.inject({ method: 'GET', url: '/v1/certificates/MR-2026-%00' }), 400);
    problem(await t.app.inject({ method: 'GET', url: '/v1/rulesets/%00' }), 400);
  });

  test.each([
    ['%00 in a value', '/v1/systems?framework=%00', 'framework'],
    ['a lone surrogate encoded in UTF-8', '/v1/applications?assignee=%ED%A0%80', 'assignee'],
    ['a truncated escape', '/v1/systems?cursor=%E0%A4%A', 'cursor'],
    ['a bare %', '/v1/registry?q=100%', 'q'],
    ['a non-hex escape in a name', '/v1/systems?%zz=1', '%zz'],
    ['%00 on a public route', '/v1/rulesets?x=%00', 'x'],
  ])('a query with %s is 400 naming the parameter', async (_label, url, field) => {
    const res = await t.app.inject({ method: 'GET', url, headers: w.admin.headers });
    expect(problem(res, 400).errors).toEqual([{ in: 'query', field, message: expect.any(String) }]);
  });
});

describe('multipart bodies that cannot be read are 400', () => {
  let uploadUrl = '';
  beforeAll(async () => {
    const sys = await t.app.inject({ method: 'POST', url: '/v1/systems', headers: w.vendorKey.headers, payload: profile({ name: 'Multipart target' }) });
    const a = await t.app.inject({ method: 'POST', url: '/v1/applications', headers: w.vendorKey.headers, payload: { systemId: sys.json().id, centreId: w.centre } });
    uploadUrl = `/v1/applications/${a.json().id}/evidence/${a.json().evidence[0].evidenceId}/documents`;
  });
  const send = (contentType: string, body: string) => t.app.inject({ method: 'POST', url: uploadUrl, headers: { ...w.vendorKey.headers, 'content-type': contentType }, payload: Buffer.from(body) });

  test.each([
    ['no boundary', 'multipart/form-data', '--x\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4\r\n--x--\r\n'],
    ['an empty boundary', 'multipart/form-data; boundary=', '--\r\n\r\n'],
    ['a body cut off before its closing boundary', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 trunc'],
    ['a body cut off inside the part headers', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-da'],
    ['no parts at all', 'multipart/form-data; boundary=x', '--x--\r\n'],
    ['garbage', 'multipart/form-data; boundary=x', '\u0000\u0001 not multipart at all'],
  ])('%s', async (_label, type, body) => {
    const before = await count('documents');
    const res = await send(type, body);
    expect([400, 413, 415]).toContain(res.statusCode);
    problem(res, res.statusCode);
    expect(await count('documents')).toBe(before);
  });
});

describe('every error of the router and the HTTP layer is problem+json, in the caller\'s language', () => {
  test('an unknown route is 404, in English and in Russian', async () => {
    const en = problem(await t.app.inject({ method: 'GET', url: '/v1/nothing-here' }), 404);
    expect(en.title).toBe('Not found');
    const res = await t.app.inject({ method: 'GET', url: '/v1/nothing-here', headers: { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.5' } });
    const ru = problem(res, 404);
    expect(ru.title).toBe('Не найдено');
    expect(ru.detail).toContain('Нет маршрута');
    expect(res.headers['content-language']).toBe('ru');
  });

  test('a known path with another method is 405 naming the allowed ones', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: '/v1/systems', headers: w.admin.headers });
    const p = problem(res, 405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
    expect(p.detail).toContain('GET, HEAD, POST');
    expect(problem(await t.app.inject({ method: 'PUT', url: '/v1/classifications', headers: { 'accept-language': 'ru' } }), 405).title).toBe('Метод не разрешён');
  });

  test('a path that is not valid percent-encoding is 400', async () => {
    for (const url of ['/v1/systems/%E0%A4%A', '/v1/systems/%', '/v1/certificates/%ff']) {
      problem(await t.app.inject({ method: 'GET', url, headers: w.admin.headers }), 400);
    }
    expect(problem(await t.app.inject({ method: 'GET', url: '/v1/systems/%zz', headers: { ...w.admin.headers, 'accept-language': 'ru' } }), 400).title).toMatch(/[А-Яа-я]/);
  });

  test('bad JSON, an empty body, another content type and a body over the limit', async () => {
    const ru = { 'accept-language': 'ru', 'content-type': 'application/json' };
    expect(problem(await t.app.inject({ method: 'POST', url: '/v1/classifications', headers: ru, payload: '{"name":' }), 400).title).toBe('Некорректный JSON');
    problem(await t.app.inject({ method: 'POST', url: '/v1/classifications', headers: { 'content-type': 'application/json' }, payload: '' }), 400);
    expect(problem(await t.app.inject({ method: 'POST', url: '/v1/classifications', headers: { 'content-type': 'text/xml', 'accept-language': 'ru' }, payload: '<a/>' }), 415).title).toBe('Неподдерживаемый тип содержимого');
    problem(await t.app.inject({ method: 'POST', url: '/v1/classifications', headers: { 'content-type': 'application/json' }, payload: `{"name":"${'x'.repeat(2 * 1024 * 1024)}"}` }), 413);
  });

  test('a request the HTTP parser refuses (NUL in a header) is answered with problem+json on the socket', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as { port: number }).port;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Evil: a${NUL}b\r\n\r\n`));
      let data = '';
      socket.on('data', (d) => { data += String(d); });
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toMatch(/Content-Type: application\/problem\+json/i);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({ status: 400, type: expect.stringContaining('bad-request') });
    expect(body.detail).toMatch(/[А-Яа-я]/);
  });
});
