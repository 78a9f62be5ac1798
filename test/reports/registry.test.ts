import { exportOptions, keyset } from '../../src/reports/export';
import { loadContract, newAjv } from '../../src/platform/contract';
import { expectContract, openTestApp, type TestApp } from '../helpers/app';
import { databaseKind } from '../helpers/db';
import { profile } from '../helpers/profiles';
import { seedWorld, type World } from '../helpers/world';

let t: TestApp;
let w: World;

type Json = Record<string, any>;
type Seeded = { number: string; systemName: string; manufacturer: string; issuedAt: string; status: string };

const NAMES = [
  { name: 'Plain system', manufacturer: 'Plain vendor' },
  { name: 'Comma, "Quoted" system', manufacturer: 'ACME, Inc. "Labs"' },
  { name: 'Кардио-ИИ, «Вектор»', manufacturer: 'ООО "Ромашка", Москва' },
  { name: 'Two\nlines', manufacturer: 'Semi;colon' },
];
const COUNT = 23;
const BATCH = 4;
const INTENDED_PURPOSE = 'Confidential intended purpose: analyses ECGs of one patient for arrhythmia.';
let seeded: Seeded[] = [];

/** Certificates straight into the table (the workflow is tested elsewhere): many rows, odd names, every status. */
beforeAll(async () => {
  t = await openTestApp({ PUBLIC_URL: 'https://registry.example.org/' });
  w = await seedWorld(t.app, t.testDb.db);
  const systems: Array<{ id: string; name: string; manufacturer: string }> = [];
  let appId = '';
  for (const n of NAMES) {
    const res = await t.app.inject({ method: 'POST', url: '/v1/systems', headers: w.vendorKey.headers, payload: profile({ name: n.name, version: '2.1-β', manufacturer: { name: n.manufacturer, country: 'RU' }, intendedPurpose: INTENDED_PURPOSE }) });
    expect(res.statusCode).toBe(201);
    systems.push({ id: res.json().id, name: n.name, manufacturer: n.manufacturer });
    if (!appId) appId = (await t.app.inject({ method: 'POST', url: '/v1/applications', headers: w.vendorKey.headers, payload: { systemId: res.json().id, centreId: w.centre } })).json().id;
  }
  const base = Date.UTC(2025, 0, 1);
  const rows = Array.from({ length: COUNT }, (_, i) => {
    const s = systems[i % systems.length];
    // Rows 5 and 6 share an issue time: the number orders them.
    const issued = new Date(base + (i === 6 ? 5 : i) * 86_400_000).toISOString();
    const status = i === 3 ? 'suspended' : i === 4 ? 'revoked' : i === 7 ? 'superseded' : 'valid';
    // Row 2 is past its date but nobody recorded it: the registry says expired.
    const validUntil = i === 2 ? '2025-06-01T00:00:00.000Z' : '2099-01-01T00:00:00.000Z';
    return {
      number: `MR-2025-9${String(i).padStart(5, '0')}`, application_id: appId, system_id: s.id, version: 1, organisation_id: w.vendorA, centre_id: w.centre,
      status, re_review_required: false, issued_at: issued, valid_until: validUntil, status_changed_at: issued,
      classes: JSON.stringify([{ framework: 'imdrf-samd', class: 'II', engineClass: 'II' }, { framework: 'us-fda', class: null, engineClass: null }]),
      rulesets: JSON.stringify([]),
    };
  });
  await t.testDb.db('certificates').insert(rows);
  seeded = rows.map((r, i) => ({
    number: r.number, systemName: systems[i % systems.length].name, manufacturer: systems[i % systems.length].manufacturer, issuedAt: r.issued_at,
    status: i === 2 ? 'expired' : r.status,
  }));
});
afterAll(async () => t.close());

/** In issue order: time, then number. */
const issueOrder = () => [...seeded].sort((a, b) => a.issuedAt.localeCompare(b.issuedAt) || a.number.localeCompare(b.number));

