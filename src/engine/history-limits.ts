// The Temporal server's hard limits on one run's history (limit.historyCount.error, 51,200 events, and
// limit.historySize.error, 50 MB): a transaction that leaves a running run past either terminates it
// before the commit, by the history service, with the server's reason. (The server drops the change
// that crossed the limit and terminates the run as it was; here that change is kept, so the history
// ends a few events past the limit.) Workflow tasks suggest continue-as-new well before
// (workflow-tasks.ts, limit.history*.suggestContinueAsNew).
import type { EngineContext } from './engine-context';
import type { Transaction } from './transaction';
import { isRunning, isStandalone } from './mutable-state';
import { HISTORY_SERVICE_IDENTITY, terminateWorkflow } from './workflow-operations';

export const HISTORY_COUNT_EXCEEDED = 'Workflow history count exceeds limit.';
export const HISTORY_SIZE_EXCEEDED = 'Workflow history size exceeds limit.';

export function enforceHistoryLimits(ctx: EngineContext, tx: Transaction): void {
  for (const workflow of [...tx.touched.values()]) {
    const s = workflow.state;
    if (!workflow.isModified || !isRunning(s) || isStandalone(s)) continue;
    const reason =
      s.nextEventId - 1 > ctx.config.historyCountMax
        ? HISTORY_COUNT_EXCEEDED
        : s.historySizeBytes > ctx.config.historySizeMaxBytes
          ? HISTORY_SIZE_EXCEEDED
          : undefined;
    if (reason) terminateWorkflow(ctx, tx, workflow, { reason, details: null, identity: HISTORY_SERVICE_IDENTITY });
  }
}
