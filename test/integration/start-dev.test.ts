// Goal: `causeway server start-dev` as a process: it answers gRPC, stops cleanly (exit 0) on SIGTERM and
// SIGINT, and with --db-filename what was written survives a restart. The CLI's `workflow cancel`,
// `--description-file` and endpoint list paging work against it.
// Setup: start-dev spawned from bin/causeway.js on a free port with a temporary database file; CLI
// commands as child processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { eventually } from '../helpers/eventually';
import { freePortBlock } from '../helpers/free-ports';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'causeway.js');
const run = promisify(execFile);

async function startDev(port: number, dbFilename: string): Promise<ReturnType<typeof spawn>> {
  const child = spawn(
    process.execPath,
    [BIN, 'server', 'start-dev', '--headless', '--port', String(port), '--db-filename', dbFilename, '-n', 'extra-ns'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(() => output.includes('Server:'), { timeoutMs: 15_000 });
  return child;
}

async function stop(child: ReturnType<typeof spawn>, signal: NodeJS.Signals): Promise<number | null> {
  const exited = once(child, 'exit');
  child.kill(signal);
  const [code] = (await exited) as [number | null];
  return code;
}

test('start-dev stops cleanly on SIGTERM and SIGINT, keeps its database, and serves the CLI', async () => {
  const dbFilename = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'causeway-start-dev-')), 'causeway.db');
  const port = await freePortBlock();
  const address = `127.0.0.1:${port}`;
  const cli = (...args: string[]) => run(process.execPath, [BIN, ...args, '--address', address]);

  const first = await startDev(port, dbFilename);
  try {
    await cli('workflow', 'start', '--type', 'Anything', '--task-queue', 'nobody', '--workflow-id', 'to-cancel');
    await cli('workflow', 'cancel', '--workflow-id', 'to-cancel');
    const descriptionFile = path.join(path.dirname(dbFilename), 'description.md');
    fs.writeFileSync(descriptionFile, '# Orders\nThe order service.');
    for (const name of ['ep-one', 'ep-two', 'ep-three']) {
      await cli(
        'operator',
        'nexus',
        'endpoint',
        'create',
        '--name',
        name,
        '--target-namespace',
        'extra-ns',
        '--target-task-queue',
        'tq',
        '--description-file',
        descriptionFile,
      );
    }
  } finally {
    assert.equal(await stop(first, 'SIGTERM'), 0, 'SIGTERM exits 0');
  }

  const second = await startDev(port, dbFilename);
  try {
    const connection = await Connection.connect({ address });
    const history = await connection.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId: 'to-cancel' },
    });
    assert.ok(
      history.history?.events?.some((e) => e.eventType === 20),
      'the CLI cancel request survived the restart',
    );
    const names: string[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await connection.operatorService.listNexusEndpoints({
        pageSize: 1,
        ...(nextPageToken ? { nextPageToken } : {}),
      });
      assert.ok((page.endpoints?.length ?? 0) <= 1);
      names.push(...(page.endpoints ?? []).map((e) => e.spec?.name ?? ''));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    assert.deepEqual(names.sort(), ['ep-one', 'ep-three', 'ep-two']);
    const [first] = (await connection.operatorService.listNexusEndpoints({ name: 'ep-one' })).endpoints ?? [];
    assert.match(Buffer.from(first?.spec?.description?.data ?? []).toString(), /The order service/);
    await connection.close();
  } finally {
    assert.equal(await stop(second, 'SIGINT'), 0, 'SIGINT exits 0');
  }
});

test('SIGTERM stops start-dev while a client waits on a workflow result (a history long poll)', async () => {
  const dbFilename = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'causeway-start-dev-')), 'causeway.db');
  const port = await freePortBlock();
  const server = await startDev(port, dbFilename);
  const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
  try {
    const client = new Client({ connection, namespace: 'default' });
    const handle = await client.workflow.start('NoWorkerPolls', {
      taskQueue: 'nobody',
      workflowId: `result-${Date.now()}`,
    });
    // What `handle.result()` and `temporal workflow result` send: a long poll for the close event.
    // (A deadline of its own: the client retries UNAVAILABLE, and the server is gone.)
    const longPoll = connection
      .withDeadline(Date.now() + 3000, () =>
        connection.workflowService.getWorkflowExecutionHistory({
          namespace: 'default',
          execution: { workflowId: handle.workflowId },
          waitNewEvent: true,
          historyEventFilterType: temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
        }),
      )
      .then(
        () => 'answered',
        () => 'failed',
      );
    await connection.workflowService.getSystemInfo({});
    const started = performance.now();
    assert.equal(await stop(server, 'SIGTERM'), 0, 'exits 0');
    assert.ok(performance.now() - started < 5000, 'without waiting out the long poll');
    assert.ok(['answered', 'failed'].includes(await longPoll), 'the long poll ended with the server');
  } finally {
    await connection.close();
  }
});
