// The built-in Nexus endpoint `__temporal_system`: Temporal's own API as Nexus operations a workflow can
// call with no endpoint to register. As on the Temporal server it offers one service,
// temporal.api.workflowservice.v1.WorkflowService, with one synchronous operation,
// SignalWithStartWorkflowExecution (the Python SDK's workflow.signal_with_start_workflow). The command
// is checked when the workflow schedules it (a bad one fails the workflow task); the attempt runs the
// signal-with-start in this server, on the target's shard, with the operation's request id and a link
// back to the caller, and completes the operation with the response (binary protobuf) and the signal's
// link. Nothing of it goes through matching or HTTP.
import { temporal, long } from '../common/proto';
import { ServiceError, ErrorCode } from '../common/errors';
import type { NamespaceRecord } from '../store/store';
import type { HistoryEngine } from './history-engine';
import { OwnerOp } from './cluster-link';
import { signalWithStartWorkflowExecution, validateSignalWithStart } from './client-api';

export const SYSTEM_ENDPOINT = '__temporal_system';
export const WORKFLOW_SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';
export const SIGNAL_WITH_START = 'SignalWithStartWorkflowExecution';

type SignalWithStartRequest = temporal.api.workflowservice.v1.ISignalWithStartWorkflowExecutionRequest;
const REQUEST_TYPE = 'temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionRequest';
const RESPONSE_TYPE = 'temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionResponse';

function metadataText(payload: temporal.api.common.v1.IPayload, key: string): string {
  const value = payload.metadata?.[key];
  return value ? Buffer.from(value).toString('utf8') : '';
}

/** The request in an operation's input: binary or JSON protobuf, as the SDKs encode it. */
export function decodeSystemRequest(
  payload: temporal.api.common.v1.IPayload | null | undefined,
): SignalWithStartRequest {
  if (!payload) throw new Error('payload is empty');
  const encoding = metadataText(payload, 'encoding');
  const data = payload.data ?? new Uint8Array();
  const type = temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionRequest;
  if (encoding === 'binary/protobuf') return type.decode(data);
  if (encoding === 'json/protobuf') {
    const json = JSON.parse(Buffer.from(data).toString('utf8')) as Record<string, unknown>;
    return type.fromObject(json);
  }
  throw new Error(`unsupported payload encoding "${encoding}" for ${REQUEST_TYPE}`);
}

/**
 * The checks the Temporal server makes when a workflow schedules an operation on the system endpoint;
 * the message of the workflow task failure, or undefined.
 */
export function systemOperationError(
  callerNamespace: string,
  a: temporal.api.command.v1.IScheduleNexusOperationCommandAttributes,
): string | undefined {
  if (Object.keys(a.nexusHeader ?? {}).length > 0)
    return `ScheduleNexusOperationCommandAttributes.NexusHeader must be empty when using ${SYSTEM_ENDPOINT} endpoint`;
  if (a.service !== WORKFLOW_SERVICE) return `service "${a.service ?? ''}" not found`;
  if (a.operation !== SIGNAL_WITH_START) return `operation "${a.operation ?? ''}" not found`;
  let request: SignalWithStartRequest;
  try {
    request = decodeSystemRequest(a.input);
  } catch (error) {
    return `failed to decode input payload: ${(error as Error).message}`;
  }
  try {
    requestForCaller(callerNamespace, request, '', []);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

/** The request as the caller's operation sends it: its namespace, request id and links are the operation's. */
function requestForCaller(
  callerNamespace: string,
  request: SignalWithStartRequest,
  requestId: string,
  links: temporal.api.common.v1.ILink[],
): SignalWithStartRequest {
  if (request.namespace && request.namespace !== callerNamespace)
    throw new Error(
      `Namespace in request "${request.namespace}" does not match namespace in context "${callerNamespace}"`,
    );
  if (request.requestId) throw new Error('RequestID should not be set on the request');
  if ((request.links ?? []).length > 0) throw new Error('Links should not be set on the request');
  const conflict = request.workflowIdConflictPolicy ?? 0;
  if (conflict === temporal.api.enums.v1.WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
    throw new Error(
      'Invalid WorkflowIDConflictPolicy: WORKFLOW_ID_CONFLICT_POLICY_FAIL is not supported for this operation.',
    );
  const prepared = { ...request, namespace: callerNamespace, requestId, links };
  validateSignalWithStart(prepared);
  return prepared;
}

export type SystemOperationResult =
  | {
      readonly kind: 'succeeded';
      readonly result: temporal.api.common.v1.IPayload;
      readonly links: temporal.api.common.v1.ILink[];
    }
  | { readonly kind: 'failed'; readonly error: ServiceError | Error };

/** Runs the operation's signal-with-start (in the process holding the target's shard). */
export async function runSystemOperation(
  engine: HistoryEngine,
  caller: NamespaceRecord,
  input: temporal.api.common.v1.IPayload | null | undefined,
  requestId: string,
  callerLink: temporal.api.common.v1.ILink,
): Promise<SystemOperationResult> {
  let request: SignalWithStartRequest;
  try {
    request = requestForCaller(caller.name, decodeSystemRequest(input), requestId, [callerLink]);
  } catch (error) {
    return {
      kind: 'failed',
      error:
        error instanceof ServiceError ? error : new ServiceError(ErrorCode.InvalidArgument, (error as Error).message),
    };
  }
  try {
    const response = await engine.atRunOwner<temporal.api.workflowservice.v1.ISignalWithStartWorkflowExecutionResponse>(
      { namespaceId: caller.id, workflowId: request.workflowId ?? '' },
      OwnerOp.SystemSignalWithStart,
      { namespaceId: caller.id, request },
    );
    const encoded = temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionResponse.encode({
      runId: response.runId ?? '',
      started: response.started ?? false,
      ...(response.signalLink ? { signalLink: response.signalLink } : {}),
    }).finish();
    return {
      kind: 'succeeded',
      result: {
        metadata: { encoding: Buffer.from('binary/protobuf'), messageType: Buffer.from(RESPONSE_TYPE) },
        data: encoded,
      },
      links: response.signalLink ? [response.signalLink] : [],
    };
  } catch (error) {
    return { kind: 'failed', error: error as Error };
  }
}

/** The owner-side half of runSystemOperation: the signal-with-start itself. */
export function systemSignalWithStartHere(
  engine: HistoryEngine,
  args: { readonly namespaceId: string; readonly request: SignalWithStartRequest },
): Promise<temporal.api.workflowservice.v1.ISignalWithStartWorkflowExecutionResponse> {
  return signalWithStartWorkflowExecution(engine, engine.ctx.namespaces.getById(args.namespaceId), args.request);
}

/** The caller's link on the request: its NexusOperationScheduled event. */
export function scheduledEventLink(
  namespace: string,
  workflowId: string,
  runId: string,
  scheduledEventId: number,
): temporal.api.common.v1.ILink {
  return {
    workflowEvent: {
      namespace,
      workflowId,
      runId,
      eventRef: {
        eventId: long(scheduledEventId),
        eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED,
      },
    },
  };
}