/** RFC 4180, strictly: quoted fields may hold commas, CRLF and doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"' && field === '') { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
    if (c === '"' || c === '\n' || c === '\r') throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
    field += c; i++;
  }
  if (field !== '' || row.length > 0) throw new Error('the last record has no CRLF');
  return rows;
}

/** Counts the queries on the certificates table while `fn` runs. */
async function countingQueries<T>(fn: () => Promise<T>): Promise<{ result: T; queries: number }> {
  let queries = 0;
  const listener = (q: { sql: string }) => { if (/from "certificates"/i.test(q.sql)) queries++; };
  t.testDb.db.on('query', listener);
  try {
    return { result: await fn(), queries };
  } finally {
    t.testDb.db.removeListener('query', listener);
  }
}

describe(`the public registry on ${databaseKind}`, () => {
  test('pages newest first with a cursor; every certificate once; the contract holds; no confidential fields', async () => {
    const seen: Json[] = [];
    let cursor: string | null = null;
    do {
      const res: import('fastify').LightMyRequestResponse = await t.app.inject({ method: 'GET', url: `/v1/registry?limit=5${cursor ? `&cursor=${cursor}` : ''}` });
      expect(res.statusCode).toBe(200);
      expectContract('listRegistry', res);
      expect(res.body).not.toContain(INTENDED_PURPOSE);
      for (const id of [w.vendorA, w.centre, w.vendorKey.id]) expect(res.body).not.toContain(id);
      seen.push(...res.json().items);
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen.map((e) => e.certificateNumber)).toEqual(issueOrder().reverse().map((s) => s.number));
    const first = seen.find((e) => e.certificateNumber === seeded[1].number)!;
    expect(first).toEqual({
      certificateNumber: seeded[1].number, status: 'valid', systemName: 'Comma, "Quoted" system', manufacturer: 'ACME, Inc. "Labs"', systemVersion: '2.1-β', version: 1,
      centreName: expect.stringContaining('Centre'), issuedAt: seeded[1].issuedAt, validUntil: '2099-01-01T00:00:00.000Z',
      classes: [{ framework: 'imdrf-samd', class: 'II' }, { framework: 'us-fda', class: null }],
      verificationUrl: `https://registry.example.org/v1/certificates/${seeded[1].number}`,
    });
    expect(seen.find((e) => e.certificateNumber === seeded[2].number)!.status).toBe('expired');
  });

  test('the status filter goes by the effective status', async () => {
    const of = async (status: string) => (await t.app.inject({ method: 'GET', url: `/v1/registry?status=${status}&limit=200` })).json().items.map((e: Json) => e.certificateNumber);
    expect(await of('expired')).toEqual([seeded[2].number]);
    expect(await of('suspended')).toEqual([seeded[3].number]);
    expect(await of('revoked')).toEqual([seeded[4].number]);
    const valid = await of('valid');
    expect(valid).toHaveLength(COUNT - 4);
    expect(valid).not.toContain(seeded[2].number);
    expect((await t.app.inject({ method: 'GET', url: '/v1/registry?status=bogus' })).statusCode).toBe(400);
    const bad = await t.app.inject({ method: 'GET', url: '/v1/registry?cursor=nonsense' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ in: 'query', field: '/cursor' });
  });

  test('CSV: streamed in batches, every row once in issue order, RFC 4180 quoting, UTF-8, a header, an attachment', async () => {
    const before = exportOptions.batchSize;
    exportOptions.batchSize = BATCH;
    try {
      const { result: res, queries } = await countingQueries(() => t.app.inject({ method: 'GET', url: '/v1/registry.csv' }));
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
      expect(String(res.headers['content-disposition'])).toMatch(/^attachment; filename="registry-\d{4}-\d{2}-\d{2}\.csv"/);
      expect(res.headers['content-length']).toBeUndefined();
      // One query per batch, and the last (short or empty) batch ends it: never the whole table at once.
      expect(queries).toBe(Math.floor(COUNT / BATCH) + 1);
      const rows = parseCsv(res.rawPayload.toString('utf8'));
      expect(rows[0]).toEqual(['certificateNumber', 'status', 'systemName', 'manufacturer', 'systemVersion', 'version', 'centreName', 'issuedAt', 'validUntil', 'classes', 'verificationUrl']);
      const body = rows.slice(1);
      expect(body.map((r) => r[0])).toEqual(issueOrder().map((s) => s.number));
      expect(new Set(body.map((r) => r[0])).size).toBe(COUNT);
      for (const r of body) {
        const s = seeded.find((x) => x.number === r[0])!;
        expect([r[1], r[2], r[3], r[4], r[5]]).toEqual([s.status, s.systemName, s.manufacturer, '2.1-β', '1']);
        expect(r[9]).toBe('imdrf-samd:II;us-fda:');
        expect(r[10]).toBe(`https://registry.example.org/v1/certificates/${s.number}`);
      }
      expect(res.body).toContain('"Comma, ""Quoted"" system","ACME, Inc. ""Labs"""');
      expect(res.body).toContain('"Кардио-ИИ, «Вектор»","ООО ""Ромашка"", Москва"');
      expect(res.body).toContain('"Two\nlines",Semi;colon');
    } finally {
      exportOptions.batchSize = before;
    }
  });

  test('JSON: streamed the same way, parses, every entry matches RegistryEntry', async () => {
    const before = exportOptions.batchSize;
    exportOptions.batchSize = BATCH;
    try {
      const { result: res, queries } = await countingQueries(() => t.app.inject({ method: 'GET', url: '/v1/registry.json' }));
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(String(res.headers['content-disposition'])).toMatch(/^attachment; filename="registry-.*\.json"/);
      expect(queries).toBe(Math.floor(COUNT / BATCH) + 1);
      const items: Json[] = JSON.parse(res.body);
      expect(items.map((e) => e.certificateNumber)).toEqual(issueOrder().map((s) => s.number));
      const validate = newAjv().compile(loadContract().schema('RegistryEntry'));
      for (const e of items) expect([validate(e), validate.errors]).toEqual([true, null]);
      expect(items.find((e) => e.certificateNumber === seeded[2].number)!.status).toBe('expired');
    } finally {
      exportOptions.batchSize = before;
    }
  });

  test('an exact multiple of the batch size, and an empty registry, still give well-formed output', async () => {
    const before = exportOptions.batchSize;
    try {
      exportOptions.batchSize = COUNT;
      const { result: res, queries } = await countingQueries(() => t.app.inject({ method: 'GET', url: '/v1/registry.json' }));
      expect(JSON.parse(res.body)).toHaveLength(COUNT);
      expect(queries).toBe(2);
    } finally {
      exportOptions.batchSize = before;
    }
    const fetched: Array<string | null> = [];
    const none = keyset(async (after: string | null) => { fetched.push(after); return [] as string[]; }, (r) => r, 3);
    const batches: string[][] = [];
    for await (const b of none) batches.push(b);
    expect([batches, fetched]).toEqual([[], [null]]);
  });

  test('batches are read lazily: the next query waits until the previous batch is consumed', async () => {
    const data = Array.from({ length: 10 }, (_, i) => i);
    const calls: Array<number | null> = [];
    const gen = keyset(async (after: number | null, limit) => {
      calls.push(after);
      const start = after === null ? 0 : after + 1;
      return data.slice(start, start + limit);
    }, (n) => n, 4);
    expect((await gen.next()).value).toEqual([0, 1, 2, 3]);
    expect(calls).toEqual([null]);
    expect((await gen.next()).value).toEqual([4, 5, 6, 7]);
    expect((await gen.next()).value).toEqual([8, 9]);
    expect((await gen.next()).done).toBe(true);
    expect(calls).toEqual([null, 3, 7]);
  });

  test('over a real socket the export is chunked (no Content-Length): it is streamed, not buffered', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${address}/v1/registry.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('content-length')).toBeNull();
    expect((await res.text()).split('\r\n').length).toBe(COUNT + 2);
  });
});
