// "Loses no data": workflows started through the official client before fuzzing, in the `default`
// namespace (the fuzzer aims at `fuzz`), must all be there and describable after it, and the server
// must still start a new one. It also makes what the fuzzer aims at: runs, a task queue and a Nexus
// endpoint in `fuzz`.
import { Client, Connection } from '@temporalio/client';

const KEPT_WORKFLOWS = 3;
const FUZZ_WORKFLOWS = 4;
export const FUZZ_TASK_QUEUE = 'fuzz-tq';
const FUZZ_ENDPOINT = 'fuzz-endpoint';

export interface SeededData {
  readonly keptWorkflowIds: readonly string[];
  readonly fuzzWorkflowIds: readonly string[];
  readonly endpointId: string;
}

async function withClient<T>(address: string, namespace: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address });
  try {
    return await fn(new Client({ connection, namespace }));
  } finally {
    await connection.close();
  }
}

export async function seedData(address: string): Promise<SeededData> {
  const keptWorkflowIds = Array.from({ length: KEPT_WORKFLOWS }, (_, i) => `keep-${i}`);
  const fuzzWorkflowIds = Array.from({ length: FUZZ_WORKFLOWS }, (_, i) => `fuzz-${i}`);
  await withClient(address, 'default', async (client) => {
    for (const workflowId of keptWorkflowIds)
      await client.workflow.start('Kept', { taskQueue: 'keep-tq', workflowId, args: [{ id: workflowId }] });
  });
  const endpointId = await withClient(address, 'fuzz', async (client) => {
    for (const workflowId of fuzzWorkflowIds)
      await client.workflow.start('Fuzzed', { taskQueue: FUZZ_TASK_QUEUE, workflowId, args: [workflowId] });
    const created = await client.connection.operatorService.createNexusEndpoint({
      spec: {
        name: FUZZ_ENDPOINT,
        target: { worker: { namespace: 'fuzz', taskQueue: FUZZ_TASK_QUEUE } },
      },
    });
    return created.endpoint?.id ?? '';
  });
  return { keptWorkflowIds, fuzzWorkflowIds, endpointId };
}

/** What is missing or wrong after fuzzing; empty when every kept run is there and a new one starts. */
export async function checkData(address: string, seeded: SeededData): Promise<string[]> {
  return withClient(address, 'default', async (client) => {
    const problems: string[] = [];
    for (const workflowId of seeded.keptWorkflowIds) {
      try {
        const description = await client.workflow.getHandle(workflowId).describe();
        if (description.status.name !== 'RUNNING')
          problems.push(`${workflowId} is ${description.status.name}, not RUNNING`);
      } catch (error) {
        problems.push(`${workflowId} cannot be described: ${String(error)}`);
      }
    }
    try {
      const handle = await client.workflow.start('AfterFuzz', { taskQueue: 'keep-tq', workflowId: 'after-fuzz' });
      await handle.describe();
    } catch (error) {
      problems.push(`a new workflow does not start: ${String(error)}`);
    }
    return problems;
  });
}
