import { runAdmin, USAGE } from '../../scripts/admin';
import { createIdentityService, type IdentityService } from '../../src/identity/service';
import { databaseKind, openTestDb, type TestDb } from '../helpers/db';

let t: TestDb;
let identity: IdentityService;
beforeAll(async () => {
  t = await openTestDb();
  identity = createIdentityService({ db: t.db, config: { SESSION_TTL_HOURS: 12, LOGIN_MAX_FAILURES: 5, LOGIN_LOCKOUT_MINUTES: 15 } });
});
afterAll(async () => t.close());

async function admin(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdmin(argv, { identity, out: (l) => out.push(l), err: (l) => err.push(l), username: 'ops' });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe(`admin command line on ${databaseKind}`, () => {
  test('creates organisations, users and keys; the printed password logs in and the printed key authenticates', async () => {
    let r = await admin('org:create', '--name', 'Acme AI', '--kind', 'vendor');
    expect(r).toMatchObject({ code: 0, err: '' });
    const orgId = /organisation (\S+)/.exec(r.out)![1];
    expect((await admin('org:create', '--name=Centre', '--kind=certification_centre')).code).toBe(0);

    r = await admin('user:create', '--org', 'Acme AI', '--email', 'Dev@Acme.example', '--name', 'Dev', '--role', 'vendor');
    expect(r.code).toBe(0);
    const password = /password: (\S+)/.exec(r.out)![1];
    expect(password.length).toBeGreaterThanOrEqual(24);
    expect((await identity.login({ email: 'dev@acme.example', password })).principal.organisation.id).toBe(orgId);

    r = await admin('user:create', '--org', orgId, '--email', 'ops@acme.example', '--name', 'Ops', '--role', 'vendor', '--password', 'chosen password 1', '--language', 'ru');
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('password:');
    expect((await identity.login({ email: 'ops@acme.example', password: 'chosen password 1' })).principal.language).toBe('ru');

    r = await admin('key:create', '--org', 'Acme AI', '--name', 'CI');
    expect(r.code).toBe(0);
    const key = /key: (mk_\S+)/.exec(r.out)![1];
    const keyId = /API key (\S+)/.exec(r.out)![1];
    expect((await identity.authenticate({ 'x-api-key': key }))!.id).toBe(keyId);

    r = await admin('key:list', '--org', 'Acme AI');
    expect(r.out).toContain(keyId);
    expect(r.out).not.toContain(key);

    r = await admin('key:revoke', '--id', keyId);
    expect(r.code).toBe(0);
    await expect(identity.authenticate({ 'x-api-key': key })).rejects.toMatchObject({ status: 401 });

    r = await admin('org:list');
    expect(r.out.split('\n')).toHaveLength(3);
    r = await admin('user:list');
    expect(r.out).toContain('dev@acme.example');
    expect(r.out).toContain('ops@acme.example');
    r = await admin('user:list', '--org', 'Centre');
    expect(r.out.split('\n')).toHaveLength(1);

    const userId = (await identity.listUsers({ actor: { type: 'system', id: null, name: null, organisationId: null } }, orgId)).find((u) => u.email === 'ops@acme.example')!.id;
    expect((await admin('user:disable', '--id', userId)).out).toContain('disabled');
    await expect(identity.login({ email: 'ops@acme.example', password: 'chosen password 1' })).rejects.toMatchObject({ status: 401 });
    expect((await admin('user:enable', '--id', userId)).code).toBe(0);

    // Too many failed logins lock the email; user:unlock lifts the lock at once.
    for (let i = 0; i < 6; i++) await identity.login({ email: 'ops@acme.example', password: `guess ${i}` }).catch(() => undefined);
    await expect(identity.login({ email: 'ops@acme.example', password: 'chosen password 1' })).rejects.toMatchObject({ status: 429 });
    expect((await admin('user:unlock', '--id', userId)).out).toBe(`unlocked logins of user ${userId}`);
    expect((await identity.login({ email: 'ops@acme.example', password: 'chosen password 1' })).principal.id).toBe(userId);
    expect((await admin('user:unlock', '--id', userId)).out).toBe(`user ${userId} had no failed logins to clear`);

    // Audited as the command line, by the operating-system user, with no secret.
    const rows = await t.db('audit_log').where({ actor_type: 'cli' });
    expect(rows.map((x: { action: string }) => x.action).sort()).toEqual(
      ['api_key.create', 'api_key.revoke', 'auth.login_unlocked', 'organisation.create', 'organisation.create', 'user.create', 'user.create', 'user.disable', 'user.enable'],
    );
    expect(rows.every((x: { actor_name: string }) => x.actor_name === 'ops')).toBe(true);
    const text = JSON.stringify(rows);
    for (const secret of [password, 'chosen password 1', key]) expect(text).not.toContain(secret);
  });

  test('bad usage is exit code 2 with a message naming the problem; refusals are 1', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['bogus'], /unknown command "bogus"/],
      [['org:create', '--name', 'X'], /needs --kind/],
      [['org:create', '--name', 'X', '--kind', 'hospital'], /--kind must be one of vendor, certification_centre, regulator/],
      [['org:create', '--name', 'X', '--kind', 'vendor', '--colour', 'red'], /has no option --colour/],
      [['org:create', '--name'], /--name needs a value/],
      [['org:create', 'X'], /unexpected argument "X"/],
      [['user:create', '--org', 'Acme AI', '--email', 'x@acme.example', '--name', 'X', '--role', 'reviewer'], /--role must be one of vendor in a vendor organisation/],
      [['user:create', '--org', 'Acme AI', '--email', 'x@acme.example', '--name', 'X', '--role', 'vendor', '--password', 'short'], /--password must have at least 12 characters/],
      [['key:create', '--org', 'Centre', '--name', 'x'], /Only vendor organisations have API keys; Centre/],
      [['key:revoke', '--id', 'nope'], /--id must be a key id/],
      [['user:disable', '--id', 'nope'], /--id must be a user id \(a UUID, see user:list\)/],
      [['user:enable', '--id', 'nope'], /--id must be a user id/],
      [['user:unlock', '--id', 'nope'], /--id must be a user id/],
    ];
    for (const [argv, message] of cases) {
      const r = await admin(...argv);
      expect([argv, r.code]).toEqual([argv, 2]);
      expect(r.err).toMatch(message);
    }
    expect((await admin()).code).toBe(2);
    const help = await admin('help');
    expect(help).toMatchObject({ code: 0, out: USAGE });

    let r = await admin('org:create', '--name', 'Acme AI', '--kind', 'regulator');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/exists/);
    r = await admin('key:create', '--org', 'No Such Org', '--name', 'x');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no organisation with id or name "No Such Org"/);
    r = await admin('key:revoke', '--id', '00000000-0000-4000-8000-000000000000');
    expect(r.code).toBe(1);
    r = await admin('user:unlock', '--id', '00000000-0000-4000-8000-000000000000');
    expect(r).toMatchObject({ code: 1, err: expect.stringMatching(/User 00000000-0000-4000-8000-000000000000 does not exist/) });
  });
});
