/**
 * On PostgreSQL the service runs as a role that may insert into the audit trail and read it,
 * but not update, delete, truncate or alter it; the migrations run as the tables' owner
 * (MIGRATION_DATABASE_URL). Set up as the README says, with roles made for this test and dropped
 * after it. PGlite has one user: nothing to test there.
 */
import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app';
import { appendAudit } from '../../src/audit/log';
import { testConfig, testRegistry } from '../helpers/app';
import { usingPostgres } from '../helpers/db';

const suffix = randomBytes(4).toString('hex');
const OWNER = `medai_owner_${suffix}`;
const SERVICE = `medai_service_${suffix}`;
const SCHEMA = `roles_${suffix}`;

const urlAs = (role: string) => {
  const u = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  u.username = role;
  u.password = '';
  return u.toString();
};

(usingPostgres ? describe : describe.skip)('the service\'s database role cannot tamper with the audit trail (PostgreSQL)', () => {
  let admin: Knex;
  let app: FastifyInstance;
  let service: Knex;

  beforeAll(async () => {
    admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL });
    // The README's setup, step by step.
    await admin.raw(`create role ${OWNER} login`);
    await admin.raw(`create role ${SERVICE} login`);
    await admin.raw(`create schema ${SCHEMA} authorization ${OWNER}`);
    await admin.raw(`grant usage on schema ${SCHEMA} to ${SERVICE}`);
    await admin.raw(`alter default privileges for role ${OWNER} in schema ${SCHEMA} grant select, insert, update, delete on tables to ${SERVICE}`);
    await admin.raw(`alter default privileges for role ${OWNER} in schema ${SCHEMA} grant usage, select on sequences to ${SERVICE}`);

    app = await buildApp(testConfig({ DATABASE_URL: urlAs(SERVICE), MIGRATION_DATABASE_URL: urlAs(OWNER), DATABASE_SCHEMA: SCHEMA, MIGRATE_ON_START: true }), { registry: testRegistry(), logger: false });
    await app.ready();
    service = knexFactory({ client: 'pg', connection: urlAs(SERVICE), searchPath: [SCHEMA] });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await service?.destroy();
    await admin.raw(`drop schema if exists ${SCHEMA} cascade`);
    for (const role of [SERVICE, OWNER]) {
      await admin.raw(`drop owned by ${role}`).catch(() => undefined);
      await admin.raw(`drop role if exists ${role}`);
    }
    await admin.destroy();
  });

  test('the migrations ran as the owner: the tables are the owner\'s, not the service\'s', async () => {
    const owners = (await admin.raw(`select tablename, tableowner from pg_tables where schemaname = ? and tablename in ('audit_log', 'audit_checkpoints', 'applications') order by tablename`, [SCHEMA])).rows;
    expect(owners).toEqual([
      { tablename: 'applications', tableowner: OWNER },
      { tablename: 'audit_checkpoints', tableowner: OWNER },
      { tablename: 'audit_log', tableowner: OWNER },
    ]);
  });

  test('the service appends and reads the trail, and writes its other tables', async () => {
    await service.transaction((trx) => appendAudit(trx, { actor: { type: 'system', id: null, name: null, organisationId: null }, action: 'test.note', objectType: 'test', objectId: '1' }));
    expect(Number((await service('audit_log').count({ n: '*' }).first())!.n)).toBe(1);
    await service('login_failures').del(); // an ordinary table: the service may delete there
    const cp = await app.inject({ method: 'GET', url: '/v1/audit/checkpoints' });
    expect(cp.statusCode).toBe(200);
  });

  test('as the service: UPDATE, DELETE, TRUNCATE, disabling the trigger, dropping the table are all refused', async () => {
    const refused = [
      `update audit_log set actor_name = 'Mallory'`,
      `delete from audit_log`,
      `truncate audit_log`,
      `alter table audit_log disable trigger user`,
      `drop trigger audit_log_no_update_delete on audit_log`,
      `drop table audit_log`,
      `update audit_checkpoints set hash = 'x'`,
      `delete from audit_checkpoints`,
      `truncate audit_checkpoints`,
      `alter table audit_checkpoints disable trigger user`,
    ];
    for (const sql of refused) {
      await expect(service.raw(sql)).rejects.toThrow(/permission denied|must be owner/);
    }
    expect(Number((await service('audit_log').count({ n: '*' }).first())!.n)).toBe(1);
    // Granting itself more is no error in PostgreSQL (a warning: nothing granted); the rights stay as they were.
    await service.raw(`grant update on audit_log to ${SERVICE}`);
    const grants = (await admin.raw(`select privilege_type from information_schema.role_table_grants where table_schema = ? and table_name = 'audit_log' and grantee = ? order by 1`, [SCHEMA, SERVICE])).rows.map((r: { privilege_type: string }) => r.privilege_type);
    expect(grants).toEqual(['INSERT', 'SELECT']);
  });
});
