import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app';
import { createDb } from '../../src/platform/db';
import { expectContract, testConfig, testRegistry } from '../helpers/app';
import { databaseKind, openTestDb, usingPostgres, type TestDb } from '../helpers/db';
import { profile } from '../helpers/profiles';
import { seedWorld, type Actor, type World } from '../helpers/world';

type Json = Record<string, any>;
let testDb: TestDb;
let app: FastifyInstance;
let w: World;
let clock = new Date();
const documentsDir = mkdtempSync(join(tmpdir(), 'medai-docs-'));

beforeAll(async () => {
  testDb = await openTestDb();
  app = await buildApp(testConfig({ UPLOAD_MAX_BYTES: 2048, UPLOAD_TYPES: 'application/pdf,text/plain', DOCUMENTS_DIR: documentsDir }), {
    db: testDb.db, registry: testRegistry(), logger: false, now: () => clock,
  });
  await app.ready();
  w = await seedWorld(app, testDb.db);
});
afterAll(async () => {
  await app.close();
  await testDb.close();
  rmSync(documentsDir, { recursive: true, force: true });
});

const call = (target: FastifyInstance, who: Actor | null, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
  target.inject({ method, url, payload, headers: { ...(who?.headers ?? {}), ...headers } });

function multipart(content: Buffer | string, type: string, filename = 'report.pdf') {
  const boundary = '----medai' + Math.random().toString(16).slice(2);
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function openApplication(p = profile({ name: `System ${Math.random()}` })) {
  const sys = (await call(app, w.vendorKey, 'POST', '/v1/systems', p)).json();
  const a = (await call(app, w.vendorKey, 'POST', '/v1/applications', { systemId: sys.id, centreId: w.centre })).json();
  return { sys, a } as { sys: Json; a: Json };
}

async function fillAndSubmit(a: Json) {
  for (const e of a.evidence) {
    const res = await call(app, w.vendorKey, 'POST', `/v1/applications/${a.id}/evidence/${e.evidenceId}/not-applicable`, { reason: 'Covered by the platform certificate.' });
    expect(res.statusCode).toBe(200);
  }
  const etag = (await call(app, w.vendorKey, 'GET', `/v1/applications/${a.id}`)).headers.etag as string;
  const res = await call(app, w.vendorKey, 'POST', `/v1/applications/${a.id}/transitions`, { transition: 'submit' }, { 'if-match': etag });
  expect(res.statusCode).toBe(200);
  return res.json();
}

describe(`evidence documents on ${databaseKind}`, () => {
  test('a document is kept under DOCUMENTS_DIR with its sha256 and comes back byte for byte', async () => {
    const { a } = await openApplication();
    const bytes = Buffer.from('%PDF-1.4\nclinical evaluation report, signed\n');
    const mp = multipart(bytes, 'application/pdf', 'CER Отчёт.pdf');
    const up = await app.inject({ method: 'POST', url: `/v1/applications/${a.id}/evidence/${a.evidence[0].evidenceId}/documents`, ...mp, headers: { ...mp.headers, ...w.vendorKey.headers } });
    expect(up.statusCode).toBe(201);
    expectContract('uploadEvidenceDocument', up);
    const doc = up.json().documents[0];
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(doc).toMatchObject({ filename: 'CER Отчёт.pdf', contentType: 'application/pdf', size: bytes.length, sha256: `sha256:${sha}` });
    expect(readFileSync(join(documentsDir, a.id, doc.id))).toEqual(bytes);
    const row = await testDb.db('documents').where({ id: doc.id }).first();
    expect(row.content).toBeNull();

    const down = await call(app, w.vendorKey, 'GET', `/v1/applications/${a.id}/documents/${doc.id}`);
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload).toEqual(bytes);
    expect(down.headers['x-content-sha256']).toBe(`sha256:${sha}`);
    expect(down.headers['content-disposition']).toContain("filename*=UTF-8''CER%20%D0%9E%D1%82%D1%87%D1%91%D1%82.pdf");
    // Another vendor cannot fetch it, nor learn that it exists.
    expect((await call(app, w.otherVendorKey, 'GET', `/v1/applications/${a.id}/documents/${doc.id}`)).statusCode).toBe(404);
  });

  test('over the size limit is 413, a type off the allowlist is 415, a JSON body is 415; none of them leaves a row or a file', async () => {
    const { a } = await openApplication();
    const url = `/v1/applications/${a.id}/evidence/${a.evidence[0].evidenceId}/documents`;
    const filesBefore = readdirSync(documentsDir).length;
    const big = multipart(Buffer.alloc(4096, 65), 'application/pdf');
    const tooBig = await app.inject({ method: 'POST', url, ...big, headers: { ...big.headers, ...w.vendorKey.headers } });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.headers['content-type']).toContain('application/problem+json');
    const exe = multipart('MZ...', 'application/x-msdownload', 'tool.exe');
    const wrongType = await app.inject({ method: 'POST', url, ...exe, headers: { ...exe.headers, ...w.vendorKey.headers } });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json().detail).toContain('application/x-msdownload');
    const json = await call(app, w.vendorKey, 'POST', url, { file: 'x' });
    expect(json.statusCode).toBe(415);
    expect(Number((await testDb.db('documents').where({ application_id: a.id }).count({ n: '*' }).first())!.n)).toBe(0);
    expect(readdirSync(documentsDir).length).toBe(filesBefore);
    expect((await call(app, w.vendorKey, 'GET', `/v1/applications/${a.id}`)).json().evidence[0].status).toBe('missing');
  });

  test('after submission the vendor cannot change evidence any more (it is pinned for review)', async () => {
    const { a } = await openApplication();
    await fillAndSubmit(a);
    const mp = multipart('late', 'text/plain', 'late.txt');
    const late = await app.inject({ method: 'POST', url: `/v1/applications/${a.id}/evidence/${a.evidence[0].evidenceId}/documents`, ...mp, headers: { ...mp.headers, ...w.vendorKey.headers } });
    expect(late.statusCode).toBe(409);
    expect((await call(app, w.vendorKey, 'POST', `/v1/applications/${a.id}/evidence/${a.evidence[0].evidenceId}/not-applicable`, { reason: 'Changed my mind entirely.' })).statusCode).toBe(409);
  });
});

