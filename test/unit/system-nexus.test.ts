// Goal: the command-time checks of operations on the built-in __temporal_system endpoint, as the Temporal
// server makes them: no Nexus header, only WorkflowService.SignalWithStartWorkflowExecution, an input
// that decodes (binary or JSON protobuf), the caller's namespace, no request id or links of its own, and
// the signal-with-start request's own checks. Setup: none (pure functions).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { temporal } from '@temporalio/proto';
import {
  SIGNAL_WITH_START,
  WORKFLOW_SERVICE,
  decodeSystemRequest,
  systemOperationError,
} from '../../src/engine/system-nexus';

const Request = temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionRequest;
const valid = {
  namespace: 'caller-ns',
  workflowId: 'target',
  workflowType: { name: 'Collector' },
  taskQueue: { name: 'tq' },
  signalName: 'add',
};

function binary(request: object): temporal.api.common.v1.IPayload {
  return {
    metadata: {
      encoding: Buffer.from('binary/protobuf'),
      messageType: Buffer.from('temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionRequest'),
    },
    data: Request.encode(Request.fromObject(request)).finish(),
  };
}

function command(input: temporal.api.common.v1.IPayload, extra: object = {}) {
  return { endpoint: '__temporal_system', service: WORKFLOW_SERVICE, operation: SIGNAL_WITH_START, input, ...extra };
}

describe('the __temporal_system endpoint at command time', () => {
  test('a valid signal-with-start passes, in binary or JSON protobuf', () => {
    assert.equal(systemOperationError('caller-ns', command(binary(valid))), undefined);
    const json = { metadata: { encoding: Buffer.from('json/protobuf') }, data: Buffer.from(JSON.stringify(valid)) };
    assert.equal(systemOperationError('caller-ns', command(json)), undefined);
    assert.equal(decodeSystemRequest(json).workflowId, 'target');
  });

  test('each bad command gets the Temporal server message', () => {
    const cases: [object, RegExp][] = [
      [command(binary(valid), { nexusHeader: { a: 'b' } }), /NexusHeader must be empty when using __temporal_system/],
      [command(binary(valid), { service: 'other' }), /service "other" not found/],
      [command(binary(valid), { operation: 'Start' }), /operation "Start" not found/],
      [
        command({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{}') }),
        /failed to decode input payload/,
      ],
      [
        command(binary({ ...valid, namespace: 'other-ns' })),
        /Namespace in request "other-ns" does not match namespace in context "caller-ns"/,
      ],
      [command(binary({ ...valid, requestId: 'mine' })), /RequestID should not be set on the request/],
      [
        command(binary({ ...valid, links: [{ workflow: { namespace: 'x' } }] })),
        /Links should not be set on the request/,
      ],
      [command(binary({ ...valid, workflowIdConflictPolicy: 1 })), /WORKFLOW_ID_CONFLICT_POLICY_FAIL is not supported/],
      [command(binary({ ...valid, workflowId: '' })), /WorkflowId is not set on request/],
      [command(binary({ ...valid, signalName: '' })), /SignalName is not set on request/],
    ];
    for (const [bad, message] of cases) assert.match(systemOperationError('caller-ns', bad) ?? '', message);
  });
});
