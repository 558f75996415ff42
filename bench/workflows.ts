// Workflows the benchmark runs.
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { echo } = proxyActivities<typeof activities>({ startToCloseTimeout: '10s' });

export async function oneActivity(input: string): Promise<string> {
  return await echo(input);
}
