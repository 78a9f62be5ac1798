/**
 * The administration command line: organisations, users and API keys, straight on the database
 * (`npm run admin -- <command>`), and `demo`, which seeds a demo world (src/demo/seed.ts). Every write is audited with the actor `cli` and the name of
 * the operating-system user who ran it. Exit codes: 0 done, 1 refused (exists, not found), 2 bad
 * usage.
 */
import { userInfo } from 'node:os';
import { keySource, loadConfig, ConfigError } from '../src/config';
import { attachAuditSigner } from '../src/audit/log';
import { createKeyStore } from '../src/platform/signing';
import { createIdentityService, trusted, type IdentityService, type TrustedCaller } from '../src/identity/service';
import { generatePassword } from '../src/identity/passwords';
import type { OrganisationRow } from '../src/identity/repository';
import { LANGUAGES, ORGANISATION_KINDS, ROLES, ROLES_BY_KIND, type Language, type OrganisationKind, type Role } from '../src/identity/types';
import { createDb, migrateAsOwner } from '../src/platform/db';
import { DatabaseLockedError } from '../src/platform/embedded';
import { AppError } from '../src/platform/errors';
import { seedDemo, type DemoSummary } from '../src/demo/seed';
import { loadRegistry } from '../src/rulesets/registry';
import { loadWorkflow } from '../src/certification/workflow';

export const USAGE = `usage: npm run admin -- <command> [options]

commands:
  org:create --name NAME --kind ${ORGANISATION_KINDS.join('|')}
  org:list
  user:create --org ORG --email EMAIL --name NAME --role ROLE [--password PASSWORD] [--language en|ru]
              ORG is an organisation id or its exact name. Roles by organisation kind:
${Object.entries(ROLES_BY_KIND).map(([k, r]) => `                ${k}: ${r.join(', ')}`).join('\n')}
              Without --password a strong one is generated and printed once.
  user:list [--org ORG]
  user:disable --id USER_ID      (ends the user's sessions at once)
  user:enable --id USER_ID
  user:unlock --id USER_ID       (lifts a lock after too many failed logins, and clears the count)
  key:create --org ORG --name NAME   (vendor organisations; the key is printed once)
  key:list --org ORG
  key:revoke --id KEY_ID
  demo [--password PASSWORD]
              Seeds a demo world to try the whole flow: a regulator, a certification centre, two
              vendors, their users (one shared password, generated and printed once without
              --password) and API keys, six systems and applications in every state, one with a
              certificate. Running it again creates nothing and prints what is there.
  help`;

