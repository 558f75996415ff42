// What a scenario records of executions that have no history of their own (standalone Nexus operations
// and activities): their describe responses in proto3 JSON, normalised like histories by the runner.
import type { Client } from '@temporalio/client';
import { protoJson } from './normalise';

const EVENTUALLY_TIMEOUT_MS = 30_000;
const EVENTUALLY_INTERVAL_MS = 50;

/** Resolves once `isDone` holds; fails with `message` after 30 s. */
export async function eventually(isDone: () => boolean, message: string): Promise<void> {
  const deadlineMs = Date.now() + EVENTUALLY_TIMEOUT_MS;
  while (!isDone()) {
    if (Date.now() > deadlineMs) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, EVENTUALLY_INTERVAL_MS));
  }
}

/** DescribeActivityExecution of a standalone activity, with its input and outcome. */
export async function activityExecutionJson(client: Client, activityId: string): Promise<unknown> {
  const response = await client.connection.workflowService.describeActivityExecution({
    namespace: client.options.namespace,
    activityId,
    includeInput: true,
    includeOutcome: true,
  });
  return protoJson('temporal.api.workflowservice.v1.DescribeActivityExecutionResponse', response);
}

/** DescribeNexusOperationExecution of a standalone Nexus operation, with its input and outcome. */
export async function nexusOperationJson(client: Client, operationId: string): Promise<unknown> {
  const response = await client.connection.workflowService.describeNexusOperationExecution({
    namespace: client.options.namespace,
    operationId,
    includeInput: true,
    includeOutcome: true,
  });
  return protoJson('temporal.api.workflowservice.v1.DescribeNexusOperationExecutionResponse', response);
}
