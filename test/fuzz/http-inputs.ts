// HTTP inputs for every route of --http-port: the Temporal HTTP API's /api/v1 routes (read from the
// protos, http-routes.ts) and the Nexus routes. Each input aims at one route and breaks some of: the
// method, the path (bad percent-encoding, invalid UTF-8, huge segments), the headers (content types,
// random and huge ones, bad Nexus headers), the body (malformed or deeply nested JSON, wrong field
// types, invalid UTF-8, huge) and its framing (chunked, short content length).
import { httpRoutes, type HttpRoute } from '../../src/api/http-api/http-routes';
import { messageToProtoJson } from '../../src/common/proto-json';
import { FuzzRandom } from './fuzz-random';
import { encodeMessage, randomMessage } from './message-generator';
import type { FuzzTargets, HttpInput } from './fuzz-input';

const NEXUS_TEMPLATES = [
  '/nexus/endpoints/{endpoint}/services/{service}/{operation}',
  '/nexus/endpoints/{endpoint}/services/{service}/{operation}/cancel',
  '/nexus/endpoints/{endpoint}/services/{service}/{operation}/{token}/cancel',
  '/namespaces/{namespace}/task-queues/{task_queue}/nexus-services/{service}/{operation}',
  '/namespaces/{namespace}/task-queues/{task_queue}/nexus-services/{service}/{operation}/cancel',
  '/namespaces/{namespace}/nexus/callback',
  '/nexus/callback',
  '/',
  '/metrics',
  '//[',
  '/api/v1/%zz/{namespace}',
];

const HUGE_BODY_BYTES = 17 * 1024 * 1024;
const NESTING_DEPTH = 50_000;

function pathValue(variable: string, random: FuzzRandom, targets: FuzzTargets): string {
  if (random.chance(0.15))
    return random.pick(['%zz', '%', '%C0%AF', '%ED%A0%80', '%FF', 'a%2Fb', '..', '%00', 'x'.repeat(20_000)]);
  const name = variable.split('.').pop() ?? variable;
  if (name === 'namespace') return random.pick(targets.namespaces);
  if (name === 'workflow_id') return encodeURIComponent(random.pick(targets.workflowIds));
  if (name === 'endpoint') return random.pick(targets.endpointIds.length > 0 ? targets.endpointIds : ['none']);
  if (name === 'task_queue' || name === 'name') return random.pick([...targets.taskQueues, ...targets.endpoints]);
  return random.pick(['svc', 'op', 'x', 'fuzz', '1', encodeURIComponent('é/?#')]);
}

/** The template with its `{variables}` filled (`{name=**}` may take several segments). */
function fillTemplate(template: string, random: FuzzRandom, targets: FuzzTargets): string {
  return template.replace(/\{([^}=]+)(?:=[^}]*)?\}/g, (_, variable: string) => pathValue(variable, random, targets));
}

function deepJson(random: FuzzRandom): string {
  const depth = random.chance(0.5) ? NESTING_DEPTH : 500;
  return random.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

function validJson(route: HttpRoute | undefined, random: FuzzRandom, targets: FuzzTargets): string {
  if (!route) return JSON.stringify({ state: random.pick(['succeeded', 'failed', 'x']), result: { x: 1 } });
  const message = randomMessage(route.requestType, random, targets);
  try {
    const decoded = route.requestType.decode(encodeMessage(route.requestType, message));
    return JSON.stringify(messageToProtoJson(route.requestType.fullName.replace(/^\./, ''), decoded));
  } catch {
    return JSON.stringify(message);
  }
}

function body(
  route: HttpRoute | undefined,
  random: FuzzRandom,
  targets: FuzzTargets,
): { label: string; bytes: Buffer } {
  const valid = validJson(route, random, targets);
  switch (random.int(12)) {
    case 0:
      return { label: 'truncated-json', bytes: Buffer.from(valid.slice(0, random.int(valid.length))) };
    case 1:
      return { label: 'deep-json', bytes: Buffer.from(deepJson(random)) };
    case 2:
      return {
        label: 'invalid-utf8',
        bytes: Buffer.concat([
          Buffer.from('{"namespace":"'),
          random.bytes(8),
          Buffer.from([0xff, 0xfe, 0xc0]),
          Buffer.from('"}'),
        ]),
      };
    case 3:
      return { label: 'not-an-object', bytes: Buffer.from(random.pick(['[]', '"x"', '1', 'null', 'true', '[{}]'])) };
    case 4:
      return {
        label: 'wrong-types',
        bytes: Buffer.from(
          valid.replace(/"[^"]*"(?=[,}])/g, () => random.pick(['1', '[]', '{}', 'null', 'true', '-1e999'])),
        ),
      };
    case 5:
      return { label: 'random-bytes', bytes: random.bytes(random.int(2000)) };
    case 6:
      return {
        label: 'huge',
        bytes: random.chance(0.05)
          ? Buffer.alloc(HUGE_BODY_BYTES, 0x20)
          : Buffer.from(`{"x":"${'a'.repeat(1_000_000)}"}`),
      };
    case 7:
      return { label: 'bom-json', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)]) };
    case 8:
      return {
        label: 'unknown-fields',
        bytes: Buffer.from(`{"noSuchField":1,"__proto__":{"x":1},"constructor":{"prototype":{}}}`),
      };
    default:
      return { label: 'json', bytes: Buffer.from(valid) };
  }
}

