// Activities of the conformance scenarios. Their behaviour depends only on their input and attempt, so
// every server sees the same sequence of completions and failures.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { passGate } from './activity-gates';

export function echo(text: string): Promise<string> {
  return Promise.resolve(`echo: ${text}`);
}

/** Fails with a retryable error until attempt `succeedOn`, then returns the attempt number. */
export function failUntil(succeedOn: number): Promise<number> {
  const attempt = Context.current().info.attempt;
  if (attempt < succeedOn) return Promise.reject(new Error(`attempt ${attempt} failed`));
  return Promise.resolve(attempt);
}

/** Sleeps longer than its start-to-close timeout; stops early if the worker cancels it. */
export async function sleepPastTimeout(ms: number): Promise<string> {
  await Context.current().sleep(ms);
  return 'slept';
}

/** Fails at once with a non-retryable application failure. */
export function failNonRetryable(): Promise<string> {
  return Promise.reject(
    ApplicationFailure.create({
      message: 'activity failed on purpose',
      type: 'ConformanceFailure',
      nonRetryable: true,
    }),
  );
}

/** Heartbeats once, then stops heartbeating until the server times it out (and the worker cancels it). */
export async function heartbeatThenStall(): Promise<string> {
  const context = Context.current();
  context.heartbeat('first beat');
  await context.sleep(5000);
  return 'not timed out';
}

/** Returns once the runner opens the gate named by its input (conformance/activity-gates.ts). */
export async function awaitGate(key: string): Promise<string> {
  await passGate(key);
  return `passed ${key}`;
}
