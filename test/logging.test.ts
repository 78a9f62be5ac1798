import { Writable } from 'node:stream';
import pino from 'pino';
import { buildApp, loggerOptions, serializeError } from '../src/app';
import { openTestDb } from './helpers/db';
import { testConfig, testRegistry } from './helpers/app';
import { profile } from './helpers/profiles';
import { seedWorld } from './helpers/world';

test('JSON logs carry the request id on every request line and no profile contents at info', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write(chunk, _enc, cb) { for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l)); cb(); } });
  const testDb = await openTestDb();
  const options = loggerOptions({ LOG_LEVEL: 'info' }) as pino.LoggerOptions;
  const app = await buildApp(testConfig(), { db: testDb.db, registry: testRegistry(), loggerInstance: pino(options, sink) });
  const w = await seedWorld(app, testDb.db);
  const secret = 'Purpose mentioning a very secret clinical detail XYZZY.';
  await app.inject({ method: 'POST', url: '/v1/classifications', payload: profile({ intendedPurpose: secret }), headers: { 'x-request-id': 'trace-42' } });
  await app.inject({ method: 'POST', url: '/v1/systems', payload: profile({ intendedPurpose: secret, name: 'SecretName' }), headers: w.vendorKey.headers });
  await app.inject({ method: 'POST', url: '/v1/classifications', payload: { ...profile(), intendedPurpose: 12 } });
  await app.close();
  await testDb.close();

  const requestLines = lines.filter((l) => l.msg !== 'Server listening' && l.level === 30);
  expect(requestLines.length).toBeGreaterThanOrEqual(6);
  for (const l of requestLines) expect(typeof l.reqId).toBe('string');
  // The caller's x-request-id is logged beside the service's own id, never instead of it.
  const traced = requestLines.filter((l) => l.clientReqId === 'trace-42');
  expect(traced.length).toBeGreaterThanOrEqual(2);
  for (const l of traced) expect(l.reqId).toMatch(/^[0-9a-f-]{36}$/);
  const text = lines.map((l) => JSON.stringify(l)).join('\n');
  expect(text).not.toContain('XYZZY');
  expect(text).not.toContain('SecretName');
  // Credentials never reach the log: neither the API key nor the session cookie.
  expect(text).not.toContain(w.vendorKey.headers.authorization.slice('Bearer '.length));
  expect(text).not.toContain(w.vendorUser.headers.cookie.split('=')[1]);
  expect(lines.some((l) => l.msg === 'system registered' && typeof l.systemId === 'string')).toBe(true);
});

test('logged errors never carry row contents from the database', () => {
  const err = Object.assign(new Error('new row violates check constraint "x"'), { code: '23514', constraint: 'x', detail: 'Failing row contains (secret profile text)', where: 'SQL function' });
  const logged = serializeError(err as never);
  expect(logged).toMatchObject({ message: err.message, code: '23514', constraint: 'x' });
  expect(JSON.stringify(logged)).not.toContain('secret profile text');
});
