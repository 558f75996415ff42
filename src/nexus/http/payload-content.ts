// Nexus content (a body and its Content-* headers) <-> Temporal Payload, as the Temporal server's payload
// serializer maps them, so a Payload survives HTTP unchanged:
//   application/json                                   <-> json/plain
//   application/json; format=protobuf; message-type=X  <-> json/protobuf + messageType
//   application/x-protobuf; message-type=X             <-> binary/protobuf + messageType
//   application/octet-stream                           <-> binary/plain
//   no content headers, empty body                     <-> binary/null
//   application/x-temporal-payload                     <-> any other Payload, serialized whole
//   anything else                                       -> unknown/nexus-content, headers kept in metadata
import { temporal, type Payload } from '../../common/proto';

/** A body with its content headers, keys lower-cased without the `content-` prefix (`type`, `length`...). */
export interface NexusContent {
  readonly header: Readonly<Record<string, string>>;
  readonly data: Uint8Array;
}

export class ContentError extends Error {
  override name = 'ContentError';
}

const TEMPORAL_PAYLOAD_TYPE = 'application/x-temporal-payload';
const UNKNOWN_CONTENT_ENCODING = 'unknown/nexus-content';

/** Splits a media type into its lower-cased type and parameters; undefined when malformed. */
export function parseMediaType(value: string): { type: string; params: Record<string, string> } | undefined {
  const [head, ...rest] = value.split(';');
  const type = (head ?? '').trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type)) return undefined;
  const params: Record<string, string> = {};
  for (const part of rest) {
    const equals = part.indexOf('=');
    if (equals < 0) return undefined;
    const key = part.slice(0, equals).trim().toLowerCase();
    let paramValue = part.slice(equals + 1).trim();
    if (paramValue.length >= 2 && paramValue.startsWith('"') && paramValue.endsWith('"'))
      paramValue = paramValue.slice(1, -1);
    if (!key) return undefined;
    params[key] = paramValue;
  }
  return { type, params };
}

export function isJsonContentType(value: string | undefined): boolean {
  return value !== undefined && parseMediaType(value)?.type === 'application/json';
}

function utf8(bytes: Uint8Array | null | undefined): string {
  return bytes ? Buffer.from(bytes).toString('utf8') : '';
}

function unknownContent(header: Record<string, string>, data: Uint8Array): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(header)) metadata[key] = Buffer.from(value);
  metadata['encoding'] = Buffer.from(UNKNOWN_CONTENT_ENCODING);
  return { metadata, data };
}

/** The Payload a request or callback body stands for. Throws ContentError on a malformed temporal payload. */
export function contentToPayload(content: NexusContent): Payload {
  const header: Record<string, string> = { ...content.header };
  delete header['encoding'];
  delete header['length'];
  const data = content.data;
  const keys = Object.keys(header);
  if (keys.length > 1) return unknownContent(header, data);
  const contentType = header['type'];
  if (!contentType) {
    if (keys.length === 0 && data.length === 0)
      return { metadata: { encoding: Buffer.from('binary/null') }, data: new Uint8Array(0) };
    return unknownContent(header, data);
  }
  const media = parseMediaType(contentType);
  if (!media) return unknownContent(header, data);
  const params = Object.keys(media.params);
  const encoded = (encoding: string, messageType?: string): Payload => ({
    metadata: {
      encoding: Buffer.from(encoding),
      ...(messageType !== undefined ? { messageType: Buffer.from(messageType) } : {}),
    },
    data,
  });
  switch (media.type) {
    case TEMPORAL_PAYLOAD_TYPE:
      try {
        return temporal.api.common.v1.Payload.decode(data);
      } catch (error) {
        throw new ContentError(
          `invalid ${TEMPORAL_PAYLOAD_TYPE} body: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    case 'application/json':
      if (params.length === 0) return encoded('json/plain');
      if (params.length === 2 && media.params['format'] === 'protobuf' && media.params['message-type'])
        return encoded('json/protobuf', media.params['message-type']);
      return unknownContent(header, data);
    case 'application/x-protobuf':
      if (params.length === 1 && media.params['message-type'])
        return encoded('binary/protobuf', media.params['message-type']);
      return unknownContent(header, data);
    case 'application/octet-stream':
      return params.length === 0 ? encoded('binary/plain') : unknownContent(header, data);
    default:
      return unknownContent(header, data);
  }
}

function wholePayload(payload: Payload): NexusContent {
  return { header: { type: TEMPORAL_PAYLOAD_TYPE }, data: temporal.api.common.v1.Payload.encode(payload).finish() };
}

/** The body and content headers that carry a Payload (null = no content). */
export function payloadToContent(payload: Payload | null | undefined): NexusContent {
  if (!payload) return { header: {}, data: new Uint8Array(0) };
  const metadata = payload.metadata ?? {};
  const keys = Object.keys(metadata);
  if (keys.length === 0) return wholePayload(payload);
  const data = payload.data ?? new Uint8Array(0);
  const encoding = utf8(metadata['encoding']);
  const messageType = utf8(metadata['messageType']);
  switch (encoding) {
    case UNKNOWN_CONTENT_ENCODING: {
      const header: Record<string, string> = {};
      for (const key of keys) if (key !== 'encoding') header[key] = utf8(metadata[key]);
      return { header, data };
    }
    case 'json/protobuf':
      return keys.length === 2 && messageType
        ? { header: { type: `application/json; format=protobuf; message-type="${messageType}"` }, data }
        : wholePayload(payload);
    case 'binary/protobuf':
      return keys.length === 2 && messageType
        ? { header: { type: `application/x-protobuf; message-type="${messageType}"` }, data }
        : wholePayload(payload);
    case 'json/plain':
      return keys.length === 1 ? { header: { type: 'application/json' }, data } : wholePayload(payload);
    case 'binary/null':
      return keys.length === 1 ? { header: {}, data } : wholePayload(payload);
    case 'binary/plain':
      return keys.length === 1 ? { header: { type: 'application/octet-stream' }, data } : wholePayload(payload);
    default:
      return wholePayload(payload);
  }
}
