// Workflows the benchmark runs.
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type * as activities from './activities';

const { echo } = proxyActivities<typeof activities>({ startToCloseTimeout: '10s' });

export async function oneActivity(input: string): Promise<string> {
  return await echo(input);
}

export const releaseSignal = defineSignal('release');

/** Stays open until released: an open workflow that waits, as most open workflows do. */
export async function waitForRelease(): Promise<string> {
  let isReleased = false;
  setHandler(releaseSignal, () => void (isReleased = true));
  await condition(() => isReleased);
  return 'released';
}
