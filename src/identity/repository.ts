import type { Knex } from 'knex';
import type { Language, OrganisationKind, Role } from './types';
import { iso, isoOrNull } from '../platform/rows';

export type OrganisationRow = { id: string; name: string; kind: OrganisationKind; createdAt: string };
export type UserRow = {
  id: string;
  organisationId: string;
  email: string;
  name: string;
  role: Role;
  language: Language;
  disabledAt: string | null;
  createdAt: string;
};
/** A user with the password hash: only for login, never handed out. */
export type UserWithSecret = UserRow & { passwordHash: string };
export type ApiKeyRow = {
  id: string;
  organisationId: string;
  name: string;
  prefix: string;
  createdBy: string | null;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
};
export type ApiKeyWithSecret = ApiKeyRow & { secretHash: string };
export type SessionRow = { tokenHash: string; userId: string; createdAt: string; expiresAt: string };

type Row = Record<string, unknown>;
/** Rows a delete touched: pg answers a number, knex-pglite the raw result (`affectedRows`). */
const affected = (r: unknown): number => (typeof r === 'number' ? r : Number((r as { affectedRows?: number; rowCount?: number }).affectedRows ?? (r as { rowCount?: number }).rowCount ?? 0));

const toOrganisation = (r: Row): OrganisationRow => ({ id: r.id as string, name: r.name as string, kind: r.kind as OrganisationKind, createdAt: iso(r.created_at) });

const toUser = (r: Row): UserRow => ({
  id: r.id as string,
  organisationId: r.organisation_id as string,
  email: r.email as string,
  name: r.name as string,
  role: r.role as Role,
  language: r.language as Language,
  disabledAt: isoOrNull(r.disabled_at),
  createdAt: iso(r.created_at),
});

const toApiKey = (r: Row): ApiKeyRow => ({
  id: r.id as string,
  organisationId: r.organisation_id as string,
  name: r.name as string,
  prefix: r.prefix as string,
  createdBy: (r.created_by as string | null) ?? null,
  createdAt: iso(r.created_at),
  revokedAt: isoOrNull(r.revoked_at),
  lastUsedAt: isoOrNull(r.last_used_at),
});

/** Organisation columns under the alias `o`, prefixed, for joins. */
const ORG_COLUMNS = ['o.id as org_id', 'o.name as org_name', 'o.kind as org_kind', 'o.created_at as org_created_at'];
const orgOf = (r: Row): OrganisationRow => toOrganisation({ id: r.org_id, name: r.org_name, kind: r.org_kind, created_at: r.org_created_at });