describe(`blank text on ${databaseKind}`, () => {
  test('a blank reason, comment, justification or description is 400 naming the field, and changes nothing', async () => {
    const { a } = await openApplication();
    const e = a.evidence[0].evidenceId;
    const blankReason = await call(app, w.vendorKey, 'POST', `/v1/applications/${a.id}/evidence/${e}/not-applicable`, { reason: '            ' });
    expect(blankReason.statusCode).toBe(400);
    expect(blankReason.json().errors[0]).toMatchObject({ in: 'body', field: '/reason' });
    const submitted = await fillAndSubmit(a);
    const start = await call(app, w.reviewer, 'POST', `/v1/applications/${a.id}/transitions`, { transition: 'start_review' }, { 'if-match': submitted.etag });
    expect(start.statusCode).toBe(200);
    const before = (await call(app, w.reviewer, 'GET', `/v1/applications/${a.id}`)).json();
    const blankComment = await call(app, w.reviewer, 'POST', `/v1/applications/${a.id}/evidence/${e}/review`, { decision: 'accepted', comment: '   ' });
    expect(blankComment.json().errors[0]).toMatchObject({ field: '/comment' });
    const blankCs = await call(app, w.lead, 'POST', `/v1/applications/${a.id}/countersignatures`, { transition: 'approve', comment: ' ' });
    expect(blankCs.json().errors[0]).toMatchObject({ field: '/comment' });
    const padded = await call(app, w.reviewer, 'POST', `/v1/applications/${a.id}/overrides`, { framework: 'imdrf-samd', class: 'II', justification: `   ${'x'.repeat(5)}${' '.repeat(20)}` });
    expect(padded.statusCode).toBe(400);
    expect(padded.json().errors[0]).toMatchObject({ field: '/justification' });
    const after = (await call(app, w.reviewer, 'GET', `/v1/applications/${a.id}`)).json();
    expect(after.etag).toBe(before.etag);
    expect(after.evidence[0]).toEqual(before.evidence[0]);
    const incident = await call(app, w.vendorKey, 'POST', `/v1/systems/${a.systemId}/incidents`, { severity: 'minor', description: '             ', occurredOn: '2026-01-01' });
    expect(incident.statusCode).toBe(400);
    expect(incident.json().errors[0]).toMatchObject({ field: '/description' });
  });
});

