import { openTestApp, type TestApp } from '../helpers/app';
import { databaseKind } from '../helpers/db';
import { profile } from '../helpers/profiles';
import { seedWorld, type World } from '../helpers/world';
import { contentDisposition, safeFilename } from '../../src/certification/uploads';

let t: TestApp;
let w: World;
let appId = '';
let items: string[] = [];
beforeAll(async () => {
  t = await openTestApp();
  w = await seedWorld(t.app, t.testDb.db);
  const sys = await t.app.inject({ method: 'POST', url: '/v1/systems', headers: w.vendorKey.headers, payload: profile({ name: 'Upload target' }) });
  const a = await t.app.inject({ method: 'POST', url: '/v1/applications', headers: w.vendorKey.headers, payload: { systemId: sys.json().id, centreId: w.centre } });
  appId = a.json().id;
  items = a.json().evidence.map((e: { evidenceId: string }) => e.evidenceId);
});
afterAll(async () => t.close());

function upload(content: Buffer | string, type: string, filename = 'doc.pdf', item = items[0]) {
  const boundary = '----hostile' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.app.inject({ method: 'POST', url: `/v1/applications/${appId}/evidence/${item}/documents`, payload, headers: { ...w.vendorKey.headers, 'content-type': `multipart/form-data; boundary=${boundary}` } });
}
const documents = async () => Number((await t.testDb.db('documents').where({ application_id: appId }).count({ n: '*' }).first())!.n);

/** A Windows executable's first bytes (DOS header "MZ", then the stub). */
const EXE = Buffer.concat([Buffer.from('4d5a90000300000004000000ffff0000b800000000000000400000000000000000', 'hex'), Buffer.alloc(64)]);
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(32)]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');

describe(`uploaded content must be what it is declared to be, on ${databaseKind}`, () => {
  test.each([
    ['a Windows executable declared application/pdf', EXE, 'application/pdf', 'application/x-msdownload'],
    ['a PNG declared text/plain', PNG, 'text/plain', 'image/png'],
    ['a PNG declared application/pdf', PNG, 'application/pdf', 'image/png'],
    ['plain text declared application/pdf', Buffer.from('just some words'), 'application/pdf', 'no recognisable format'],
    ['binary data declared text/plain', Buffer.from([0x41, 0x00, 0xff, 0xfe, 0x42]), 'text/plain', 'not UTF-8 text'],
    ['text that is not JSON declared application/json', Buffer.from('{"open": '), 'application/json', 'not JSON'],
  ])('%s is 415 and stores nothing', async (_label, content, type, found) => {
    const before = await documents();
    const res = await upload(content, type);
    expect(res.statusCode).toBe(415);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().detail).toContain(found);
    expect(await documents()).toBe(before);
  });

  test('a zero-byte file is 400 naming /file and is no evidence', async () => {
    const res = await upload(Buffer.alloc(0), 'application/pdf');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ in: 'body', field: '/file', message: 'is empty' }]);
    expect(await documents()).toBe(0);
    const a = await t.app.inject({ method: 'GET', url: `/v1/applications/${appId}`, headers: w.vendorKey.headers });
    expect(a.json().evidence[0].status).toBe('missing');
  });

  test.each([
    ['a PDF', PDF, 'application/pdf'],
    ['a PNG', PNG, 'image/png'],
    ['UTF-8 text', Buffer.from('Отчёт о клинической оценке\n'), 'text/plain'],
    ['CSV', Buffer.from('a,b\n1,2\n'), 'text/csv'],
    ['JSON', Buffer.from('{"ok": true}'), 'application/json'],
  ])('%s declared as what it is is accepted', async (_label, content, type) => {
    expect((await upload(content, type, 'evidence', items[1])).statusCode).toBe(201);
  });
});

describe('file names are cleaned and served with a safe Content-Disposition', () => {
  test('right-to-left overrides, control characters and paths are removed before the name is kept', async () => {
    const res = await upload(PDF, 'application/pdf', '..\\..\\invoice\u202Efdp.exe\u0007\u200B.pdf', items[2]);
    expect(res.statusCode).toBe(201);
    const doc = res.json().documents[0];
    expect(doc.filename).toBe('invoicefdp.exe.pdf');
    const down = await t.app.inject({ method: 'GET', url: `/v1/applications/${appId}/documents/${doc.id}`, headers: w.vendorKey.headers });
    expect(down.statusCode).toBe(200);
    expect(down.headers['content-disposition']).toBe('attachment; filename="invoicefdp.exe.pdf"; filename*=UTF-8\'\'invoicefdp.exe.pdf');
    expect(down.headers['x-content-type-options']).toBe('nosniff');
  });

  test('safeFilename keeps letters of every script, in NFC, and drops what can deceive', () => {
    expect(safeFilename('Отчёт (v2).pdf')).toBe('Отчёт (v2).pdf');
    expect(safeFilename('e\u0301.txt')).toBe('\u00e9.txt');
    expect(safeFilename('a\u2066b\u2069c\u202Dd\u061C\u200Fe')).toBe('abcde');
    expect(safeFilename('tab\there"quote')).toBe('tabherequote');
    expect(safeFilename('\u0085\u009f\ud800')).toBe('document');
    expect(safeFilename('/etc/passwd')).toBe('passwd');
    expect(Array.from(safeFilename('я'.repeat(300)))).toHaveLength(200);
  });

  test('contentDisposition: an ASCII fallback and the exact name as RFC 8187 filename*', () => {
    expect(contentDisposition("Отчёт 'final' (1)*.pdf")).toBe(
      "attachment; filename=\"_____ 'final' (1)*.pdf\"; filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82%20%27final%27%20%281%29%2A.pdf",
    );
    expect(contentDisposition('50%\u202E.pdf')).toBe("attachment; filename=\"50_.pdf\"; filename*=UTF-8''50%25.pdf");
  });
});
