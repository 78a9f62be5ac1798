import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { EXIT, run } from '../../src/cli/main';
import { openTestApp, type TestApp } from '../helpers/app';
import { seedWorld, type World } from '../helpers/world';
import { profile } from '../helpers/profiles';
import type { Profile } from '../../src/classification/profile';

/**
 * The command-line client against a running service (a real socket): classify, check, push,
 * status and report, with the exit codes a CI pipeline branches on.
 */
const BIN = resolve(__dirname, '../../bin/medai-risk.cjs');
const dir = mkdtempSync(join(tmpdir(), 'medai-cli-'));

let t: TestApp;
let w: World;
let url: string;
let systemId: string;
let applicationId: string;

const base: Profile = profile({
  name: 'CLI triage', version: '1.0.0', medicalPurpose: 'triage', significance: 'drive', situations: ['serious'],
  worstCaseHarm: 'minor', intendedUsers: ['specialist_physician'], autonomy: 'triage_notification', inputs: ['medical_image'],
  timeCritical: false, reviewableBasis: true, modelType: 'deep_learning',
});

function file(name: string, value: unknown): string {
  const f = join(dir, name);
  writeFileSync(f, typeof value === 'string' ? value : JSON.stringify(value));
  return f;
}

const keyOf = (a: { headers: Record<string, string> }) => a.headers.authorization.replace(/^Bearer /, '');

async function cli(args: string[], key: string | null = keyOf(w.vendorKey), extraEnv: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const env: NodeJS.ProcessEnv = { MEDAI_RISK_URL: url, ...extraEnv };
  if (key) env.MEDAI_RISK_API_KEY = key;
  const code = await run(args, { stdout: { write: (s: string) => (out += s), isTTY: false }, stderr: { write: (s: string) => (err += s) }, env });
  return { code, out, err };
}

beforeAll(async () => {
  t = await openTestApp();
  w = await seedWorld(t.app, t.testDb.db);
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = address;
  const res = await t.app.inject({ method: 'POST', url: '/v1/systems', headers: w.vendorKey.headers, payload: base });
  expect(res.statusCode).toBe(201);
  systemId = res.json().id;
  const app = await t.app.inject({ method: 'POST', url: '/v1/applications', headers: w.vendorKey.headers, payload: { systemId, centreId: w.centre } });
  expect(app.statusCode).toBe(201);
  applicationId = app.json().id;
});
afterAll(async () => t?.close());

describe('medai-risk classify', () => {
  test('prints a table per framework and one summary line, without colour when not a terminal', async () => {
    const r = await cli(['classify', file('base.json', base)]);
    expect(r.code).toBe(EXIT.ok);
    const expected = (await t.app.inject({ method: 'POST', url: '/v1/classifications', payload: base })).json();
    for (const res of expected.results) expect(r.out).toMatch(new RegExp(`^${res.framework}\\s+${(res.class ?? `(${res.provisionalClass})`).replace(/[()]/g, '\\$&')}\\s`, 'm'));
    expect(r.out.trim().split('\n').filter((l) => l.startsWith('medai-risk classify:'))).toHaveLength(1);
    expect(r.out).not.toMatch(/\u001b\[/);
  });

  test('--json gives the service answer; --lang ru the Russian texts; --junit a report file', async () => {
    const junitFile = join(dir, 'classify.xml');
    const r = await cli(['classify', file('base.json', base), '--json', '--lang', 'ru', '--junit', junitFile]);
    expect(r.code).toBe(EXIT.ok);
    const body = JSON.parse(r.out.slice(0, r.out.lastIndexOf('}') + 1));
    expect(body.language).toBe('ru');
    expect(r.out).toMatch(/наибольшая нагрузка/);
    const xml = readFileSync(junitFile, 'utf8');
    expect(xml).toMatch(/^<\?xml/);
    expect((xml.match(/<testcase /g) ?? []).length).toBe(body.results.length);
    expect(xml).not.toMatch(/<failure/);
  });

  test('an invalid profile is refused by the service, naming the field (exit 3)', async () => {
    const r = await cli(['classify', file('bad.json', { ...base, autonomy: 'sometimes' })]);
    expect(r.code).toBe(EXIT.service);
    expect(r.err).toMatch(/400/);
    expect(r.err).toMatch(/autonomy/);
  });

  test('a service that cannot be reached is exit 3, said in the chosen language', async () => {
    const r = await cli(['classify', file('base.json', base), '--url', 'http://127.0.0.1:9', '--lang', 'ru']);
    expect(r.code).toBe(EXIT.service);
    expect(r.err).toMatch(/Сервис http:\/\/127\.0\.0\.1:9 недоступен/);
  });

  test('usage errors are exit 2: no file, unreadable file, not JSON, unknown command, bad --lang', async () => {
    expect((await cli(['classify'])).code).toBe(EXIT.usage);
    const missing = await cli(['classify', join(dir, 'nope.json')]);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.err).toMatch(/ENOENT/);
    const notJson = await cli(['classify', file('x.json', '{oops')]);
    expect(notJson.code).toBe(EXIT.usage);
    expect(notJson.err).toMatch(/not JSON/);
    expect((await cli(['frobnicate'])).code).toBe(EXIT.usage);
    expect((await cli(['classify', file('base.json', base), '--lang', 'de'])).code).toBe(EXIT.usage);
    expect((await cli(['check', file('base.json', base)])).err).toMatch(/--system/);
  });
});