describe(`the review queue on ${databaseKind}`, () => {
  test('filters by state, tier, framework and class, assignee and overdue, with cursor pagination, scoped to the centre', async () => {
    clock = new Date('2026-01-10T10:00:00Z');
    const high = await openApplication(profile({ name: 'Queue high', significance: 'treat_or_diagnose', situations: ['critical'], worstCaseHarm: 'death_or_irreversible' }));
    const low = await openApplication(profile({ name: 'Queue low', significance: 'inform', situations: ['non_serious'] }));
    const submittedHigh = await fillAndSubmit(high.a);
    await fillAndSubmit(low.a);
    expect(submittedHigh.riskTier).toBe('highest');
    expect(submittedHigh.deadline).toBe('2026-04-10T10:00:00.000Z'); // 90 days for the highest tier

    const list = async (who: Actor, q: string) => {
      const res = await call(app, who, 'GET', `/v1/applications?${q}`);
      expect(res.statusCode).toBe(200);
      expectContract('listApplications', res);
      return res.json() as { items: Json[]; nextCursor: string | null };
    };
    const ids = (page: { items: Json[] }) => page.items.map((i) => i.id);

    expect(ids(await list(w.reviewer, 'state=submitted'))).toEqual(expect.arrayContaining([high.a.id, low.a.id]));
    expect(ids(await list(w.reviewer, 'tier=highest'))).toContain(high.a.id);
    expect(ids(await list(w.reviewer, 'tier=highest'))).not.toContain(low.a.id);
    expect(ids(await list(w.reviewer, 'framework=imdrf-samd&class=IV'))).toEqual([high.a.id]);
    expect(ids(await list(w.reviewer, 'class=IV'))).toEqual([high.a.id]);
    expect(ids(await list(w.reviewer, 'assignee=none&state=submitted'))).toEqual(expect.arrayContaining([high.a.id, low.a.id]));
    expect(ids(await list(w.otherReviewer, 'state=submitted'))).toEqual([]);
    expect(ids(await list(w.otherVendorKey, 'state=submitted'))).toEqual([]);

    // Assignment by a lead reviewer; the queue shows it.
    expect((await call(app, w.reviewer, 'POST', `/v1/applications/${high.a.id}/assignment`, { assigneeId: w.reviewer2.id })).statusCode).toBe(403);
    expect((await call(app, w.lead, 'POST', `/v1/applications/${high.a.id}/assignment`, { assigneeId: w.otherReviewer.id })).statusCode).toBe(400);
    const assigned = await call(app, w.lead, 'POST', `/v1/applications/${high.a.id}/assignment`, { assigneeId: w.reviewer2.id });
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json().assignee).toEqual({ id: w.reviewer2.id, name: 'Reviewer Two' });
    expect(ids(await list(w.reviewer2, 'assignee=me'))).toEqual([high.a.id]);
    expect(ids(await list(w.reviewer, `assignee=${w.reviewer2.id}`))).toEqual([high.a.id]);

    // 50 days on, the lower-tier one (30 or 45 days) is overdue, the highest (90 days) not yet.
    expect(['low', 'medium']).toContain((await call(app, w.reviewer, 'GET', `/v1/applications/${low.a.id}`)).json().riskTier);
    clock = new Date('2026-03-01T10:00:00Z');
    const overdue = await list(w.reviewer, 'overdue=true');
    expect(ids(overdue)).toContain(low.a.id);
    expect(ids(overdue)).not.toContain(high.a.id);
    expect(overdue.items.find((i) => i.id === low.a.id)!.overdue).toBe(true);
    expect(ids(await list(w.reviewer, 'overdue=false'))).toContain(high.a.id);
    expect(ids(await list(w.reviewer, 'overdue=false'))).not.toContain(low.a.id);

    // Pages of one walk the whole queue, newest first, without repeats.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Json[]; nextCursor: string | null } = await list(w.reviewer, `limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor);
    const all = ids(await list(w.reviewer, 'limit=200'));
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await call(app, w.reviewer, 'GET', '/v1/applications?cursor=bogus')).statusCode).toBe(400);
    expect((await call(app, w.rulesAdmin, 'GET', '/v1/applications')).statusCode).toBe(403);
    clock = new Date();
  });
});

