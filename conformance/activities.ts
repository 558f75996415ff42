// Activities of the conformance scenarios. Their behaviour depends only on their input and attempt, so
// every server sees the same sequence of completions and failures.
import { Context } from '@temporalio/activity';

export async function echo(text: string): Promise<string> {
  return `echo: ${text}`;
}

/** Fails with a retryable error until attempt `succeedOn`, then returns the attempt number. */
export async function failUntil(succeedOn: number): Promise<number> {
  const attempt = Context.current().info.attempt;
  if (attempt < succeedOn) throw new Error(`attempt ${attempt} failed`);
  return attempt;
}

/** Sleeps longer than its start-to-close timeout; stops early if the worker cancels it. */
export async function sleepPastTimeout(ms: number): Promise<string> {
  await Context.current().sleep(ms);
  return 'slept';
}
