import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Credentials the service hands out. Both carry 256 random bits, so a fast hash (sha256) is the
 * right way to store them: nobody can guess their way back from the hash.
 *
 * - API keys: `mk_<prefix>_<secret>`, prefix 8 lowercase hex characters (a public id shown in
 *   lists and used to find the row), secret 32 random bytes base64url. Stored: sha256 of the
 *   whole key.
 * - Session tokens: `ms_<32 random bytes base64url>`. Stored: sha256 of the whole token.
 */
export const API_KEY_PATTERN = /^mk_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;
export const SESSION_TOKEN_PATTERN = /^ms_[A-Za-z0-9_-]{43}$/;

export type NewApiKey = { key: string; prefix: string; secretHash: string };

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export function newApiKey(): NewApiKey {
  const prefix = randomBytes(4).toString('hex');
  const key = `mk_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, secretHash: sha256(key) };
}

/** The prefix of a well-formed API key, or null. */
export function apiKeyPrefix(key: string): string | null {
  const m = API_KEY_PATTERN.exec(key);
  return m ? m[1] : null;
}

/** Compares a presented key with a stored hash in constant time. */
export function apiKeyMatches(key: string, secretHash: string): boolean {
  const a = Buffer.from(sha256(key), 'hex');
  const b = Buffer.from(secretHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function newSessionToken(): { token: string; tokenHash: string } {
  const token = `ms_${randomBytes(32).toString('base64url')}`;
  return { token, tokenHash: sha256(token) };
}

export const isSessionToken = (token: string): boolean => SESSION_TOKEN_PATTERN.test(token);
