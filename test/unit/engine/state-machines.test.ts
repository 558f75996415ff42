// Goal: every transition of every engine state machine may start only from the states it names, and
// leads to the state it names; any other start throws. Setup: pure records, one table per machine, every
// (transition, state) pair tried.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTransition, InvalidTransitionError, type Transition } from '../../../src/common/state-machine';
import * as workflowTask from '../../../src/engine/workflow-task-machine';
import * as activity from '../../../src/engine/activity-machine';
import * as nexus from '../../../src/engine/nexus-operation-machine';
import * as callback from '../../../src/engine/callback-machine';
import {
  ActivityStatus,
  CallbackStatus,
  NexusCancelStatus,
  NexusOperationStatus,
  WorkflowTaskStatus,
} from '../../../src/engine/mutable-state';

type AnyTransition = Transition<{ status: string }, never, unknown>;

function transitionsOf(module: Record<string, unknown>): AnyTransition[] {
  return Object.values(module).filter(
    (value): value is AnyTransition => typeof value === 'object' && value !== null && 'from' in value && 'to' in value,
  );
}

/** An event with every field some transition reads. */
function anyEvent(): never {
  return {
    nowMs: 1000,
    delayMs: 10,
    retryDelayMs: 10,
    failure: 'failure',
    identity: 'worker',
    requestId: 'request',
    startedEventId: 3,
    operationToken: 'token',
    op: nexusRecord(NexusOperationStatus.Started),
  } as never;
}

function nexusRecord(status: string): { status: string } & Record<string, unknown> {
  return { status, scheduledEventId: 5, attempt: 1, cancel: null };
}

const machines: {
  name: string;
  transitions: AnyTransition[];
  states: string[];
  record: (status: string) => { status: string };
}[] = [
  {
    name: 'workflow task',
    transitions: transitionsOf(workflowTask),
    states: Object.values(WorkflowTaskStatus),
    record: (status) => ({ status, dispatchTaskId: 9 }),
  },
  {
    name: 'activity',
    transitions: transitionsOf(activity),
    states: Object.values(ActivityStatus),
    record: (status) => ({ status, scheduledEventId: 5, attempt: 1, dispatchTaskId: 9, taskQueue: 'tq' }),
  },
  {
    name: 'nexus operation',
    transitions: transitionsOf(nexus).filter((t) => t.machine === 'nexus operation'),
    states: Object.values(NexusOperationStatus),
    record: nexusRecord,
  },
  {
    name: 'nexus operation cancellation',
    transitions: transitionsOf(nexus).filter((t) => t.machine === 'nexus operation cancellation'),
    states: Object.values(NexusCancelStatus),
    record: (status) => ({ status, attempt: 1 }),
  },
  {
    name: 'completion callback',
    transitions: transitionsOf(callback),
    states: Object.values(CallbackStatus),
    record: (status) => ({ status, id: '0', attempt: 0 }),
  },
];

for (const machine of machines) {
  describe(`${machine.name} machine`, () => {
    test('has transitions, each naming states of the machine', () => {
      assert.ok(machine.transitions.length >= 4);
      for (const transition of machine.transitions) {
        for (const state of [...transition.from, transition.to])
          assert.ok(machine.states.includes(state), `${transition.name}: ${state}`);
      }
    });
    for (const transition of machine.transitions) {
      test(`"${transition.name}" starts only from ${transition.from.join(', ')}`, () => {
        for (const state of machine.states) {
          const record = machine.record(state);
          if (transition.from.includes(state)) {
            applyTransition(transition, record, anyEvent());
            assert.equal(record.status, transition.to, `${state} -> ${transition.to}`);
          } else {
            assert.throws(
              () => applyTransition(transition, record, anyEvent()),
              InvalidTransitionError,
              `from ${state}`,
            );
            assert.equal(record.status, state, 'a refused transition changes nothing');
          }
        }
      });
    }
  });
}
