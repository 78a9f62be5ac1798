import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Knex } from 'knex';
import { appendAudit } from '../audit/log';
import type { Config } from '../config';
import { AppError, conflict, forbidden, invalid, notFound, unauthorized } from '../platform/errors';

export { forbidden, unauthorized };
import { apiKeyMatches, apiKeyPrefix, isSessionToken, newApiKey, newSessionToken, sha256 } from './keys';
import { burnPasswordCheck, DEFAULT_LOG2N, hashCost, hashPassword, MIN_PASSWORD_LENGTH, needsRehash, verifyPassword } from './passwords';
import { identityRepository as repo, type ApiKeyRow, type OrganisationRow, type UserRow } from './repository';
import { ROLES_BY_KIND, type AuditActor, type Language, type OrganisationKind, type Principal, type Role } from './types';

export const SESSION_COOKIE = 'medai_session';
/** api_keys.last_used_at is written at most this often per key. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Who asks the service for something. A principal (from a request) is held to the access rules;
 * a trusted caller (the admin CLI, the demo seeder, the system itself) is not, and names the
 * actor its writes are audited under.
 */
export type PrincipalCaller = { principal: Principal; requestId?: string | null };
export type TrustedCaller = { actor: AuditActor; requestId?: string | null };
export type Caller = PrincipalCaller | TrustedCaller;

export const asPrincipal = (principal: Principal, requestId?: string | null): PrincipalCaller => ({ principal, requestId: requestId ?? null });
export const trusted = (actor: AuditActor, requestId?: string | null): TrustedCaller => ({ actor, requestId: requestId ?? null });

/** The audit actor of a principal (`anonymous` when there is none). */
export function auditActor(principal: Principal | null): AuditActor {
  if (!principal) return { type: 'anonymous', id: null, name: null, organisationId: null };
  return { type: principal.kind, id: principal.id, name: principal.name, organisationId: principal.organisation.id };
}

const actorOf = (caller: Caller): AuditActor => ('principal' in caller ? auditActor(caller.principal) : caller.actor);
const isAdmin = (caller: Caller) => !('principal' in caller) || caller.principal.role === 'admin';


/** 429 while an email's logins are refused, with how long in `Retry-After`. */
function tooManyLogins(until: Date, at: Date): AppError {
  const err = new AppError(429, 'too-many-logins', 'Too many failed logins', `Too many failed logins to this email: logins are refused until ${until.toISOString()}`);
  err.headers = { 'retry-after': String(Math.max(1, Math.ceil((until.getTime() - at.getTime()) / 1000))) };
  return err;
}

const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An organisation of another, for a non-admin principal: 404 (its existence is not theirs to learn). */
function requireOwnOrAdmin(caller: Caller, organisationId: string, what: string): void {
  if (isAdmin(caller)) return;
  if ((caller as PrincipalCaller).principal.organisation.id !== organisationId) throw notFound(what);
}

/** The credential a request presents: `Authorization: Bearer`, then `X-API-Key`, then the session cookie. */
export function credentialOf(headers: IncomingHttpHeaders): { token: string; source: 'authorization' | 'x-api-key' | 'cookie' } | null {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization !== '') {
    const m = /^Bearer[ ]+(\S+)[ ]*$/i.exec(authorization);
    if (!m) throw unauthorized('The Authorization header must be "Bearer <API key or session token>"');
    return { token: m[1], source: 'authorization' };
  }
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return { token: apiKey.trim(), source: 'x-api-key' };
  const cookie = sessionCookie(headers.cookie);
  if (cookie !== null) return { token: cookie, source: 'cookie' };
  return null;
}

/** The value of the first `medai_session` cookie of a Cookie header, or null. */
export function sessionCookie(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    return value === '' ? null : value;
  }
  return null;
}

export type CreatedApiKey = { apiKey: ApiKeyRow; key: string };
export type LoginResult = { token: string; principal: Principal; expiresAt: string };

