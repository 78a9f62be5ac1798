import { apiKeyMatches, apiKeyPrefix, isSessionToken, newApiKey, newSessionToken, sha256 } from '../../src/identity/keys';
import { burnPasswordCheck, generatePassword, hashPassword, verifyPassword } from '../../src/identity/passwords';
import { credentialOf, sessionCookie } from '../../src/identity/service';

describe('passwords', () => {
  test('a hash is self-describing scrypt (N = 2^17 by default), salted, and verifies only the right password', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
    // Salted: the same password hashes differently every time.
    expect(await hashPassword('correct horse battery staple')).not.toBe(stored);
  });

  test('unicode passwords are normalised (NFC) before hashing', async () => {
    const stored = await hashPassword('pa\u00e9ssword-long-enough');
    expect(await verifyPassword('pae\u0301ssword-long-enough', stored)).toBe(true);
  });

  test('a stored value it cannot read never verifies', async () => {
    for (const bad of ['', 'plain', 'scrypt$16384$8$1$abc$def', 'scrypt$3$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'bcrypt$x']) {
      expect(await verifyPassword('whatever-password', bad)).toBe(false);
    }
  });

  test('the dummy check for unknown emails runs and generated passwords are strong', async () => {
    await expect(burnPasswordCheck('some password')).resolves.toBeUndefined();
    const p = generatePassword();
    expect(p).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(generatePassword()).not.toBe(p);
  });
});

describe('API keys and session tokens', () => {
  test('keys are mk_<8 hex>_<43 base64url>, stored as sha256 of the whole key', () => {
    const { key, prefix, secretHash } = newApiKey();
    expect(key).toMatch(/^mk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(`mk_${prefix}_`)).toBe(true);
    expect(secretHash).toBe(sha256(key));
    expect(secretHash).not.toContain(key.slice(12));
    expect(apiKeyPrefix(key)).toBe(prefix);
    expect(apiKeyMatches(key, secretHash)).toBe(true);
    expect(apiKeyMatches(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'), secretHash)).toBe(false);
    expect(apiKeyMatches(key, 'not-hex')).toBe(false);
  });

  test('malformed keys have no prefix', () => {
    for (const bad of ['', 'mk_', 'mk_abc_def', 'mk_ABCDEF12_' + 'a'.repeat(43), 'mk_abcdef12_' + 'a'.repeat(42), 'xk_abcdef12_' + 'a'.repeat(43)]) {
      expect(apiKeyPrefix(bad)).toBeNull();
    }
  });

  test('session tokens are ms_<43 base64url>, stored as sha256', () => {
    const { token, tokenHash } = newSessionToken();
    expect(isSessionToken(token)).toBe(true);
    expect(tokenHash).toBe(sha256(token));
    expect(isSessionToken('ms_short')).toBe(false);
    expect(newSessionToken().token).not.toBe(token);
  });

  test('credentials come from Authorization: Bearer, then X-API-Key, then the session cookie', () => {
    expect(credentialOf({})).toBeNull();
    expect(credentialOf({ authorization: 'Bearer mk_x', 'x-api-key': 'mk_y', cookie: 'medai_session=ms_z' })).toEqual({ token: 'mk_x', source: 'authorization' });
    expect(credentialOf({ authorization: 'bearer  ms_t ' })).toEqual({ token: 'ms_t', source: 'authorization' });
    expect(credentialOf({ 'x-api-key': 'mk_y', cookie: 'medai_session=ms_z' })).toEqual({ token: 'mk_y', source: 'x-api-key' });
    expect(credentialOf({ cookie: 'a=1; medai_session=ms_z; b=2' })).toEqual({ token: 'ms_z', source: 'cookie' });
    expect(() => credentialOf({ authorization: 'Basic dXNlcjpwYXNz' })).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => credentialOf({ authorization: 'Bearer' })).toThrow(expect.objectContaining({ status: 401 }));
  });

  test('the cookie parser finds only medai_session', () => {
    expect(sessionCookie(undefined)).toBeNull();
    expect(sessionCookie('x_medai_session=1; other=2')).toBeNull();
    expect(sessionCookie('medai_session=')).toBeNull();
    expect(sessionCookie('medai_session="ms_q"')).toBe('ms_q');
    expect(sessionCookie('medai_session=first; medai_session=second')).toBe('first');
    expect(sessionCookie('broken; medai_session=v')).toBe('v');
  });
});
