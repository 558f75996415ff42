// Goal: the pure pieces of the Nexus machinery behave as specified: the circuit breaker's modes, the one
// classification of handler replies (retry / fail / succeed, breaker accounting), the retry schedule, and
// link conversion in both directions. Setup: a fake clock; no server.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CircuitBreakers } from '../../src/nexus/circuit-breaker';
import {
  classifyCancelReply,
  classifyStartReply,
  countsAgainstBreaker,
  handlerErrorFailure,
  isRetryableHandlerFailure,
} from '../../src/nexus/handler-outcome';
import { nextNexusRetryDelayMs, NEXUS_RETRY_MAXIMUM_INTERVAL_MS } from '../../src/nexus/retry';
import { nexusLinkToWorkflowEvent, workflowEventLinkToNexus } from '../../src/nexus/links';
import { long, temporal } from '../../src/common/proto';

import { FakeClock } from '../helpers/fake-clock';

function fakeClock(): FakeClock {
  return new FakeClock();
}

describe('circuit breaker', () => {
  test('stays closed up to the threshold, opens past it, lets one trial through after the cool-down', async () => {
    const clock = fakeClock();
    const breakers = new CircuitBreakers(clock, { failuresToTrip: 2, openMs: 1000 });
    for (let i = 0; i < 2; i++) {
      assert.equal(breakers.tryAcquire('k').allowed, true);
      breakers.recordFailure('k');
    }
    assert.equal(breakers.isOpen('k'), false, 'two failures do not exceed the threshold of 2');
    breakers.recordFailure('k');
    assert.equal(breakers.isOpen('k'), true);
    const refused = breakers.tryAcquire('k');
    assert.equal(refused.allowed, false);
    await clock.advance(1000);
    assert.equal(breakers.tryAcquire('k').allowed, true, 'half-open: one trial');
    assert.equal(breakers.tryAcquire('k').allowed, false, 'only one trial at a time');
    breakers.recordSuccess('k');
    assert.equal(breakers.tryAcquire('k').allowed, true, 'a good trial closes it');
  });

  test('a failed trial opens it again; breakers are independent per key', async () => {
    const clock = fakeClock();
    const breakers = new CircuitBreakers(clock, { failuresToTrip: 0, openMs: 500 });
    breakers.recordFailure('a');
    assert.equal(breakers.isOpen('a'), true);
    assert.equal(breakers.tryAcquire('b').allowed, true);
    await clock.advance(500);
    assert.equal(breakers.tryAcquire('a').allowed, true);
    breakers.recordFailure('a');
    assert.equal(breakers.isOpen('a'), true);
  });

  test('an opening is told to the other members, whose breaker stays open as long', async () => {
    const clock = fakeClock();
    const here = new CircuitBreakers(clock, { failuresToTrip: 0, openMs: 800 });
    const there = new CircuitBreakers(clock, { failuresToTrip: 5, openMs: 60_000 });
    here.onOpen = (key, openMs) => there.holdOpen(key, openMs);
    here.recordFailure('ns|ep');
    assert.equal(there.isOpen('ns|ep'), true, 'open on the other member without a failure of its own');
    assert.equal(there.tryAcquire('ns|ep').allowed, false);
    assert.equal(there.isOpen('other'), false);
    await clock.advance(800);
    assert.equal(there.tryAcquire('ns|ep').allowed, true, 'half-open when the news runs out: its own trial');
  });
});

