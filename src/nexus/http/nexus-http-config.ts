// The --dynamic-config-value keys of Nexus over HTTP, with the Temporal server's names (new and pre-1.32):
//   nexusoperation.callback.endpoint.template          callback URL sent to external endpoints
//   nexusoperation.useSystemCallbackURL                 false: worker endpoints get that URL too, not
//                                                       temporal://system (default true)
//   callback.retryPolicy.initialInterval / maxInterval  outbound completion callback backoff
//   callback.request.timeout                            deadline of one callback attempt
import { invalidArgument } from '../../common/errors';
import type { CallbackSenderSettings } from './http-callback';

export interface NexusHttpConfig {
  /** Go-template-like URL with `{{.NamespaceName}}`; undefined = this server's own callback route. */
  readonly callbackUrlTemplate: string | undefined;
  /** Worker endpoints get `temporal://system` (true, the default) or the callback URL above. */
  readonly useSystemCallbackUrl: boolean;
  readonly callbacks: CallbackSenderSettings;
}

export const defaultCallbackSenderSettings: CallbackSenderSettings = {
  initialIntervalMs: 1000,
  maxIntervalMs: 60 * 60 * 1000,
  requestTimeoutMs: 10_000,
};

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function toMs(key: string, value: unknown): number {
  if (typeof value === 'number' && value > 0) return value * 1000;
  if (typeof value === 'string') {
    const match = DURATION.exec(value.trim());
    if (match && Number(match[1]) > 0) return Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 1000);
  }
  throw invalidArgument(
    `dynamic config ${key}: expected a positive duration such as "10s", got ${JSON.stringify(value)}`,
  );
}

export function nexusHttpConfigFromDynamicConfig(values: Readonly<Record<string, unknown>>): NexusHttpConfig {
  let callbackUrlTemplate: string | undefined;
  let useSystemCallbackUrl = true;
  const callbacks = { ...defaultCallbackSenderSettings };
  for (const [key, value] of Object.entries(values)) {
    switch (key) {
      case 'nexusoperation.callback.endpoint.template':
      case 'component.nexusoperations.callback.endpoint.template':
        if (typeof value !== 'string' || !/^https?:\/\//.test(value))
          throw invalidArgument(
            `dynamic config ${key}: expected an http(s) URL template, got ${JSON.stringify(value)}`,
          );
        callbackUrlTemplate = value;
        break;
      case 'nexusoperation.useSystemCallbackURL':
      case 'component.nexusoperations.useSystemCallbackURL':
        if (value !== true && value !== false && value !== 'true' && value !== 'false')
          throw invalidArgument(`dynamic config ${key}: expected true or false, got ${JSON.stringify(value)}`);
        useSystemCallbackUrl = value === true || value === 'true';
        break;
      case 'callback.retryPolicy.initialInterval':
      case 'component.callbacks.retryPolicy.initialInterval':
        callbacks.initialIntervalMs = toMs(key, value);
        break;
      case 'callback.retryPolicy.maxInterval':
      case 'component.callbacks.retryPolicy.maxInterval':
        callbacks.maxIntervalMs = toMs(key, value);
        break;
      case 'callback.request.timeout':
      case 'component.callbacks.request.timeout':
        callbacks.requestTimeoutMs = toMs(key, value);
        break;
      default:
        break;
    }
  }
  return { callbackUrlTemplate, useSystemCallbackUrl, callbacks };
}

/** The callback URL external handlers are given for a caller namespace. */
export function callbackUrlFor(template: string | undefined, httpBaseUrl: string, callerNamespace: string): string {
  if (template) return template.replace(/\{\{\s*\.NamespaceName\s*\}\}/g, callerNamespace);
  return `${httpBaseUrl}/namespaces/${encodeURIComponent(callerNamespace)}/nexus/callback`;
}
