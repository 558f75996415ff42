// Goal: an audited request's event is in the store before the request is served. If it cannot be written
// the request is refused with UNAVAILABLE and nothing changes; if the change is made but its outcome cannot
// be written (as when the process dies between the two), the event stays "pending", so no change goes
// unrecorded. Setup: start-dev on a SQLite file; the test makes the store refuse audit writes by adding a
// trigger to the file from a second connection (the server's statements see the new schema at once).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { status } from '@grpc/grpc-js';
import { Connection } from '@temporalio/client';
import { startTestEnv, type TestEnv } from '../helpers/test-env';

let env: TestEnv;
let db: Database.Database;
let directory: string;

before(async () => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'causeway-audit-'));
  const dbFilename = path.join(directory, 'causeway.db');
  env = await startTestEnv({ dbFilename });
  db = new Database(dbFilename);
});

after(async () => {
  db.close();
  await env.stop();
  fs.rmSync(directory, { recursive: true, force: true });
});

const events = (target: string) =>
  db.prepare('SELECT action, outcome, detail FROM audit_events WHERE target = ? ORDER BY id').all(target);

async function startWaiting(workflowId: string) {
  return env.client.workflow.start('NeverPolled', { taskQueue: `nobody-${workflowId}`, workflowId });
}

test('a terminate whose audit event cannot be written is refused and the run goes on', async () => {
  const handle = await startWaiting('audit-refused');
  db.exec(`CREATE TRIGGER no_audit BEFORE INSERT ON audit_events BEGIN SELECT RAISE(FAIL, 'audit disk full'); END`);
  // A connection without the SDK's retries, which would retry UNAVAILABLE for many seconds.
  const once = await Connection.connect({ address: env.server.address, interceptors: [] });
  try {
    await assert.rejects(
      once.workflowService.terminateWorkflowExecution({
        namespace: 'default',
        workflowExecution: { workflowId: 'audit-refused' },
        reason: 'stop it',
      }),
      (error: Error & { code?: number }) => {
        assert.equal(error.code, status.UNAVAILABLE);
        assert.match(error.message, /the audit log could not be written, so the request was not served/);
        return true;
      },
    );
  } finally {
    await once.close();
    db.exec('DROP TRIGGER no_audit');
  }
  assert.equal((await handle.describe()).status.name, 'RUNNING');
  assert.deepEqual(events('audit-refused'), []);
  await handle.terminate('now it may');
  assert.equal((await handle.describe()).status.name, 'TERMINATED');
  assert.deepEqual(events('audit-refused'), [{ action: 'TerminateWorkflowExecution', outcome: 'ok', detail: '' }]);
});

test('a change whose outcome cannot be written stays in the log as pending', async () => {
  const handle = await startWaiting('audit-pending');
  db.exec(`CREATE TRIGGER no_settle BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(FAIL, 'audit disk full'); END`);
  try {
    await handle.terminate('the change is made');
  } finally {
    db.exec('DROP TRIGGER no_settle');
  }
  assert.equal((await handle.describe()).status.name, 'TERMINATED');
  assert.deepEqual(events('audit-pending'), [{ action: 'TerminateWorkflowExecution', outcome: 'pending', detail: '' }]);
});

test('a refused change is settled with its error', async () => {
  await assert.rejects(env.client.workflow.getHandle('audit-missing').terminate());
  assert.deepEqual(
    events('audit-missing').map((e) => (e as { outcome: string }).outcome),
    ['not-found'],
  );
});
