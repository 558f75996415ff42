// Goal: a schedule misses no action and takes none twice across a SIGKILL: a schedule firing every
// second, with the server killed and restarted a little later on the same database, has started one
// workflow for every second from its first action to its last (the seconds it was down caught up), and
// its action count equals the workflows it started. Setup: the server runs as a child process on a
// SQLite file (test/helpers/server-process), killed with SIGKILL and restarted on the same file and
// port; time is real and the run is kept to a few seconds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import { uniqueId } from '../helpers/test-env';
import { eventually } from '../helpers/eventually';
import { spawnServer, type ServerProcess } from '../helpers/server-process';

/** How long the server stays down: a few of the schedule's seconds come due meanwhile. */
const DOWN_MS = 2500;

describe('schedules across a SIGKILL', () => {
  let directory: string;
  const servers: ServerProcess[] = [];
  before(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'causeway-schedule-durability-'));
  });
  after(async () => {
    for (const server of servers) await server.kill();
    await rm(directory, { recursive: true, force: true });
  });

  async function connect(server: ServerProcess): Promise<{ client: Client; close: () => Promise<void> }> {
    const connection = await Connection.connect({ address: server.address });
    return { client: new Client({ connection, namespace: 'default' }), close: () => connection.close() };
  }

  test('a schedule firing every second takes each action exactly once across a kill and restart', async () => {
    const db = path.join(directory, 'schedule.db');
    const scheduleId = uniqueId('sched');
    const first = await spawnServer(0, db);
    servers.push(first);
    let session = await connect(first);
    const handle = await session.client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '1s' }] },
      // Nobody polls this queue: the workflows stay open, and only their starts are counted.
      action: {
        type: 'startWorkflow',
        workflowType: 'greeting',
        taskQueue: `nobody-${scheduleId}`,
        workflowId: scheduleId,
      },
      policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL },
    });
    await eventually(async () => ((await handle.describe()).info.numActionsTaken >= 2 ? true : undefined));
    await session.close();
    await first.kill();
    await sleep(DOWN_MS);

    const second = await spawnServer(first.port, db);
    servers.push(second);
    session = await connect(second);
    const reopened = session.client.schedule.getHandle(scheduleId);
    const before = await reopened.describe();
    const described = await eventually(
      async () => {
        const d = await reopened.describe();
        return d.info.numActionsTaken >= before.info.numActionsTaken + 5 ? d : undefined;
      },
      { timeoutMs: 20_000 },
    );
    await reopened.pause('stop counting');
    // Once paused, the count and the started workflows agree (an action in flight may still land).
    const { settled, seconds } = await eventually(async () => {
      const listed: number[] = [];
      const query = `TemporalScheduledById = '${scheduleId}'`;
      for await (const execution of session.client.workflow.list({ query })) {
        listed.push(Date.parse(execution.workflowId.slice(scheduleId.length + 1)) / 1000);
      }
      const d = await reopened.describe();
      return d.info.numActionsTaken === listed.length && listed.length >= described.info.numActionsTaken
        ? { settled: d, seconds: listed.sort((a, b) => a - b) }
        : undefined;
    });
    assert.equal(new Set(seconds).size, seconds.length, 'a second was started twice');
    const firstSecond = seconds[0] ?? 0;
    assert.deepEqual(
      seconds,
      seconds.map((_, i) => firstSecond + i),
      'a second was missed',
    );
    assert.equal(settled.info.numActionsTaken, seconds.length);
    assert.equal(settled.info.numActionsMissedCatchupWindow, 0);
    await session.close();
    await second.kill();
  });
});
