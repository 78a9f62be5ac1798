/** The anchored audit trail through the API: checkpoints, incremental verification, the full-walk job. */
import { expectContract, openTestApp, type TestApp } from '../helpers/app';
import { databaseKind } from '../helpers/db';
import { seedWorld, type World } from '../helpers/world';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await openTestApp();
  w = await seedWorld(t.app, t.testDb.db);
}, 60_000);
afterAll(async () => t.close());

const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string> = w.admin.headers) => t.app.inject({ method, url, headers });

describe(`the audit API on ${databaseKind}`, () => {
  test('a checkpoint anchors the head; verify walks on from it; a full walk runs as a job with progress and the same verdict', async () => {
    const cp = await call('POST', '/v1/audit/checkpoints');
    expect(cp.statusCode).toBe(201);
    expectContract('createAuditCheckpoint', cp);
    const head = await t.testDb.db('audit_log').orderBy('seq', 'desc').first('seq', 'hash');
    expect(cp.json()).toMatchObject({ n: 1, seq: Number(head.seq), hash: head.hash, unsigned: 0 });

    const v = await call('GET', '/v1/audit/verify');
    expectContract('verifyAudit', v);
    expect(v.json()).toMatchObject({ valid: true, mode: 'incremental', from: { n: 1 }, entries: 0, unanchored: 0, latestCheckpoint: { n: 1 } });

    const job = await call('POST', '/v1/audit/verifications');
    expect(job.statusCode).toBe(202);
    expectContract('startAuditVerification', job);
    expect(job.headers.location).toBe(`/v1/audit/verifications/${job.json().id}`);
    let got = job.json();
    for (let i = 0; i < 100 && got.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      got = (await call('GET', job.headers.location as string)).json();
    }
    expect(got).toMatchObject({ state: 'done', result: { valid: true, mode: 'full', firstBroken: null } });
    expect(got.checked).toBe(got.total);
    expect(got.total).toBe(Number(head.seq) > 0 ? Number((await t.testDb.db('audit_log').count({ n: '*' }).first())!.n) : 0);
    expect((await call('GET', '/v1/audit/verifications/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  test('a tampered trail: verify names the break, no checkpoint is signed over it (409 problem+json)', async () => {
    const last = await t.testDb.db('audit_log').orderBy('seq', 'desc').first('seq', 'id');
    await t.testDb.db.raw('alter table audit_log disable trigger user');
    await t.testDb.db.raw(`update audit_log set actor_name = 'Mallory' where seq = ?`, [last.seq]);
    await t.testDb.db.raw('alter table audit_log enable trigger user');
    const v = (await call('GET', '/v1/audit/verify')).json();
    // The entry the checkpoint anchors is re-hashed by the incremental walk too.
    expect(v).toMatchObject({ valid: false, firstBroken: { seq: Number(last.seq), id: last.id, reason: 'hash_mismatch' } });
    const cp = await call('POST', '/v1/audit/checkpoints');
    expect(cp.statusCode).toBe(409);
    expect(cp.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(cp.json().detail).toMatch(/broken at seq/);
    // Published without credentials, still one checkpoint.
    const list = await t.app.inject({ method: 'GET', url: '/v1/audit/checkpoints' });
    expect(list.json().items).toHaveLength(1);
  });
});
