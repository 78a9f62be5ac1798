import type { LightMyRequestResponse } from 'fastify';
import { createIdentityService, trusted, type IdentityService } from '../../src/identity/service';
import { expectContract, openTestApp, testConfig, type TestApp } from '../helpers/app';
import { databaseKind } from '../helpers/db';

let t: TestApp;
let identity: IdentityService;
const cli = trusted({ type: 'cli', id: null, name: 'setup', organisationId: null });
const PASSWORD = 'a long enough password';
let ids: { vendor: string; other: string; centre: string; regulator: string };

beforeAll(async () => {
  t = await openTestApp();
  identity = createIdentityService({ db: t.testDb.db, config: testConfig() });
  const vendor = await identity.createOrganisation(cli, { name: 'Acme AI', kind: 'vendor' });
  const other = await identity.createOrganisation(cli, { name: 'Other Vendor', kind: 'vendor' });
  const centre = await identity.createOrganisation(cli, { name: 'Centre One', kind: 'certification_centre' });
  const regulator = await identity.createOrganisation(cli, { name: 'Regulator', kind: 'regulator' });
  ids = { vendor: vendor.id, other: other.id, centre: centre.id, regulator: regulator.id };
  await identity.createUser(cli, regulator.id, { email: 'admin@reg.example', name: 'Admin', role: 'admin', password: PASSWORD });
  await identity.createUser(cli, vendor.id, { email: 'dev@acme.example', name: 'Dev', role: 'vendor', password: PASSWORD });
  await identity.createUser(cli, centre.id, { email: 'rev@centre.example', name: 'Rev', role: 'reviewer', password: PASSWORD });
});
afterAll(async () => t.close());

