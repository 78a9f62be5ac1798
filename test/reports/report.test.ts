import { createHash } from 'node:crypto';
import { classify } from '../../src/classification/classify';
import { loadContract, newAjv } from '../../src/platform/contract';
import { openTestApp, testRegistry, type TestApp } from '../helpers/app';
import { databaseKind } from '../helpers/db';
import { pdfAttachments, pdfText as readPdfText } from '../helpers/pdf';
import { profile } from '../helpers/profiles';
import { seedWorld, type Actor, type World } from '../helpers/world';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await openTestApp({ PUBLIC_URL: 'https://registry.example.org' });
  w = await seedWorld(t.app, t.testDb.db);
});
afterAll(async () => {
  await t.close();
});

type Json = Record<string, any>;
const call = async (who: Actor | null, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, payload, headers: { ...(who?.headers ?? {}), ...headers } });

async function upload(who: Actor, appId: string, evidenceId: string, filename: string, text: string) {
  const boundary = '----medai' + Math.random().toString(16).slice(2);
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`),
    Buffer.from(text),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await t.app.inject({ method: 'POST', url: `/v1/applications/${appId}/evidence/${evidenceId}/documents`, payload: body, headers: { ...who.headers, 'content-type': `multipart/form-data; boundary=${boundary}` } });
  expect(res.statusCode).toBe(201);
}

async function transition(who: Actor, appId: string, name: string, comment?: string) {
  const got = await call(who, 'GET', `/v1/applications/${appId}`);
  const res = await call(who, 'POST', `/v1/applications/${appId}/transitions`, { transition: name, ...(comment ? { comment } : {}) }, { 'if-match': String(got.headers.etag) });
  expect([res.statusCode, res.json().detail]).toEqual([200, undefined]);
  return res.json();
}

const critical = profile({ name: 'Триаж инсульта, "Стрела"', significance: 'treat_or_diagnose', situations: ['critical'], autonomy: 'autonomous', worstCaseHarm: 'death_or_irreversible' });

/** Drives an application from registration to a certificate: documents, review, overrides, countersignature, approval. */
async function certify(p = critical): Promise<{ appId: string; number: string; systemId: string }> {
  const sys = await call(w.vendorKey, 'POST', '/v1/systems', p);
  expect(sys.statusCode).toBe(201);
  const systemId = sys.json().id;
  const a = (await call(w.vendorKey, 'POST', '/v1/applications', { systemId, centreId: w.centre })).json();
  const items: string[] = a.evidence.map((e: Json) => e.evidenceId);
  for (const id of items) await upload(w.vendorKey, a.id, id, `${id}-отчёт.pdf`, `%PDF-1.4 evidence ${id}`);
  await transition(w.vendorKey, a.id, 'submit');
  await transition(w.reviewer, a.id, 'start_review');
  for (const id of items) {
    const r = await call(w.reviewer, 'POST', `/v1/applications/${a.id}/evidence/${id}/review`, { decision: 'accepted', comment: 'Соответствует критериям.', validUntil: '2099-01-01' });
    expect(r.statusCode).toBe(200);
  }
  for (const c of a.classes as Json[]) {
    if (c.effectiveClass === null) {
      const classes = testRegistry().byRuleset.get(c.ruleset)!.classes;
      const ov = await call(w.reviewer, 'POST', `/v1/applications/${a.id}/overrides`, { framework: c.framework, class: classes.includes('III') ? 'III' : classes[classes.length - 1], justification: 'Автономный триаж в критической ситуации: PMA.' });
      expect(ov.statusCode).toBe(201);
    }
  }
  // Overrides may raise the tier: four eyes is read after them.
  if ((await call(w.reviewer, 'GET', `/v1/applications/${a.id}`)).json().fourEyes) expect((await call(w.lead, 'POST', `/v1/applications/${a.id}/countersignatures`, { transition: 'approve', comment: 'Клиническая оценка проверена.' })).statusCode).toBe(201);
  const approved = await transition(w.reviewer, a.id, 'approve', 'Все доказательства приняты.');
  return { appId: a.id, number: approved.certificateNumber, systemId };
}

/** The PDF's text (pdf.js), white space folded to single spaces. */
async function pdfText(pdf: Buffer): Promise<string> {
  return (await readPdfText(pdf)).replace(/\s+/g, ' ');
}

/** The one file attached to the PDF: the report's JSON record. */
async function attachedRecord(pdf: Buffer): Promise<string> {
  const files = await pdfAttachments(pdf);
  expect([...files.keys()]).toEqual(['report-record.json']);
  return files.get('report-record.json')!.toString('utf8');
}

describe(`the assessment report (PDF) on ${databaseKind}`, () => {
  let cert: { appId: string; number: string; systemId: string };
  beforeAll(async () => {
    cert = await certify();
  });

  test('Russian: Cyrillic labels and reason texts extract correctly; the certificate number and the record hash are in it', async () => {
    const res = await call(w.vendorKey, 'GET', `/v1/applications/${cert.appId}/report.pdf?lang=ru`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const hash = String(res.headers['x-record-sha256']);
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf);
    for (const s of ['Отчёт об оценке', 'Классификация по системам регулирования', 'Перечень доказательств', 'Сводка журнала аудита', 'Триаж инсульта, "Стрела"',
      'Соответствует критериям.', 'Все доказательства приняты.', 'Автономный триаж в критической ситуации: PMA.', cert.number, hash, `https://registry.example.org/v1/certificates/${cert.number}`]) {
      expect(text).toContain(s);
    }
    expect(text).not.toContain('Evidence checklist');
    // A reason as the stored classification words it in Russian.
    const reason = classify(testRegistry(), critical).results.find((r) => r.framework === 'ru-differentiated')!.reasons[0].text.ru;
    expect(text).toContain(reason.replace(/\s+/g, ' ').slice(0, 60));
  });

  test('English from Accept-Language; the same state gives the same record hash and the same bytes', async () => {
    const res = await call(w.reviewer, 'GET', `/v1/applications/${cert.appId}/report.pdf`, undefined, { 'accept-language': 'en-GB,en;q=0.9' });
    expect(res.statusCode).toBe(200);
    const text = await pdfText(res.rawPayload);
    const hash = String(res.headers['x-record-sha256']);
    for (const s of ['Assessment report', 'Classification by framework', 'Evidence checklist', 'Audit trail summary', cert.number, hash]) expect(text).toContain(s);
    expect(text).not.toContain('Перечень доказательств');
    const reason = classify(testRegistry(), critical).results.find((r) => r.framework === 'imdrf-samd')!.reasons[0].text.en;
    expect(text).toContain(reason.replace(/\s+/g, ' ').slice(0, 60));

    const ru = await call(w.admin, 'GET', `/v1/applications/${cert.appId}/report.pdf?lang=ru`, undefined, { 'accept-language': 'en' });
    expect(ru.headers['content-language']).toBe('ru');
    expect(ru.headers['x-record-sha256']).toBe(hash);
    const again = await call(w.reviewer, 'GET', `/v1/applications/${cert.appId}/report.pdf?lang=en`);
    expect(again.rawPayload.equals(res.rawPayload)).toBe(true);
  });

  test('the attached JSON record hashes to x-record-sha256 and holds the assessment', async () => {
    const res = await call(w.vendorKey, 'GET', `/v1/applications/${cert.appId}/report.pdf?lang=en`);
    const json = await attachedRecord(res.rawPayload);
    expect(`sha256:${createHash('sha256').update(json).digest('hex')}`).toBe(res.headers['x-record-sha256']);
    const record = JSON.parse(json);
    expect(record).toMatchObject({
      application: { id: cert.appId, state: 'approved' },
      certificate: { number: cert.number, status: 'valid' },
      decision: { transition: 'approve', comment: 'Все доказательства приняты.', by: { name: 'Reviewer One' } },
      verificationUrl: `https://registry.example.org/v1/certificates/${cert.number}`,
    });
    const trail = (await call(w.admin, 'GET', `/v1/applications/${cert.appId}/audit`)).json().items;
    expect(record.audit.count).toBe(trail.length);
    expect(record.audit.last.hash).toBe(trail[trail.length - 1].hash);
    expect(record.overrides[0]).toMatchObject({ framework: 'us-fda', class: 'III' });
    expect(record.evidence.every((e: Json) => e.review.decision === 'accepted' && e.documents.length === 1)).toBe(true);
  });

  test('who may read it: the vendor, its centre, admins; 404 for others, 401 anonymous', async () => {
    const url = `/v1/applications/${cert.appId}/report.pdf`;
    for (const who of [w.vendorUser, w.lead, w.reviewer2]) expect((await call(who, 'GET', url)).statusCode).toBe(200);
    for (const who of [w.otherVendorKey, w.otherReviewer, w.rulesAdmin]) {
      const res = await call(who, 'GET', url);
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await call(null, 'GET', url)).statusCode).toBe(401);
    expect((await call(w.admin, 'GET', `/v1/applications/${cert.appId}/report.pdf?lang=de`)).statusCode).toBe(400);
    expect((await call(w.admin, 'GET', '/v1/applications/00000000-0000-4000-8000-000000000000/report.pdf')).statusCode).toBe(404);
  });

  test('an application without a certificate: the report says so and links the application', async () => {
    const sys = (await call(w.vendorKey, 'POST', '/v1/systems', profile({ name: 'Черновик' }))).json();
    const a = (await call(w.vendorKey, 'POST', '/v1/applications', { systemId: sys.id, centreId: w.centre })).json();
    const res = await call(w.vendorKey, 'GET', `/v1/applications/${a.id}/report.pdf?lang=ru`);
    expect(res.statusCode).toBe(200);
    const text = await pdfText(res.rawPayload);
    expect(text).toContain('Сертификат не выдан.');
    expect(text).toContain(`https://registry.example.org/v1/applications/${a.id}`);
  });
});

