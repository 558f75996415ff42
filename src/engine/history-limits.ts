// The Temporal server's hard limits on one run's history (limit.historyCount.error, 51,200 events, and
// limit.historySize.error, 50 MB): a transaction that leaves a running run past either terminates it
// before the commit, by the history service, with the server's reason. (The server drops the change
// that crossed the limit and terminates the run as it was; here that change is kept, so the history
// ends a few events past the limit.) Workflow tasks suggest continue-as-new well before
// (workflow-tasks.ts, limit.history*.suggestContinueAsNew). A run that crosses a warn limit
// (limit.historyCount.warn, 10,240 events; limit.historySize.warn, 10 MB) is logged at warn, once, in the
// transaction that crosses it.
import type { Logger } from '../common/logger';
import type { EngineContext } from './engine-context';
import type { Workflow } from './workflow';
import type { Transaction } from './transaction';
import { isRunning, isStandalone } from './mutable-state';
import { HISTORY_SERVICE_IDENTITY, terminateWorkflow } from './workflow-operations';

export const HISTORY_COUNT_EXCEEDED = 'Workflow history count exceeds limit.';
export const HISTORY_SIZE_EXCEEDED = 'Workflow history size exceeds limit.';

export function enforceHistoryLimits(ctx: EngineContext, tx: Transaction, logger?: Logger): void {
  for (const workflow of [...tx.touched.values()]) {
    const s = workflow.state;
    if (!workflow.isModified || isStandalone(s)) continue;
    if (logger) logWarnCrossings(ctx, workflow, logger);
    if (!isRunning(s)) continue;
    const reason =
      s.nextEventId - 1 > ctx.config.historyCountMax
        ? HISTORY_COUNT_EXCEEDED
        : s.historySizeBytes > ctx.config.historySizeMaxBytes
          ? HISTORY_SIZE_EXCEEDED
          : undefined;
    if (reason) terminateWorkflow(ctx, tx, workflow, { reason, details: null, identity: HISTORY_SERVICE_IDENTITY });
  }
}

function logWarnCrossings(ctx: EngineContext, workflow: Workflow, logger: Logger): void {
  const s = workflow.state;
  const appended = workflow.unpersistedEvents;
  if (appended.length === 0) return;
  const count = s.nextEventId - 1;
  const appendedBytes = appended.reduce((sum, { data }) => sum + data.length, 0);
  const fields = { namespaceId: s.namespaceId, workflowId: s.workflowId, runId: s.runId };
  if (count > ctx.config.historyCountWarn && count - appended.length <= ctx.config.historyCountWarn)
    logger.warn('history count exceeds warn limit.', {
      ...fields,
      historyCount: count,
      limit: ctx.config.historyCountWarn,
    });
  const size = s.historySizeBytes;
  if (size > ctx.config.historySizeWarnBytes && size - appendedBytes <= ctx.config.historySizeWarnBytes)
    logger.warn('history size exceeds warn limit.', {
      ...fields,
      historySize: size,
      limit: ctx.config.historySizeWarnBytes,
    });
}
