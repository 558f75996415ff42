// Temporal Payloads as the HTTP API writes them (metadata values and data in base64), read and written.

export interface Payload {
  metadata?: Record<string, string>;
  data?: string;
}

function fromBase64(text: string): string {
  const bytes = Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

function toBase64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A JSON payload (json/plain), as the Temporal UI writes an endpoint's description. */
export function jsonPayload(value: unknown): Payload {
  return { metadata: { encoding: toBase64('json/plain') }, data: toBase64(JSON.stringify(value)) };
}

/** The payload's value when it is JSON, else a note of its encoding. */
export function payloadValue(payload: Payload | undefined): unknown {
  if (!payload) return undefined;
  const encoding = payload.metadata?.encoding ? fromBase64(payload.metadata.encoding) : '';
  if (encoding === 'binary/null') return null;
  if (encoding.startsWith('json/') && payload.data !== undefined) {
    try {
      return JSON.parse(fromBase64(payload.data)) as unknown;
    } catch {
      return fromBase64(payload.data);
    }
  }
  return `(${encoding || 'unknown'} payload, ${payload.data ? atob(payload.data).length : 0} bytes)`;
}

export function payloadsText(payloads: { payloads?: Payload[] } | undefined): string {
  const values = (payloads?.payloads ?? []).map(payloadValue);
  if (values.length === 0) return '';
  return values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(', ');
}