/**
 * Organisations, users, API keys and sessions. Every write runs in one transaction with its
 * audit entry; no audit entry ever holds a password, a hash, a key or a token.
 */
export function createIdentityService(deps: { db: Knex; config: Pick<Config, 'SESSION_TTL_HOURS' | 'LOGIN_MAX_FAILURES' | 'LOGIN_LOCKOUT_MINUTES'> & Partial<Pick<Config, 'PASSWORD_SCRYPT_LOG2N'>>; now?: () => Date }) {
  const { db, config } = deps;
  const log2N = config.PASSWORD_SCRYPT_LOG2N ?? DEFAULT_LOG2N;
  const now = deps.now ?? (() => new Date());

  const userPrincipal = (user: UserRow, organisation: OrganisationRow): Principal => ({
    kind: 'user', id: user.id, name: user.name, role: user.role,
    organisation: { id: organisation.id, name: organisation.name, kind: organisation.kind }, language: user.language,
  });
  const keyPrincipal = (key: ApiKeyRow, organisation: OrganisationRow): Principal => ({
    kind: 'api_key', id: key.id, name: key.name, role: 'vendor',
    organisation: { id: organisation.id, name: organisation.name, kind: organisation.kind }, language: 'en',
  });

  /** Key management: admin, or a vendor-role user of that organisation (never an API key). */
  function requireKeyManager(caller: Caller, organisationId: string): void {
    requireOwnOrAdmin(caller, organisationId, `Organisation ${organisationId}`);
    if (isAdmin(caller)) return;
    const p = (caller as PrincipalCaller).principal;
    if (p.kind !== 'user' || p.role !== 'vendor') throw forbidden('Only an admin or a vendor user of the organisation manages its API keys');
  }

  async function organisationOrNotFound(id: string): Promise<OrganisationRow> {
    const org = await repo.findOrganisation(db, id);
    if (!org) throw notFound(`Organisation ${id}`);
    return org;
  }

  async function authenticateApiKey(token: string): Promise<Principal> {
    const prefix = apiKeyPrefix(token);
    if (!prefix) throw unauthorized('The API key is malformed');
    const found = await repo.findApiKeyByPrefix(db, prefix);
    // One answer for unknown, wrong and revoked keys.
    if (!found || !apiKeyMatches(token, found.key.secretHash) || found.key.revokedAt !== null || found.organisation.kind !== 'vendor') {
      throw unauthorized('The API key is not valid (unknown or revoked)');
    }
    const at = now();
    const last = found.key.lastUsedAt === null ? 0 : Date.parse(found.key.lastUsedAt);
    if (at.getTime() - last >= LAST_USED_RESOLUTION_MS) await repo.touchApiKey(db, found.key.id, at, LAST_USED_RESOLUTION_MS);
    return keyPrincipal(found.key, found.organisation);
  }

  async function authenticateSession(token: string): Promise<Principal> {
    if (!isSessionToken(token)) throw unauthorized('The session token is malformed');
    const found = await repo.findSession(db, sha256(token));
    if (!found || Date.parse(found.session.expiresAt) <= now().getTime() || found.user.disabledAt !== null) {
      throw unauthorized('The session is not valid (unknown, expired or logged out); log in again');
    }
    return userPrincipal(found.user, found.organisation);
  }

  const lockoutMs = config.LOGIN_LOCKOUT_MINUTES * 60_000;

  /**
   * Counts the attempt before any password is checked: 429 while the email is locked, or when
   * this attempt is one too many (which sets the lock, audited against the account if there is
   * one). Parallel guesses therefore get at most LOGIN_MAX_FAILURES password checks per window.
   */
  async function admitLogin(email: string, at: Date, requestId: string | null): Promise<void> {
    if (config.LOGIN_MAX_FAILURES === 0) return;
    const attempt = await repo.countLoginAttempt(db, email, at, new Date(at.getTime() - lockoutMs));
    if (attempt.lockedUntil) throw tooManyLogins(attempt.lockedUntil, at);
    if (attempt.attempts <= config.LOGIN_MAX_FAILURES) return;
    const lock = await repo.lockLogin(db, email, new Date(at.getTime() + lockoutMs), at);
    const lockedUntil = lock.until;
    // Audited once per lock: by the attempt that set it, not by every parallel one refused with it.
    const found = lock.set ? await repo.findLogin(db, email) : undefined;
    if (found) {
      await db.transaction((trx) => appendAudit(trx, {
        actor: auditActor(null), action: 'auth.login_locked', objectType: 'user', objectId: found.user.id,
        after: { attempts: attempt.attempts, lockedUntil: lockedUntil.toISOString() }, requestId,
      }));
    }
    throw tooManyLogins(lockedUntil, at);
  }

  /** A failed password check: audited against the account if there is one; old counts pruned. */
  async function loginFailed(email: string, user: UserRow | null, at: Date, requestId: string | null): Promise<void> {
    if (user) {
      await db.transaction((trx) => appendAudit(trx, {
        actor: auditActor(null), action: 'auth.login_failed', objectType: 'user', objectId: user.id, requestId,
      }));
    }
    if (config.LOGIN_MAX_FAILURES > 0) await repo.pruneLoginAttempts(db, at, new Date(at.getTime() - lockoutMs));
  }

  const service = {
    /**
     * The principal a request's credentials name; null when it sends none. A credential that
     * is malformed, unknown, revoked or expired is a 401, never anonymous.
     */
    async authenticate(headers: IncomingHttpHeaders): Promise<Principal | null> {
      const credential = credentialOf(headers);
      if (!credential) return null;
      const { token, source } = credential;
      // An API key goes in a header; a cookie carries a session only.
      if (token.startsWith('mk_') && source !== 'cookie') return authenticateApiKey(token);
      if (token.startsWith('ms_') && source !== 'x-api-key') return authenticateSession(token);
      throw unauthorized(source === 'x-api-key' ? 'The API key is malformed' : 'The credential is neither an API key nor a session token');
    },

    /**
     * A session for a right email and password. Each attempt is counted before its password is
     * checked; one beyond LOGIN_MAX_FAILURES in a window of LOGIN_LOCKOUT_MINUTES refuses the
     * email's logins for LOGIN_LOCKOUT_MINUTES with a 429, the right password included; a
     * success clears the count. An email without an account is counted and refused alike, so
     * no answer tells whether an account exists. Against an account, a failed password check is
     * audited (`auth.login_failed`) and so is a lock (`auth.login_locked`).
     */
    async login(input: { email: string; password: string }, options: { requestId?: string | null } = {}): Promise<LoginResult> {
      const email = input.email.trim().toLowerCase();
      const at = now();
      await admitLogin(email, at, options.requestId ?? null);
      const found = await repo.findLogin(db, email);
      if (!found) {
        await burnPasswordCheck(input.password, log2N);
        await loginFailed(email, null, at, options.requestId ?? null);
        throw unauthorized('Email or password is wrong');
      }
      const ok = await verifyPassword(input.password, found.user.passwordHash);
      if (!ok || found.user.disabledAt !== null) {
        await loginFailed(email, found.user, at, options.requestId ?? null);
        throw unauthorized('Email or password is wrong');
      }
      const expiresAt = new Date(at.getTime() + config.SESSION_TTL_HOURS * 3_600_000).toISOString();
      const { token, tokenHash } = newSessionToken();
      const principal = userPrincipal(found.user, found.organisation);
      // A hash made at a lower cost than the configured one is replaced now that the password is known.
      const oldHash = found.user.passwordHash;
      const newHash = needsRehash(oldHash, log2N) ? await hashPassword(input.password, log2N) : null;
      await db.transaction(async (trx) => {
        if (newHash) {
          const changed = await trx('users').where({ id: found.user.id, password_hash: oldHash }).update({ password_hash: newHash });
          if (changed > 0) {
            const cost = (h: string) => { const c = hashCost(h)!; return { algorithm: 'scrypt', N: c.n, r: c.r, p: c.p }; };
            await appendAudit(trx, {
              actor: auditActor(principal), action: 'auth.password_rehashed', objectType: 'user', objectId: found.user.id,
              before: cost(oldHash), after: cost(newHash), requestId: options.requestId ?? null,
            });
          }
        }
        await repo.deleteExpiredSessions(trx, at);
        await repo.clearLoginAttempts(trx, email, at);
        await repo.insertSession(trx, { tokenHash, userId: found.user.id, createdAt: at.toISOString(), expiresAt });
        await appendAudit(trx, {
          actor: auditActor(principal), action: 'auth.login', objectType: 'user', objectId: found.user.id,
          after: { expiresAt }, requestId: options.requestId ?? null,
        });
      });
      return { token, principal, expiresAt };
    },

    /** Ends the session of a token (the request's cookie or bearer token); nothing to do without one. */
    async logout(token: string | null, caller: Caller): Promise<void> {
      if (!token || !isSessionToken(token)) return;
      const tokenHash = sha256(token);
      const found = await repo.findSession(db, tokenHash);
      if (!found) return;
      await db.transaction(async (trx) => {
        if (!(await repo.deleteSession(trx, tokenHash))) return;
        await appendAudit(trx, {
          actor: actorOf(caller), action: 'auth.logout', objectType: 'user', objectId: found.user.id, requestId: caller.requestId ?? null,
        });
      });
    },

    async updateLanguage(caller: PrincipalCaller, language: Language): Promise<Principal> {
      const p = caller.principal;
      if (p.kind !== 'user') throw forbidden('An API key has no language setting; send Accept-Language instead');
      if (p.language === language) return p;
      await db.transaction(async (trx) => {
        await repo.setLanguage(trx, p.id, language);
        await appendAudit(trx, {
          actor: auditActor(p), action: 'user.language', objectType: 'user', objectId: p.id,
          before: { language: p.language }, after: { language }, requestId: caller.requestId ?? null,
        });
      });
      return { ...p, language };
    },

    /** Admin: every organisation; others: their own and every certification centre. */
    async listOrganisations(caller: Caller, q: { kind?: OrganisationKind } = {}): Promise<OrganisationRow[]> {
      const visibleTo = isAdmin(caller) ? undefined : (caller as PrincipalCaller).principal.organisation.id;
      return repo.listOrganisations(db, { kind: q.kind, visibleTo });
    },

    /** One organisation the caller may see, else 404. */
    async getOrganisation(caller: Caller, id: string): Promise<OrganisationRow> {
      const org = await repo.findOrganisation(db, id);
      const visible = org && (isAdmin(caller) || org.kind === 'certification_centre' || (caller as PrincipalCaller).principal.organisation.id === org.id);
      if (!org || !visible) throw notFound(`Organisation ${id}`);
      return org;
    },

    /** An organisation by id or exact name, with no access check (the CLI and the demo). */
    async findOrganisation(ref: string): Promise<OrganisationRow | undefined> {
      const byName = await repo.findOrganisationByName(db, ref);
      if (byName) return byName;
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref) ? repo.findOrganisation(db, ref) : undefined;
    },

    async createOrganisation(caller: Caller, input: { name: string; kind: OrganisationKind }): Promise<OrganisationRow> {
      if (!isAdmin(caller)) throw forbidden('Only an admin creates organisations');
      const name = input.name.trim();
      if (name === '') throw invalid('/name', 'must not be blank');
      if (!(input.kind in ROLES_BY_KIND)) throw invalid('/kind', `must be one of: ${Object.keys(ROLES_BY_KIND).join(', ')}`);
      const org: OrganisationRow = { id: randomUUID(), name, kind: input.kind, createdAt: now().toISOString() };
      try {
        await db.transaction(async (trx) => {
          if (await repo.findOrganisationByName(trx, name)) throw conflict(`An organisation named "${name}" exists`);
          await repo.insertOrganisation(trx, org);
          await appendAudit(trx, {
            actor: actorOf(caller), action: 'organisation.create', objectType: 'organisation', objectId: org.id,
            after: { name: org.name, kind: org.kind }, requestId: caller.requestId ?? null,
          });
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict(`An organisation named "${name}" exists`);
        throw err;
      }
      return org;
    },

    /** Admin: any organisation; reviewers and lead reviewers: their own; others 403 (own) or 404. */
    async listUsers(caller: Caller, organisationId: string): Promise<UserRow[]> {
      requireOwnOrAdmin(caller, organisationId, `Organisation ${organisationId}`);
      if (!isAdmin(caller)) {
        const p = (caller as PrincipalCaller).principal;
        if (p.kind !== 'user' || (p.role !== 'reviewer' && p.role !== 'lead_reviewer')) throw forbidden('Your role does not list users');
      }
      await organisationOrNotFound(organisationId);
      return repo.listUsers(db, organisationId);
    },

    async createUser(
      caller: Caller,
      organisationId: string,
      input: { email: string; name: string; role: Role; password: string; language?: Language },
    ): Promise<UserRow> {
      if (!isAdmin(caller)) throw forbidden('Only an admin creates users');
      const org = await organisationOrNotFound(organisationId);
      const email = input.email.trim().toLowerCase();
      if (!EMAIL.test(email)) throw invalid('/email', 'must be an email address');
      const name = input.name.trim();
      if (name === '') throw invalid('/name', 'must not be blank');
      const allowed = ROLES_BY_KIND[org.kind];
      if (!allowed.includes(input.role)) throw invalid('/role', `must be one of ${allowed.join(', ')} in a ${org.kind} organisation`);
      if ([...input.password].length < MIN_PASSWORD_LENGTH) throw invalid('/password', `must have at least ${MIN_PASSWORD_LENGTH} characters`);
      const language = input.language ?? 'en';
      if (language !== 'en' && language !== 'ru') throw invalid('/language', 'must be one of: en, ru');
      const passwordHash = await hashPassword(input.password, log2N);
      const user: UserRow = { id: randomUUID(), organisationId, email, name, role: input.role, language, disabledAt: null, createdAt: now().toISOString() };
      try {
        await db.transaction(async (trx) => {
          if (await repo.emailTaken(trx, email)) throw conflict(`A user with email ${email} exists`);
          await repo.insertUser(trx, { ...user, passwordHash });
          await appendAudit(trx, {
            actor: actorOf(caller), action: 'user.create', objectType: 'user', objectId: user.id,
            after: { email, name, role: user.role, organisationId, language }, requestId: caller.requestId ?? null,
          });
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict(`A user with email ${email} exists`);
        throw err;
      }
      return user;
    },

    /** Admin: disables (its sessions end at once) or enables a user. */
    async setUserDisabled(caller: Caller, userId: string, disabled: boolean): Promise<UserRow> {
      if (!isAdmin(caller)) throw forbidden('Only an admin disables users');
      return db.transaction(async (trx) => {
        const user = await repo.findUser(trx, userId);
        if (!user) throw notFound(`User ${userId}`);
        if ((user.disabledAt !== null) === disabled) return user;
        const disabledAt = disabled ? now().toISOString() : null;
        await repo.setDisabled(trx, userId, disabledAt);
        if (disabled) await repo.deleteSessionsOf(trx, userId);
        await appendAudit(trx, {
          actor: actorOf(caller), action: disabled ? 'user.disable' : 'user.enable', objectType: 'user', objectId: userId,
          before: { disabledAt: user.disabledAt }, after: { disabledAt }, requestId: caller.requestId ?? null,
        });
        return { ...user, disabledAt };
      });
    },

    /**
     * Lifts a lock on a user's logins and clears the count of failed attempts (admin only);
     * audited when there was something to clear. False when there was none.
     */
    async unlockLogin(caller: Caller, userId: string): Promise<boolean> {
      if (!isAdmin(caller)) throw forbidden('Only an admin unlocks logins');
      return db.transaction(async (trx) => {
        const user = await repo.findUser(trx, userId);
        if (!user) throw notFound(`User ${userId}`);
        const row = await repo.takeLoginAttempts(trx, user.email);
        if (!row) return false;
        await appendAudit(trx, {
          actor: actorOf(caller), action: 'auth.login_unlocked', objectType: 'user', objectId: userId,
          before: row, after: null, requestId: caller.requestId ?? null,
        });
        return true;
      });
    },

    async listApiKeys(caller: Caller, organisationId: string): Promise<ApiKeyRow[]> {
      requireKeyManager(caller, organisationId);
      await organisationOrNotFound(organisationId);
      return repo.listApiKeys(db, organisationId);
    },

    /** A new key for a vendor organisation; the secret is in the answer only. */
    async createApiKey(caller: Caller, organisationId: string, input: { name: string }): Promise<CreatedApiKey> {
      requireKeyManager(caller, organisationId);
      const org = await organisationOrNotFound(organisationId);
      if (org.kind !== 'vendor') throw new AppError(400, 'not-a-vendor', 'Only vendor organisations have API keys', `Only vendor organisations have API keys; ${org.name} (${org.id}) is a ${org.kind}`);
      const name = input.name.trim();
      if (name === '') throw invalid('/name', 'must not be blank');
      const actor = actorOf(caller);
      for (let attempt = 0; ; attempt++) {
        const { key, prefix, secretHash } = newApiKey();
        const apiKey: ApiKeyRow = {
          id: randomUUID(), organisationId, name, prefix, createdBy: `${actor.type}:${actor.id ?? actor.name ?? ''}`,
          createdAt: now().toISOString(), revokedAt: null, lastUsedAt: null,
        };
        try {
          await db.transaction(async (trx) => {
            await repo.insertApiKey(trx, { ...apiKey, secretHash });
            await appendAudit(trx, {
              actor, action: 'api_key.create', objectType: 'api_key', objectId: apiKey.id,
              after: { name, prefix, organisationId }, requestId: caller.requestId ?? null,
            });
          });
          return { apiKey, key };
        } catch (err) {
          // 32-bit prefixes collide rarely; draw another.
          if (isUniqueViolation(err) && attempt < 4) continue;
          throw err;
        }
      }
    },

    /** Revokes a key (at once: the next request with it is 401); revoking twice changes nothing. */
    async revokeApiKey(caller: Caller, ref: { keyId: string; organisationId?: string }): Promise<ApiKeyRow> {
      if (ref.organisationId !== undefined) requireKeyManager(caller, ref.organisationId);
      else if (!isAdmin(caller)) throw forbidden('Only an admin revokes a key without naming its organisation');
      return db.transaction(async (trx) => {
        const key = await repo.lockApiKey(trx, ref.keyId);
        if (!key || (ref.organisationId !== undefined && key.organisationId !== ref.organisationId)) throw notFound(`API key ${ref.keyId}`);
        if (key.revokedAt !== null) return key;
        const revokedAt = now().toISOString();
        await repo.revokeApiKey(trx, key.id, revokedAt);
        await appendAudit(trx, {
          actor: actorOf(caller), action: 'api_key.revoke', objectType: 'api_key', objectId: key.id,
          before: { revokedAt: null }, after: { revokedAt, name: key.name, prefix: key.prefix }, requestId: caller.requestId ?? null,
        });
        return { ...key, revokedAt };
      });
    },
  };
  return service;
}

export type IdentityService = ReturnType<typeof createIdentityService>;
