/**
 * Signed certificates, checked the way a hospital would offline: with an independent JOSE
 * library (`jose`), the JWK Set from /.well-known/jwks.json and nothing else of the service's.
 * Keys live in a directory of their own (SIGNING_KEYS_DIR), so a rotation is what an operator
 * does: the centre's current key is retired to `<name>.<label>.pub.pem` and a new one takes its
 * place; certificates signed before keep verifying.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createPublicKey, createPrivateKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app';
import { expectContract, testConfig, testRegistry } from '../helpers/app';
import { databaseKind, openTestDb, type TestDb } from '../helpers/db';
import { profile } from '../helpers/profiles';
import { seedWorld, type Actor, type World } from '../helpers/world';

const run = promisify(execFile);
type Json = Record<string, any>;

let db: TestDb;
let keysDir: string;
let app: FastifyInstance;
let w: World;
const ISSUER = 'https://certs.example.org';

const start = async () => {
  const a = await buildApp(testConfig({ SIGNING_KEYS_DIR: keysDir, PUBLIC_URL: ISSUER }), { db: db.db, registry: testRegistry(), logger: false });
  await a.ready();
  return a;
};

beforeAll(async () => {
  db = await openTestDb();
  keysDir = await mkdtemp(join(tmpdir(), 'medai-keys-'));
  app = await start();
  w = await seedWorld(app, db.db);
});
afterAll(async () => {
  await app.close();
  await db.close();
  await rm(keysDir, { recursive: true, force: true });
});

const call = (who: Actor | null, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
  app.inject({ method, url, payload, headers: { ...(who?.headers ?? {}), ...headers } });

async function transition(who: Actor, appId: string, name: string) {
  const got = await call(who, 'GET', `/v1/applications/${appId}`);
  const res = await call(who, 'POST', `/v1/applications/${appId}/transitions`, { transition: name }, { 'if-match': String(got.headers.etag) });
  expect([res.statusCode, res.json().detail]).toEqual([200, undefined]);
  return res.json();
}

let serial = 0;
/** Medium tier (RU, for patients, minor harm): no override or countersignature needed. */
async function certify(): Promise<{ appId: string; number: string }> {
  const sys = await call(w.vendorKey, 'POST', '/v1/systems', profile({ name: `Signed system ${++serial}`, significance: 'inform', situations: ['non_serious'], jurisdictions: ['RU'], intendedUsers: ['patient'], worstCaseHarm: 'minor' }));
  expect(sys.statusCode).toBe(201);
  const a = (await call(w.vendorKey, 'POST', '/v1/applications', { systemId: sys.json().id, centreId: w.centre })).json();
  for (const e of a.evidence as Json[]) expect((await call(w.vendorKey, 'POST', `/v1/applications/${a.id}/evidence/${e.evidenceId}/not-applicable`, { reason: `Not applicable: ${e.evidenceId}.` })).statusCode).toBe(200);
  await transition(w.vendorKey, a.id, 'submit');
  await transition(w.reviewer, a.id, 'start_review');
  for (const e of a.evidence as Json[]) expect((await call(w.reviewer, 'POST', `/v1/applications/${a.id}/evidence/${e.evidenceId}/review`, { decision: 'accepted', comment: 'Fine.' })).statusCode).toBe(200);
  const approved = await transition(w.reviewer, a.id, 'approve');
  return { appId: a.id, number: approved.certificateNumber };
}

const has = (tool: string) => run('which', [tool]).then(() => true, () => false);

/** The JSON record attached to a report PDF: the one stream that inflates to it (no poppler needed). */
function attachedRecord(pdf: Buffer): Json {
  const found: Json[] = [];
  const text = pdf.toString('latin1');
  for (let at = text.indexOf('stream\n'); at >= 0; at = text.indexOf('stream\n', at + 1)) {
    const end = text.indexOf('endstream', at);
    if (end < 0) break;
    try {
      const json = JSON.parse(inflateSync(pdf.subarray(at + 7, end)).toString('utf8'));
      if (json?.format?.startsWith('medai-risk/assessment-report')) found.push(json);
    } catch {
      // not a compressed JSON stream
    }
  }
  expect(found.length).toBe(1);
  return found[0]!;
}

