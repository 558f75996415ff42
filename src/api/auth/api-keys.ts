// The API keys of --api-key-file: a JSON list of {"key", "principal", "namespaces": {name: role}}, where
// the name "*" means every namespace (and the cluster-wide RPCs), and a key is either the secret itself or
// "sha256:<64 hex digits>" of it. An entry may name client certificates instead of a key
// ({"certificate": {filter}, ...}, client-certificates.ts). Every key is held as its SHA-256 digest; a
// presented key is hashed once and compared with every key entry in constant time, so neither the file's
// order nor a near miss shows in the answer's timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthConfigError } from './auth-config-error';
import {
  matchesFilter,
  parseCertificateFilter,
  type CertificateFilter,
  type ClientCertificate,
} from './client-certificates';
import { CredentialKind, type Principal } from './principal';
import { roleOf, type Role } from './roles';

/** Keys one file may hold: the lookup compares with each. */
export const API_KEYS_MAX = 10_000;
const SHA256_PREFIX = 'sha256:';
const SHA256_HEX = /^[0-9a-f]{64}$/i;
export const EVERY_NAMESPACE = '*';

export interface ApiKeyTable {
  /** The principal of a key, or undefined. */
  principalOf(presented: string): Principal | undefined;
  /** The principal of the first certificate entry whose filter the certificate matches, or undefined. */
  principalOfCertificate(certificate: ClientCertificate): Principal | undefined;
  readonly size: number;
}

type Entry =
  | { readonly digest: Buffer; readonly filter?: undefined; readonly principal: Principal }
  | { readonly digest?: undefined; readonly filter: CertificateFilter; readonly principal: Principal };

export function digestOf(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Parses the file's text; `flag` names it in errors. */
export function parseApiKeyFile(text: string, flag: string): ApiKeyTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the error, which may be a key: it is not repeated.
    throw new AuthConfigError(`${flag}: not JSON`);
  }
  if (!Array.isArray(parsed)) throw new AuthConfigError(`${flag}: expected a JSON list of keys`);
  if (parsed.length > API_KEYS_MAX) throw new AuthConfigError(`${flag}: more than ${API_KEYS_MAX} keys`);
  const entries = parsed.map((item: unknown, index) => entryOf(item, `${flag} entry ${index}`));
  const seen = new Set<string>();
  const keyEntries = entries.flatMap((entry) =>
    entry.digest ? [{ digest: entry.digest, principal: entry.principal }] : [],
  );
  const certificateEntries = entries.flatMap((entry) => (entry.filter ? [entry] : []));
  for (const [index, entry] of entries.entries()) {
    if (!entry.digest) continue;
    const hex = entry.digest.toString('hex');
    if (seen.has(hex)) throw new AuthConfigError(`${flag} entry ${index}: the same key appears twice`);
    seen.add(hex);
  }
  return {
    size: entries.length,
    principalOf(presented) {
      const digest = digestOf(presented);
      let found: Principal | undefined;
      // Every entry is compared, found or not.
      for (const entry of keyEntries) if (timingSafeEqual(entry.digest, digest)) found = entry.principal;
      return found;
    },
    principalOfCertificate(certificate) {
      return certificateEntries.find((entry) => matchesFilter(entry.filter, certificate))?.principal;
    },
  };
}

function entryOf(item: unknown, where: string): Entry {
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    throw new AuthConfigError(`${where}: expected an object with key (or certificate), principal and namespaces`);
  const { key, certificate, principal, namespaces } = item as Record<string, unknown>;
  if (key !== undefined && certificate !== undefined)
    throw new AuthConfigError(`${where}: give either "key" or "certificate", not both`);
  if (certificate === undefined && (typeof key !== 'string' || key === ''))
    throw new AuthConfigError(`${where}: "key" must be a non-empty string`);
  if (typeof principal !== 'string' || principal === '')
    throw new AuthConfigError(`${where}: "principal" must be a non-empty string`);
  if (typeof namespaces !== 'object' || namespaces === null || Array.isArray(namespaces))
    throw new AuthConfigError(`${where}: "namespaces" must be an object of namespace -> role`);
  const filter = certificate === undefined ? undefined : parseCertificateFilter(certificate, where);
  let system: Role | undefined;
  const roles = new Map<string, Role>();
  for (const [namespace, roleText] of Object.entries(namespaces as Record<string, unknown>)) {
    const role = typeof roleText === 'string' ? roleOf(roleText) : undefined;
    if (role === undefined)
      throw new AuthConfigError(`${where}: the role of "${namespace}" must be reader, worker, writer or admin`);
    if (namespace === EVERY_NAMESPACE) system = role;
    else roles.set(namespace, role);
  }
  if (filter) {
    return { filter, principal: { name: principal, kind: CredentialKind.Certificate, system, namespaces: roles } };
  }
  const digest = digestOfEntry(key as string, where);
  return { digest, principal: { name: principal, kind: CredentialKind.ApiKey, system, namespaces: roles } };
}

function digestOfEntry(key: string, where: string): Buffer {
  if (!key.startsWith(SHA256_PREFIX)) return digestOf(key);
  const hex = key.slice(SHA256_PREFIX.length);
  if (!SHA256_HEX.test(hex)) throw new AuthConfigError(`${where}: "sha256:" must be followed by 64 hex digits`);
  return Buffer.from(hex, 'hex');
}
