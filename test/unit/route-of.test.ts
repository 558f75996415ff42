// Goal: every routed WorkflowService method finds its route key in the request's real field (a wrong
// field name would serve the request where it arrived, on a process that does not own its shard).
// Setup: requests built from the protos with protobufjs, as the gRPC server decodes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { protoRoot } from '../../src/common/proto';
import { encodeTaskToken } from '../../src/engine/tasks';
import { isRouted, routeOf } from '../../src/api/forwarding/route-of';

const OPERATOR_METHODS = new Set(['CreateNexusEndpoint', 'AddSearchAttributes']);

function request(method: string, value: object): unknown {
  const service = OPERATOR_METHODS.has(method) ? 'operatorservice' : 'workflowservice';
  const type = protoRoot.lookupType(`temporal.api.${service}.v1.${method}Request`);
  return type.decode(type.encode(type.fromObject(value)).finish());
}

const execution = { workflowId: 'wf' };
const byRun = { kind: 'run', namespace: 'ns', isNamespaceId: false, workflowId: 'wf' };
const byQueue = { kind: 'task-queue', namespace: 'ns', taskQueue: 'tq' };

const cases: [string, object, object][] = [
  ['StartWorkflowExecution', { namespace: 'ns', workflowId: 'wf' }, byRun],
  ['SignalWithStartWorkflowExecution', { namespace: 'ns', workflowId: 'wf' }, byRun],
  ['ExecuteMultiOperation', { namespace: 'ns', operations: [{ startWorkflow: { workflowId: 'wf' } }] }, byRun],
  ['SignalWorkflowExecution', { namespace: 'ns', workflowExecution: execution }, byRun],
  ['RequestCancelWorkflowExecution', { namespace: 'ns', workflowExecution: execution }, byRun],
  ['TerminateWorkflowExecution', { namespace: 'ns', workflowExecution: execution }, byRun],
  ['DescribeWorkflowExecution', { namespace: 'ns', execution }, byRun],
  ['GetWorkflowExecutionHistory', { namespace: 'ns', execution }, byRun],
  ['GetWorkflowExecutionHistoryReverse', { namespace: 'ns', execution }, byRun],
  ['QueryWorkflow', { namespace: 'ns', execution }, byRun],
  ['ResetStickyTaskQueue', { namespace: 'ns', execution }, byRun],
  ['ResetWorkflowExecution', { namespace: 'ns', workflowExecution: execution }, byRun],
  ['DeleteWorkflowExecution', { namespace: 'ns', workflowExecution: execution }, byRun],
  ['UpdateWorkflowExecution', { namespace: 'ns', workflowExecution: execution }, byRun],
  ['PollWorkflowExecutionUpdate', { namespace: 'ns', updateRef: { workflowExecution: execution } }, byRun],
  ['UpdateActivityOptions', { namespace: 'ns', execution, id: 'a' }, byRun],
  ['PauseActivity', { namespace: 'ns', execution, id: 'a' }, byRun],
  ['UnpauseActivity', { namespace: 'ns', execution, type: 'T' }, byRun],
  ['ResetActivity', { namespace: 'ns', execution, matchAll: true }, byRun],
  ['PauseActivityExecution', { namespace: 'ns', workflowId: 'wf', activityId: 'a' }, byRun],
  ['UnpauseActivityExecution', { namespace: 'ns', workflowId: 'wf', activityId: 'a' }, byRun],
  ['ResetActivityExecution', { namespace: 'ns', workflowId: 'wf', activityId: 'a' }, byRun],
  ['UpdateActivityExecutionOptions', { namespace: 'ns', workflowId: 'wf', activityId: 'a' }, byRun],
  ['RecordActivityTaskHeartbeatById', { namespace: 'ns', workflowId: 'wf' }, byRun],
  ['RespondActivityTaskCompletedById', { namespace: 'ns', workflowId: 'wf' }, byRun],
  ['RespondActivityTaskFailedById', { namespace: 'ns', workflowId: 'wf' }, byRun],
  ['RespondActivityTaskCanceledById', { namespace: 'ns', workflowId: 'wf' }, byRun],
  ['PollWorkflowTaskQueue', { namespace: 'ns', taskQueue: { name: 'tq' } }, byQueue],
  ['PollActivityTaskQueue', { namespace: 'ns', taskQueue: { name: 'tq' } }, byQueue],
  ['PollNexusTaskQueue', { namespace: 'ns', taskQueue: { name: 'tq' } }, byQueue],
  ['DescribeTaskQueue', { namespace: 'ns', taskQueue: { name: 'tq' } }, byQueue],
  ['ShutdownWorker', { namespace: 'ns', stickyTaskQueue: 'tq' }, byQueue],
  ['CreateNexusEndpoint', {}, { kind: 'registry' }],
  ['AddSearchAttributes', { namespace: 'ns' }, { kind: 'registry' }],
];

