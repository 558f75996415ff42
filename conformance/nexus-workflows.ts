// Workflows of the Nexus conformance scenarios: callers (run in the caller namespace) and the
// handler-side workflows that workflow-backed operations start. Re-exported by workflows.ts, so one
// bundle serves every namespace. Callers return a description of how the operation ended instead of
// failing, so a failure's shape is checked both in history and in what the workflow saw.
import {
  CancellationScope,
  CancelledFailure,
  NexusOperationCancellationType,
  condition,
  createNexusServiceClient,
  defineSignal,
  defineUpdate,
  isCancellation,
  setHandler,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { conformanceService, type ConformanceOperation } from './nexus-service';

const releaseSignal = defineSignal<[string]>('release');
const finishSignal = defineSignal('finish');
const approveUpdate = defineUpdate<string, [string]>('approve');

export interface NexusCallTimeouts {
  readonly scheduleToCloseTimeout?: Duration;
  readonly scheduleToStartTimeout?: Duration;
  readonly startToCloseTimeout?: Duration;
}

/** Runs one operation to its end and describes the result or the failure chain. */
export async function nexusCall(
  endpoint: string,
  operation: ConformanceOperation,
  input: unknown,
  timeouts: NexusCallTimeouts,
): Promise<string> {
  const client = createNexusServiceClient({ service: conformanceService, endpoint });
  try {
    const result = await client.executeOperation(operation as 'echo', input as string, timeouts);
    return `result: ${JSON.stringify(result)}`;
  } catch (error) {
    return describeFailure(error);
  }
}

/**
 * Starts `waitForCancel` as an operation and cancels it once started, with `cancellationType`. With
 * TRY_CANCEL and ABANDON the operation resolves at once, so the workflow then waits for the runner's
 * `release` signal: it closes only after the runner has seen the cancel request settle.
 */
export async function nexusCancel(
  endpoint: string,
  workflowId: string,
  cancellationType: NexusOperationCancellationType,
): Promise<string> {
  let isReleased = false;
  setHandler(releaseSignal, () => {
    isReleased = true;
  });
  const client = createNexusServiceClient({ service: conformanceService, endpoint });
  const scope = new CancellationScope();
  const handle = await scope.run(() =>
    client.startOperation('waitForCancel', { workflowId }, { scheduleToCloseTimeout: '60s', cancellationType }),
  );
  scope.cancel();
  let outcome: string;
  try {
    outcome = `result: ${JSON.stringify(await handle.result())}`;
  } catch (error) {
    outcome = describeFailure(error);
  }
  if (
    cancellationType === NexusOperationCancellationType.TRY_CANCEL ||
    cancellationType === NexusOperationCancellationType.ABANDON
  ) {
    await condition(() => isReleased);
  }
  return outcome;
}

/**
 * Handler side of `waitForCancel`: waits until cancelled, then (not cancellable) until the runner's
 * `release` signal, and ends as cancelled. Timeout scenarios never cancel it; the runner terminates it.
 */
export async function waitForCancel(): Promise<string> {
  let isReleased = false;
  setHandler(releaseSignal, () => {
    isReleased = true;
  });
  try {
    await condition(() => false);
    return 'never';
  } catch (error) {
    if (!isCancellation(error)) throw error;
    await CancellationScope.nonCancellable(() => condition(() => isReleased));
    throw new CancelledFailure('cancelled after release');
  }
}

/**
 * Handler side of the update-backed operation: the update `approve` is accepted at once and completes
 * when the runner signals `release`; the workflow itself ends only at the runner's `finish`, so the
 * update completes in a run that is still open.
 */
export async function approvals(): Promise<string> {
  let released: string | undefined;
  let isFinished = false;
  setHandler(releaseSignal, (value) => {
    released = value;
  });
  setHandler(finishSignal, () => {
    isFinished = true;
  });
  setHandler(approveUpdate, async (name) => {
    await condition(() => released !== undefined);
    return `approved ${name}, released ${released ?? ''}`;
  });
  await condition(() => isFinished);
  return 'finished';
}

/** The middle of a chain: calls `waitForRelease` on the next endpoint and returns what it said. */
export async function nexusChainMiddle(endpoint: string, leafWorkflowId: string): Promise<string> {
  const client = createNexusServiceClient({ service: conformanceService, endpoint });
  const result = await client.executeOperation(
    'waitForRelease',
    { workflowId: leafWorkflowId },
    { scheduleToCloseTimeout: '60s' },
  );
  return `chained: ${result}`;
}

function describeFailure(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    const details = current as Error & { type?: string; timeoutType?: unknown; nonRetryable?: boolean };
    const extras = [
      details.type === undefined || details.type === null ? '' : `type=${details.type}`,
      details.timeoutType === undefined ? '' : `timeoutType=${String(details.timeoutType)}`,
      details.nonRetryable === undefined ? '' : `nonRetryable=${String(details.nonRetryable)}`,
    ].filter((extra) => extra !== '');
    parts.push(`${current.name}(${current.message}${extras.length === 0 ? '' : `; ${extras.join(', ')}`})`);
    current = (current as Error & { cause?: unknown }).cause;
  }
  return parts.length === 0 ? `not an error: ${String(error)}` : parts.join(' <- ');
}
