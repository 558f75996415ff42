// Turns histories into stable JSON: the proto3 JSON form of each event (as `temporal workflow show
// --output json` prints it), with every value that differs between two runs of the same scenario
// replaced by a placeholder. Placeholders are numbered per scenario in order of first appearance, so
// references stay checked: a child's run id in the parent's history must equal the child's own run id.
import * as path from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import type { HistoryEvent } from './scenario';

export interface NormalisedEvent {
  readonly eventId: number;
  readonly eventType: string;
  readonly [field: string]: unknown;
}

/** Keys whose string values are ids; each distinct value gets a numbered placeholder of its category. */
const ID_CATEGORY_BY_KEY: Readonly<Record<string, string>> = {
  workflowId: 'workflowId',
  runId: 'runId',
  baseRunId: 'runId',
  newRunId: 'runId',
  namespaceId: 'namespaceId',
  binaryChecksum: 'buildId',
  buildId: 'buildId',
  taskQueue: 'taskQueue',
  endpoint: 'endpoint',
  endpointId: 'endpointId',
  operationToken: 'operationToken',
  operationId: 'operationToken',
};

/**
 * Headers of a Nexus completion callback (`completionCallbacks[].nexus.header`): the operation token
 * is compared by reference; the server's own callback token and source cluster only by presence.
 */
const CALLBACK_HEADER_CATEGORY: Readonly<Record<string, string>> = { 'nexus-operation-token': 'operationToken' };
const CALLBACK_HEADER_OPAQUE: ReadonlySet<string> = new Set(['temporal-callback-token', 'source']);

/** A callback URL on the server's own HTTP port, which differs between servers and runs. */
const LOCAL_URL_PATTERN = /^(https?:\/\/)(127\.0\.0\.1|localhost|\[::1\]):\d+\//;

/**
 * Keys whose values vary between runs and are never referred to elsewhere in a history (request ids,
 * identities) or vary with the machine or SDK build: only their presence is compared.
 */
const OPAQUE_KEYS: ReadonlySet<string> = new Set([
  'historySizeBytes',
  'stackTrace',
  'sdkVersion',
  'identity',
  'lastWorkerIdentity',
  'requestId',
  // Describe responses of standalone executions: timing, the server's own bookkeeping, and a token
  // that encodes the server's internal references.
  'executionDuration',
  'stateTransitionCount',
  'stateSizeBytes',
  'longPollToken',
]);

/** Keys whose arrays are sets (their order carries no meaning): sorted before comparison. */
const SET_KEYS: ReadonlySet<string> = new Set(['coreUsedFlags', 'langUsedFlags']);

/** Event fields that are never compared: server-internal or wall-clock values. */
const DROPPED_EVENT_KEYS: ReadonlySet<string> = new Set(['eventTime', 'taskId']);

const TIMESTAMP_PATTERN = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
/** Raw ids shorter than this are not replaced inside longer strings (too likely to match by chance). */
const SUBSTRING_MIN_LENGTH = 8;

export class Normaliser {
  private readonly placeholderByRaw = new Map<string, string>();
  private readonly countByCategory = new Map<string, number>();

  /** Registers a known id up front, so placeholders are numbered in a fixed order. */
  register(category: string, raw: string): string {
    const existing = this.placeholderByRaw.get(raw);
    if (existing !== undefined) return existing;
    const count = (this.countByCategory.get(category) ?? 0) + 1;
    this.countByCategory.set(category, count);
    const placeholder = `<${category}-${count}>`;
    this.placeholderByRaw.set(raw, placeholder);
    return placeholder;
  }

  /** Collects the ids of a history (first pass), so that strings quoting them can be rewritten. */
  collect(events: readonly HistoryEvent[]): void {
    for (const event of toProtoJson(events)) this.collectValue(event, undefined);
  }

  history(events: readonly HistoryEvent[]): NormalisedEvent[] {
    return toProtoJson(events).map((event) => this.event(event));
  }

  /** Normalises any JSON-like value: ids known from histories are replaced wherever they appear. */
  value(value: unknown, key?: string, parentKey?: string): unknown {
    if (Array.isArray(value)) {
      const items = value.map((item) => this.value(item, undefined, key));
      return key !== undefined && SET_KEYS.has(key)
        ? items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
        : items;
    }
    if (isTimeObject(value, key)) return '<time>';
    if (value !== null && typeof value === 'object') return this.object(value as Record<string, unknown>, key);
    if (typeof value !== 'string') return value;
    const category = idCategory(key, parentKey);
    if (category !== undefined && value !== '') return this.register(category, value);
    if (key !== undefined && isOpaque(key, parentKey)) return value === '' ? value : `<${key}>`;
    if (TIMESTAMP_PATTERN.test(value)) return '<time>';
    if (key === 'url' && LOCAL_URL_PATTERN.test(value)) return value.replace(LOCAL_URL_PATTERN, '$1<httpAddress>/');
    return this.replaceKnownIds(value);
  }

  private event(event: Record<string, unknown>): NormalisedEvent {
    const result: Record<string, unknown> = {};
    const eventType = String(event['eventType'] ?? '');
    result['eventId'] = Number(event['eventId']);
    result['eventType'] = pascalEventType(eventType);
    for (const [key, value] of Object.entries(event)) {
      if (key === 'eventId' || key === 'eventType' || DROPPED_EVENT_KEYS.has(key)) continue;
      if (key.endsWith('EventAttributes')) result['attributes'] = this.value(value, key);
      else result[key] = this.value(value, key);
    }
    return result as NormalisedEvent;
  }

