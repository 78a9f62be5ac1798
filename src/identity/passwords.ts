import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (node:crypto, no dependency; it runs on libuv's thread pool, never
 * on the event loop). The stored string describes itself, `scrypt$N$r$p$salt$hash` (salt and hash
 * base64url), so the cost can be raised and old hashes still verify; a login with an older,
 * cheaper hash stores a new one (see `needsRehash`). The default cost, N = 2^17 with r = 8 and
 * p = 1, is the OWASP Password Storage Cheat Sheet's minimum for scrypt (128 MiB per hash).
 */
export const DEFAULT_LOG2N = 17;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Enough for N up to 2^17 at r=8 (128·N·r bytes); node's default (32 MiB) is the floor. */
const MAX_MEM = 256 * 1024 * 1024;
const memFor = (n: number, r: number) => Math.max(MAX_MEM, 256 * n * r);

export const MIN_PASSWORD_LENGTH = 12;

function derive(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** A new hash at N = 2^log2N (the configured `PASSWORD_SCRYPT_LOG2N`, 17 by default). */
export async function hashPassword(password: string, log2N: number = DEFAULT_LOG2N): Promise<string> {
  const n = 2 ** log2N;
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, { N: n, r: R, p: P, maxmem: memFor(n, R) });
  return ['scrypt', n, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** The cost a stored hash was made with, or null when it cannot be read. */
export function hashCost(stored: string): { n: number; r: number; p: number } | null {
  const m = STORED.exec(stored);
  return m ? { n: Number(m[1]), r: Number(m[2]), p: Number(m[3]) } : null;
}

/** True when a stored hash is cheaper than the configured cost (then a login replaces it). */
export function needsRehash(stored: string, log2N: number = DEFAULT_LOG2N): boolean {
  const cost = hashCost(stored);
  return cost !== null && (cost.n < 2 ** log2N || cost.r < R);
}

const STORED = /^scrypt\$(\d{1,7})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{16,})$/;

/** True when the password matches; false for a wrong password or a stored value it cannot read. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = STORED.exec(stored);
  if (!m) return false;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Refuse absurd parameters rather than let a bad row stall the process.
  if (n < 2 || (n & (n - 1)) !== 0 || n > 1 << 20 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const salt = Buffer.from(m[4], 'base64url');
  const expected = Buffer.from(m[5], 'base64url');
  const key = await derive(password, salt, expected.length, { N: n, r, p, maxmem: memFor(n, r) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

const dummies = new Map<number, Promise<string>>();
/**
 * Spends the time of one verification against a hash nobody's password matches: called when the
 * email is unknown, so the answer takes as long as for a known email with a wrong password.
 */
export async function burnPasswordCheck(password: string, log2N: number = DEFAULT_LOG2N): Promise<void> {
  if (!dummies.has(log2N)) dummies.set(log2N, hashPassword(randomBytes(18).toString('base64url'), log2N));
  await verifyPassword(password, await dummies.get(log2N)!);
}

/** A strong random password (24 base64url characters, 144 bits) for the CLI. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
