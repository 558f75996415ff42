// Client certificates as credentials. With mutual TLS (--tls-client-ca-file) every caller presents a
// certificate the client CA signed; an entry of --api-key-file may name such certificates instead of a
// key, by a filter on the certificate's subject and alternative names (the fields of Temporal Cloud's
// certificate filters): {"certificate": {"commonName": "payments-worker"}, "principal": ..., "namespaces": ...}.
// A request without an `authorization` header is then served for the first entry whose filter its
// verified certificate matches. Only a certificate the TLS handshake verified ever reaches here.
import type { PeerCertificate } from 'node:tls';
import { AuthConfigError } from './auth-config-error';

/** What a filter may name; each given field must match (case-sensitively), the others are free. */
export interface CertificateFilter {
  readonly commonName?: string;
  readonly organization?: string;
  readonly organizationalUnit?: string;
  /** Matches any one of the certificate's subject alternative names (DNS name, URI, email or IP). */
  readonly subjectAlternativeName?: string;
}

const FILTER_FIELDS = ['commonName', 'organization', 'organizationalUnit', 'subjectAlternativeName'] as const;
const FIELD_LENGTH_MAX = 1024;

/** The parts of a verified peer certificate that filters look at. */
export interface ClientCertificate {
  readonly commonNames: readonly string[];
  readonly organizations: readonly string[];
  readonly organizationalUnits: readonly string[];
  readonly alternativeNames: readonly string[];
}

export function parseCertificateFilter(value: unknown, where: string): CertificateFilter {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new AuthConfigError(`${where}: "certificate" must be an object of ${FILTER_FIELDS.join(', ')}`);
  const filter: Record<string, string> = {};
  for (const [field, text] of Object.entries(value as Record<string, unknown>)) {
    if (!(FILTER_FIELDS as readonly string[]).includes(field))
      throw new AuthConfigError(`${where}: unknown certificate field "${field}" (known: ${FILTER_FIELDS.join(', ')})`);
    if (typeof text !== 'string' || text === '' || text.length > FIELD_LENGTH_MAX)
      throw new AuthConfigError(`${where}: certificate field "${field}" must be a non-empty string`);
    filter[field] = text;
  }
  if (Object.keys(filter).length === 0)
    throw new AuthConfigError(`${where}: "certificate" must name at least one of ${FILTER_FIELDS.join(', ')}`);
  return filter;
}

export function matchesFilter(filter: CertificateFilter, certificate: ClientCertificate): boolean {
  const fits = (wanted: string | undefined, values: readonly string[]): boolean =>
    wanted === undefined || values.includes(wanted);
  return (
    fits(filter.commonName, certificate.commonNames) &&
    fits(filter.organization, certificate.organizations) &&
    fits(filter.organizationalUnit, certificate.organizationalUnits) &&
    fits(filter.subjectAlternativeName, certificate.alternativeNames)
  );
}

/** Reads what filters need from Node's view of a verified peer certificate; undefined when there is none. */
export function clientCertificateOf(peer: PeerCertificate | undefined | null): ClientCertificate | undefined {
  if (!peer || typeof peer !== 'object' || !peer.subject) return undefined;
  const many = (value: string | string[] | undefined): string[] =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];
  const subject = peer.subject as unknown as Record<string, string | string[] | undefined>;
  return {
    commonNames: many(subject['CN']),
    organizations: many(subject['O']),
    organizationalUnits: many(subject['OU']),
    // "DNS:a.example, URI:spiffe://x, email:a@b, IP Address:127.0.0.1": the values after the first colon.
    alternativeNames: (peer.subjectaltname ?? '')
      .split(', ')
      .map((entry) => entry.slice(entry.indexOf(':') + 1))
      .filter((name) => name !== ''),
  };
}
