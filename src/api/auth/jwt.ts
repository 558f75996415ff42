// JWTs as the Temporal server's default claim mapper reads them: a compact JWS signed RS256 or ES256 by
// one of the configured public keys (--jwt-key-file PEM, --jwks-file JWKS), `sub` naming the principal,
// `exp` and `nbf` checked when present, and a `permissions` claim of "namespace:role" strings where the
// namespace `temporal-system` means the cluster (every namespace). Unknown roles and malformed entries
// are skipped, as on the server. Nothing here logs or returns the token.
import { createPublicKey, verify, X509Certificate, type JsonWebKey, type KeyObject } from 'node:crypto';
import { AuthConfigError } from './auth-config-error';
import { CredentialKind, type Principal } from './principal';
import { roleOf, strongerRole, type Role } from './roles';

export const JWT_PERMISSIONS_CLAIM = 'permissions';
export const SYSTEM_SCOPE = 'temporal-system';
/** Verification keys one configuration may hold. */
export const JWT_KEYS_MAX = 1000;
/** Tokens longer than this are refused before any parsing. */
export const JWT_LENGTH_MAX = 16 * 1024;

export interface JwtKey {
  readonly kid: string | undefined;
  readonly key: KeyObject;
}

/** Why a token was refused (for the audit log; the caller only hears UNAUTHENTICATED). */
export class JwtError extends Error {
  override name = 'JwtError';
}

const ALGORITHMS = { RS256: 'rsa', ES256: 'ec' } as const;

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g;

/** The public keys (or certificates) of a PEM file. */
export function parseJwtKeyPem(text: string, flag: string): JwtKey[] {
  const keys: JwtKey[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const [block, label] = match;
    try {
      const key = label === 'CERTIFICATE' ? new X509Certificate(block).publicKey : createPublicKey(block);
      keys.push({ kid: undefined, key });
    } catch (error) {
      throw new AuthConfigError(`${flag}: a ${label ?? 'PEM'} block is not a public key (${String(error)})`);
    }
  }
  if (keys.length === 0) throw new AuthConfigError(`${flag}: no PEM public key or certificate in the file`);
  if (keys.length > JWT_KEYS_MAX) throw new AuthConfigError(`${flag}: more than ${JWT_KEYS_MAX} keys`);
  return keys;
}

/** The keys of a JWKS document ({"keys": [...]}); keys not for signatures are skipped. */
export function parseJwks(text: string, flag: string): JwtKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AuthConfigError(`${flag}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const list = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new AuthConfigError(`${flag}: expected {"keys": [...]}`);
  if (list.length > JWT_KEYS_MAX) throw new AuthConfigError(`${flag}: more than ${JWT_KEYS_MAX} keys`);
  const keys: JwtKey[] = [];
  for (const [index, jwk] of list.entries()) {
    const { use, kid, kty } = (jwk ?? {}) as { use?: unknown; kid?: unknown; kty?: unknown };
    if (use !== undefined && use !== 'sig') continue;
    if (kty !== 'RSA' && kty !== 'EC') continue;
    try {
      keys.push({
        kid: typeof kid === 'string' ? kid : undefined,
        key: createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }),
      });
    } catch (error) {
      throw new AuthConfigError(`${flag} key ${index}: not a usable public key (${String(error)})`);
    }
  }
  if (keys.length === 0) throw new AuthConfigError(`${flag}: no RSA or EC signing key`);
  return keys;
}

export function looksLikeJwt(token: string): boolean {
  return token.split('.').length === 3;
}

/** Verifies the token at `nowMs` and returns its principal; throws JwtError saying why not. */
export function verifyJwt(token: string, keys: readonly JwtKey[], nowMs: number): Principal {
  if (token.length > JWT_LENGTH_MAX) throw new JwtError('token too long');
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('not a compact JWS');
  const [headerText, payloadText, signatureText] = parts as [string, string, string];
  const header = jsonPart(headerText, 'header');
  const alg = header['alg'];
  if (alg !== 'RS256' && alg !== 'ES256') throw new JwtError(`unsupported alg ${JSON.stringify(alg)}`);
  const kid = typeof header['kid'] === 'string' ? header['kid'] : undefined;
  const keyType = ALGORITHMS[alg];
  const candidates = keys.filter(
    (candidate) =>
      candidate.key.asymmetricKeyType === keyType &&
      (kid === undefined || candidate.kid === undefined || candidate.kid === kid),
  );
  if (candidates.length === 0) throw new JwtError(`no ${alg} key${kid === undefined ? '' : ` with kid ${kid}`}`);
  const data = Buffer.from(`${headerText}.${payloadText}`, 'ascii');
  const signature = Buffer.from(signatureText, 'base64url');
  const isSigned = candidates.some((candidate) =>
    verify(
      'sha256',
      data,
      alg === 'ES256' ? { key: candidate.key, dsaEncoding: 'ieee-p1363' } : candidate.key,
      signature,
    ),
  );
  if (!isSigned) throw new JwtError('signature does not verify');
  const claims = jsonPart(payloadText, 'payload');
  const nowSeconds = nowMs / 1000;
  const exp = claims['exp'];
  if (exp !== undefined && (typeof exp !== 'number' || nowSeconds >= exp)) throw new JwtError('token expired');
  const nbf = claims['nbf'];
  if (nbf !== undefined && (typeof nbf !== 'number' || nowSeconds < nbf)) throw new JwtError('token not valid yet');
  const sub = claims['sub'];
  if (typeof sub !== 'string') throw new JwtError('"sub" is not a string');
  return principalOfPermissions(sub, claims[JWT_PERMISSIONS_CLAIM]);
}

function principalOfPermissions(subject: string, permissions: unknown): Principal {
  let system: Role | undefined;
  const namespaces = new Map<string, Role>();
  for (const permission of Array.isArray(permissions) ? permissions : []) {
    if (typeof permission !== 'string') continue;
    const colon = permission.indexOf(':');
    if (colon < 0) continue;
    const role = roleOf(permission.slice(colon + 1));
    if (role === undefined) continue;
    const namespace = permission.slice(0, colon);
    if (namespace === SYSTEM_SCOPE) system = strongerRole(system, role);
    else namespaces.set(namespace, strongerRole(namespaces.get(namespace), role) ?? role);
  }
  return { name: subject, kind: CredentialKind.Jwt, system, namespaces };
}

function jsonPart(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError(`${what} is not base64url JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new JwtError(`${what} is not an object`);
  return value as Record<string, unknown>;
}
