// An attempt of an operation on the built-in `__temporal_system` endpoint (engine/system-nexus.ts) as the
// operation executor sees it: run in this server, then classified as the Temporal server classifies the
// errors of its in-process call: a retryable service error is retried; any other fails the operation at
// once with the error as a non-retryable server failure ("<Type>: <message>").
import type { Failure } from '../common/proto';
import { ErrorCode, ServiceError } from '../common/errors';
import type { HistoryEngine } from '../engine/history-engine';
import type { RunKey } from '../engine/tasks';
import { runSystemOperation, scheduledEventLink } from '../engine/system-nexus';
import type { temporal } from '../common/proto';
import type { StartOutcome } from './handler-outcome';
import { workflowEventLinkToNexus } from './links';

const RETRYABLE: ReadonlySet<string> = new Set([
  ErrorCode.Unavailable,
  ErrorCode.DeadlineExceeded,
  ErrorCode.Canceled,
  ErrorCode.Internal,
  ErrorCode.ResourceExhausted,
]);

/** The Temporal server's Go error type names, which its failure messages start with. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  [ErrorCode.InvalidArgument]: 'InvalidArgument',
  [ErrorCode.NotFound]: 'NotFound',
  [ErrorCode.NamespaceNotFound]: 'NamespaceNotFound',
  [ErrorCode.AlreadyExists]: 'AlreadyExists',
  [ErrorCode.WorkflowAlreadyStarted]: 'WorkflowExecutionAlreadyStarted',
  [ErrorCode.FailedPrecondition]: 'FailedPrecondition',
  [ErrorCode.Unimplemented]: 'Unimplemented',
  [ErrorCode.PermissionDenied]: 'PermissionDenied',
  [ErrorCode.QueryFailed]: 'QueryFailed',
};

export async function systemStartOutcome(
  engine: HistoryEngine,
  caller: RunKey,
  scheduledEventId: number,
  start: temporal.api.nexus.v1.IStartOperationRequest,
): Promise<StartOutcome> {
  const namespace = engine.ctx.namespaces.getById(caller.namespaceId);
  const link = scheduledEventLink(namespace.name, caller.workflowId, caller.runId, scheduledEventId);
  const result = await runSystemOperation(engine, namespace, start.payload, start.requestId ?? '', link);
  if (result.kind === 'succeeded') {
    return {
      kind: 'sync-success',
      payload: result.result,
      links: result.links.map((l) => workflowEventLinkToNexus(l.workflowEvent ?? {})),
    };
  }
  const error = result.error;
  const code = error instanceof ServiceError ? error.code : undefined;
  if (code === undefined || RETRYABLE.has(code)) {
    const failure: Failure = { message: error.message, serverFailureInfo: { nonRetryable: false } };
    return { kind: 'retry', failure };
  }
  const failure: Failure = {
    message: `${TYPE_NAMES[code] ?? 'Error'}: ${error.message}`,
    serverFailureInfo: { nonRetryable: true },
  };
  return { kind: 'fail', failure };
}