/** Knex queries and row mappers for identity; the service owns the transactions. */
export const identityRepository = {
  async insertOrganisation(trx: Knex, o: OrganisationRow): Promise<void> {
    await trx('organisations').insert({ id: o.id, name: o.name, kind: o.kind, created_at: o.createdAt });
  },

  async findOrganisation(db: Knex, id: string): Promise<OrganisationRow | undefined> {
    const row = await db('organisations').where({ id }).first();
    return row ? toOrganisation(row) : undefined;
  },

  async findOrganisationByName(db: Knex, name: string): Promise<OrganisationRow | undefined> {
    const row = await db('organisations').where({ name }).first();
    return row ? toOrganisation(row) : undefined;
  },

  /** Organisations by name; `visibleTo` limits them to that organisation and every certification centre. */
  async listOrganisations(db: Knex, q: { kind?: OrganisationKind; visibleTo?: string }): Promise<OrganisationRow[]> {
    const query = db('organisations').select('*').orderBy('name');
    if (q.kind) query.where('kind', q.kind);
    if (q.visibleTo !== undefined) {
      const own = q.visibleTo;
      query.where((w) => w.where('id', own).orWhere('kind', 'certification_centre'));
    }
    return (await query).map(toOrganisation);
  },

  async insertUser(trx: Knex, u: UserWithSecret): Promise<void> {
    await trx('users').insert({
      id: u.id, organisation_id: u.organisationId, email: u.email, name: u.name, role: u.role,
      password_hash: u.passwordHash, language: u.language, disabled_at: u.disabledAt, created_at: u.createdAt,
    });
  },

  async findUser(db: Knex, id: string): Promise<UserRow | undefined> {
    const row = await db('users').where({ id }).first();
    return row ? toUser(row) : undefined;
  },

  async emailTaken(db: Knex, email: string): Promise<boolean> {
    return Boolean(await db('users').where({ email }).first('id'));
  },

  /** A user by (lowercased) email with the password hash and the organisation, for login. */
  async findLogin(db: Knex, email: string): Promise<{ user: UserWithSecret; organisation: OrganisationRow } | undefined> {
    const row = await db('users as u').join('organisations as o', 'o.id', 'u.organisation_id').where('u.email', email).first('u.*', ...ORG_COLUMNS);
    return row ? { user: { ...toUser(row), passwordHash: row.password_hash as string }, organisation: orgOf(row) } : undefined;
  },

  async listUsers(db: Knex, organisationId: string): Promise<UserRow[]> {
    return (await db('users').where({ organisation_id: organisationId }).orderBy(['email'])).map(toUser);
  },

  async setLanguage(trx: Knex, userId: string, language: Language): Promise<void> {
    await trx('users').where({ id: userId }).update({ language });
  },

  async setDisabled(trx: Knex, userId: string, disabledAt: string | null): Promise<void> {
    await trx('users').where({ id: userId }).update({ disabled_at: disabledAt });
  },

  async insertApiKey(trx: Knex, k: ApiKeyWithSecret): Promise<void> {
    await trx('api_keys').insert({
      id: k.id, organisation_id: k.organisationId, name: k.name, prefix: k.prefix, secret_hash: k.secretHash,
      created_by: k.createdBy, created_at: k.createdAt, revoked_at: k.revokedAt, last_used_at: k.lastUsedAt,
    });
  },

  async prefixTaken(db: Knex, prefix: string): Promise<boolean> {
    return Boolean(await db('api_keys').where({ prefix }).first('id'));
  },

  async listApiKeys(db: Knex, organisationId: string): Promise<ApiKeyRow[]> {
    return (await db('api_keys').where({ organisation_id: organisationId }).orderBy([{ column: 'created_at', order: 'desc' }, 'prefix'])).map(toApiKey);
  },

  async findApiKey(db: Knex, id: string): Promise<ApiKeyRow | undefined> {
    const row = await db('api_keys').where({ id }).first();
    return row ? toApiKey(row) : undefined;
  },

  async lockApiKey(trx: Knex, id: string): Promise<ApiKeyRow | undefined> {
    const row = await trx('api_keys').where({ id }).forUpdate().first();
    return row ? toApiKey(row) : undefined;
  },

  /** A key by its public prefix, with its hash and organisation, for authentication. */
  async findApiKeyByPrefix(db: Knex, prefix: string): Promise<{ key: ApiKeyWithSecret; organisation: OrganisationRow } | undefined> {
    const row = await db('api_keys as k').join('organisations as o', 'o.id', 'k.organisation_id').where('k.prefix', prefix).first('k.*', ...ORG_COLUMNS);
    return row ? { key: { ...toApiKey(row), secretHash: row.secret_hash as string }, organisation: orgOf(row) } : undefined;
  },

  async revokeApiKey(trx: Knex, id: string, revokedAt: string): Promise<void> {
    await trx('api_keys').where({ id }).whereNull('revoked_at').update({ revoked_at: revokedAt });
  },

  /** Records a use unless one was recorded within the last `minMs` (concurrent requests write once). */
  async touchApiKey(db: Knex, id: string, at: Date, minMs: number): Promise<void> {
    await db('api_keys')
      .where({ id })
      .andWhere((w) => w.whereNull('last_used_at').orWhere('last_used_at', '<', new Date(at.getTime() - minMs)))
      .update({ last_used_at: at });
  },

  async insertSession(trx: Knex, s: SessionRow): Promise<void> {
    await trx('sessions').insert({ token_hash: s.tokenHash, user_id: s.userId, created_at: s.createdAt, expires_at: s.expiresAt });
  },

  /** A session by token hash, with its user and the user's organisation. */
  async findSession(db: Knex, tokenHash: string): Promise<{ session: SessionRow; user: UserRow; organisation: OrganisationRow } | undefined> {
    const row = await db('sessions as s')
      .join('users as u', 'u.id', 's.user_id')
      .join('organisations as o', 'o.id', 'u.organisation_id')
      .where('s.token_hash', tokenHash)
      .first('u.*', 's.token_hash', 's.created_at as session_created_at', 's.expires_at', ...ORG_COLUMNS);
    if (!row) return undefined;
    return {
      session: { tokenHash: row.token_hash as string, userId: row.id as string, createdAt: iso(row.session_created_at), expiresAt: iso(row.expires_at) },
      user: toUser(row),
      organisation: orgOf(row),
    };
  },

  /** Deletes a session; true when there was one. */
  async deleteSession(trx: Knex, tokenHash: string): Promise<boolean> {
    return affected(await trx('sessions').where({ token_hash: tokenHash }).delete()) > 0;
  },

  async deleteSessionsOf(trx: Knex, userId: string): Promise<number> {
    return affected(await trx('sessions').where({ user_id: userId }).delete());
  },

  async deleteExpiredSessions(trx: Knex, now: Date): Promise<number> {
    return affected(await trx('sessions').where('expires_at', '<=', now).delete());
  },

  /**
   * Counts a login attempt to `email` before its password is checked, in one statement (so
   * parallel attempts all count), and says how many the window holds and any lock in force.
   * While a lock is in force nothing changes; when the window (started at or after
   * `windowStart`) or a lock is over, the count starts again at this attempt.
   */
  async countLoginAttempt(db: Knex, email: string, now: Date, windowStart: Date): Promise<{ attempts: number; lockedUntil: Date | null }> {
    const locked = 'login_failures.locked_until > ?';
    const restart = 'login_failures.window_started_at < ? or login_failures.locked_until is not null';
    const rows = await db('login_failures')
      .insert({ email, attempts: 1, window_started_at: now, locked_until: null })
      .onConflict('email')
      .merge({
        attempts: db.raw(`case when ${locked} then login_failures.attempts when ${restart} then 1 else login_failures.attempts + 1 end`, [now, windowStart]),
        window_started_at: db.raw(`case when ${locked} then login_failures.window_started_at when ${restart} then excluded.window_started_at else login_failures.window_started_at end`, [now, windowStart]),
        locked_until: db.raw(`case when ${locked} then login_failures.locked_until else null end`, [now]),
      })
      .returning(['attempts', 'locked_until']);
    const row = rows[0];
    return { attempts: Number(row.attempts), lockedUntil: row.locked_until ? new Date(row.locked_until) : null };
  },

  /**
   * Refuses logins to `email` until `until`, unless a lock is already in force at `now` (a
   * parallel attempt set it): gives the time in force and whether this call set it.
   */
  async lockLogin(db: Knex, email: string, until: Date, now: Date): Promise<{ until: Date; set: boolean }> {
    const set = await db('login_failures').where({ email })
      .andWhere((q) => q.whereNull('locked_until').orWhere('locked_until', '<=', now))
      .update({ locked_until: until }).returning('locked_until');
    if (set[0]) return { until: new Date(set[0].locked_until), set: true };
    const row = await db('login_failures').where({ email }).first('locked_until');
    return { until: row?.locked_until ? new Date(row.locked_until) : until, set: false };
  },

  /** After a successful login: the count goes, but not a lock that a parallel attempt set meanwhile. */
  async clearLoginAttempts(trx: Knex, email: string, now: Date): Promise<void> {
    await trx('login_failures').where({ email }).andWhere((q) => q.whereNull('locked_until').orWhere('locked_until', '<=', now)).delete();
  },

  /** Deletes the count of `email` and gives what it held (null when there was none). */
  async takeLoginAttempts(trx: Knex, email: string): Promise<{ attempts: number; lockedUntil: string | null } | null> {
    const rows = await trx('login_failures').where({ email }).delete().returning(['attempts', 'locked_until']);
    return rows[0] ? { attempts: Number(rows[0].attempts), lockedUntil: isoOrNull(rows[0].locked_until) } : null;
  },

  /**
   * Deletes up to `batch` rows whose window is over and that hold no lock in force, skipping rows
   * another transaction holds (so parallel prunes never wait on each other).
   */
  async pruneLoginAttempts(db: Knex, now: Date, windowStart: Date, batch = 200): Promise<number> {
    const old = db('login_failures').select('email').where('window_started_at', '<', windowStart)
      .andWhere((q) => q.whereNull('locked_until').orWhere('locked_until', '<=', now))
      .orderBy('window_started_at').limit(batch).forUpdate().skipLocked();
    return affected(await db('login_failures').whereIn('email', old).delete());
  },
};
