import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONFIG_SCHEMA, ConfigError, configTable, loadConfig } from '../src/config';

describe('configuration', () => {
  test('defaults: embedded database under ./data, port 3000, compiled evaluator', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, DATA_DIR: './data', RULES_DIR: './rules', MIGRATE_ON_START: true, BODY_LIMIT: 1048576, RULES_EVALUATOR: 'compiled' });
    expect(c.DATABASE_URL).toBeUndefined();
  });

  test('values are read and coerced from the environment', () => {
    expect(loadConfig({ PORT: '8080', MIGRATE_ON_START: 'false', DATABASE_URL: 'postgres://u@h/db' })).toMatchObject({ PORT: 8080, MIGRATE_ON_START: false, DATABASE_URL: 'postgres://u@h/db' });
  });

  test('the session cookie is Secure by default exactly when the public URL is https; COOKIE_SECURE decides when set', () => {
    expect(loadConfig({}).COOKIE_SECURE).toBe(false);
    expect(loadConfig({ PUBLIC_URL: 'https://risk.example.org' }).COOKIE_SECURE).toBe(true);
    expect(loadConfig({ PUBLIC_URL: 'HTTPS://RISK.example.org' }).COOKIE_SECURE).toBe(true);
    expect(loadConfig({ PUBLIC_URL: 'http://https.example.org' }).COOKIE_SECURE).toBe(false);
    expect(loadConfig({ PUBLIC_URL: 'https://risk.example.org', COOKIE_SECURE: 'false' }).COOKIE_SECURE).toBe(false);
    expect(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:3000', COOKIE_SECURE: 'true' }).COOKIE_SECURE).toBe(true);
    expect(loadConfig({}, { PUBLIC_URL: 'https://risk.example.org' }).COOKIE_SECURE).toBe(true);
  });

  test('bad values stop the service with a message naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ DATABASE_SCHEMA: 'Robert; drop' })).toThrow(/DATABASE_SCHEMA/);
  });

  test('README documents every variable, from the one schema', () => {
    const readme = readFileSync(resolve(__dirname, '../README.md'), 'utf8');
    expect(readme).toContain(configTable());
    for (const name of Object.keys(CONFIG_SCHEMA.properties)) expect(readme).toContain(`\`${name}\``);
  });
});
