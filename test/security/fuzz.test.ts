import fc from 'fast-check';
import { openTestApp, type TestApp } from '../helpers/app';
import { databaseKind } from '../helpers/db';
import { profile } from '../helpers/profiles';
import { seedWorld, type World } from '../helpers/world';
import { loadContract, type OperationSpec } from '../../src/platform/contract';

/**
 * Schema-driven fuzzing of every operation in openapi.yaml: request bodies, path and query
 * parameters generated from the operation's own schemas and mixed with hostile values (NUL,
 * unpaired surrogates, bidirectional overrides, malformed escapes, huge and empty strings, wrong
 * types, unknown members, bad JSON, other content types, broken multipart), sent as several roles
 * and anonymously. Every answer must be below 500, and every error problem+json whose status is
 * the answer's. The seed is fixed, so a failure replays; FUZZ_RUNS sets the requests per operation.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 50);
const SEED = 20261203;
type Json = Record<string, any>;

let t: TestApp;
let w: World;
const ids: Record<string, string[]> = { id: [], evidenceId: ['E01', 'E02', 'E99'], documentId: [], keyId: [], number: ['MR-2026-000001'], n: ['1', '2', '0', '-1', '99999999999'] };
beforeAll(async () => {
  t = await openTestApp();
  w = await seedWorld(t.app, t.testDb.db);
  const sys = await t.app.inject({ method: 'POST', url: '/v1/systems', headers: w.vendorKey.headers, payload: profile({ name: 'Fuzz target' }) });
  const a = await t.app.inject({ method: 'POST', url: '/v1/applications', headers: w.vendorKey.headers, payload: { systemId: sys.json().id, centreId: w.centre } });
  ids.id.push(sys.json().id, a.json().id, w.vendorA, w.centre, w.regulator);
  const boundary = 'fuzzseed';
  const doc = await t.app.inject({
    method: 'POST', url: `/v1/applications/${a.json().id}/evidence/${a.json().evidence[0].evidenceId}/documents`,
    headers: { ...w.vendorKey.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="seed.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 seed\r\n--${boundary}--\r\n`,
  });
  ids.documentId.push(doc.json().documents[0].id);
  ids.keyId.push(w.vendorKey.id);
}, 120_000);
afterAll(async () => t.close());

const HOSTILE = [
  '\u0000', 'a\u0000b', '\ud800', 'x\udc00y', '\ud83d', 'invoice\u202Efdp.exe', '\u200B', '%00', '%E0%A4%A', '../../etc/passwd',
  "' OR 1=1 --", '<script>alert(1)</script>', '😀'.repeat(50), '', ' ', 'x'.repeat(20_000), '\r\nSet-Cookie: a=b', '\\u0000', 'NaN', '-0', '1e309',
];
const hostileString = fc.constantFrom(...HOSTILE);
const anyJson = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 3 }));

/** Values a schema accepts, values it almost accepts, and hostile ones. */
function fromSchema(schema: Json | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 5) return anyJson;
  if (schema.oneOf || schema.anyOf) {
    const branches = (schema.oneOf ?? schema.anyOf) as Json[];
    return fc.oneof(...branches.slice(0, 4).map((b) => fromSchema({ ...schema, oneOf: undefined, anyOf: undefined, ...b }, depth + 1)));
  }
  if (schema.enum) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...(schema.enum as unknown[])) }, { weight: 1, arbitrary: hostileString });
  if (schema.const !== undefined) return fc.oneof(fc.constant(schema.const), hostileString);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      const shaped = schema.format === 'uuid' ? fc.oneof(fc.uuid(), fc.constantFrom(...ids.id))
        : schema.format === 'date' ? fc.constantFrom('2026-01-01', '2099-12-31', '2026-02-30', '0000-00-00')
          : schema.format === 'date-time' ? fc.constantFrom('2026-01-01T00:00:00Z', 'yesterday')
            : schema.format === 'email' ? fc.constantFrom('a@example.org', 'not-an-email', `a\u0000@example.org`)
              : fc.string({ maxLength: 60 });
      return fc.oneof({ weight: 3, arbitrary: shaped }, { weight: 2, arbitrary: hostileString }, { weight: 1, arbitrary: anyJson });
    }
    case 'integer':
    case 'number':
      return fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constantFrom(0, -1, 2 ** 53, 1e308, 0.5), hostileString);
    case 'boolean':
      return fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: anyJson });
    case 'array':
      return fc.oneof({ weight: 5, arbitrary: fc.array(fromSchema(schema.items as Json, depth + 1), { maxLength: 4 }) }, { weight: 1, arbitrary: anyJson });
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Json>;
      const required = new Set<string>((schema.required ?? []) as string[]);
      const names = Object.keys(props);
      if (names.length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 3 });
      const record = fc.record(Object.fromEntries(names.map((n) => [n, fromSchema(props[n], depth + 1)])), { requiredKeys: [] });
      // Mostly with every required member, sometimes with some left out, sometimes with an unknown one.
      return fc.tuple(record, fc.nat(9), hostileString).map(([r, dice, extra]) => {
        const out: Json = { ...r };
        if (dice < 7) for (const n of required) if (!(n in out)) out[n] = undefined;
        if (dice === 9) out[`unknown${extra}`] = extra;
        return JSON.parse(JSON.stringify(out, (_k, v) => (v === undefined ? null : v)));
      });
    }
    default:
      return anyJson;
  }
}

