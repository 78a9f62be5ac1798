import { createIdentityService, trusted, asPrincipal, type IdentityService } from '../../src/identity/service';
import type { Principal } from '../../src/identity/types';
import { AppError } from '../../src/platform/errors';
import { databaseKind, openTestDb, type TestDb } from '../helpers/db';

let t: TestDb;
let clock: Date;
let identity: IdentityService;
beforeAll(async () => {
  t = await openTestDb();
  clock = new Date('2026-11-23T10:00:00.000Z');
  identity = createIdentityService({ db: t.db, config: { SESSION_TTL_HOURS: 12, LOGIN_MAX_FAILURES: 5, LOGIN_LOCKOUT_MINUTES: 15 }, now: () => clock });
});
afterAll(async () => t.close());

const cli = trusted({ type: 'cli', id: null, name: 'tester', organisationId: null });
const PASSWORD = 'a long enough password';
const secrets: string[] = [];

const rejects = async (p: Promise<unknown>, status: number, match?: Partial<AppError>) => {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).status).toBe(status);
  if (match) expect(err).toMatchObject(match);
  return err as AppError;
};
const auditRows = async () => (await t.db('audit_log').orderBy('seq')) as Array<Record<string, unknown>>;

async function setup() {
  const vendor = await identity.createOrganisation(cli, { name: 'Acme AI', kind: 'vendor' });
  const other = await identity.createOrganisation(cli, { name: 'Other Vendor', kind: 'vendor' });
  const centre = await identity.createOrganisation(cli, { name: 'Centre One', kind: 'certification_centre' });
  const regulator = await identity.createOrganisation(cli, { name: 'Regulator', kind: 'regulator' });
  const vendorUser = await identity.createUser(cli, vendor.id, { email: 'Dev@Acme.example', name: 'Dev', role: 'vendor', password: PASSWORD });
  const reviewer = await identity.createUser(cli, centre.id, { email: 'rev@centre.example', name: 'Rev', role: 'reviewer', password: PASSWORD, language: 'ru' });
  const admin = await identity.createUser(cli, regulator.id, { email: 'admin@reg.example', name: 'Admin', role: 'admin', password: PASSWORD });
  secrets.push(PASSWORD);
  return { vendor, other, centre, regulator, vendorUser, reviewer, admin };
}
let s: Awaited<ReturnType<typeof setup>>;
const login = async (email: string) => {
  const r = await identity.login({ email, password: PASSWORD });
  secrets.push(r.token);
  return r;
};