const jwks = async (): Promise<JSONWebKeySet> => {
  const res = await call(null, 'GET', '/.well-known/jwks.json');
  expect(res.statusCode).toBe(200);
  expectContract('getSigningKeys', res);
  return res.json();
};

describe(`signed certificates on ${databaseKind}`, () => {
  let first: { appId: string; number: string };
  let firstJws: string;
  beforeAll(async () => {
    first = await certify();
  });

  test('the public record is a JWS (EdDSA) by the centre\'s key that jose verifies against the JWK Set; the payload is the record', async () => {
    const res = await call(null, 'GET', `/v1/certificates/${first.number}`);
    expect(res.statusCode).toBe(200);
    expectContract('getCertificate', res);
    const { signature, auditCheckpoint: _c, ...record } = res.json();
    firstJws = signature;
    const set = await jwks();
    expect(decodeProtectedHeader(signature)).toMatchObject({ alg: 'EdDSA', typ: 'medai-certificate+jwt' });
    const { payload, protectedHeader } = await jwtVerify(signature, createLocalJWKSet(set), { issuer: ISSUER, subject: first.number, algorithms: ['EdDSA'] });
    expect(set.keys.map((k) => k.kid)).toContain(protectedHeader.kid);
    expect(payload).toEqual({ iss: ISSUER, sub: first.number, ...record });
    expect(payload).toMatchObject({ status: 'valid', centreName: expect.stringContaining('Centre') });
    // The key is the centre's, in the key directory, not the audit key.
    const centrePem = await readFile(join(keysDir, `centre-${w.centre}.pem`), 'utf8');
    const centreJwk = createPublicKey(createPrivateKey(centrePem)).export({ format: 'jwk' }) as Json;
    expect(set.keys.find((k) => k.kid === protectedHeader.kid)).toMatchObject({ kty: 'OKP', crv: 'Ed25519', x: centreJwk.x, use: 'sig', alg: 'EdDSA' });
    // The same state signs to the same JWS (Ed25519 is deterministic).
    expect((await call(null, 'GET', `/v1/certificates/${first.number}`)).json().signature).toBe(signature);
  });

  test('a record changed after signing does not verify (a class raised, the status put back to valid)', async () => {
    const [h, p, s] = firstJws.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8'));
    payload.classes = payload.classes.map((c: Json) => ({ ...c, class: 'I' }));
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    await expect(compactVerify(forged, createLocalJWKSet(await jwks()))).rejects.toThrow(/signature verification failed/);
  });

  test('a suspension changes the signed status: the new JWS says suspended, the old one still verifies as what was true then', async () => {
    const c = await certify();
    const before = (await call(null, 'GET', `/v1/certificates/${c.number}`)).json().signature;
    const got = await call(w.lead, 'GET', `/v1/applications/${c.appId}`);
    const res = await call(w.lead, 'POST', `/v1/applications/${c.appId}/transitions`, { transition: 'suspend', comment: 'Under investigation.' }, { 'if-match': String(got.headers.etag) });
    expect(res.statusCode).toBe(200);
    const after = (await call(null, 'GET', `/v1/certificates/${c.number}`)).json().signature;
    const set = createLocalJWKSet(await jwks());
    expect((await jwtVerify(after, set)).payload.status).toBe('suspended');
    expect((await jwtVerify(before, set)).payload.status).toBe('valid');
    expect(String((await jwtVerify(after, set)).payload.statusChangedAt) > String((await jwtVerify(before, set)).payload.statusChangedAt)).toBe(true);
  });

  test('the assessment report PDF carries the same JWS, and the latest audit checkpoint', async () => {
    const cp = await call(w.admin, 'POST', '/v1/audit/checkpoints');
    expect(cp.statusCode).toBe(201);
    const cert = (await call(null, 'GET', `/v1/certificates/${first.number}`)).json();
    expect(cert.auditCheckpoint).toEqual(cp.json());
    const pdf = await call(w.vendorKey, 'GET', `/v1/applications/${first.appId}/report.pdf?lang=ru`);
    expect(pdf.statusCode).toBe(200);
    const record = attachedRecord(pdf.rawPayload);
    expect(record.certificate.signature).toBe(cert.signature);
    expect(record.audit.checkpoint).toEqual({ n: cp.json().n, seq: cp.json().seq, hash: cp.json().hash, at: cp.json().at, jws: cp.json().jws });
    const { payload } = await jwtVerify(record.certificate.signature, createLocalJWKSet(await jwks()));
    expect(payload.sub).toBe(first.number);
    // Printed too, in the report's language (where poppler's pdftotext is installed).
    if (await has('pdftotext')) {
      const dir = await mkdtemp(join(tmpdir(), 'medai-signed-report-'));
      try {
        await writeFile(join(dir, 'r.pdf'), pdf.rawPayload);
        const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', join(dir, 'r.pdf'), '-']);
        expect(stdout).toContain('Подпись сертификата');
        expect(stdout).toContain('контрольная точка');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  });

  test('a checkpoint verifies with jose against the same JWK Set', async () => {
    const list = await call(null, 'GET', '/v1/audit/checkpoints');
    expect(list.statusCode).toBe(200);
    expectContract('listAuditCheckpoints', list);
    const last = list.json().items.at(-1);
    const { payload } = await compactVerify(last.jws, createLocalJWKSet(await jwks()));
    const stated = JSON.parse(Buffer.from(payload).toString('utf8'));
    expect(stated).toEqual({ n: last.n, seq: last.seq, hash: last.hash, entries: last.entries, unsigned: last.unsigned, at: last.at, prev: last.prev });
  });

  test('rotation: the centre\'s key retired and replaced; new certificates use the new key, old ones keep verifying', async () => {
    const oldSet = await jwks();
    const oldKid = decodeProtectedHeader(firstJws).kid!;
    // The operator retires the key: its public half stays, the private half goes.
    const current = join(keysDir, `centre-${w.centre}.pem`);
    const pub = createPublicKey(createPrivateKey(await readFile(current, 'utf8'))).export({ format: 'pem', type: 'spki' }) as string;
    await writeFile(join(keysDir, `centre-${w.centre}.2026-12.pub.pem`), pub);
    await rename(current, join(tmpdir(), `retired-${w.centre}-${Date.now()}.pem`));
    await app.close();
    app = await start();
    expect((await jwks()).keys.map((k) => k.kid)).toContain(oldKid);

    // The centre's next signature generates its new key (SIGNING_KEYS_GENERATE), published beside the old one.
    const fresh = await certify();
    const set = await jwks();
    expect(set.keys.length).toBe(oldSet.keys.length + 1);
    const freshJws = (await call(null, 'GET', `/v1/certificates/${fresh.number}`)).json().signature;
    const newKid = decodeProtectedHeader(freshJws).kid!;
    expect(newKid).not.toBe(oldKid);
    expect((await jwtVerify(freshJws, createLocalJWKSet(set))).payload.sub).toBe(fresh.number);
    // The certificate signed before the rotation, as a hospital kept it, still verifies.
    expect((await jwtVerify(firstJws, createLocalJWKSet(set))).payload.sub).toBe(first.number);
    // Now signed afresh, the same certificate carries the new kid.
    expect(decodeProtectedHeader((await call(null, 'GET', `/v1/certificates/${first.number}`)).json().signature).kid).toBe(newKid);
    // The audit key did not change: the trail signed before the restart still verifies.
    const v = await call(w.admin, 'GET', '/v1/audit/verify');
    expect(v.json()).toMatchObject({ valid: true, firstBroken: null });
  });
});
