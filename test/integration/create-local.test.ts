// Goal: `causeway server start-dev` accepts the flags of `temporal server start-dev`, so the SDK's
// TestWorkflowEnvironment.createLocal() runs it through the `existing-path` executable option with no
// download, and workflows run against it. Setup: the package's bin/causeway.js as the executable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../helpers/test-env';
import * as activities from '../fixtures/activities';

test('TestWorkflowEnvironment.createLocal runs causeway as an existing-path executable', async () => {
  const executable = path.join(__dirname, '..', '..', '..', 'bin', 'causeway.js');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: executable },
      namespace: 'local-env-ns',
      searchAttributes: [],
    },
  });
  try {
    const taskQueue = `local-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: 'local-env-ns',
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities,
    });
    const result = await worker.runUntil(
      env.client.workflow.execute('greeting', { taskQueue, workflowId: randomUUID(), args: ['local'] }),
    );
    assert.equal(result, 'Hello, local!');
    const description = await env.client.connection.workflowService.describeNamespace({ namespace: 'local-env-ns' });
    assert.equal(description.namespaceInfo?.name, 'local-env-ns');
  } finally {
    await env.teardown();
  }
});