const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  '',
];

function headers(isNexus: boolean, random: FuzzRandom): string[] {
  const lines: string[] = [];
  const contentType = random.pick(CONTENT_TYPES);
  if (contentType) lines.push(`Content-Type: ${contentType}`);
  if (isNexus) {
    lines.push(`Request-Timeout: ${random.pick(['1s', '500ms', '0s', '1s', 'abc', '-1s', '1y'])}`);
    if (random.chance(0.3))
      lines.push(
        `Nexus-Callback-Url: ${random.pick(['http://127.0.0.1:1/cb', 'not a url', 'file:///etc/passwd', ''])}`,
      );
    if (random.chance(0.3)) lines.push(`Nexus-Operation-Token: ${random.pick(['', 'x', '%zz', 'a'.repeat(5000)])}`);
    if (random.chance(0.3)) lines.push(`Nexus-Link: ${random.pick(['<bad', '<http://x>; type="y"', ';;;'])}`);
    if (random.chance(0.3)) lines.push(`Nexus-Request-Id: ${random.pick(['', 'r1', '\u00e9'])}`);
  }
  if (random.chance(0.2)) lines.push(`X-Fuzz: ${'h'.repeat(random.chance(0.3) ? 20_000 : 100)}`);
  if (random.chance(0.1)) for (let i = 0; i < 200; i += 1) lines.push(`X-Fuzz-${i}: ${i}`);
  if (random.chance(0.1))
    lines.push(random.pick(['Bad Header Line', 'X-Empty:', ': no-name', 'Content-Encoding: gzip']));
  if (random.chance(0.1)) lines.push(`Authorization: ${random.pick(['Bearer x', 'Basic %%%', ''])}`);
  return lines;
}

function framed(bytes: Buffer, random: FuzzRandom): { lines: string[]; body: Buffer; label: string } {
  switch (random.int(8)) {
    case 0:
      return {
        label: 'chunked',
        lines: ['Transfer-Encoding: chunked'],
        body: Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n0\r\n\r\n')]),
      };
    case 1:
      return {
        label: 'bad-chunked',
        lines: ['Transfer-Encoding: chunked'],
        body: Buffer.concat([Buffer.from('zz\r\n'), bytes]),
      };
    case 2:
      return { label: 'short-length', lines: [`Content-Length: ${Math.floor(bytes.length / 2)}`], body: bytes };
    case 3:
      return {
        label: 'both-lengths',
        lines: [`Content-Length: ${bytes.length}`, 'Transfer-Encoding: chunked'],
        body: bytes,
      };
    default:
      return { label: 'length', lines: [`Content-Length: ${bytes.length}`], body: bytes };
  }
}

function routeTemplates(): { template: string; method: string; route?: HttpRoute }[] {
  return [
    ...httpRoutes().map((route) => ({ template: route.template, method: route.httpMethod, route })),
    ...NEXUS_TEMPLATES.map((template) => ({ template, method: 'POST' })),
  ];
}

export function httpInput(seed: number, index: number, targets: FuzzTargets): HttpInput {
  const random = FuzzRandom.forInput(seed, index);
  const target = random.pick(routeTemplates());
  const isNexus = !target.template.startsWith('/api/');
  const method = random.chance(0.8)
    ? target.method
    : random.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'FOO']);
  let path = fillTemplate(target.template, random, targets);
  if (!isNexus && random.chance(0.2))
    path += random.pick(['?pageSize=abc', '?x=%zz', '?query=%ff', '?a=1&a=2', '?executionStatus=9']);
  const made = body(target.route, random, targets);
  const sent = framed(made.bytes, random);
  const pathBytes = random.chance(0.05)
    ? Buffer.concat([Buffer.from(path), Buffer.from([0xff, 0xc3, 0x28])])
    : Buffer.from(path);
  const head = Buffer.concat([
    Buffer.from(`${method} `),
    pathBytes,
    Buffer.from(` HTTP/1.1\r\n${['Host: 127.0.0.1', ...headers(isNexus, random), ...sent.lines].join('\r\n')}`),
  ]);
  return {
    kind: 'http',
    label: `${method} ${made.label} ${sent.label}`,
    route: `${target.method} ${target.template}`,
    head,
    body: sent.body,
  };
}