test('each routed method reads its route key from the field the proto names', () => {
  for (const [method, value, expected] of cases) {
    assert.ok(isRouted(method), method);
    assert.deepEqual(routeOf(method, request(method, value)), expected, method);
  }
});

test('task tokens route to the run (by namespace id) or to the member that dispatched a Nexus task', () => {
  const workflowToken = encodeTaskToken({ k: 'wft', ns: 'ns-id', w: 'wf', r: 'run', s: 3, st: 4, a: 1 });
  for (const method of ['RespondWorkflowTaskCompleted', 'RespondWorkflowTaskFailed']) {
    assert.deepEqual(routeOf(method, request(method, { namespace: 'ns', taskToken: workflowToken })), {
      kind: 'run',
      namespace: 'ns-id',
      isNamespaceId: true,
      workflowId: 'wf',
    });
  }
  const activityToken = encodeTaskToken({ k: 'act', ns: 'ns-id', w: 'wf', r: 'run', s: 5, a: 1, id: 'a1' });
  assert.equal(
    routeOf('RespondActivityTaskCompleted', request('RespondActivityTaskCompleted', { taskToken: activityToken }))
      ?.kind,
    'run',
  );
  const nexusToken = encodeTaskToken({ k: 'nx', ns: 'ns-id', t: 'task', m: 'member-1' });
  assert.deepEqual(
    routeOf('RespondNexusTaskCompleted', request('RespondNexusTaskCompleted', { taskToken: nexusToken })),
    {
      kind: 'member',
      memberId: 'member-1',
    },
  );
});

test('namespaces, visibility and endpoints go to the holder of the registry shard; system info stays where it arrives', () => {
  for (const method of [
    'ListWorkflowExecutions',
    'CountWorkflowExecutions',
    'DescribeNamespace',
    'RegisterNamespace',
    'UpdateNamespace',
    'ListNexusEndpoints',
    'GetNexusEndpoint',
    'GetSearchAttributes',
  ]) {
    assert.deepEqual(routeOf(method, { namespace: 'ns' }), { kind: 'registry' }, method);
  }
});

test('requests that cannot be routed, and methods that describe the process, stay where they arrive', () => {
  assert.equal(routeOf('StartWorkflowExecution', request('StartWorkflowExecution', { namespace: 'ns' })), undefined);
  assert.equal(
    routeOf(
      'RespondWorkflowTaskCompleted',
      request('RespondWorkflowTaskCompleted', { taskToken: Buffer.from('junk') }),
    ),
    undefined,
  );
  for (const method of ['GetSystemInfo', 'GetClusterInfo', 'Check']) {
    assert.equal(isRouted(method), false, method);
    assert.equal(routeOf(method, {}), undefined, method);
  }
});

test('every method that names a standalone operation or activity by id goes to its run', () => {
  const service = protoRoot.lookupService('temporal.api.workflowservice.v1.WorkflowService');
  const byId = { operationId: 'op', activityId: 'a' };
  let checked = 0;
  for (const method of Object.keys(service.methods)) {
    const type = protoRoot.lookupType(`temporal.api.workflowservice.v1.${method}Request`);
    const field = Object.keys(byId).find((name) => type.fields[name] !== undefined) as keyof typeof byId | undefined;
    if (field === undefined) continue;
    const route = routeOf(method, request(method, { namespace: 'ns', [field]: byId[field] }));
    assert.equal(route?.kind, 'run', `${method} is not routed to the run of its ${field}`);
    checked += 1;
  }
  assert.ok(checked >= 14, `only ${checked} methods name a standalone execution`);
});