describe('medai-risk check and push', () => {
  test('the registered profile unchanged passes', async () => {
    const r = await cli(['check', file('base.json', base), '--system', systemId]);
    expect(r.err).toBe('');
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/medai-risk check: passed/);
  });

  test('a change that moves a class up fails the build and says which, in the JUnit file too', async () => {
    const riskier = { ...base, significance: 'treat_or_diagnose', situations: ['critical'], worstCaseHarm: 'death_or_irreversible' };
    const junitFile = join(dir, 'check.xml');
    const r = await cli(['check', file('riskier.json', riskier), '--system', systemId, '--junit', junitFile]);
    expect(r.code).toBe(EXIT.checkFailed);
    expect(r.err).toMatch(/medai-risk check: FAILED/);
    expect(r.out).toMatch(/\bup\b/);
    const xml = readFileSync(junitFile, 'utf8');
    expect(xml).toMatch(/<failure message="[^"]*moved up/);
    // check registers nothing.
    const sys = await t.app.inject({ method: 'GET', url: `/v1/systems/${systemId}`, headers: w.vendorKey.headers });
    expect(sys.json().currentVersion).toBe(1);
  });

  test('a material change with the same classes fails too (a new intended purpose)', async () => {
    const reworded = { ...base, intendedPurpose: `${base.intendedPurpose} Now also for emergency departments.` };
    const r = await cli(['check', file('reworded.json', reworded), '--system', systemId, '--json']);
    expect(r.code).toBe(EXIT.checkFailed);
    const body = JSON.parse(r.out);
    expect(body.changeAssessment.materialFields).toEqual(['intendedPurpose']);
    expect(body.failed).toBe(true);
  });

  test('push registers a new version once: the same profile again is unchanged', async () => {
    const next = { ...base, version: '1.1.0' };
    const first = await cli(['push', file('next.json', next), '--system', systemId]);
    expect(first.code).toBe(EXIT.ok);
    expect(first.out).toMatch(/registered version 2/);
    const again = await cli(['push', file('next.json', next), '--system', systemId]);
    expect(again.code).toBe(EXIT.ok);
    expect(again.out).toMatch(/unchanged, current version 2/);
    const sys = await t.app.inject({ method: 'GET', url: `/v1/systems/${systemId}`, headers: w.vendorKey.headers });
    expect(sys.json().currentVersion).toBe(2);
  });

  test("another vendor's key sees nothing of the system (exit 3, 404)", async () => {
    const r = await cli(['check', file('base.json', base), '--system', systemId], keyOf(w.otherVendorKey));
    expect(r.code).toBe(EXIT.service);
    expect(r.err).toMatch(/404/);
    expect(r.out).not.toMatch(/CLI triage/);
  });

  test('without a key the service answers 401 (exit 3)', async () => {
    const r = await cli(['push', file('base.json', base), '--system', systemId], null);
    expect(r.code).toBe(EXIT.service);
    expect(r.err).toMatch(/401/);
  });
});

describe('medai-risk status and report', () => {
  test("status lists the organisation's applications", async () => {
    const r = await cli(['status']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain(applicationId);
    expect(r.out).toMatch(/medai-risk status: 1 applications, 0 certificates/);
    const other = await cli(['status'], keyOf(w.otherVendorKey));
    expect(other.out).not.toContain(applicationId);
  });

  test('report writes the assessment PDF, or says why not', async () => {
    const out = join(dir, 'report.pdf');
    const r = await cli(['report', applicationId, '-o', out]);
    if (r.code === EXIT.ok) {
      expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    } else {
      expect(r.code).toBe(EXIT.service);
      expect(r.err).toMatch(/\d{3} /);
      expect(existsSync(out)).toBe(false);
    }
    const other = await cli(['report', applicationId, '-o', join(dir, 'other.pdf')], keyOf(w.otherVendorKey));
    expect(other.code).toBe(EXIT.service);
    expect(existsSync(join(dir, 'other.pdf'))).toBe(false);
  });
});

describe('the installed command', () => {
  const exec = promisify(execFile);
  test('bin/medai-risk.cjs runs as a process: exit codes and CI-friendly output', async () => {
    const env = { ...process.env, MEDAI_RISK_URL: url, MEDAI_RISK_API_KEY: keyOf(w.vendorKey), NO_COLOR: '1' };
    const ok = await exec(process.execPath, [BIN, 'check', file('next.json', { ...base, version: '1.1.0' }), '--system', systemId], { env });
    expect(ok.stdout).toMatch(/medai-risk check: passed/);
    const riskier = file('riskier2.json', { ...base, version: '1.1.0', significance: 'treat_or_diagnose', situations: ['critical'] });
    await expect(exec(process.execPath, [BIN, 'check', riskier, '--system', systemId], { env })).rejects.toMatchObject({ code: EXIT.checkFailed });
    await expect(exec(process.execPath, [BIN], { env })).rejects.toMatchObject({ code: EXIT.usage });
  }, 60000);
});