  private object(object: Record<string, unknown>, key: string | undefined): unknown {
    const payload = decodePayload(object);
    if (payload !== undefined) return this.value(payload, key);
    const result: Record<string, unknown> = {};
    const entries = Object.entries(object);
    // A Nexus header is a map: the server's iteration order carries no meaning.
    if (key === 'header' || key === 'nexusHeader') entries.sort(([a], [b]) => a.localeCompare(b));
    for (const [childKey, childValue] of entries) result[childKey] = this.value(childValue, childKey, key);
    return result;
  }

  private collectValue(value: unknown, key: string | undefined, parentKey?: string): void {
    if (Array.isArray(value)) {
      for (const item of value) this.collectValue(item, undefined, key);
    } else if (value !== null && typeof value === 'object') {
      for (const [childKey, childValue] of Object.entries(value)) this.collectValue(childValue, childKey, key);
    } else if (typeof value === 'string' && value !== '') {
      const category = idCategory(key, parentKey);
      if (category !== undefined) this.register(category, value);
    }
  }

  private replaceKnownIds(text: string): string {
    const whole = this.placeholderByRaw.get(text);
    if (whole !== undefined) return whole;
    let result = text;
    const raws = [...this.placeholderByRaw.keys()].filter((raw) => raw.length >= SUBSTRING_MIN_LENGTH);
    raws.sort((a, b) => b.length - a.length);
    for (const raw of raws) {
      if (result.includes(raw)) result = result.split(raw).join(this.placeholderByRaw.get(raw) ?? raw);
    }
    return result;
  }
}

function isOpaque(key: string, parentKey: string | undefined): boolean {
  return OPAQUE_KEYS.has(key) || (parentKey === 'header' && CALLBACK_HEADER_OPAQUE.has(key));
}

/** A timestamp inside a payload, e.g. a local activity marker's `complete_time: { seconds, nanos }`. */
function isTimeObject(value: unknown, key: string | undefined): boolean {
  return (
    key !== undefined && /(_time|Time)$/.test(key) && value !== null && typeof value === 'object' && 'seconds' in value
  );
}

function idCategory(key: string | undefined, parentKey: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (parentKey === 'taskQueue' && (key === 'name' || key === 'normalName')) return 'taskQueue';
  // A Nexus operation's request id is shared by its Scheduled, Started and completion events.
  if (key === 'requestId' && parentKey?.startsWith('nexusOperation') === true) return 'nexusRequestId';
  if (parentKey === 'header' && CALLBACK_HEADER_CATEGORY[key] !== undefined) return CALLBACK_HEADER_CATEGORY[key];
  if (key.endsWith('RunId')) return 'runId';
  return ID_CATEGORY_BY_KEY[key];
}

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
}

const toJsonByType = new Map<string, (message: object) => Record<string, unknown>>();

/**
 * The proto3 JSON form of a message of `typeName` (e.g. `temporal.api.history.v1.History`). protobufjs
 * checks that the reflection type comes from its own copy, so the JSON converter is loaded from the
 * protobufjs that @temporalio/proto itself resolves.
 */
export function protoJson(typeName: string, message: object): Record<string, unknown> {
  let toJson = toJsonByType.get(typeName);
  if (toJson === undefined) {
    const protoDir = path.dirname(require.resolve('@temporalio/proto/package.json'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [protoDir] })) as ProtoJson;
    const root = patchProtobufRoot(proto) as unknown as {
      lookupType(name: string): { fromObject(value: object): unknown };
    };
    const type = root.lookupType(typeName);
    toJson = (value) => protojson.toJson(type, type.fromObject(value)) as Record<string, unknown>;
    toJsonByType.set(typeName, toJson);
  }
  return toJson(message);
}

function toProtoJson(events: readonly HistoryEvent[]): Record<string, unknown>[] {
  const json = protoJson('temporal.api.history.v1.History', { events: [...events] }) as {
    events?: Record<string, unknown>[];
  };
  return json.events ?? [];
}

/** `EVENT_TYPE_WORKFLOW_TASK_STARTED` -> `WorkflowTaskStarted`. */
export function pascalEventType(eventType: string): string {
  return eventType
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/** A proto JSON payload with a known encoding, decoded so that goldens are readable. */
function decodePayload(object: Record<string, unknown>): unknown {
  const metadata = object['metadata'];
  if (metadata === null || typeof metadata !== 'object') return undefined;
  const encodingBase64 = (metadata as Record<string, unknown>)['encoding'];
  if (typeof encodingBase64 !== 'string') return undefined;
  const encoding = Buffer.from(encodingBase64, 'base64').toString('utf8');
  const data = typeof object['data'] === 'string' ? Buffer.from(object['data'], 'base64').toString('utf8') : '';
  const otherMetadata = Object.keys(metadata).filter((name) => name !== 'encoding');
  if (otherMetadata.length > 0) return undefined;
  if (encoding === 'json/plain') return { encoding, json: JSON.parse(data) as unknown };
  if (encoding === 'binary/null') return { encoding };
  return undefined;
}