type Req = { method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: object; headers?: Record<string, string> };
const call = (r: Req) => t.app.inject({ method: r.method ?? 'GET', url: r.url, payload: r.payload, headers: r.headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const cookieOf = (res: LightMyRequestResponse) => String(res.headers['set-cookie']);

async function loginAs(email: string): Promise<{ cookie: string; token: string }> {
  const res = await call({ method: 'POST', url: '/v1/auth/login', payload: { email, password: PASSWORD } });
  expect(res.statusCode).toBe(200);
  const token = /medai_session=([^;]+)/.exec(cookieOf(res))![1];
  return { cookie: `medai_session=${token}`, token };
}

function expectUnauthorized(res: LightMyRequestResponse) {
  expect(res.statusCode).toBe(401);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
}

describe(`identity API on ${databaseKind}`, () => {
  test('login sets an HttpOnly, SameSite=Strict session cookie; /me reads it; logout ends it and clears the cookie', async () => {
    const res = await call({ method: 'POST', url: '/v1/auth/login', payload: { email: 'Dev@Acme.example', password: PASSWORD } });
    expect(res.statusCode).toBe(200);
    expectContract('login', res);
    const setCookie = cookieOf(res);
    expect(setCookie).toMatch(/^medai_session=ms_[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200$/);
    expect(res.json()).toMatchObject({ principal: { kind: 'user', name: 'Dev', role: 'vendor', organisation: { id: ids.vendor, kind: 'vendor' }, language: 'en' } });
    expect(res.body).not.toContain('ms_');
    const cookie = setCookie.split(';')[0];

    const me = await call({ url: '/v1/auth/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expectContract('getMe', me);
    expect(me.json()).toEqual(res.json().principal);

    const out = await call({ method: 'POST', url: '/v1/auth/logout', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    expect(cookieOf(out)).toBe('medai_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0');
    const after = await call({ url: '/v1/auth/me', headers: { cookie } });
    expectUnauthorized(after);
    // The stale cookie is cleared; logging out again is 401 (and clears it too); logging in with it still works.
    expect(cookieOf(after)).toMatch(/Max-Age=0/);
    const again = await call({ method: 'POST', url: '/v1/auth/logout', headers: { cookie } });
    expectUnauthorized(again);
    expect(cookieOf(again)).toMatch(/Max-Age=0/);
    expect((await call({ method: 'POST', url: '/v1/auth/login', headers: { cookie }, payload: { email: 'dev@acme.example', password: PASSWORD } })).statusCode).toBe(200);
  });

  test('a wrong password and an unknown email get the same 401', async () => {
    const wrong = await call({ method: 'POST', url: '/v1/auth/login', payload: { email: 'dev@acme.example', password: 'not the password' } });
    const unknown = await call({ method: 'POST', url: '/v1/auth/login', payload: { email: 'who@acme.example', password: PASSWORD } });
    for (const r of [wrong, unknown]) {
      expectUnauthorized(r);
      expectContract('login', r);
      expect(r.headers['set-cookie']).toBeUndefined();
    }
    const strip = (r: LightMyRequestResponse) => ({ ...r.json(), requestId: undefined });
    expect(strip(wrong)).toEqual(strip(unknown));
  });

  test('too many failed logins: 429 problem+json with Retry-After, the right password included', async () => {
    await identity.createUser(cli, ids.vendor, { email: 'guessed@acme.example', name: 'Guessed', role: 'vendor', password: PASSWORD });
    const attempt = (password: string) => call({ method: 'POST', url: '/v1/auth/login', payload: { email: 'guessed@acme.example', password } });
    for (let i = 0; i < 5; i++) expect((await attempt(`guess number ${i}`)).statusCode).toBe(401);
    const res = await attempt(PASSWORD);
    expect(res.statusCode).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(890);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(900);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.json()).toMatchObject({ status: 429, title: 'Too many failed logins', type: expect.stringContaining('too-many-logins') });
    expectContract('login', res);
    // Other emails are not affected.
    expect((await call({ method: 'POST', url: '/v1/auth/login', payload: { email: 'rev@centre.example', password: PASSWORD } })).statusCode).toBe(200);
  });

  test('anonymous callers get 401 with WWW-Authenticate; bad credentials are 401 on any route', async () => {
    for (const url of ['/v1/auth/me', '/v1/organisations', `/v1/organisations/${ids.vendor}/users`, `/v1/organisations/${ids.vendor}/api-keys`]) {
      expectUnauthorized(await call({ url }));
    }
    expectUnauthorized(await call({ url: '/v1/evidence', headers: { 'x-api-key': 'mk_nonsense' } }));
    expectUnauthorized(await call({ url: '/v1/evidence', headers: { authorization: 'Basic dXNlcjpwYXNz' } }));
    expect((await call({ url: '/v1/evidence' })).statusCode).toBe(200);
  });

  test('the secure cookie flag follows COOKIE_SECURE', async () => {
    const secure = await openTestApp({ COOKIE_SECURE: true });
    try {
      await createIdentityService({ db: secure.testDb.db, config: testConfig() }).createOrganisation(cli, { name: 'S', kind: 'vendor' })
        .then((o) => createIdentityService({ db: secure.testDb.db, config: testConfig() }).createUser(cli, o.id, { email: 's@s.example', name: 'S', role: 'vendor', password: PASSWORD }));
      const res = await secure.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 's@s.example', password: PASSWORD } });
      expect(cookieOf(res)).toMatch(/; Secure$/);
      const out = await secure.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: { cookie: cookieOf(res).split(';')[0] } });
      expect(cookieOf(out)).toMatch(/Max-Age=0; Secure$/);
    } finally {
      await secure.close();
    }
  });

  test('language: users change theirs; API keys cannot', async () => {
    const { cookie } = await loginAs('rev@centre.example');
    const res = await call({ method: 'PATCH', url: '/v1/auth/me', headers: { cookie }, payload: { language: 'ru' } });
    expect(res.statusCode).toBe(200);
    expectContract('updateMe', res);
    expect(res.json().language).toBe('ru');
    expect((await call({ url: '/v1/auth/me', headers: { cookie } })).json().language).toBe('ru');
    const bad = await call({ method: 'PATCH', url: '/v1/auth/me', headers: { cookie }, payload: { language: 'de' } });
    expect(bad.statusCode).toBe(400);
  });

  test('organisations: admins see and create all; others see their own and every centre', async () => {
    const admin = await loginAs('admin@reg.example');
    const dev = await loginAs('dev@acme.example');
    let res = await call({ url: '/v1/organisations', headers: { cookie: admin.cookie } });
    expectContract('listOrganisations', res);
    expect(res.json().items.map((o: { name: string }) => o.name)).toEqual(['Acme AI', 'Centre One', 'Other Vendor', 'Regulator']);
    res = await call({ url: '/v1/organisations', headers: bearer(dev.token) });
    expect(res.json().items.map((o: { name: string }) => o.name)).toEqual(['Acme AI', 'Centre One']);
    res = await call({ url: '/v1/organisations?kind=certification_centre', headers: bearer(dev.token) });
    expect(res.json().items.map((o: { name: string }) => o.name)).toEqual(['Centre One']);

    res = await call({ method: 'POST', url: '/v1/organisations', headers: { cookie: admin.cookie }, payload: { name: 'Centre Two', kind: 'certification_centre' } });
    expect(res.statusCode).toBe(201);
    expectContract('createOrganisation', res);
    expect(res.json()).toMatchObject({ name: 'Centre Two', kind: 'certification_centre' });
    res = await call({ method: 'POST', url: '/v1/organisations', headers: { cookie: admin.cookie }, payload: { name: 'Centre Two', kind: 'regulator' } });
    expect(res.statusCode).toBe(409);
    expectContract('createOrganisation', res);
    res = await call({ method: 'POST', url: '/v1/organisations', headers: { cookie: dev.cookie }, payload: { name: 'Mine', kind: 'vendor' } });
    expect(res.statusCode).toBe(403);
    expectContract('createOrganisation', res);
    res = await call({ method: 'POST', url: '/v1/organisations', headers: { cookie: admin.cookie }, payload: { name: 'X', kind: 'hospital' } });
    expect(res.statusCode).toBe(400);
  });

  test('users: admins create them with a role that suits the organisation; reviewers list their own organisation only', async () => {
    const admin = await loginAs('admin@reg.example');
    const rev = await loginAs('rev@centre.example');
    const dev = await loginAs('dev@acme.example');
    const create = (orgId: string, body: object, cookie = admin.cookie) => call({ method: 'POST', url: `/v1/organisations/${orgId}/users`, headers: { cookie }, payload: body });

    let res = await create(ids.centre, { email: 'Lead@Centre.example', name: 'Lead', role: 'lead_reviewer', password: PASSWORD, language: 'ru' });
    expect(res.statusCode).toBe(201);
    expectContract('createUser', res);
    expect(res.json()).toMatchObject({ email: 'lead@centre.example', role: 'lead_reviewer', organisationId: ids.centre, language: 'ru', disabled: false });
    expect(res.body).not.toMatch(/password|scrypt/i);

    res = await create(ids.vendor, { email: 'x@acme.example', name: 'X', role: 'admin', password: PASSWORD });
    expect(res.statusCode).toBe(400);
    expectContract('createUser', res);
    expect(res.json().errors).toEqual([{ in: 'body', field: '/role', message: 'must be one of vendor in a vendor organisation' }]);
    // An admin sees everything: a certification centre has none of its own.
    res = await create(ids.centre, { email: 'boss@centre.example', name: 'Boss', role: 'admin', password: PASSWORD });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ field: '/role', message: 'must be one of reviewer, lead_reviewer in a certification_centre organisation' });
    res = await create(ids.vendor, { email: 'x@acme.example', name: 'X', role: 'vendor', password: 'short' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('/password');
    res = await create(ids.centre, { email: 'lead@centre.example', name: 'Again', role: 'reviewer', password: PASSWORD });
    expect(res.statusCode).toBe(409);
    res = await create(ids.centre, { email: 'y@centre.example', name: 'Y', role: 'reviewer', password: PASSWORD }, rev.cookie);
    expect(res.statusCode).toBe(403);

    res = await call({ url: `/v1/organisations/${ids.centre}/users`, headers: { cookie: rev.cookie } });
    expect(res.statusCode).toBe(200);
    expectContract('listUsers', res);
    expect(res.json().items.map((u: { email: string }) => u.email)).toEqual(['lead@centre.example', 'rev@centre.example']);
    expect(res.body).not.toMatch(/password|scrypt/i);
    res = await call({ url: `/v1/organisations/${ids.vendor}/users`, headers: { cookie: rev.cookie } });
    expect(res.statusCode).toBe(404);
    expectContract('listUsers', res);
    expect(res.body).not.toContain('dev@acme.example');
    expect((await call({ url: `/v1/organisations/${ids.vendor}/users`, headers: { cookie: dev.cookie } })).statusCode).toBe(403);
    expect((await call({ url: `/v1/organisations/${ids.vendor}/users`, headers: { cookie: admin.cookie } })).statusCode).toBe(200);
    expect((await call({ url: '/v1/organisations/00000000-0000-4000-8000-000000000000/users', headers: { cookie: admin.cookie } })).statusCode).toBe(404);
  });

  test('API keys: a vendor user creates one (secret shown once), it authenticates as the organisation, revoking stops it at once', async () => {
    const dev = await loginAs('dev@acme.example');
    const admin = await loginAs('admin@reg.example');
    const url = `/v1/organisations/${ids.vendor}/api-keys`;
    let res = await call({ method: 'POST', url, headers: { cookie: dev.cookie }, payload: { name: 'CI pipeline' } });
    expect(res.statusCode).toBe(201);
    expectContract('createApiKey', res);
    const created = res.json();
    expect(created).toMatchObject({ name: 'CI pipeline', revokedAt: null, lastUsedAt: null });
    expect(created.key).toMatch(new RegExp(`^mk_${created.prefix}_`));

    const me = await call({ url: '/v1/auth/me', headers: { 'x-api-key': created.key } });
    expect(me.statusCode).toBe(200);
    expectContract('getMe', me);
    expect(me.json()).toEqual({ kind: 'api_key', id: created.id, name: 'CI pipeline', role: 'vendor', organisation: { id: ids.vendor, name: 'Acme AI', kind: 'vendor' }, language: 'en' });
    expect((await call({ url: '/v1/auth/me', headers: bearer(created.key) })).statusCode).toBe(200);
    const patch = await call({ method: 'PATCH', url: '/v1/auth/me', headers: bearer(created.key), payload: { language: 'ru' } });
    expect(patch.statusCode).toBe(403);
    expectContract('updateMe', patch);
    // A key does not manage keys.
    expect((await call({ url, headers: bearer(created.key) })).statusCode).toBe(403);

    res = await call({ url, headers: { cookie: dev.cookie } });
    expect(res.statusCode).toBe(200);
    expectContract('listApiKeys', res);
    expect(res.json().items).toEqual([{ id: created.id, name: 'CI pipeline', prefix: created.prefix, createdAt: created.createdAt, revokedAt: null, lastUsedAt: expect.any(String) }]);
    expect(res.body).not.toContain(created.key);

    // Another organisation's keys do not exist for this vendor.
    expect((await call({ url: `/v1/organisations/${ids.other}/api-keys`, headers: { cookie: dev.cookie } })).statusCode).toBe(404);
    res = await call({ method: 'DELETE', url: `/v1/organisations/${ids.other}/api-keys/${created.id}`, headers: { cookie: admin.cookie } });
    expect(res.statusCode).toBe(404);
    res = await call({ method: 'POST', url: `/v1/organisations/${ids.centre}/api-keys`, headers: { cookie: admin.cookie }, payload: { name: 'x' } });
    expect(res.statusCode).toBe(400);
    expectContract('createApiKey', res);

    res = await call({ method: 'DELETE', url: `${url}/${created.id}`, headers: { cookie: dev.cookie } });
    expect(res.statusCode).toBe(200);
    expectContract('revokeApiKey', res);
    expect(res.json().revokedAt).toEqual(expect.any(String));
    expectUnauthorized(await call({ url: '/v1/auth/me', headers: { 'x-api-key': created.key } }));
    expectUnauthorized(await call({ url: '/v1/evidence', headers: bearer(created.key) }));
  });

  test('identity writes through the API are audited with the request id and without secrets', async () => {
    const res = await call({ method: 'POST', url: '/v1/auth/login', headers: { 'x-request-id': 'req-login-1' }, payload: { email: 'admin@reg.example', password: PASSWORD } });
    // The audit records the service's own request id, not the caller's x-request-id.
    expect(await t.testDb.db('audit_log').where({ request_id: 'req-login-1' }).first()).toBeUndefined();
    const entry = await t.testDb.db('audit_log').where({ request_id: String(res.headers['x-request-id']) }).first();
    expect(entry).toMatchObject({ action: 'auth.login', actor_type: 'user', object_type: 'user', object_id: res.json().principal.id });
    const text = JSON.stringify(await t.testDb.db('audit_log'));
    expect(text).not.toMatch(/scrypt\$|mk_[0-9a-f]{8}_|ms_[A-Za-z0-9_-]{20}/);
    expect(text).not.toContain(PASSWORD);
  });
});
