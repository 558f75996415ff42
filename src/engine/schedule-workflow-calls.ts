// What a schedule's action task does to the workflows it starts, run where each workflow's shard is
// held (OwnerOp.ScheduleWorkflowCall, through engine.atRunOwner): read a run's status, start a workflow,
// request its cancellation or terminate it. Expected failures come back as results, not errors, so
// they cross to another member unchanged. Each call is idempotent: a start carries a request id that
// names the schedule and the nominal time; cancel and terminate of a closed run change nothing.
import { temporal } from '../common/proto';
import { ServiceError } from '../common/errors';
import type { HistoryEngine } from './history-engine';
import { OwnerOp } from './cluster-link';
import { requestCancelWorkflowExecution, startWorkflowExecution, terminateWorkflowExecution } from './client-api';

const Status = temporal.api.enums.v1.WorkflowExecutionStatus;
/** The identity the server's scheduler gives its requests. */
export const SCHEDULER_IDENTITY = 'temporal-scheduler';

export type ScheduleWorkflowCall =
  | { readonly kind: 'status'; readonly namespaceId: string; readonly workflowId: string; readonly runId: string }
  | {
      readonly kind: 'cancel' | 'terminate';
      readonly namespaceId: string;
      readonly workflowId: string;
      readonly runId: string;
    }
  | {
      readonly kind: 'start';
      readonly namespaceId: string;
      readonly workflowId: string;
      readonly request: temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest;
    };

export type ScheduleWorkflowResult =
  { readonly status: number } | { readonly runId: string } | { readonly error: string } | { readonly done: true };

export function callScheduleWorkflow(
  engine: HistoryEngine,
  call: ScheduleWorkflowCall,
): Promise<ScheduleWorkflowResult> {
  return engine.atRunOwner(call, OwnerOp.ScheduleWorkflowCall, call);
}

export async function scheduleWorkflowCallHere(
  engine: HistoryEngine,
  call: ScheduleWorkflowCall,
): Promise<ScheduleWorkflowResult> {
  const namespace = engine.ctx.namespaces.findById(call.namespaceId);
  if (!namespace) return { error: 'namespace not found' };
  try {
    switch (call.kind) {
      case 'status': {
        const { workflowId, runId } = call;
        const status = await engine.run(call, async (tx) => {
          const run = await tx.get({ namespaceId: call.namespaceId, workflowId, runId });
          return run ? run.state.status : Status.WORKFLOW_EXECUTION_STATUS_COMPLETED;
        });
        return { status };
      }
      case 'start': {
        const response = await startWorkflowExecution(engine, namespace, call.request);
        return { runId: response.runId ?? '' };
      }
      case 'cancel':
        await requestCancelWorkflowExecution(engine, namespace, {
          workflowExecution: { workflowId: call.workflowId, runId: call.runId },
          identity: SCHEDULER_IDENTITY,
        });
        return { done: true };
      case 'terminate':
        await terminateWorkflowExecution(engine, namespace, {
          workflowExecution: { workflowId: call.workflowId, runId: call.runId },
          reason: 'terminated by schedule overlap policy',
          identity: SCHEDULER_IDENTITY,
        });
        return { done: true };
      default:
        return call satisfies never;
    }
  } catch (error) {
    if (error instanceof ServiceError) return { error: error.message };
    throw error;
  }
}
