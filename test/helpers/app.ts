import { resolve } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { loadContract } from '../../src/platform/contract';
import { loadRegistry, type Registry } from '../../src/rulesets/registry';
import { openTestDb, type TestDb } from './db';

export const RULES_DIR = resolve(__dirname, '../../rules');

let registry: Registry | undefined;
/** The real rule packs, loaded once per test file. */
export function testRegistry(): Registry {
  registry ??= loadRegistry(RULES_DIR);
  return registry;
}

/**
 * The suite hashes passwords at scrypt N = 2^14 to stay fast; test/security/hygiene.test.ts
 * proves the service's default (2^17) and the upgrade of cheaper hashes at login.
 */
export const TEST_SCRYPT_LOG2N = 14;

export function testConfig(overrides: Partial<Config> = {}): Config {
  // Signing keys in memory (one per purpose for the test process); checkpoints on demand only.
  return loadConfig({ LOG_LEVEL: 'silent', RULES_DIR }, { SIGNING_KEYS_DIR: '', AUDIT_CHECKPOINT_SECONDS: 0, PASSWORD_SCRYPT_LOG2N: TEST_SCRYPT_LOG2N, ...overrides });
}

export type TestApp = { app: FastifyInstance; testDb: TestDb; close: () => Promise<void> };

export async function openTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const testDb = await openTestDb();
  const app = await buildApp(testConfig(overrides), { db: testDb.db, registry: testRegistry(), logger: false });
  await app.ready();
  return { app, testDb, close: async () => { await app.close(); await testDb.close(); } };
}

/** Asserts a response body matches what openapi.yaml declares for that operation and status. */
export function expectContract(operationId: string, res: LightMyRequestResponse): void {
  const { valid, errors } = loadContract().validateResponse(operationId, res.statusCode, res.json());
  if (!valid) throw new Error(`${operationId} ${res.statusCode} breaks the contract: ${errors.join('; ')}\n${res.body.slice(0, 2000)}`);
}
