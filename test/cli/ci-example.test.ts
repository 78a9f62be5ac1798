import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadWorkflow } from '../../src/certification/workflow';
import { DEMO_ORGANISATIONS, seedDemo, type DemoSummary } from '../../src/demo/seed';
import { RULES_DIR, openTestApp, testConfig, testRegistry, type TestApp } from '../helpers/app';

/** examples/ci/classification-gate.sh, as a vendor's pipeline runs it, against the demo world. */
const exec = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const SCRIPT = join(ROOT, 'examples/ci/classification-gate.sh');
const dir = mkdtempSync(join(tmpdir(), 'medai-ci-'));

let t: TestApp;
let demo: DemoSummary;
let url: string;

beforeAll(async () => {
  t = await openTestApp();
  demo = await seedDemo({ db: t.testDb.db, config: testConfig(), registry: testRegistry(), workflow: loadWorkflow(RULES_DIR) }, { password: 'demo password 2026' });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
}, 120_000);
afterAll(async () => t?.close());

async function gate(profile: unknown, systemId: string, key: string) {
  const file = join(dir, `profile-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(profile));
  const env = { ...process.env, MEDAI_RISK_URL: url, MEDAI_RISK_API_KEY: key, MEDAI_RISK_SYSTEM: systemId, PROFILE: file, PUSH: 'false' };
  try {
    const r = await exec('bash', [SCRIPT], { cwd: dir, env: { ...env, MEDAI_RISK_CLI: `${process.execPath} ${join(ROOT, 'bin/medai-risk.cjs')}` } });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('the CI gate passes an unchanged release and fails one that moves a class up', async () => {
  const cardio = demo.systems.find((s) => s.name === 'CardioRhythm ECG')!;
  const key = demo.apiKeys.find((k) => k.organisation === DEMO_ORGANISATIONS.cardiosense.name)!.key!;
  const current = (await t.app.inject({ method: 'GET', url: `/v1/systems/${cardio.id}`, headers: { authorization: `Bearer ${key}` } })).json().current.profile;

  const same = await gate(current, cardio.id, key);
  expect(same.stderr).toBe('');
  expect(same.code).toBe(0);
  expect(same.stdout).toMatch(/medai-risk check: passed/);

  const riskier = await gate({ ...current, situations: ['critical'], worstCaseHarm: 'death_or_irreversible' }, cardio.id, key);
  expect(riskier.code).toBe(1);
  expect(riskier.stderr).toMatch(/medai-risk check: FAILED/);
  const xml = readFileSync(join(dir, 'reports/medai-risk-check.xml'), 'utf8');
  expect(xml).toMatch(/<failure message="[^"]*moved up/);
}, 120_000);
