// Goal: the `causeway` command line drives a real server over gRPC the way the `temporal` CLI does:
// namespaces are created, described, listed and updated; a workflow is started (no worker needed),
// described, listed, counted, signalled, terminated and its history shown; Nexus endpoints are created,
// described, listed, updated and deleted. JSON output parses and uses Temporal's proto3 JSON (enum names,
// camelCase), and `workflow show -o json` has the shape of an SDK replay history file. (Checked by shape:
// in this dependency tree @temporalio/common and @temporalio/proto each nest their own protobufjs 8, so
// historyFromJSON rejects every input with "type must be a Type".) Also checks help, usage errors and
// exit codes.
// Setup: one in-process server on a free port; every command runs as a child process
// (`node bin/causeway.js ...`) with TEMPORAL_ADDRESS pointing at it. Tests run in order and share state.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { startTestServer } from '../helpers/test-server';
import type { RunningServer } from '../../src/server-options';
import { eventually } from '../helpers/eventually';

const BIN_PATH = resolve(__dirname, '../../../bin/causeway.js');
const CLI_TIMEOUT_MS = 30_000;
const NAMESPACE = 'cli-test';
const WORKFLOW_ID = 'cli-workflow-1';
const TASK_QUEUE = 'cli-task-queue';
const WORKFLOW_TYPE = 'CliWorkflow';

let server: RunningServer;

interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const env = { ...process.env, TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: '' };
    execFile(process.execPath, [BIN_PATH, ...args], { env, timeout: CLI_TIMEOUT_MS }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolvePromise({ exitCode: code, stdout, stderr });
    });
  });
}

