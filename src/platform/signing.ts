import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** An Ed25519 public key as a JWK (RFC 8037), with its RFC 7638 thumbprint as `kid`. */
export type PublicJwk = { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; alg: 'EdDSA'; use: 'sig' };

/** A signing key: its private half stays in the process (never in the database). */
export type SigningKey = { kid: string; privateKey: KeyObject; publicKey: KeyObject };

/** The keys of one purpose: the current one signs, retired ones still verify what they signed. */
export type KeyRing = { current: SigningKey; verifying: Map<string, KeyObject> };

const b64url = (buf: Buffer) => buf.toString('base64url');

/** RFC 7638 thumbprint of an Ed25519 public key: sha256 of `{"crv","kty","x"}` in that order. */
export function thumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' }) as { x: string };
  return b64url(createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${jwk.x}"}`).digest());
}

export function publicJwk(publicKey: KeyObject): PublicJwk {
  const jwk = publicKey.export({ format: 'jwk' }) as { x: string };
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: thumbprint(publicKey), alg: 'EdDSA', use: 'sig' };
}

export function signingKeyFromPem(pem: string, where: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new Error(`${where}: not a PEM private key (${(err as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${where}: must be an Ed25519 key, not ${String(privateKey.asymmetricKeyType)}`);
  const publicKey = createPublicKey(privateKey);
  return { kid: thumbprint(publicKey), privateKey, publicKey };
}

function publicKeyFromPem(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new Error(`${where}: not a PEM public key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${where}: must be an Ed25519 key, not ${String(key.asymmetricKeyType)}`);
  return key;
}

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { kid: thumbprint(publicKey), privateKey, publicKey };
}

/** Signs a text (UTF-8) with Ed25519; the signature as base64url. */
export const signText = (key: SigningKey, text: string): string => b64url(sign(null, Buffer.from(text, 'utf8'), key.privateKey));

export function verifyText(publicKey: KeyObject, text: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(text, 'utf8'), publicKey, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/** A compact JWS (RFC 7515) of a JSON payload, EdDSA (RFC 8037) with the key's kid in the header. */
export function signJws(key: SigningKey, payload: unknown, typ: string): string {
  const header = b64url(Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: key.kid, typ })));
  const body = b64url(Buffer.from(JSON.stringify(payload)));
  return `${header}.${body}.${signText(key, `${header}.${body}`)}`;
}

/** The payload of a compact JWS when a key of the ring signed it; null otherwise. */
export function verifyJws(ring: Pick<KeyRing, 'verifying'>, jws: string): { kid: string; payload: unknown } | null {
  const parts = jws.split('.');
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: string; kid?: string };
    if (header.alg !== 'EdDSA' || typeof header.kid !== 'string') return null;
    const key = ring.verifying.get(header.kid);
    if (!key || !verifyText(key, `${parts[0]}.${parts[1]}`, parts[2])) return null;
    return { kid: header.kid, payload: JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) };
  } catch {
    return null;
  }
}

/**
 * Where the service's keys come from. `dir`: a directory of PEM files, one purpose per name:
 * `<name>.pem` is the current private key, `<name>.<anything>.pub.pem` a retired public key
 * that still verifies what it signed. A missing current key is generated there (mode 0600) when
 * `generate` is on. `dir` null: keys are generated in memory, one per purpose and process
 * (tests, throw-away demos). `pem`: a current private key given directly (an environment
 * variable), which wins over the file.
 */
export type KeySource = { dir: string | null; generate: boolean };

const memoryKeys = new Map<string, SigningKey>();

export function loadKeyRing(source: KeySource, name: string, pem?: string): KeyRing {
  let current: SigningKey;
  const verifying = new Map<string, KeyObject>();
  if (pem) {
    current = signingKeyFromPem(pem, `the ${name} signing key`);
  } else if (source.dir === null) {
    current = memoryKeys.get(name) ?? generateSigningKey();
    memoryKeys.set(name, current);
  } else {
    const file = join(source.dir, `${name}.pem`);
    if (!existsSync(file)) {
      if (!source.generate) throw new Error(`${file}: no signing key (generate one with: openssl genpkey -algorithm ed25519 -out ${file})`);
      mkdirSync(source.dir, { recursive: true, mode: 0o700 });
      const key = generateSigningKey();
      writeFileSync(file, key.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    }
    current = signingKeyFromPem(readFileSync(file, 'utf8'), file);
  }
  verifying.set(current.kid, current.publicKey);
  if (source.dir !== null && existsSync(source.dir)) {
    for (const f of readdirSync(source.dir).sort()) {
      if (!f.startsWith(`${name}.`) || !f.endsWith('.pub.pem')) continue;
      const key = publicKeyFromPem(readFileSync(join(source.dir, f), 'utf8'), join(source.dir, f));
      verifying.set(thumbprint(key), key);
    }
  }
  return { current, verifying };
}

/** The public keys of every ring as a JWK Set (RFC 7517), current and retired, sorted by kid. */
export function jwks(rings: Array<Pick<KeyRing, 'verifying'>>): { keys: PublicJwk[] } {
  const seen = new Map<string, PublicJwk>();
  for (const ring of rings) for (const key of ring.verifying.values()) seen.set(thumbprint(key), publicJwk(key));
  return { keys: [...seen.values()].sort((a, b) => a.kid.localeCompare(b.kid)) };
}

/**
 * The service's keys: the audit ring, and one ring per certification centre (`centre-<id>`),
 * loaded (or generated) when first needed. `all()` is every ring the JWK Set publishes: the
 * audit ring and every centre's, from the directory and from memory.
 */
export function createKeyStore(source: KeySource, auditPem?: string) {
  const audit = loadKeyRing(source, 'audit', auditPem);
  const centres = new Map<string, KeyRing>();
  const centre = (organisationId: string): KeyRing => {
    if (!/^[0-9a-f-]{36}$/.test(organisationId)) throw new Error(`not an organisation id: ${organisationId}`);
    let ring = centres.get(organisationId);
    if (!ring) {
      ring = loadKeyRing(source, `centre-${organisationId}`);
      centres.set(organisationId, ring);
    }
    return ring;
  };
  return {
    audit,
    centre,
    /** Every public key to publish: the audit ring, every loaded centre's, and every centre key file (current or retired) in the directory. */
    all(): Array<Pick<KeyRing, 'verifying'>> {
      const rings: Array<Pick<KeyRing, 'verifying'>> = [audit, ...centres.values()];
      if (source.dir !== null && existsSync(source.dir)) {
        const files = new Map<string, KeyObject>();
        for (const f of readdirSync(source.dir).sort()) {
          if (!/^centre-[0-9a-f-]{36}(\.[^/]+\.pub)?\.pem$/.test(f)) continue;
          const path = join(source.dir, f);
          const key = f.endsWith('.pub.pem') ? publicKeyFromPem(readFileSync(path, 'utf8'), path) : signingKeyFromPem(readFileSync(path, 'utf8'), path).publicKey;
          files.set(thumbprint(key), key);
        }
        rings.push({ verifying: files });
      }
      return rings;
    },
  };
}

export type KeyStore = ReturnType<typeof createKeyStore>;