describe(`safety on ${databaseKind}`, () => {
  test('an audit row edited behind the service\'s back is named by GET /v1/audit/verify', async () => {
    await openApplication();
    expect((await call(app, w.admin, 'GET', '/v1/audit/verify')).json()).toMatchObject({ valid: true, firstBroken: null });
    const victim = await testDb.db('audit_log').where({ action: 'application.create' }).orderBy('seq', 'desc').first();
    const db = testDb.db;
    await db.raw('alter table audit_log disable trigger user');
    await db('audit_log').where({ seq: victim.seq }).update({ after: JSON.stringify({ state: 'approved' }) });
    await db.raw('alter table audit_log enable trigger user');
    const res = await call(app, w.admin, 'GET', '/v1/audit/verify');
    expectContract('verifyAudit', res);
    expect(res.json()).toMatchObject({ valid: false, firstBroken: { seq: Number(victim.seq), id: victim.id, reason: 'hash_mismatch' } });
    // And the database itself refuses to rewrite history.
    await expect(db('audit_log').where({ seq: victim.seq }).update({ action: 'x' })).rejects.toThrow(/append-only/);
    await expect(db('audit_log').where({ seq: victim.seq }).del()).rejects.toThrow(/append-only/);
    // Put it back so the other tests of this file see a sound chain.
    await db.raw('alter table audit_log disable trigger user');
    await db('audit_log').where({ seq: victim.seq }).update({ after: victim.after });
    await db.raw('alter table audit_log enable trigger user');
    expect((await call(app, w.admin, 'GET', '/v1/audit/verify')).json().valid).toBe(true);
  });

  test('two service instances on one database: of racing transitions with one ETag exactly one wins; one Idempotency-Key writes once', async () => {
    // A second instance: its own app and, on PostgreSQL, its own connection pool to the same schema.
    const otherDb = usingPostgres ? createDb({ DATABASE_URL: process.env.DATABASE_URL, DATABASE_SCHEMA: testDb.schema, DATA_DIR: '' }) : testDb.db;
    const other = await buildApp(testConfig(), { db: otherDb, registry: testRegistry(), logger: false });
    await other.ready();
    try {
      const { a } = await openApplication();
      const racers = Array.from({ length: 8 }, (_, i) => call(i % 2 ? other : app, w.vendorKey, 'POST', `/v1/applications/${a.id}/transitions`, { transition: 'withdraw' }, { 'if-match': a.etag }));
      const codes = (await Promise.all(racers)).map((r) => r.statusCode).sort();
      expect(codes.filter((c) => c === 200)).toHaveLength(1);
      expect(codes.filter((c) => c !== 200).every((c) => c === 412 || c === 409)).toBe(true);
      const history = await testDb.db('application_history').where({ application_id: a.id, transition: 'withdraw' });
      expect(history).toHaveLength(1);

      const before = Number((await testDb.db('systems').count({ n: '*' }).first())!.n);
      const p = profile({ name: 'Two instances' });
      const both = await Promise.all(Array.from({ length: 6 }, (_, i) => call(i % 2 ? other : app, w.vendorKey, 'POST', '/v1/systems', p, { 'idempotency-key': 'two-instances' })));
      expect(both.every((r) => r.statusCode === 201 || r.statusCode === 409)).toBe(true);
      expect(new Set(both.filter((r) => r.statusCode === 201).map((r) => r.json().id)).size).toBe(1);
      expect(Number((await testDb.db('systems').count({ n: '*' }).first())!.n)).toBe(before + 1);
      const replay = await call(other, w.vendorKey, 'POST', '/v1/systems', p, { 'idempotency-key': 'two-instances' });
      expect(replay.statusCode).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
    } finally {
      await other.close();
      if (otherDb !== testDb.db) await otherDb.destroy();
    }
  });
});