/** Runs a command that must succeed and returns its stdout. */
async function runOk(args: readonly string[]): Promise<string> {
  const result = await runCli(args);
  assert.equal(result.exitCode, 0, `causeway ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

async function runJson(args: readonly string[]): Promise<any> {
  const stdout = await runOk([...args, '-o', 'json']);
  return JSON.parse(stdout);
}

before(async () => {
  server = await startTestServer({ port: 0, headless: true });
});

after(async () => {
  await server.stop();
});

test('help and usage errors', async () => {
  const root = await runOk(['--help']);
  assert.match(root, /workflow/);
  assert.match(root, /operator/);
  const startHelp = await runOk(['workflow', 'start', '--help']);
  for (const flag of [
    '--workflow-id',
    '--type',
    '--task-queue',
    '--input',
    '--id-reuse-policy',
    '--address',
    '--output',
  ]) {
    assert.ok(startHelp.includes(flag), `start help lists ${flag}`);
  }
  const unknownFlag = await runCli(['workflow', 'list', '--bogus']);
  assert.equal(unknownFlag.exitCode, 1);
  assert.match(unknownFlag.stderr, /unknown flag: --bogus/);
  const unknownCommand = await runCli(['workflow', 'frobnicate']);
  assert.equal(unknownCommand.exitCode, 1);
  assert.match(unknownCommand.stderr, /unknown command "frobnicate"/);
  const missing = await runCli(['workflow', 'start', '--task-queue', TASK_QUEUE]);
  assert.equal(missing.exitCode, 1);
  assert.match(missing.stderr, /--type/);
});

test('operator namespace create, describe, list and update', async () => {
  const created = await runOk([
    'operator',
    'namespace',
    'create',
    '-n',
    NAMESPACE,
    '--retention',
    '3d',
    '--description',
    'made by the CLI test',
    '--email',
    'cli@example.com',
    '--data',
    'team=platform',
  ]);
  assert.match(created, new RegExp(`Namespace ${NAMESPACE} successfully registered`));

  const described = await runJson(['operator', 'namespace', 'describe', '-n', NAMESPACE]);
  assert.equal(described.namespaceInfo.name, NAMESPACE);
  assert.equal(described.namespaceInfo.description, 'made by the CLI test');
  assert.equal(described.namespaceInfo.ownerEmail, 'cli@example.com');
  assert.equal(described.namespaceInfo.state, 'NAMESPACE_STATE_REGISTERED');
  assert.equal(described.config.workflowExecutionRetentionTtl, '259200s');

  const text = await runOk(['operator', 'namespace', 'describe', NAMESPACE]);
  assert.match(text, /NamespaceInfo\.Name\s+cli-test/);
  assert.match(text, /Config\.WorkflowExecutionRetentionTtl\s+72h0m0s/);

  const listed = await runJson(['operator', 'namespace', 'list']);
  assert.ok(Array.isArray(listed));
  const names = listed.map((namespace: any) => namespace.namespaceInfo.name);
  assert.ok(names.includes('default'), `default in ${names.join(', ')}`);
  assert.ok(names.includes(NAMESPACE), `${NAMESPACE} in ${names.join(', ')}`);

  const updated = await runOk(['operator', 'namespace', 'update', '-n', NAMESPACE, '--description', 'updated']);
  assert.match(updated, /update succeeded/);
  const afterUpdate = await runJson(['operator', 'namespace', 'describe', '-n', NAMESPACE]);
  assert.equal(afterUpdate.namespaceInfo.description, 'updated');
  assert.equal(afterUpdate.config.workflowExecutionRetentionTtl, '259200s');
});

test('workflow start prints the running execution', async () => {
  const started = await runJson([
    'workflow',
    'start',
    '-n',
    NAMESPACE,
    '--type',
    WORKFLOW_TYPE,
    '-t',
    TASK_QUEUE,
    '-w',
    WORKFLOW_ID,
    '-i',
    '"hello"',
    '-i',
    '{"count":2}',
    '--memo',
    'owner="cli"',
    '--execution-timeout',
    '1h',
  ]);
  assert.equal(started.workflowId, WORKFLOW_ID);
  assert.equal(started.type, WORKFLOW_TYPE);
  assert.equal(started.namespace, NAMESPACE);
  assert.equal(started.taskQueue, TASK_QUEUE);
  assert.match(started.runId, /\S/);

  // Starting again without --fail-existing reports the run already going, as the temporal CLI does.
  const again = await runOk([
    'workflow',
    'start',
    '-n',
    NAMESPACE,
    '--type',
    WORKFLOW_TYPE,
    '-t',
    TASK_QUEUE,
    '-w',
    WORKFLOW_ID,
  ]);
  assert.match(again, /Running execution:/);
  assert.match(again, new RegExp(`RunId\\s+${started.runId}`));
  const failing = await runCli([
    'workflow',
    'start',
    '-n',
    NAMESPACE,
    '--type',
    WORKFLOW_TYPE,
    '-t',
    TASK_QUEUE,
    '-w',
    WORKFLOW_ID,
    '--fail-existing',
  ]);
  assert.equal(failing.exitCode, 1);
  assert.match(failing.stderr, /failed starting workflow/);

  const textStart = await runOk([
    'workflow',
    'start',
    '-n',
    NAMESPACE,
    '--type',
    WORKFLOW_TYPE,
    '-t',
    TASK_QUEUE,
    '-w',
    `${WORKFLOW_ID}-text`,
    '--address',
    server.address,
  ]);
  assert.match(
    textStart,
    /Running execution:\n {2}WorkflowId +cli-workflow-1-text\n {2}RunId +\S+\n {2}Type +CliWorkflow\n {2}Namespace +cli-test\n {2}TaskQueue +cli-task-queue/,
  );
});

test('workflow describe shows the execution', async () => {
  const described = await runJson(['workflow', 'describe', '-n', NAMESPACE, '-w', WORKFLOW_ID]);
  const info = described.workflowExecutionInfo;
  assert.equal(info.execution.workflowId, WORKFLOW_ID);
  assert.equal(info.type.name, WORKFLOW_TYPE);
  assert.equal(info.status, 'WORKFLOW_EXECUTION_STATUS_RUNNING');
  assert.equal(info.taskQueue, TASK_QUEUE);
  assert.match(info.startTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  assert.equal(described.executionConfig.workflowExecutionTimeout, '3600s');

  const text = await runOk(['workflow', 'describe', '-n', NAMESPACE, '-w', WORKFLOW_ID]);
  assert.match(text, /Execution Info:/);
  assert.match(text, /Status\s+Running/);
  assert.match(text, /Memo\s+\{"owner":"cli"\}/);
  assert.match(text, /Pending Activities: 0/);
});

test('workflow list and count find the execution', async () => {
  await eventually(async () => {
    const listed = await runJson(['workflow', 'list', '-n', NAMESPACE]);
    const ids = listed.map((info: any) => info.execution.workflowId);
    assert.ok(ids.includes(WORKFLOW_ID), `${WORKFLOW_ID} in ${ids.join(', ')}`);
    return true;
  });
  const lines = (await runOk(['workflow', 'list', '-n', NAMESPACE, '-o', 'jsonl'])).trim().split('\n');
  assert.equal(lines.length, 2);
  for (const line of lines) assert.equal(JSON.parse(line).status, 'WORKFLOW_EXECUTION_STATUS_RUNNING');
  const limited = await runJson(['workflow', 'list', '-n', NAMESPACE, '--limit', '1']);
  assert.equal(limited.length, 1);
  const table = await runOk(['workflow', 'list', '-n', NAMESPACE]);
  assert.match(table, /Status\s+WorkflowId\s+Type\s+StartTime/);
  assert.match(table, /Running\s+cli-workflow-1\s+CliWorkflow/);

  const counted = await runJson(['workflow', 'count', '-n', NAMESPACE]);
  assert.equal(counted.count, '2');
  assert.match(await runOk(['workflow', 'count', '-n', NAMESPACE]), /^Total: 2$/m);
  const filtered = await runJson(['workflow', 'count', '-n', NAMESPACE, '-q', `WorkflowId = '${WORKFLOW_ID}'`]);
  assert.equal(filtered.count, '1');
});

test('workflow signal adds a signal event with the input payload', async () => {
  const signalled = await runOk([
    'workflow',
    'signal',
    '-n',
    NAMESPACE,
    '-w',
    WORKFLOW_ID,
    '--name',
    'cli-signal',
    '-i',
    '{"x":1}',
  ]);
  assert.match(signalled, /Signal workflow succeeded/);
  const history = await runJson(['workflow', 'show', '-n', NAMESPACE, '-w', WORKFLOW_ID]);
  const signal = history.events.find((event: any) => event.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED');
  assert.ok(signal, 'a signaled event');
  const attributes = signal.workflowExecutionSignaledEventAttributes;
  assert.equal(attributes.signalName, 'cli-signal');
  const payload = attributes.input.payloads[0];
  assert.equal(Buffer.from(payload.metadata.encoding, 'base64').toString(), 'json/plain');
  assert.equal(Buffer.from(payload.data, 'base64').toString(), '{"x":1}');
});

test('workflow terminate closes it; result and show report the termination', async () => {
  const terminated = await runOk([
    'workflow',
    'terminate',
    '-n',
    NAMESPACE,
    '-w',
    WORKFLOW_ID,
    '--reason',
    'cli test done',
  ]);
  assert.match(terminated, /Workflow terminated/);

  const described = await runJson(['workflow', 'describe', '-n', NAMESPACE, '-w', WORKFLOW_ID]);
  assert.equal(described.workflowExecutionInfo.status, 'WORKFLOW_EXECUTION_STATUS_TERMINATED');

  const result = await runCli(['workflow', 'result', '-n', NAMESPACE, '-w', WORKFLOW_ID]);
  assert.equal(result.exitCode, 1);
  assert.match(result.stdout, /Status\s+TERMINATED/);
  assert.match(result.stderr, /workflow failed/);

  const text = await runOk(['workflow', 'show', '-n', NAMESPACE, '-w', WORKFLOW_ID]);
  assert.match(text, /ID\s+Time\s+Type/);
  assert.match(text, /^\s+1\s+\S+Z\s+WorkflowExecutionStarted$/m);
  assert.match(text, /WorkflowExecutionSignaled/);
  assert.match(text, /WorkflowExecutionTerminated/);
  assert.match(text, /Results:\n\s+Status\s+TERMINATED/);

  const json = await runJson(['workflow', 'show', '-n', NAMESPACE, '-w', WORKFLOW_ID]);
  const events = json.events;
  assert.equal(events[0].eventId, '1');
  assert.equal(events[0].eventType, 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
  assert.equal(events[0].workflowExecutionStartedEventAttributes.workflowType.name, WORKFLOW_TYPE);
  assert.equal(events.at(-1).workflowExecutionTerminatedEventAttributes.reason, 'cli test done');
  // The shape SDK replayers read (historyFromJSON): ids as strings, RFC 3339 times, full enum names and
  // exactly one attributes field per event.
  for (const event of events) {
    assert.match(event.eventId, /^\d+$/);
    assert.match(event.eventTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    assert.match(event.eventType, /^EVENT_TYPE_[A-Z_]+$/);
    assert.equal(Object.keys(event).filter((key) => key.endsWith('EventAttributes')).length, 1);
  }
});

test('operator nexus endpoint create, describe, list, update and delete', async () => {
  const name = 'cli-endpoint';
  const created = await runOk([
    'operator',
    'nexus',
    'endpoint',
    'create',
    '--name',
    name,
    '--target-namespace',
    NAMESPACE,
    '--target-task-queue',
    'nexus-queue',
    '--description',
    'first',
    '--allow-namespace',
    NAMESPACE,
    '--allow-namespace',
    'default',
  ]);
  assert.match(created, /Endpoint cli-endpoint successfully created/);

  const described = await runJson(['operator', 'nexus', 'endpoint', 'describe', '--name', name]);
  assert.equal(described.spec.name, name);
  assert.deepEqual(described.spec.target, { worker: { namespace: NAMESPACE, taskQueue: 'nexus-queue' } });
  assert.equal(Buffer.from(described.spec.description.data, 'base64').toString(), '"first"');

  const listed = await runJson(['operator', 'nexus', 'endpoint', 'list']);
  assert.ok(listed.some((endpoint: any) => endpoint.spec.name === name));

  await runOk([
    'operator',
    'nexus',
    'endpoint',
    'update',
    '--name',
    name,
    '--target-task-queue',
    'other-queue',
    '--unset-description',
  ]);
  const text = await runOk(['operator', 'nexus', 'endpoint', 'get', '--name', name]);
  assert.match(text, /Target\.Worker\.TaskQueue\s+other-queue/);
  assert.match(text, /Target\.Worker\.Namespace\s+cli-test/);

  const deleted = await runOk(['operator', 'nexus', 'endpoint', 'delete', '--name', name]);
  assert.match(deleted, /successfully deleted/);
  const missing = await runCli(['operator', 'nexus', 'endpoint', 'describe', '--name', name]);
  assert.equal(missing.exitCode, 1);
  assert.match(missing.stderr, /endpoint not found/);
});