export type AdminDeps = {
  identity: IdentityService;
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** Who runs the command (the audit actor's name); the operating-system user by default. */
  username?: string;
  /** Seeds the demo (`demo`); main() wires it to the service's database, config and rules. */
  seedDemo?: (options: { password?: string; log?: (line: string) => void }) => Promise<DemoSummary>;
};

class UsageError extends Error {}

/** `--id` must be a UUID (what the list command shows), or it is bad usage, not a database error. */
function requireId(id: string, what: string, listCommand: string): void {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new UsageError(`--id must be ${what} (a UUID, see ${listCommand}), got "${id}"`);
}

const COMMANDS: Record<string, { required: string[]; optional: string[] }> = {
  'org:create': { required: ['name', 'kind'], optional: [] },
  'org:list': { required: [], optional: [] },
  'user:create': { required: ['org', 'email', 'name', 'role'], optional: ['password', 'language'] },
  'user:list': { required: [], optional: ['org'] },
  'user:disable': { required: ['id'], optional: [] },
  'user:enable': { required: ['id'], optional: [] },
  'user:unlock': { required: ['id'], optional: [] },
  'key:create': { required: ['org', 'name'], optional: [] },
  'key:list': { required: ['org'], optional: [] },
  'key:revoke': { required: ['id'], optional: [] },
  demo: { required: [], optional: ['password'] },
  help: { required: [], optional: [] },
};

/** `--name value` and `--name=value`; every option once, each known to the command. */
function parseOptions(command: string, args: string[]): Record<string, string> {
  const spec = COMMANDS[command];
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const m = /^--([a-z]+)(?:=(.*))?$/s.exec(arg);
    if (!m) throw new UsageError(`unexpected argument "${arg}"`);
    const name = m[1];
    if (!spec.required.includes(name) && !spec.optional.includes(name)) throw new UsageError(`${command} has no option --${name}`);
    if (name in options) throw new UsageError(`--${name} given twice`);
    let value = m[2];
    if (value === undefined) {
      value = args[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      i++;
    }
    options[name] = value;
  }
  const missing = spec.required.filter((r) => options[r] === undefined || options[r].trim() === '');
  if (missing.length > 0) throw new UsageError(`${command} needs ${missing.map((m) => `--${m}`).join(', ')}`);
  return options;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

const table = (rows: string[][]): string[] => {
  if (rows.length === 0) return [];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  '));
};

/** Runs one command; answers the exit code (0 done, 1 refused, 2 bad usage). Never exits the process. */
export async function runAdmin(argv: string[], deps: AdminDeps): Promise<number> {
  const out = deps.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = deps.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { identity } = deps;
  const [command, ...args] = argv;
  const username = deps.username ?? safeUsername();
  const caller: TrustedCaller = trusted({ type: 'cli', id: null, name: username, organisationId: null });

  const organisation = async (ref: string): Promise<OrganisationRow> => {
    const org = await identity.findOrganisation(ref);
    if (!org) throw new AppError(404, 'not-found', 'Not found', `no organisation with id or name "${ref}" (see org:list)`);
    return org;
  };

  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      if (command === 'help') parseOptions('help', args);
      out(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (!COMMANDS[command]) throw new UsageError(`unknown command "${command}"`);
    const o = parseOptions(command, args);
    switch (command) {
      case 'org:create': {
        const org = await identity.createOrganisation(caller, { name: o.name, kind: oneOf('kind', o.kind, ORGANISATION_KINDS) as OrganisationKind });
        out(`created organisation ${org.id}  ${org.kind}  ${org.name}`);
        return 0;
      }
      case 'org:list': {
        const orgs = await identity.listOrganisations(caller);
        table([['id', 'kind', 'name'], ...orgs.map((x) => [x.id, x.kind, x.name])]).forEach(out);
        return 0;
      }
      case 'user:create': {
        const org = await organisation(o.org);
        const role = oneOf('role', o.role, ROLES) as Role;
        const language = o.language === undefined ? undefined : (oneOf('language', o.language, LANGUAGES) as Language);
        const generated = o.password === undefined;
        const password = o.password ?? generatePassword();
        const user = await identity.createUser(caller, org.id, { email: o.email, name: o.name, role, password, language });
        out(`created user ${user.id}  ${user.role}  ${user.email}  in ${org.name}`);
        if (generated) out(`password: ${password}\n(shown once: hand it over securely)`);
        return 0;
      }
      case 'user:list': {
        const orgs = o.org !== undefined ? [await organisation(o.org)] : await identity.listOrganisations(caller);
        const rows = [['id', 'organisation', 'role', 'email', 'name', 'status']];
        for (const org of orgs) {
          for (const u of await identity.listUsers(caller, org.id)) rows.push([u.id, org.name, u.role, u.email, u.name, u.disabledAt ? 'disabled' : 'active']);
        }
        table(rows).forEach(out);
        return 0;
      }
      case 'user:disable':
      case 'user:enable': {
        requireId(o.id, 'a user id', 'user:list');
        const user = await identity.setUserDisabled(caller, o.id, command === 'user:disable');
        out(`${user.disabledAt ? 'disabled' : 'enabled'} user ${user.id}  ${user.email}`);
        return 0;
      }
      case 'user:unlock': {
        requireId(o.id, 'a user id', 'user:list');
        const cleared = await identity.unlockLogin(caller, o.id);
        out(cleared ? `unlocked logins of user ${o.id}` : `user ${o.id} had no failed logins to clear`);
        return 0;
      }
      case 'key:create': {
        const org = await organisation(o.org);
        const { apiKey, key } = await identity.createApiKey(caller, org.id, { name: o.name });
        out(`created API key ${apiKey.id}  prefix ${apiKey.prefix}  "${apiKey.name}"  for ${org.name}`);
        out(`key: ${key}\n(shown once: store it now)`);
        return 0;
      }
      case 'key:list': {
        const org = await organisation(o.org);
        const keys = await identity.listApiKeys(caller, org.id);
        table([['id', 'prefix', 'created', 'last used', 'status', 'name'], ...keys.map((k) => [k.id, k.prefix, k.createdAt, k.lastUsedAt ?? '-', k.revokedAt ? `revoked ${k.revokedAt}` : 'active', k.name])]).forEach(out);
        return 0;
      }
      case 'key:revoke': {
        requireId(o.id, 'a key id', 'key:list');
        const key = await identity.revokeApiKey(caller, { keyId: o.id });
        out(`revoked API key ${key.id}  prefix ${key.prefix}  at ${key.revokedAt}`);
        return 0;
      }
      case 'demo': {
        if (!deps.seedDemo) throw new Error('the demo command needs seedDemo in its dependencies');
        const summary = await deps.seedDemo({ password: o.password, log: (line) => out(`  ${line}`) });
        demoReport(summary, o.password !== undefined).forEach(out);
        return 0;
      }
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`error: ${e.message}`);
      err('run "npm run admin -- help" for the commands');
      return 2;
    }
    if (e instanceof AppError) {
      // Field errors name the body field (`/role`); here that is the option (`--role`).
      if (e.errors?.length) for (const f of e.errors) err(`error: --${(f.field ?? '').replace(/^\//, '')} ${f.message}`);
      else err(`error: ${e.message}`);
      return e.status === 400 ? 2 : 1;
    }
    throw e;
  }
}

/** The demo's summary as a newcomer reads it: where to log in, who, with what, and what to try. */
export function demoReport(s: DemoSummary, passwordGiven: boolean): string[] {
  const base = s.publicUrl.replace(/\/$/, '');
  const lines: string[] = [];
  lines.push(s.created ? 'Demo created.' : 'The demo exists already: nothing was created. Passwords and keys were printed when it was created.');
  lines.push('', 'Organisations:');
  lines.push(...table(s.organisations.map((o) => [o.kind, o.name])).map((l) => `  ${l}`));
  lines.push('', `Users (log in with POST ${base}/v1/auth/login, or on the dashboard at ${base}/dashboard):`);
  lines.push(...table([['email', 'role', 'language', 'name', 'organisation'], ...s.users.map((u) => [u.email, u.role, u.language, u.name, u.organisation])]).map((l) => `  ${l}`));
  if (s.password) lines.push('', `Password of every demo user: ${s.password}`, '(shown once: it is not stored anywhere readable)');
  else if (s.created && passwordGiven) lines.push('', 'Password of every demo user: the one given with --password');
  lines.push('', 'API keys (vendors):');
  lines.push(...table(s.apiKeys.map((k) => [k.organisation, k.name, k.key ?? `${k.prefix}… (printed when created; key:create makes another)`])).map((l) => `  ${l}`));
  if (s.apiKeys.some((k) => k.key)) lines.push('  (shown once: store them now)');
  lines.push('', 'Applications:');
  lines.push(...table([['state', 'tier', 'system', 'vendor', 'assignee', 'certificate', 'id'], ...s.applications.map((a) => [a.state, a.riskTier, a.system, a.organisation, a.assignee ?? '-', a.certificateNumber ?? '-', a.id])]).map((l) => `  ${l}`));
  const apiKey = s.apiKeys.find((k) => k.key) ?? s.apiKeys[0];
  const key = apiKey?.key ?? 'mk_…';
  lines.push('', 'Try it:');
  lines.push(`  curl -s -X POST ${base}/v1/auth/login -H 'content-type: application/json' \\`);
  lines.push(`    --data '{"email":"${s.users.find((u) => u.role === 'reviewer')?.email ?? 'reviewer@…'}","password":"${s.password ?? '…'}"}'`);
  lines.push(`  curl -s -H "Authorization: Bearer ${key}" ${base}/v1/applications${apiKey ? `    # ${apiKey.organisation}'s applications` : ''}`);
  if (s.certificate) lines.push('', `Certificate ${s.certificate.number} (${s.certificate.status}), verifiable by anyone: ${s.certificate.verificationUrl}`);
  return lines;
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  // With the service up on the embedded database, the commands go through the service's own
  // database thread (its socket); a second opener of the data directory is refused.
  const db = createDb(config, undefined, { attach: true });
  try {
    await migrateAsOwner(config, db);
    // Command-line writes are signed with the service's audit key, like the service's own.
    attachAuditSigner(db, createKeyStore(keySource(config), config.AUDIT_SIGNING_KEY).audit.current);
    const identity = createIdentityService({ db, config });
    const demo = (options: { password?: string; log?: (line: string) => void }) =>
      seedDemo({ db, config, registry: loadRegistry(config.RULES_DIR), workflow: loadWorkflow(config.RULES_DIR) }, options);
    process.exitCode = await runAdmin(process.argv.slice(2), { identity, seedDemo: demo });
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  main().catch((e) => {
    if (e instanceof DatabaseLockedError) {
      process.stderr.write(`admin refused: ${e.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`admin failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
