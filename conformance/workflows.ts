// Workflows of the conformance scenarios, bundled by the runner's worker. Each one is written so that
// its history is the same on every run: the runner drives every step that could race (signals, updates,
// cancellation) only after the previous workflow task has completed.
import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  executeChild,
  getExternalWorkflowHandle,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from './activities';

const { echo } = proxyActivities<typeof activities>({ startToCloseTimeout: '10s' });
const { failUntil } = proxyActivities<typeof activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '100ms', backoffCoefficient: 1, maximumAttempts: 5 },
});
const { sleepPastTimeout } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1s',
  retry: { initialInterval: '100ms', backoffCoefficient: 1, maximumAttempts: 2 },
});

const { failNonRetryable } = proxyActivities<typeof activities>({ startToCloseTimeout: '10s' });
const { heartbeatThenStall } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30s',
  heartbeatTimeout: '1s',
  retry: { maximumAttempts: 1 },
});
const { echo: localEcho } = proxyLocalActivities<typeof activities>({ startToCloseTimeout: '10s' });

export const releaseSignal = defineSignal<[string]>('release');
export const stateQuery = defineQuery<string>('state');
export const setValueUpdate = defineUpdate<string, [string]>('setValue');

export async function activitySuccess(text: string): Promise<string> {
  return await echo(text);
}

export async function activityRetry(): Promise<number> {
  return await failUntil(3);
}

export async function activityTimeout(): Promise<string> {
  try {
    return await sleepPastTimeout(3000);
  } catch (error) {
    if (error instanceof ActivityFailure) return `activity failed: ${error.retryState}: ${error.cause?.message ?? ''}`;
    throw error;
  }
}

export async function timer(): Promise<string> {
  await sleep('1s');
  return 'timer fired';
}

/** Waits for the `release` signal and returns its argument; `state` answers queries all along. */
export async function waitForRelease(): Promise<string> {
  let released: string | undefined;
  setHandler(releaseSignal, (value) => {
    released = value;
  });
  setHandler(stateQuery, () => (released === undefined ? 'waiting' : `released: ${released}`));
  await condition(() => released !== undefined);
  return `released: ${released ?? ''}`;
}

/** Completes once an accepted update has set a value; the validator rejects empty values. */
export async function updatable(): Promise<string> {
  let value: string | undefined;
  setHandler(
    setValueUpdate,
    (next) => {
      value = next;
      return `set: ${next}`;
    },
    {
      validator: (next) => {
        if (next === '') throw new Error('value must not be empty');
      },
    },
  );
  await condition(() => value !== undefined);
  return `value: ${value ?? ''}`;
}

export async function parentWorkflow(): Promise<string> {
  const childResult = await executeChild(waitForRelease, { workflowId: `${workflowInfo().workflowId}-child` });
  return `child said: ${childResult}`;
}

/**
 * Continues as new twice. Each run first sleeps 1 s: the Temporal server delays a run that starts less
 * than 1 s after the previous run of the same workflow id (a timing-dependent first workflow task
 * backoff), and the scenario's history must not depend on timing.
 */
export async function continueAsNewTwice(iteration: number): Promise<number> {
  if (iteration >= 2) return iteration;
  await sleep('1s');
  await continueAsNew<typeof continueAsNewTwice>(iteration + 1);
  return iteration;
}

/** Sleeps for a day: cancelled or terminated by the runner. */
export async function longSleep(): Promise<string> {
  await sleep('1 day');
  return 'woke up';
}

/**
 * Throws a plain Error (which fails the workflow task, not the workflow) in its first workflow task
 * only. The first task starts at event 3; the retried task sees the failed task's events, so its
 * history is longer.
 */
export function failFirstWorkflowTask(): Promise<string> {
  if (workflowInfo().historyLength <= 3) throw new Error('first workflow task fails on purpose');
  return Promise.resolve('second workflow task succeeded');
}

/** Fails with a non-retryable application failure carrying a type and details. */
export function failWorkflow(): Promise<string> {
  return Promise.reject(
    ApplicationFailure.create({
      message: 'workflow failed on purpose',
      type: 'ConformanceFailure',
      nonRetryable: true,
      details: ['detail'],
    }),
  );
}

export async function activityNonRetryable(): Promise<string> {
  try {
    return await failNonRetryable();
  } catch (error) {
    if (error instanceof ActivityFailure) return `activity failed: ${error.retryState}: ${error.cause?.message ?? ''}`;
    throw error;
  }
}

export async function activityHeartbeatTimeout(): Promise<string> {
  try {
    return await heartbeatThenStall();
  } catch (error) {
    if (error instanceof ActivityFailure) return `activity failed: ${error.retryState}: ${error.cause?.message ?? ''}`;
    throw error;
  }
}

export async function localActivity(text: string): Promise<string> {
  return await localEcho(text);
}

/** Signals the workflow `targetWorkflowId` (which waits for `release`) and returns. */
export async function signalExternal(targetWorkflowId: string): Promise<string> {
  await getExternalWorkflowHandle(targetWorkflowId).signal(releaseSignal, 'from another workflow');
  return 'signalled';
}

/** Waits for the `release` signal, then fails with a non-retryable application failure. */
export async function failAfterRelease(): Promise<string> {
  let isReleased = false;
  setHandler(releaseSignal, () => {
    isReleased = true;
  });
  await condition(() => isReleased);
  throw ApplicationFailure.create({
    message: 'child failed on purpose',
    type: 'ConformanceFailure',
    nonRetryable: true,
  });
}

/** Starts a child that fails once the runner releases it, and reports what the parent saw. */
export async function parentOfFailingChild(): Promise<string> {
  try {
    return await executeChild(failAfterRelease, { workflowId: `${workflowInfo().workflowId}-child` });
  } catch (error) {
    if (error instanceof ChildWorkflowFailure)
      return `child failed: ${error.retryState}: ${error.cause?.message ?? ''}`;
    throw error;
  }
}

/** Upserts a memo field, then completes. */
export async function memoUpsert(): Promise<string> {
  upsertMemo({ note: 'upserted' });
  await sleep('10ms');
  return 'memo upserted';
}
export * from './nexus-workflows';
