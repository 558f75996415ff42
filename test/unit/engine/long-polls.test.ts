// Goal: history long polls wait without work: two polls of the same run do not wake each other (a read
// is not news), a write wakes both, and both end when their deadline passes. Setup: the engine alone
// (EngineHarness) with a fake clock; the polls are GetWorkflowExecutionHistory with waitNewEvent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineHarness } from '../../helpers/engine-harness';
import { getWorkflowExecutionHistory } from '../../../src/engine/history-api';
import { signalWorkflowExecution } from '../../../src/engine/client-api';
import { encodeHistoryPageToken } from '../../../src/engine/task-history';

test('two long polls of one run wait quietly, are woken by a write, and end at their deadline', async () => {
  const h = await EngineHarness.start({ config: { historyLongPollMs: 20_000 } });
  try {
    const key = await h.startWorkflow('long-polled');
    const after = (nextEventId: number): Uint8Array => encodeHistoryPageToken({ runId: key.runId, nextEventId });
    let from = (await h.history(key)).length + 1;
    const poll = (): ReturnType<typeof getWorkflowExecutionHistory> =>
      getWorkflowExecutionHistory(
        h.engine,
        h.namespace,
        { execution: key, waitNewEvent: true, nextPageToken: after(from) },
        new AbortController().signal,
      );
    const polls = [poll(), poll()];
    await h.clock.settle();
    const before = h.engine.transactionCount;
    await h.clock.advance(5000);
    assert.equal(h.engine.transactionCount, before, 'no transactions while nothing happens');
    await signalWorkflowExecution(h.engine, h.namespace, {
      namespace: 'default',
      workflowExecution: key,
      signalName: 's',
    });
    const answered = await Promise.all(polls);
    for (const page of answered)
      assert.equal(page.history?.events?.[0]?.workflowExecutionSignaledEventAttributes?.signalName, 's');
    from = (await h.history(key)).length + 1;
    const quiet = [poll(), poll()];
    await h.clock.advance(20_000);
    for (const page of await Promise.all(quiet)) assert.equal(page.history?.events?.length, 0, 'empty at the deadline');
  } finally {
    await h.stop();
  }
});