describe(`identity service on ${databaseKind}`, () => {
  beforeAll(async () => { s = await setup(); });

  test('emails are stored lowercased; the role must suit the organisation; passwords are long; no duplicates', async () => {
    expect(s.vendorUser.email).toBe('dev@acme.example');
    const row = await t.db('users').where({ id: s.vendorUser.id }).first();
    expect(row.password_hash).toMatch(/^scrypt\$/);
    let err = await rejects(identity.createUser(cli, s.vendor.id, { email: 'x@acme.example', name: 'X', role: 'reviewer', password: PASSWORD }), 400);
    expect(err.errors).toEqual([{ in: 'body', field: '/role', message: 'must be one of vendor in a vendor organisation' }]);
    err = await rejects(identity.createUser(cli, s.centre.id, { email: 'x@c.example', name: 'X', role: 'rules_admin', password: PASSWORD }), 400);
    expect(err.errors![0].field).toBe('/role');
    await identity.createUser(cli, s.regulator.id, { email: 'rules@reg.example', name: 'Rules', role: 'rules_admin', password: PASSWORD });
    err = await rejects(identity.createUser(cli, s.vendor.id, { email: 'x@acme.example', name: 'X', role: 'vendor', password: 'short-11chr' }), 400);
    expect(err.errors![0].field).toBe('/password');
    await rejects(identity.createUser(cli, s.vendor.id, { email: ' DEV@acme.example ', name: 'Again', role: 'vendor', password: PASSWORD }), 409);
    await rejects(identity.createOrganisation(cli, { name: 'Acme AI', kind: 'regulator' }), 409);
    await rejects(identity.createUser(cli, '00000000-0000-4000-8000-000000000000', { email: 'y@x.example', name: 'Y', role: 'vendor', password: PASSWORD }), 404);
  });

  test('login gives a session the cookie or a bearer token authenticates; wrong password and unknown email answer alike', async () => {
    const r = await login('DEV@acme.example');
    expect(r.token).toMatch(/^ms_/);
    expect(r.expiresAt).toBe('2026-11-23T22:00:00.000Z');
    const expected: Principal = { kind: 'user', id: s.vendorUser.id, name: 'Dev', role: 'vendor', organisation: { id: s.vendor.id, name: 'Acme AI', kind: 'vendor' }, language: 'en' };
    expect(r.principal).toEqual(expected);
    expect(await identity.authenticate({ cookie: `theme=dark; medai_session=${r.token}` })).toEqual(expected);
    expect(await identity.authenticate({ authorization: `Bearer ${r.token}` })).toEqual(expected);
    // Only the hash is stored.
    expect(await t.db('sessions').where({ token_hash: r.token }).first()).toBeUndefined();
    expect(await identity.authenticate({})).toBeNull();

    const wrong = await rejects(identity.login({ email: 'dev@acme.example', password: 'wrong password!!' }), 401);
    const unknown = await rejects(identity.login({ email: 'nobody@acme.example', password: PASSWORD }), 401);
    expect(unknown.message).toBe(wrong.message);
  });

  test('malformed, unknown and expired credentials are 401, not anonymous', async () => {
    await rejects(identity.authenticate({ cookie: 'medai_session=nonsense' }), 401);
    await rejects(identity.authenticate({ authorization: 'Bearer ms_' + 'A'.repeat(43) }), 401);
    await rejects(identity.authenticate({ 'x-api-key': 'mk_00000000_' + 'A'.repeat(43) }), 401);
    await rejects(identity.authenticate({ 'x-api-key': 'ms_' + 'A'.repeat(43) }), 401);
    await rejects(identity.authenticate({ authorization: 'Basic abc' }), 401);

    const r = await login('rev@centre.example');
    expect(r.principal.language).toBe('ru');
    clock = new Date(clock.getTime() + 12 * 3_600_000 - 1000);
    expect((await identity.authenticate({ authorization: `Bearer ${r.token}` }))!.id).toBe(s.reviewer.id);
    clock = new Date(clock.getTime() + 1000);
    await rejects(identity.authenticate({ authorization: `Bearer ${r.token}` }), 401);
    // The next login sweeps expired sessions away.
    await login('rev@centre.example');
    expect(await t.db('sessions').where({ token_hash: (await import('../../src/identity/keys')).sha256(r.token) }).first()).toBeUndefined();
  });

  test('a disabled user can neither log in nor use a session; enabling restores login', async () => {
    const u = await identity.createUser(cli, s.vendor.id, { email: 'leaver@acme.example', name: 'Leaver', role: 'vendor', password: PASSWORD });
    const r = await login('leaver@acme.example');
    await identity.setUserDisabled(cli, u.id, true);
    await rejects(identity.authenticate({ authorization: `Bearer ${r.token}` }), 401);
    await rejects(identity.login({ email: 'leaver@acme.example', password: PASSWORD }), 401);
    // A session row a disabled user still had (written behind the service's back) does not work either.
    await t.db('sessions').insert({ token_hash: (await import('../../src/identity/keys')).sha256(r.token), user_id: u.id, created_at: clock, expires_at: new Date(clock.getTime() + 3_600_000) });
    await rejects(identity.authenticate({ authorization: `Bearer ${r.token}` }), 401);
    await identity.setUserDisabled(cli, u.id, false);
    expect((await login('leaver@acme.example')).principal.id).toBe(u.id);
  });

  test('logout ends the session at once', async () => {
    const r = await login('dev@acme.example');
    await identity.logout(r.token, asPrincipal(r.principal, 'req-logout'));
    await rejects(identity.authenticate({ cookie: `medai_session=${r.token}` }), 401);
    // Twice, or without a session: nothing happens.
    await identity.logout(r.token, asPrincipal(r.principal));
    await identity.logout(null, asPrincipal(r.principal));
  });

  test('API keys: created for vendors only, found by prefix, revoked at once, last use written at most once a minute', async () => {
    const dev = (await login('dev@acme.example')).principal;
    const { apiKey, key } = await identity.createApiKey(asPrincipal(dev, 'req-key'), s.vendor.id, { name: 'CI' });
    secrets.push(key);
    expect(key).toMatch(new RegExp(`^mk_${apiKey.prefix}_`));
    const row = await t.db('api_keys').where({ id: apiKey.id }).first();
    expect(row.secret_hash).not.toContain(key);
    expect(row.created_by).toBe(`user:${dev.id}`);
    secrets.push(row.secret_hash);
    await rejects(identity.createApiKey(cli, s.centre.id, { name: 'nope' }), 400);

    const expected: Principal = { kind: 'api_key', id: apiKey.id, name: 'CI', role: 'vendor', organisation: { id: s.vendor.id, name: 'Acme AI', kind: 'vendor' }, language: 'en' };
    expect(await identity.authenticate({ 'x-api-key': key })).toEqual(expected);
    const lastUsed = async () => (await identity.listApiKeys(cli, s.vendor.id)).find((k) => k.id === apiKey.id)!.lastUsedAt;
    expect(await lastUsed()).toBe(clock.toISOString());
    const first = clock;
    clock = new Date(first.getTime() + 30_000);
    expect(await identity.authenticate({ authorization: `Bearer ${key}` })).toEqual(expected);
    expect(await lastUsed()).toBe(first.toISOString());
    clock = new Date(first.getTime() + 61_000);
    await identity.authenticate({ authorization: `Bearer ${key}` });
    expect(await lastUsed()).toBe(clock.toISOString());

    // A key of the right prefix with another secret is refused.
    await rejects(identity.authenticate({ 'x-api-key': key.slice(0, 12) + 'B'.repeat(43) }), 401);

    const revoked = await identity.revokeApiKey(asPrincipal(dev), { organisationId: s.vendor.id, keyId: apiKey.id });
    expect(revoked.revokedAt).toBe(clock.toISOString());
    await rejects(identity.authenticate({ 'x-api-key': key }), 401);
    // Revoking again changes nothing.
    expect(await identity.revokeApiKey(cli, { keyId: apiKey.id })).toEqual(revoked);
  });

  test('access: admins everything; others their own organisation (plus every centre to pick from); others 404', async () => {
    const dev = (await login('dev@acme.example')).principal;
    const rev = (await login('rev@centre.example')).principal;
    const admin = (await login('admin@reg.example')).principal;
    const names = async (p: Principal, kind?: 'vendor') => (await identity.listOrganisations(asPrincipal(p), { kind })).map((o) => o.name);
    expect(await names(admin)).toEqual(['Acme AI', 'Centre One', 'Other Vendor', 'Regulator']);
    expect(await names(dev)).toEqual(['Acme AI', 'Centre One']);
    expect(await names(dev, 'vendor')).toEqual(['Acme AI']);
    expect(await names(rev)).toEqual(['Centre One']);

    expect((await identity.listUsers(asPrincipal(rev), s.centre.id)).map((u) => u.email)).toEqual(['rev@centre.example']);
    await rejects(identity.listUsers(asPrincipal(rev), s.vendor.id), 404);
    await rejects(identity.listUsers(asPrincipal(dev), s.vendor.id), 403);
    await rejects(identity.listUsers(asPrincipal(dev), s.other.id), 404);
    expect((await identity.listUsers(asPrincipal(admin), s.vendor.id)).length).toBeGreaterThan(0);

    await rejects(identity.createOrganisation(asPrincipal(dev), { name: 'Mine', kind: 'vendor' }), 403);
    await rejects(identity.createUser(asPrincipal(rev), s.centre.id, { email: 'z@c.example', name: 'Z', role: 'reviewer', password: PASSWORD }), 403);

    await rejects(identity.listApiKeys(asPrincipal(dev), s.other.id), 404);
    await rejects(identity.createApiKey(asPrincipal(dev), s.other.id, { name: 'x' }), 404);
    await rejects(identity.listApiKeys(asPrincipal(rev), s.centre.id), 403);
    const { apiKey, key } = await identity.createApiKey(asPrincipal(admin), s.other.id, { name: 'admin-made' });
    secrets.push(key);
    await rejects(identity.revokeApiKey(asPrincipal(dev), { organisationId: s.other.id, keyId: apiKey.id }), 404);
    // A key id of another organisation under one's own: 404 as well.
    await rejects(identity.revokeApiKey(asPrincipal(dev), { organisationId: s.vendor.id, keyId: apiKey.id }), 404);
    // An API key does not manage keys (a leaked key must not mint more).
    const keyPrincipal = (await identity.authenticate({ 'x-api-key': (await identity.createApiKey(asPrincipal(dev), s.vendor.id, { name: 'k' }).then((c) => { secrets.push(c.key); return c.key; })) }))!;
    await rejects(identity.listApiKeys(asPrincipal(keyPrincipal), s.vendor.id), 403);
    await rejects(identity.updateLanguage(asPrincipal(keyPrincipal), 'ru'), 403);
  });

  test('language is remembered per user', async () => {
    const dev = (await login('dev@acme.example')).principal;
    expect((await identity.updateLanguage(asPrincipal(dev, 'req-lang'), 'ru')).language).toBe('ru');
    expect((await login('dev@acme.example')).principal.language).toBe('ru');
    await identity.updateLanguage(asPrincipal({ ...dev, language: 'ru' }), 'en');
  });

  test('every write has its audit entry, with the actor and request id, and no audit entry holds a secret', async () => {
    const rows = await auditRows();
    const actions = rows.map((r) => r.action);
    for (const a of ['organisation.create', 'user.create', 'auth.login', 'auth.logout', 'user.disable', 'user.enable', 'api_key.create', 'api_key.revoke', 'user.language']) {
      expect(actions).toContain(a);
    }
    expect(rows.filter((r) => r.action === 'organisation.create')).toHaveLength(4);
    const orgCreate = rows.find((r) => r.action === 'organisation.create')!;
    expect(orgCreate).toMatchObject({ actor_type: 'cli', actor_name: 'tester', object_type: 'organisation', object_id: s.vendor.id });
    const keyCreate = rows.find((r) => r.action === 'api_key.create' && r.request_id === 'req-key')!;
    expect(keyCreate).toMatchObject({ actor_type: 'user', actor_id: s.vendorUser.id, organisation_id: s.vendor.id });
    expect(rows.find((r) => r.action === 'auth.logout')).toMatchObject({ request_id: 'req-logout', object_id: s.vendorUser.id });
    const lang = rows.find((r) => r.action === 'user.language' && r.request_id === 'req-lang')!;
    expect([lang.before, lang.after].map((v) => (typeof v === 'string' ? JSON.parse(v) : v))).toEqual([{ language: 'en' }, { language: 'ru' }]);
    // Failed attempts wrote nothing: exactly the successful writes are there.
    expect(rows.filter((r) => r.action === 'user.create')).toHaveLength(5);
    expect(Number((await t.db('users').count({ n: '*' }).first())!.n)).toBe(5);

    const text = JSON.stringify(rows);
    expect(secrets.length).toBeGreaterThan(5);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/scrypt\$|mk_[0-9a-f]{8}_|ms_[A-Za-z0-9_-]{20}|password/i);
  });
});