describe(`a centre's decisions on ${databaseKind}`, () => {
  let cert: { appId: string; number: string };
  const today = new Date().toISOString().slice(0, 10);
  const validate = (() => {
    const ajv = newAjv();
    return ajv.compile(loadContract().schema('Decision'));
  })();
  beforeAll(async () => {
    cert = await certify(profile({ name: 'Decisions, "one"' }));
  });

  test('CSV for a lead reviewer: the approval, quoted as RFC 4180 says', async () => {
    const res = await call(w.lead, 'GET', `/v1/centres/${w.centre}/decisions?from=${today}&to=${today}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(String(res.headers['content-disposition'])).toMatch(/^attachment; filename="decisions-.*\.csv"/);
    const lines = res.body.split('\r\n');
    expect(lines[0]).toBe('at,applicationId,transition,state,systemName,manufacturer,version,riskTier,certificateNumber,decidedBy,comment');
    const row = lines.find((l) => l.includes(cert.appId))!;
    expect(row).toContain(`,${cert.appId},approve,approved,"Decisions, ""one""",Test vendor,1,`);
    expect(row).toContain(`,${cert.number},Reviewer One,Все доказательства приняты.`);
  });

  test('JSON for an admin parses and matches the Decision schema; suspension and reinstatement are decisions too', async () => {
    await transition(w.reviewer, cert.appId, 'suspend', 'Уведомление о безопасности.');
    await transition(w.lead, cert.appId, 'reinstate', 'Устранено.');
    const res = await call(w.admin, 'GET', `/v1/centres/${w.centre}/decisions?from=${today}&to=${today}&format=json`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const items: Json[] = res.json();
    for (const d of items) expect([validate(d), validate.errors]).toEqual([true, null]);
    const mine = items.filter((d) => d.applicationId === cert.appId);
    expect(mine.map((d) => d.transition)).toEqual(['approve', 'suspend', 'reinstate']);
    expect(items.map((d) => d.at)).toEqual([...items.map((d) => d.at)].sort());
  });

  test('the range: `to` is inclusive, from after to is 400 naming the field, dates outside are empty', async () => {
    const empty = await call(w.lead, 'GET', `/v1/centres/${w.centre}/decisions?from=2001-01-01&to=2001-12-31&format=json`);
    expect(empty.json()).toEqual([]);
    const csv = await call(w.lead, 'GET', `/v1/centres/${w.centre}/decisions?from=2001-01-01&to=2001-12-31`);
    expect(csv.body).toBe('at,applicationId,transition,state,systemName,manufacturer,version,riskTier,certificateNumber,decidedBy,comment\r\n');
    const bad = await call(w.lead, 'GET', `/v1/centres/${w.centre}/decisions?from=2026-02-01&to=2026-01-01`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([expect.objectContaining({ in: 'query', field: '/from' })]);
    expect((await call(w.lead, 'GET', `/v1/centres/${w.centre}/decisions?from=2026-02-30&to=2026-03-01`)).statusCode).toBe(400);
    expect((await call(w.lead, 'GET', `/v1/centres/${w.centre}/decisions?to=2026-03-01`)).statusCode).toBe(400);
    // A decision stored at 23:59:59.999 of `to` is in; one at 00:00 the day after is not.
    await t.testDb.db('application_history').insert([
      { application_id: cert.appId, transition: 'revoke', from_state: 'approved', to_state: 'revoked', comment: 'edge in', actor_name: 'Lead One', at: '2030-05-31T23:59:59.999Z' },
      { application_id: cert.appId, transition: 'revoke', from_state: 'approved', to_state: 'revoked', comment: 'edge out', actor_name: 'Lead One', at: '2030-06-01T00:00:00.000Z' },
      { application_id: cert.appId, transition: 'submit', from_state: 'draft', to_state: 'submitted', comment: 'not a decision', actor_name: 'x', at: '2030-05-15T00:00:00.000Z' },
    ]);
    const edge = (await call(w.lead, 'GET', `/v1/centres/${w.centre}/decisions?from=2030-05-01&to=2030-05-31&format=json`)).json();
    expect(edge.map((d: Json) => d.comment)).toEqual(['edge in']);
  });

  test("who: the centre's lead reviewers and admins; its reviewers 403; anyone else 404", async () => {
    const url = `/v1/centres/${w.centre}/decisions?from=${today}&to=${today}`;
    expect((await call(w.lead2, 'GET', url)).statusCode).toBe(200);
    expect((await call(w.reviewer, 'GET', url)).statusCode).toBe(403);
    for (const who of [w.otherReviewer, w.vendorKey, w.vendorUser, w.rulesAdmin]) expect((await call(who, 'GET', url)).statusCode).toBe(404);
    expect((await call(null, 'GET', url)).statusCode).toBe(401);
    expect((await call(w.admin, 'GET', `/v1/centres/${w.vendorA}/decisions?from=${today}&to=${today}`)).statusCode).toBe(404);
    expect((await call(w.admin, 'GET', `/v1/centres/00000000-0000-4000-8000-000000000000/decisions?from=${today}&to=${today}`)).statusCode).toBe(404);
  });
});
