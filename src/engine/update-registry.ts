// Workflow updates that are not yet durable. An update is admitted in memory, delivered with the next
// workflow task, and becomes durable only when the worker accepts it (WorkflowExecutionUpdateAccepted).
// Waiters are woken on every stage change.
import type { temporal } from '../common/proto';

/** temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage */
export const UpdateStage = { Admitted: 1, Accepted: 2, Completed: 3 } as const;
export type UpdateStage = (typeof UpdateStage)[keyof typeof UpdateStage];

export interface UpdateEntry {
  readonly updateId: string;
  readonly request: temporal.api.update.v1.IRequest;
  stage: UpdateStage;
  isDelivered: boolean;
  outcome: temporal.api.update.v1.IOutcome | null;
  readonly waiters: Set<() => void>;
  /** Later requests for this update that bring callbacks, attached once it is accepted (update-callbacks.ts). */
  readonly attachments: UpdateAttachment[];
}

/** A later caller of an update (same update id, another request id) and the callbacks it attaches. */
export interface UpdateAttachment {
  readonly requestId: string;
  readonly callbacks: readonly temporal.api.common.v1.ICallback[];
}

export function wakeUpdateWaiters(entry: UpdateEntry): void {
  for (const wake of [...entry.waiters]) wake();
}