describe('failed logins: too many to one email refuse its logins for a while', () => {
  const wrong = (email: string) => rejects(identity.login({ email, password: 'not the password' }), 401);
  const right = (email: string) => identity.login({ email, password: PASSWORD });
  const minutes = (n: number) => { clock = new Date(clock.getTime() + n * 60_000); };
  const auditsOf = async (userId: string) => (await auditRows()).filter((r) => String(r.action).startsWith('auth.login_') && r.object_id === userId);
  const parsed = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

  test('five failures lock the email for 15 minutes, the right password included, however the email is spelled; then it works again', async () => {
    await identity.createUser(cli, s.vendor.id, { email: 'lock1@acme.example', name: 'L1', role: 'vendor', password: PASSWORD });
    for (let i = 0; i < 5; i++) await wrong('lock1@acme.example');
    const lockedAt = clock.getTime();
    const refused = await rejects(right(' LOCK1@acme.example '), 429, { code: 'too-many-logins', headers: { 'retry-after': '900' } });
    expect(refused.message).toContain(new Date(lockedAt + 15 * 60_000).toISOString());
    minutes(14);
    await rejects(right('lock1@acme.example'), 429, { headers: { 'retry-after': '60' } });
    // Attempts while refused neither count nor extend the lock: it ends when it said it would.
    minutes(1);
    expect((await right('lock1@acme.example')).principal.name).toBe('L1');
    expect(await t.db('login_failures').where({ email: 'lock1@acme.example' }).first()).toBeUndefined();
  });

  test('a success starts the count again, and failures of a window that is over no longer count', async () => {
    await identity.createUser(cli, s.vendor.id, { email: 'lock2@acme.example', name: 'L2', role: 'vendor', password: PASSWORD });
    for (let i = 0; i < 4; i++) await wrong('lock2@acme.example');
    await right('lock2@acme.example');
    for (let i = 0; i < 4; i++) await wrong('lock2@acme.example');
    minutes(16);
    await wrong('lock2@acme.example'); // the fifth failure, but the first four are of a window that is over
    expect((await right('lock2@acme.example')).principal.name).toBe('L2');
  });

  test('a lock in force holds even when the window it was set in is over', async () => {
    await identity.createUser(cli, s.vendor.id, { email: 'lock6@acme.example', name: 'L6', role: 'vendor', password: PASSWORD });
    await wrong('lock6@acme.example');
    minutes(10);
    for (let i = 0; i < 4; i++) await wrong('lock6@acme.example');
    await rejects(right('lock6@acme.example'), 429, { headers: { 'retry-after': '900' } });
    minutes(6); // the window began 16 minutes ago; the lock has 9 minutes to go
    await rejects(right('lock6@acme.example'), 429, { headers: { 'retry-after': '540' } });
  });

  test('failed password checks and the lock are audited against the account, by an anonymous actor, never with the password', async () => {
    const u = await identity.createUser(cli, s.vendor.id, { email: 'lock3@acme.example', name: 'L3', role: 'vendor', password: PASSWORD });
    for (let i = 0; i < 5; i++) await rejects(identity.login({ email: 'lock3@acme.example', password: `guess ${i}` }, { requestId: `req-fail-${i}` }), 401);
    await rejects(identity.login({ email: 'lock3@acme.example', password: PASSWORD }, { requestId: 'req-locks' }), 429);
    const rows = await auditsOf(u.id);
    expect(rows.map((r) => [r.action, r.actor_type, r.object_type, r.request_id])).toEqual([
      ...[0, 1, 2, 3, 4].map((i) => ['auth.login_failed', 'anonymous', 'user', `req-fail-${i}`]),
      ['auth.login_locked', 'anonymous', 'user', 'req-locks'],
    ]);
    expect(parsed(rows[5].after)).toEqual({ attempts: 6, lockedUntil: new Date(clock.getTime() + 15 * 60_000).toISOString() });
    expect(JSON.stringify(rows)).not.toMatch(/guess|password/);
    // A refused attempt while locked checks no password and writes nothing.
    await rejects(right('lock3@acme.example'), 429);
    expect(await auditsOf(u.id)).toHaveLength(6);
  });

  test('an email without an account is counted and refused alike, and audited nowhere', async () => {
    const before = (await auditRows()).length;
    const known = await identity.createUser(cli, s.vendor.id, { email: 'lock4@acme.example', name: 'L4', role: 'vendor', password: PASSWORD });
    const answers: string[] = [];
    for (const email of ['lock4@acme.example', 'nobody4@acme.example']) {
      for (let i = 0; i < 5; i++) answers.push((await wrong(email)).message);
      const refused = await rejects(right(email), 429);
      answers.push(refused.message.replace(email, '<email>'), String(refused.headers?.['retry-after']));
    }
    expect(answers.slice(0, 7)).toEqual(answers.slice(7));
    const rows = (await auditRows()).slice(before).filter((r) => String(r.action).startsWith('auth.login_'));
    expect(rows.map((r) => r.object_id)).toEqual(Array(6).fill(known.id));
  });

  test('parallel attempts get at most five password checks: the right one among them does not get past a lock', async () => {
    const u = await identity.createUser(cli, s.vendor.id, { email: 'lock5@acme.example', name: 'L5', role: 'vendor', password: PASSWORD });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      identity.login({ email: 'lock5@acme.example', password: i === 8 ? PASSWORD : `guess ${i}` }).then(() => 200, (e: AppError) => e.status)));
    // Each attempt was counted before its check: five checked (401, or 200 for the right one if it was among them), seven refused.
    expect(results.filter((c) => c === 429)).toHaveLength(7);
    expect(results.filter((c) => c !== 429).every((c) => c === 401 || c === 200)).toBe(true);
    // A success among the first five does not lift the lock the later ones set.
    await rejects(right('lock5@acme.example'), 429);
    // One lock, audited once, however many parallel attempts were refused with it.
    expect((await auditRows()).filter((r) => r.action === 'auth.login_locked' && r.object_id === u.id)).toHaveLength(1);
  });

  test('rows whose window and lock are over are pruned as failures come in', async () => {
    await wrong('old1@nowhere.example');
    minutes(16);
    await wrong('old2@nowhere.example');
    expect((await t.db('login_failures').whereIn('email', ['old1@nowhere.example', 'old2@nowhere.example'])).map((r) => r.email)).toEqual(['old2@nowhere.example']);
  });

  test('parallel failures while old rows are pruned neither deadlock nor fail', async () => {
    const emails = Array.from({ length: 12 }, (_, i) => `stale${i}@nowhere.example`);
    const long = new Date(clock.getTime() - 60 * 60_000);
    await t.db('login_failures').insert(emails.map((email) => ({ email, attempts: 2, window_started_at: long, locked_until: null })));
    const codes = await Promise.all([...emails, ...emails].map((email) =>
      identity.login({ email, password: 'not the password' }).then(() => 200, (e: { status?: number }) => e.status ?? 500)));
    expect(codes).toEqual(Array(24).fill(401));
  });

  test('LOGIN_MAX_FAILURES=0 never refuses and keeps no count', async () => {
    const open = createIdentityService({ db: t.db, config: { SESSION_TTL_HOURS: 12, LOGIN_MAX_FAILURES: 0, LOGIN_LOCKOUT_MINUTES: 15 }, now: () => clock });
    await identity.createUser(cli, s.vendor.id, { email: 'open@acme.example', name: 'Open', role: 'vendor', password: PASSWORD });
    for (let i = 0; i < 8; i++) await rejects(open.login({ email: 'open@acme.example', password: 'not the password' }), 401);
    expect((await open.login({ email: 'open@acme.example', password: PASSWORD })).principal.name).toBe('Open');
    expect(await t.db('login_failures').where({ email: 'open@acme.example' }).first()).toBeUndefined();
  });
});