describe('handler reply classification', () => {
  test('retryable and non-retryable handler error types, and the retry behavior override', () => {
    for (const type of ['INTERNAL', 'UNAVAILABLE', 'RESOURCE_EXHAUSTED', 'UPSTREAM_TIMEOUT', 'SOMETHING_NEW']) {
      assert.equal(isRetryableHandlerFailure(handlerErrorFailure(type, 'x')), true, type);
    }
    for (const type of ['BAD_REQUEST', 'UNAUTHENTICATED', 'UNAUTHORIZED', 'NOT_FOUND', 'NOT_IMPLEMENTED', 'CONFLICT']) {
      assert.equal(isRetryableHandlerFailure(handlerErrorFailure(type, 'x')), false, type);
    }
    const Behavior = temporal.api.enums.v1.NexusHandlerErrorRetryBehavior;
    assert.equal(
      isRetryableHandlerFailure(
        handlerErrorFailure('INTERNAL', 'x', Behavior.NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_NON_RETRYABLE),
      ),
      false,
    );
    assert.equal(
      isRetryableHandlerFailure(
        handlerErrorFailure('BAD_REQUEST', 'x', Behavior.NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_RETRYABLE),
      ),
      true,
    );
  });

  test('start replies map to outcomes, and only destination-down outcomes count against the breaker', () => {
    const sync = classifyStartReply({
      kind: 'response',
      response: { startOperation: { syncSuccess: { payload: { data: Buffer.from('1') } } } },
    });
    assert.equal(sync.kind, 'sync-success');
    const started = classifyStartReply({
      kind: 'response',
      response: { startOperation: { asyncSuccess: { operationToken: 'tok' } } },
    });
    assert.deepEqual(started.kind === 'async-started' && started.operationToken, 'tok');
    const emptyToken = classifyStartReply({ kind: 'response', response: { startOperation: { asyncSuccess: {} } } });
    assert.equal(emptyToken.kind, 'fail');
    const canceled = classifyStartReply({
      kind: 'response',
      response: { startOperation: { failure: { message: 'c', canceledFailureInfo: {} } } },
    });
    assert.deepEqual(canceled.kind === 'operation-failed' && canceled.state, 'canceled');
    // The older format: an operation error whose failure carries a Temporal ApplicationFailure keeps its
    // type, details and cause; a canceled one becomes a CanceledFailure.
    const application = {
      message: 'declined',
      applicationFailureInfo: { type: 'CardDeclined', details: { payloads: [{ data: Buffer.from('"x"') }] } },
      cause: { message: 'root cause', applicationFailureInfo: { type: 'Root' } },
    };
    const legacy = classifyStartReply({
      kind: 'response',
      response: {
        startOperation: {
          operationError: {
            operationState: 'failed',
            failure: {
              message: 'declined',
              metadata: { type: 'temporal.api.failure.v1.Failure' },
              details: Buffer.from(
                JSON.stringify({
                  applicationFailureInfo: { type: 'CardDeclined', details: { payloads: [{ data: 'Ingi' }] } },
                }),
              ),
              cause: {
                message: 'root cause',
                metadata: { type: 'temporal.api.failure.v1.Failure' },
                details: Buffer.from(JSON.stringify({ applicationFailureInfo: { type: 'Root' } })),
              },
            },
          },
        },
      },
    });
    assert.ok(legacy.kind === 'operation-failed');
    assert.equal(legacy.state, 'failed');
    assert.equal(legacy.failure.applicationFailureInfo?.type, application.applicationFailureInfo.type);
    assert.equal(
      Buffer.from(legacy.failure.applicationFailureInfo?.details?.payloads?.[0]?.data ?? []).toString(),
      '"x"',
    );
    assert.equal(legacy.failure.cause?.applicationFailureInfo?.type, 'Root');
    const legacyCanceled = classifyStartReply({
      kind: 'response',
      response: { startOperation: { operationError: { operationState: 'canceled', failure: { message: 'stop' } } } },
    });
    assert.ok(legacyCanceled.kind === 'operation-failed' && legacyCanceled.failure.canceledFailureInfo);
    const timeout = classifyStartReply({ kind: 'timeout' });
    assert.equal(timeout.kind, 'retry');
    assert.equal(countsAgainstBreaker(timeout), true);
    assert.equal(countsAgainstBreaker(canceled), false);
    assert.equal(classifyCancelReply({ kind: 'response', response: { cancelOperation: {} } }).kind, 'cancel-requested');
    assert.equal(
      classifyCancelReply({ kind: 'handler-error', failure: handlerErrorFailure('NOT_FOUND', 'gone') }).kind,
      'fail',
    );
  });
});

test('the retry schedule doubles from the initial interval and is capped at one hour', () => {
  assert.deepEqual(
    [1, 2, 3, 4].map((attempt) => nextNexusRetryDelayMs(attempt)),
    [1000, 2000, 4000, 8000],
  );
  assert.equal(nextNexusRetryDelayMs(40), NEXUS_RETRY_MAXIMUM_INTERVAL_MS);
  assert.equal(nextNexusRetryDelayMs(3, 100), 400);
});

test('workflow event links round-trip through the Nexus URL form', () => {
  const link = {
    namespace: 'caller ns',
    workflowId: 'wf/1',
    runId: 'run-1',
    eventRef: { eventId: long(48), eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED },
  };
  const nexus = workflowEventLinkToNexus(link);
  assert.equal(nexus.type, 'temporal.api.common.v1.Link.WorkflowEvent');
  assert.match(
    nexus.url ?? '',
    /^temporal:\/\/\/namespaces\/caller%20ns\/workflows\/wf%2F1\/run-1\/history\?eventID=48&eventType=NexusOperationScheduled&referenceType=EventReference$/,
  );
  const back = nexusLinkToWorkflowEvent(nexus);
  assert.equal(back?.namespace, 'caller ns');
  assert.equal(back?.workflowId, 'wf/1');
  assert.equal(Number(back?.eventRef?.eventId), 48);
  assert.equal(back?.eventRef?.eventType, temporal.api.enums.v1.EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED);
  assert.equal(nexusLinkToWorkflowEvent({ url: 'https://example/x', type: 'other' }), undefined);
});