const RAW_SEGMENTS = ['%00', '%E0%A4%A', '%ff', '%', '..', '%2e%2e', '%2F', 'x'.repeat(300), '%ED%A0%80', '%F0%9F%98%80'];
function pathParam(name: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(ids[name] ?? ids.id)) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, ''))) },
  );
}

const encode = (v: unknown): string => {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
  // Unpaired surrogates cannot be percent-encoded as UTF-8: send them as the encoded UTF-8 of a surrogate.
  return s.replace(/[\uD800-\uDFFF]/g, '%ED%A0%80').split('%ED%A0%80').map((part) => encodeURIComponent(part)).join('%ED%A0%80');
};
function queryString(op: OperationSpec): fc.Arbitrary<string> {
  const props = ((op.querystring?.properties ?? {}) as Record<string, Json>);
  const declared = Object.entries(props).map(([name, schema]) => fromSchema(schema).map((v) => `${encodeURIComponent(name)}=${encode(v)}`));
  const raw = fc.constantFrom('%00=1', 'a=%E0%A4%A', 'b=%', '%zz=1', 'c=%ED%A0%80', 'limit=1e9', 'cursor=%00%00', '&&&', '=', 'x[y]=1');
  return fc.array(fc.oneof({ weight: 3, arbitrary: declared.length ? fc.oneof(...declared) : raw }, { weight: 1, arbitrary: raw }), { maxLength: 3 })
    .map((parts) => (parts.length ? `?${parts.join('&')}` : ''));
}

type Who = 'anonymous' | 'vendorKey' | 'vendorUser' | 'reviewer' | 'lead' | 'admin' | 'rulesAdmin' | 'otherVendorKey';
const WHO: Who[] = ['anonymous', 'vendorKey', 'vendorUser', 'reviewer', 'lead', 'admin', 'rulesAdmin', 'otherVendorKey'];

function bodyOf(op: OperationSpec): fc.Arbitrary<{ payload?: string | Buffer; contentType?: string }> {
  const json = fromSchema(op.body).map((b) => ({ payload: JSON.stringify(b), contentType: 'application/json' }));
  const broken = fc.constantFrom(
    { payload: '{"name":', contentType: 'application/json' },
    { payload: '', contentType: 'application/json' },
    { payload: '\u0000', contentType: 'application/json' },
    { payload: '{"a":"\\u0000","b":"\\ud800"}', contentType: 'application/json' },
    { payload: 'plain', contentType: 'text/plain' },
    { payload: '<a/>', contentType: 'application/xml' },
    { payload: '--x\r\nContent-Disposition: form-data; name="file"; filename="a\u202E.pdf"\r\n\r\n%PDF-1.4', contentType: 'multipart/form-data; boundary=x' },
    { payload: '--x\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\nMZ\r\n--x--\r\n', contentType: 'multipart/form-data; boundary=x' },
    { payload: 'garbage', contentType: 'multipart/form-data' },
    { payload: '{}', contentType: 'application/json; charset=utf-16' },
  );
  return op.body ? fc.oneof({ weight: 4, arbitrary: json }, { weight: 1, arbitrary: broken }) : fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: broken });
}

const ops = [...loadContract().operations.values()];

describe(`fuzzing every operation of openapi.yaml (${RUNS} requests each, seed ${SEED}) on ${databaseKind}`, () => {

  test.each(ops.map((op) => [op.operationId, op] as const))('%s: no 5xx, every error problem+json', async (_id, op) => {
    let sent = 0;
    const pathNames = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const request = fc.record({
      params: fc.tuple(...(pathNames.length ? pathNames.map(pathParam) : [fc.constant('')])),
      query: queryString(op),
      body: bodyOf(op),
      who: fc.constantFrom(...WHO),
      lang: fc.constantFrom('en', 'ru', 'ru-RU,ru;q=0.9', '*', ''),
      key: fc.option(fc.oneof(fc.constantFrom('k1', 'k2'), hostileString.map((s) => s.replace(/[\u0100-\uffff]/g, '?'))), { nil: undefined }),
      ifMatch: fc.option(fc.constantFrom('"1"', 'W/"2"', '*', ''), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        let i = 0;
        const url = op.path.replace(/\{(\w+)\}/g, () => String(r.params[i++])) + r.query;
        const headers: Record<string, string> = { ...(r.who === 'anonymous' ? {} : w[r.who].headers) };
        if (r.lang) headers['accept-language'] = r.lang;
        if (r.key !== undefined) headers['idempotency-key'] = r.key;
        if (r.ifMatch !== undefined) headers['if-match'] = r.ifMatch;
        if (r.body.contentType) headers['content-type'] = r.body.contentType;
        const res = await t.app.inject({ method: op.method, url, headers, ...(r.body.payload !== undefined && op.method !== 'GET' ? { payload: r.body.payload } : {}) });
        sent++;
        const where = `${op.method} ${url.slice(0, 200)} as ${r.who} → ${res.statusCode} ${res.body.slice(0, 300)}`;
        if (res.statusCode >= 500) throw new Error(`5xx: ${where}`);
        if (res.statusCode >= 400) {
          if (!String(res.headers['content-type']).startsWith('application/problem+json')) throw new Error(`not problem+json: ${where}`);
          const p = JSON.parse(res.body) as Json;
          if (p.status !== res.statusCode || typeof p.title !== 'string' || typeof p.type !== 'string') throw new Error(`malformed problem: ${where}`);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(sent).toBe(RUNS);
  }, 120_000);
});
