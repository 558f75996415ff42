// The Temporal HTTP API's routes, derived from the `google.api.http` annotations of the WorkflowService and
// OperatorService descriptors that @temporalio/proto ships (the `/api/v1/...` bindings; none written by
// hand), as grpc-gateway reads them: a method and a path template whose variables (`{namespace}`,
// `{execution.workflow_id}`, `{name=**}`) name request fields, and the body: the whole request (`*`), one
// field of it, or none (the rest of the fields come from the query string).
import type * as protobuf from 'protobufjs';
import { protoRoot } from '../../common/proto';

export const HTTP_API_PREFIX = '/api/v1/';

export interface HttpRoute {
  readonly httpMethod: string;
  /** The gRPC path: /package.Service/Method. */
  readonly grpcPath: string;
  readonly requestType: protobuf.Type;
  readonly responseType: protobuf.Type;
  /** `*`, a field name, or '' (no body). */
  readonly body: string;
  /** The path template as the annotation gives it (`/api/v1/namespaces/{namespace}`). */
  readonly template: string;
  readonly pattern: RegExp;
  /** The request field path each capture group of `pattern` fills, in order. */
  readonly variables: readonly string[];
  /** Literal segments count: a more specific template wins when two match. */
  readonly literals: number;
}

const SERVICES = ['temporal.api.workflowservice.v1.WorkflowService', 'temporal.api.operatorservice.v1.OperatorService'];
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface HttpRule {
  readonly body?: string;
  readonly additional_bindings?: HttpRule | HttpRule[];
  readonly [method: string]: unknown;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles a path template (`/api/v1/namespaces/{namespace}/workflows/{execution.workflow_id}`). */
export function compileTemplate(template: string): { pattern: RegExp; variables: string[]; literals: number } {
  const variables: string[] = [];
  let literals = 0;
  let source = '';
  for (const segment of template.split('/').slice(1)) {
    const variable = /^\{([^}=]+)(?:=([^}]*))?\}(.*)$/.exec(segment);
    if (!variable) {
      literals += 1;
      source += `/${escapeRegExp(segment)}`;
      continue;
    }
    const [, field = '', sub, suffix = ''] = variable;
    variables.push(field);
    let group = '([^/]+)';
    if (sub === '**') group = '(.+)';
    else if (sub)
      group = `(${sub
        .split('/')
        .map((part) => (part === '*' ? '[^/]+' : escapeRegExp(part)))
        .join('/')})`;
    source += `/${group}${escapeRegExp(suffix)}`;
  }
  return { pattern: new RegExp(`^${source}$`), variables, literals };
}

function bindingsOf(rule: HttpRule): HttpRule[] {
  const more = rule.additional_bindings;
  return [rule, ...(Array.isArray(more) ? more : more ? [more] : []).flatMap(bindingsOf)];
}

function ruleOf(method: protobuf.Method): HttpRule | undefined {
  for (const option of method.parsedOptions ?? []) {
    const rule = (option as Record<string, unknown>)['(google.api.http)'];
    if (rule && typeof rule === 'object') return rule as HttpRule;
  }
  return undefined;
}

let cached: HttpRoute[] | undefined;

/** Every `/api/v1/` binding of the two services, most specific first. */
export function httpRoutes(): readonly HttpRoute[] {
  if (cached) return cached;
  const routes: HttpRoute[] = [];
  for (const serviceName of SERVICES) {
    const service = protoRoot.lookupService(serviceName);
    for (const method of service.methodsArray) {
      const rule = ruleOf(method);
      if (!rule) continue;
      method.resolve();
      for (const binding of bindingsOf(rule)) {
        for (const httpMethod of HTTP_METHODS) {
          const template = binding[httpMethod];
          if (typeof template !== 'string' || !template.startsWith(HTTP_API_PREFIX)) continue;
          routes.push({
            httpMethod: httpMethod.toUpperCase(),
            grpcPath: `/${serviceName}/${method.name}`,
            requestType: method.resolvedRequestType as protobuf.Type,
            responseType: method.resolvedResponseType as protobuf.Type,
            body: binding.body ?? '',
            template,
            ...compileTemplate(template),
          });
        }
      }
    }
  }
  routes.sort((a, b) => b.literals - a.literals);
  cached = routes;
  return routes;
}

/** A path value that is not valid percent-encoding (`%zz`, or bytes that are not UTF-8). */
export class PathEncodingError extends Error {
  constructor(readonly value: string) {
    super(`invalid URL escape in the path value "${value.slice(0, 100)}": percent-encode it as UTF-8`);
  }
}

function decodePathValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new PathEncodingError(value);
  }
}

/** The route of a request and the path's values by field; undefined when none matches. */
export function matchRoute(
  httpMethod: string,
  path: string,
): { route: HttpRoute; values: Record<string, string> } | undefined {
  for (const route of httpRoutes()) {
    if (route.httpMethod !== httpMethod) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const values: Record<string, string> = {};
    route.variables.forEach((field, index) => {
      values[field] = decodePathValue(match[index + 1] ?? '');
    });
    return { route, values };
  }
  return undefined;
}
