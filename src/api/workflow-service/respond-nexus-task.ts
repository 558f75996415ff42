// RespondNexusTaskCompleted and RespondNexusTaskFailed: the handler worker's answer to a Nexus task.
import type { temporal } from '../../common/proto';
import { invalidArgument, notFound } from '../../common/errors';
import { decodeTaskToken } from '../../engine/tasks';
import { handlerErrorFailure, type HandlerReply } from '../../nexus/handler-outcome';
import { nexusFailureToTemporal, nexusProtoFailureToJson } from '../../nexus/http/nexus-failure';
import { type ApiDeps, namespaceOf } from '../api-deps';

function answer(
  deps: ApiDeps,
  request: { namespace?: string | null; taskToken?: Uint8Array | null },
  reply: HandlerReply,
): void {
  const namespace = namespaceOf(deps, request);
  const token = decodeTaskToken(request.taskToken);
  if (token.k !== 'nx') throw invalidArgument('Task token is not a Nexus task token.');
  if (!deps.nexus.dispatcher.answer(namespace.id, token.t, reply))
    throw notFound('Nexus task not found or already expired');
}

export function respondNexusTaskCompleted(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRespondNexusTaskCompletedRequest,
): temporal.api.workflowservice.v1.IRespondNexusTaskCompletedResponse {
  if (!request.response) throw invalidArgument('Response is not set on request.');
  answer(deps, request, { kind: 'response', response: request.response });
  return {};
}

/**
 * A handler error in the older format: its failure (details as JSON) converted as the Temporal server
 * converts it, so an ApplicationError under it keeps its type, details and cause.
 */
function legacyHandlerFailure(error: temporal.api.nexus.v1.IHandlerError): temporal.api.failure.v1.IFailure {
  const base = handlerErrorFailure(
    error.errorType ?? 'INTERNAL',
    error.failure?.message ?? 'handler error',
    error.retryBehavior ?? 0,
  );
  let converted: temporal.api.failure.v1.IFailure | undefined;
  try {
    converted = error.failure ? nexusFailureToTemporal(nexusProtoFailureToJson(error.failure)) : undefined;
  } catch {
    converted = undefined;
  }
  const isDescribed = converted !== undefined && Object.keys(converted).some((key) => key.endsWith('FailureInfo'));
  const cause = converted?.cause ?? (isDescribed ? converted : undefined);
  return cause ? { ...base, cause } : base;
}

export function respondNexusTaskFailed(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IRespondNexusTaskFailedRequest,
): temporal.api.workflowservice.v1.IRespondNexusTaskFailedResponse {
  const failure = request.failure ?? (request.error ? legacyHandlerFailure(request.error) : undefined);
  if (!failure) throw invalidArgument('Failure is not set on request.');
  answer(deps, request, { kind: 'handler-error', failure });
  return {};
}
