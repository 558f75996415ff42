// The Nexus RPC HTTP header vocabulary and its codecs: header names, `Nexus-Link` values, the
// `Request-Timeout` duration form, operation start/close times, and the header maps Nexus passes on
// (lower-cased keys, first value only, prefixes stripped). Pure functions; no I/O.

export const NexusHeader = {
  RequestId: 'nexus-request-id',
  Link: 'nexus-link',
  OperationState: 'nexus-operation-state',
  OperationToken: 'nexus-operation-token',
  /** Deprecated alias of the operation token on callbacks. */
  OperationId: 'nexus-operation-id',
  OperationStartTime: 'nexus-operation-start-time',
  OperationCloseTime: 'nexus-operation-close-time',
  /** Deprecated: the explicit retry behaviour of a handler error. */
  RequestRetryable: 'nexus-request-retryable',
  RequestTimeout: 'request-timeout',
  OperationTimeout: 'operation-timeout',
  /** Temporal-only: the peer understands wrapped OperationError/HandlerError failures. */
  FailureSupport: 'temporal-nexus-failure-support',
  /** Temporal-only: set to `worker` on errors that came from the handler worker. */
  FailureSource: 'temporal-nexus-failure-source',
  ContentType: 'content-type',
  UserAgent: 'user-agent',
} as const;

export const CALLBACK_HEADER_PREFIX = 'nexus-callback-';
export const CONTENT_HEADER_PREFIX = 'content-';
export const USER_AGENT = 'causeway';

/** Headers never passed to a handler (Temporal's `frontend.nexusRequestHeadersBlacklist` default). */
const HEADERS_NOT_FORWARDED: ReadonlySet<string> = new Set([
  'accept-encoding',
  'x-forwarded-for',
  'xdc-redirection',
  'xdc-redirection-api',
  NexusHeader.FailureSupport,
]);

export type HeaderMap = Record<string, string>;

/** A Nexus link: a URL and the type of what it names. */
export interface NexusLink {
  readonly url: string;
  readonly type: string;
}

/** Lower-cased header name -> all its values (Node's `headersDistinct`, or fetch Headers collected). */
export type HeaderValues = Readonly<Record<string, readonly string[] | undefined>>;

/** First value of each header, keys lower-cased (Nexus headers are single-valued). */
export function firstValues(headers: HeaderValues): HeaderMap {
  const result: HeaderMap = {};
  for (const [key, values] of Object.entries(headers)) {
    const first = values?.[0];
    if (first !== undefined) result[key.toLowerCase()] = first;
  }
  return result;
}

/** The headers a handler sees: everything but the excluded prefixes and the never-forwarded names. */
export function handlerHeaders(headers: HeaderMap, excludedPrefixes: readonly string[]): HeaderMap {
  const result: HeaderMap = {};
  for (const [key, value] of Object.entries(headers)) {
    if (HEADERS_NOT_FORWARDED.has(key) || excludedPrefixes.some((prefix) => key.startsWith(prefix))) continue;
    result[key] = value;
  }
  return result;
}

/** Headers starting with `prefix`, with the prefix removed. */
export function prefixStripped(headers: HeaderMap, prefix: string): HeaderMap {
  const result: HeaderMap = {};
  for (const [key, value] of Object.entries(headers)) {
    if (key.startsWith(prefix) && key.length > prefix.length) result[key.slice(prefix.length)] = value;
  }
  return result;
}

export class LinkHeaderError extends Error {
  override name = 'LinkHeaderError';
}

const LINK_TYPE_PATTERN = /^[A-Za-z0-9_./]+$/;

function validateLink(link: NexusLink): void {
  if (!link.url) throw new LinkHeaderError('link url is empty');
  if (!LINK_TYPE_PATTERN.test(link.type))
    throw new LinkHeaderError(`invalid link type "${link.type}" (valid characters: alphanumeric, '_', '.', '/')`);
  const queryStart = link.url.indexOf('?');
  if (queryStart >= 0) {
    try {
      decodeURIComponent(link.url.slice(queryStart + 1).replace(/\+/g, ' '));
    } catch {
      throw new LinkHeaderError(`link url query is not percent-encoded: ${link.url}`);
    }
  }
}

/** `<url>; type="T"`, the form of an HTTP Link header. */
export function encodeLinkHeader(link: NexusLink): string {
  validateLink(link);
  return `<${link.url}>; type="${link.type}"`;
}

/** Decodes every `Nexus-Link` value (repeated headers and comma-joined values alike). */
export function decodeLinkHeaders(values: readonly string[]): NexusLink[] {
  if (values.length === 0) return [];
  return values.join(',').split(',').map(decodeLinkValue);
}

function decodeLinkValue(raw: string): NexusLink {
  const value = raw.trim();
  if (!value.startsWith('<')) throw new LinkHeaderError(`invalid link format: ${value}`);
  const urlEnd = value.indexOf('>');
  if (urlEnd < 0) throw new LinkHeaderError(`invalid link format: ${value}`);
  const url = value.slice(1, urlEnd).trim();
  const params = value.slice(urlEnd + 1).split(';');
  if (params.length < 2 || (params[0] ?? '').trim() !== '') throw new LinkHeaderError(`invalid link format: ${value}`);
  let type: string | undefined;
  for (const param of params.slice(1)) {
    const trimmed = param.trim();
    const equals = trimmed.indexOf('=');
    if (!trimmed || equals < 0) throw new LinkHeaderError(`invalid link parameter: ${param}`);
    const key = trimmed.slice(0, equals).trim();
    let paramValue = trimmed.slice(equals + 1).trim();
    if (paramValue.startsWith('"') !== paramValue.endsWith('"') || paramValue === '"')
      throw new LinkHeaderError(`link parameter value missing a double quote: ${param}`);
    if (paramValue.startsWith('"')) paramValue = paramValue.slice(1, -1);
    if (key === 'type') type = paramValue;
  }
  if (type === undefined) throw new LinkHeaderError(`link has no "type" parameter: ${value}`);
  const link = { url, type };
  validateLink(link);
  return link;
}

const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m)$/;
const DURATION_UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };

/** Parses the Nexus duration form (`"1500ms"`, `"1.5s"`, `"2m"`) to milliseconds; undefined if malformed. */
export function parseNexusDuration(value: string): number | undefined {
  const match = DURATION_PATTERN.exec(value.trim());
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * (DURATION_UNIT_MS[match[2] ?? 'ms'] ?? 1));
}

export function formatNexusDuration(ms: number): string {
  return `${Math.max(0, Math.floor(ms))}ms`;
}

/** `Nexus-Operation-Start-Time`: an HTTP date (RFC 7231 IMF-fixdate, as Go's http.TimeFormat). */
export function formatHttpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

/** `Nexus-Operation-Close-Time`: RFC 3339 in UTC with milliseconds. */
export function formatRfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

/** Parses either time form; undefined when malformed. */
export function parseHeaderTime(value: string): number | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
