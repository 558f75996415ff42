// Goal: the `causeway workflow` commands that need a worker behave like the `temporal` CLI's: `execute`
// streams progress and prints the result (following Continue-As-New), a failed workflow exits 1 with its
// failure, and `query`, `signal` and `result` reach a running workflow.
// Setup: one in-process server and the shared SDK test environment; a TypeScript SDK worker runs the
// fixture workflows in this process while the CLI runs as a child process (`node bin/causeway.js ...`).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { startTestEnv, uniqueId, type TestEnv } from '../helpers/test-env';

const BIN_PATH = resolve(__dirname, '../../../bin/causeway.js');
const CLI_TIMEOUT_MS = 60_000;

let env: TestEnv;

interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const childEnv = { ...process.env, TEMPORAL_ADDRESS: env.server.address, TEMPORAL_NAMESPACE: 'default' };
    execFile(
      process.execPath,
      [BIN_PATH, ...args],
      { env: childEnv, timeout: CLI_TIMEOUT_MS },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolvePromise({ exitCode: code, stdout, stderr });
      },
    );
  });
}

async function runOk(args: readonly string[]): Promise<string> {
  const result = await runCli(args);
  assert.equal(result.exitCode, 0, `causeway ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

before(async () => {
  env = await startTestEnv();
});

after(async () => {
  await env?.stop();
});

test('workflow execute shows progress and the result', async () => {
  await env.withWorker(async (taskQueue) => {
    const workflowId = uniqueId('cli-execute');
    const text = await runOk([
      'workflow',
      'execute',
      '--type',
      'greeting',
      '-t',
      taskQueue,
      '-w',
      workflowId,
      '-i',
      '"CLI"',
    ]);
    assert.match(text, new RegExp(`Running execution:\\n {2}WorkflowId +${workflowId}\\n`));
    assert.match(text, /Progress:\n\s+ID\s+Time\s+Type\n\s+1\s+\S+\s+WorkflowExecutionStarted\n/);
    assert.match(text, /ActivityTaskCompleted/);
    assert.match(text, /WorkflowExecutionCompleted/);
    assert.match(
      text,
      /Results:\n {2}RunTime +\S+\n {2}Status +COMPLETED\n {2}Result +"Hello, CLI!"\n {2}ResultEncoding +json\/plain/,
    );

    const json = JSON.parse(
      await runOk([
        'workflow',
        'execute',
        '--type',
        'greeting',
        '-t',
        taskQueue,
        '-w',
        uniqueId(),
        '-i',
        '"JSON"',
        '-o',
        'json',
      ]),
    );
    assert.equal(json.status, 'COMPLETED');
    assert.equal(json.result, 'Hello, JSON!');
    assert.equal(json.type, 'greeting');
    assert.equal(json.taskQueue, taskQueue);
    assert.equal(json.closeEvent.eventType, 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
  });
});

test('workflow execute follows Continue-As-New to the last run', async () => {
  await env.withWorker(async (taskQueue) => {
    const text = await runOk([
      'workflow',
      'execute',
      '--type',
      'looping',
      '-t',
      taskQueue,
      '-w',
      uniqueId(),
      '-i',
      '0',
      '-i',
      '3',
    ]);
    assert.match(text, /WorkflowExecutionContinuedAsNew/);
    assert.match(text, /Status +COMPLETED\n {2}Result +3\n/);
  });
});

test('a failed workflow exits 1 and prints its failure', async () => {
  await env.withWorker(async (taskQueue) => {
    const result = await runCli([
      'workflow',
      'execute',
      '--type',
      'failing',
      '-t',
      taskQueue,
      '-w',
      uniqueId(),
      '-i',
      '"kaput"',
    ]);
    assert.equal(result.exitCode, 1);
    assert.match(result.stdout, /Status +FAILED/);
    assert.match(result.stdout, /Failure +kaput \(Boom\)/);
    assert.match(result.stderr, /Error: workflow failed/);
  });
});

test('query, signal and result reach a running workflow', async () => {
  await env.withWorker(async (taskQueue) => {
    const workflowId = uniqueId('cli-counter');
    await runOk(['workflow', 'start', '--type', 'counter', '-t', taskQueue, '-w', workflowId]);
    await runOk(['workflow', 'signal', '-w', workflowId, '--name', 'add', '-i', '2']);
    await runOk(['workflow', 'signal', '-w', workflowId, '--type', 'add', '-i', '3']);

    const text = await runOk(['workflow', 'query', '-w', workflowId, '--type', 'total']);
    assert.match(text, /Query result:\n {2}QueryResult +5\n/);
    const json = JSON.parse(await runOk(['workflow', 'query', '-w', workflowId, '--name', 'total', '-o', 'json']));
    assert.equal(Buffer.from(json.queryResult.payloads[0].data, 'base64').toString(), '5');

    const described = await runOk(['workflow', 'describe', '-w', workflowId]);
    assert.match(described, /Status +Running/);

    await runOk(['workflow', 'signal', '-w', workflowId, '--name', 'done']);
    const result = await runOk(['workflow', 'result', '-w', workflowId]);
    assert.match(result, /Status +COMPLETED\n {2}Result +5\n/);
    const resultJson = JSON.parse(await runOk(['workflow', 'result', '-w', workflowId, '-o', 'json']));
    assert.equal(resultJson.status, 'COMPLETED');
    assert.equal(resultJson.result, 5);
  });
});
