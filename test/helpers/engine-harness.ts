// The history engine without a server, for engine unit tests: an in-memory SQLite store, a fake clock,
// matching replaced by a list of what the engine offered, Nexus calls answered by a scripted dispatcher,
// and helpers that play a worker by hand (take a task, start it, complete it with commands).
import assert from 'node:assert/strict';
import { type Command, CommandType, temporal, decodeEvent, long, type HistoryEvent } from '../../src/common/proto';
import { durationFromMs } from '../../src/common/time';
import { systemIds } from '../../src/common/ids';
import type { Logger } from '../../src/common/logger';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import type { NamespaceRecord, Store } from '../../src/store/store';
import { NamespaceRegistry } from '../../src/engine/namespace-registry';
import { HistoryEngine, type HistoryEngineOptions } from '../../src/engine/history-engine';
import { defaultEngineConfig, type EngineConfig } from '../../src/engine/engine-context';
import { decodeTaskToken, type MatchTask, type RunKey } from '../../src/engine/tasks';
import { startWorkflowExecution } from '../../src/engine/client-api';
import { recordWorkflowTaskStarted, completeWorkflowTask } from '../../src/engine/workflow-task-api';
import { recordActivityTaskStarted } from '../../src/engine/activity-task-api';
import { describeWorkflow } from '../../src/engine/describe';
import { EndpointRegistry } from '../../src/nexus/endpoint-registry';
import { CircuitBreakers } from '../../src/nexus/circuit-breaker';
import { DestinationLimiter, defaultDestinationLimits } from '../../src/nexus/destination-limiter';
import { NexusOperationExecutor, breakerKey } from '../../src/nexus/operation-executor';
import type { HandlerReply } from '../../src/nexus/handler-outcome';
import { FakeClock } from './fake-clock';
import type { ClusterLink } from '../../src/engine/cluster-link';

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export type PollResponse = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;

/** Answers Nexus attempts from a script; records every request. */
export class ScriptedDispatcher {
  readonly requests: temporal.api.nexus.v1.IRequest[] = [];
  private readonly replies: HandlerReply[] = [];

  reply(...replies: HandlerReply[]): void {
    this.replies.push(...replies);
  }

  dispatch(_namespaceId: string, _taskQueue: string, request: temporal.api.nexus.v1.IRequest): Promise<HandlerReply> {
    this.requests.push(request);
    return Promise.resolve(this.replies.shift() ?? { kind: 'timeout' });
  }
}

export interface HarnessOptions {
  readonly config?: Partial<EngineConfig>;
  readonly engine?: Partial<HistoryEngineOptions>;
  readonly store?: Store;
  readonly clock?: FakeClock;
  /** Makes the engine a cluster member (joined before it starts). */
  readonly cluster?: ClusterLink;
}

export class EngineHarness {
  readonly offered: { taskQueue: string; kind: string; task: MatchTask }[] = [];
  /** Shards whose task queues the engine released (stopped serving). */
  readonly released: number[] = [];
  readonly dispatcher = new ScriptedDispatcher();
  breakers!: CircuitBreakers;
  endpoints!: EndpointRegistry;
  engine!: HistoryEngine;
  namespace!: NamespaceRecord;

  private constructor(
    readonly clock: FakeClock,
    readonly store: Store,
    private readonly options: HarnessOptions,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<EngineHarness> {
    const harness = new EngineHarness(options.clock ?? new FakeClock(), options.store ?? new SqliteStore(), options);
    await harness.boot();
    return harness;
  }

  private async boot(): Promise<void> {
    const { clock, store } = this;
    const namespaces = new NamespaceRegistry(store, clock, systemIds);
    await namespaces.load();
    this.namespace = await namespaces.ensure('default');
    await namespaces.ensure('handler-ns');
    this.endpoints = new EndpointRegistry(store, namespaces, clock, systemIds);
    await this.endpoints.load();
    this.breakers = new CircuitBreakers(clock, { failuresToTrip: 1, openMs: 60_000 });
    const breakers = this.breakers;
    this.engine = new HistoryEngine(
      {
        clock,
        ids: systemIds,
        namespaces,
        config: { ...defaultEngineConfig, verifyItemTracking: true, ...this.options.config },
        nexusEndpoints: { findByName: (name) => this.endpoints.findByName(name) },
        nexusCircuits: { isOpen: (namespaceId, endpoint) => breakers.isOpen(breakerKey(namespaceId, endpoint)) },
      },
      store,
      {
        offer: (_namespaceId, taskQueue, kind, task) => {
          this.offered.push({ taskQueue, kind, task });
          return Promise.resolve();
        },
        backlogCount: () => 0,
        releaseShard: (shardId) => {
          this.released.push(shardId);
        },
      },
      silentLogger,
      { shardCount: 2, owner: 'test', ...this.options.engine },
    );
    new NexusOperationExecutor(
      this.engine,
      this.endpoints,
      this.dispatcher,
      this.breakers,
      new DestinationLimiter(defaultDestinationLimits, this.clock),
      undefined,
      { retryInitialIntervalMs: 1000, requestTimeoutMs: 10_000, useSystemCallbackUrl: true },
    ).register();
    if (this.options.cluster) this.engine.joinCluster(this.options.cluster);
    await this.engine.start();
    await this.clock.settle();
  }

  /** A new engine on the same store and clock: what a process restart leaves; `downMs` passes between. */
  async restart(downMs = 0): Promise<void> {
    await this.engine.stop();
    this.offered.length = 0;
    if (downMs > 0) await this.clock.advance(downMs);
    await this.boot();
  }

  async stop(): Promise<void> {
    await this.engine.stop();
    await this.clock.settle();
    await this.store.close();
  }

  async startWorkflow(
    workflowId: string,
    request: Partial<temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest> = {},
  ): Promise<RunKey> {
    const response = await startWorkflowExecution(this.engine, this.namespace, {
      namespace: 'default',
      workflowId,
      workflowType: { name: 'Test' },
      taskQueue: { name: 'tq' },
      requestId: systemIds.uuid(),
      ...request,
    });
    await this.clock.settle();
    return { namespaceId: this.namespace.id, workflowId, runId: response.runId ?? '' };
  }

  /** Takes the latest offered task of a kind for a run (failing if there is none). */
  take(kind: MatchTask['kind'], key: RunKey): MatchTask {
    for (let i = this.offered.length - 1; i >= 0; i -= 1) {
      const task = this.offered[i]?.task;
      if (task && task.kind === kind && 'key' in task && task.key.runId === key.runId) {
        this.offered.splice(i, 1);
        return task;
      }
    }
    assert.fail(`no ${kind} was offered for ${key.workflowId}`);
  }

  async startWorkflowTask(key: RunKey): Promise<PollResponse> {
    const task = this.take('workflow-task', key) as Extract<MatchTask, { kind: 'workflow-task' }>;
    const response = await recordWorkflowTaskStarted(this.engine, task, {
      identity: 'worker',
      namespace: 'default',
      taskQueue: 'tq',
    });
    assert.ok(response, 'the workflow task starts');
    return response;
  }

  async completeWorkflowTask(response: PollResponse, commands: Command[]): Promise<void> {
    const token = decodeTaskToken(response.taskToken);
    assert.equal(token.k, 'wft');
    if (token.k !== 'wft') return;
    await completeWorkflowTask(this.engine, token, { taskToken: response.taskToken, commands, identity: 'worker' });
    await this.clock.settle();
  }

  /** Starts the run's workflow task and completes it with `commands`. */
  async runWorkflowTask(key: RunKey, commands: Command[]): Promise<void> {
    await this.completeWorkflowTask(await this.startWorkflowTask(key), commands);
  }

  async startActivity(key: RunKey): Promise<temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse> {
    const task = this.take('activity-task', key) as Extract<MatchTask, { kind: 'activity-task' }>;
    const response = await recordActivityTaskStarted(this.engine, task, {
      identity: 'worker',
      namespace: 'default',
      sdk: { name: 'harness', version: '0' },
    });
    assert.ok(response, 'the activity task starts');
    return response;
  }

  async history(key: RunKey): Promise<HistoryEvent[]> {
    return (await this.store.readHistory({ key, fromEventId: 1, limit: 10_000 })).map((e) => decodeEvent(e.data));
  }

  async eventTypes(key: RunKey): Promise<string[]> {
    return (await this.history(key)).map(
      (e) => temporal.api.enums.v1.EventType[e.eventType ?? 0]?.replace('EVENT_TYPE_', '') ?? '?',
    );
  }

  async describe(key: RunKey): Promise<temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse> {
    return this.engine.run(key, async (tx) => {
      const workflow = await tx.get(key);
      assert.ok(workflow);
      return describeWorkflow(this.engine.ctx, workflow);
    });
  }
}

// Commands, as a worker sends them.

export function startTimer(timerId: string, ms: number): Command {
  return {
    commandType: CommandType.COMMAND_TYPE_START_TIMER,
    startTimerCommandAttributes: {
      timerId,
      startToFireTimeout: durationFromMs(ms),
    },
  };
}

export function scheduleActivity(activityId: string, retry: temporal.api.common.v1.IRetryPolicy = {}): Command {
  return {
    commandType: CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
    scheduleActivityTaskCommandAttributes: {
      activityId,
      activityType: { name: 'act' },
      taskQueue: { name: 'tq' },
      startToCloseTimeout: durationFromMs(10_000),
      retryPolicy: retry,
    },
  };
}

export function completeWorkflow(): Command {
  return {
    commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
    completeWorkflowExecutionCommandAttributes: {},
  };
}

export function continueAsNew(): Command {
  return {
    commandType: CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
    continueAsNewWorkflowExecutionCommandAttributes: { workflowType: { name: 'Test' }, taskQueue: { name: 'tq' } },
  };
}

export function startChild(
  workflowId: string,
  parentClosePolicy = temporal.api.enums.v1.ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE,
): Command {
  return {
    commandType: CommandType.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION,
    startChildWorkflowExecutionCommandAttributes: {
      namespace: 'default',
      workflowId,
      workflowType: { name: 'Child' },
      taskQueue: { name: 'tq' },
      parentClosePolicy,
    },
  };
}

export function scheduleNexusOperation(endpoint: string, operation = 'op'): Command {
  return {
    commandType: CommandType.COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION,
    scheduleNexusOperationCommandAttributes: {
      endpoint,
      service: 'svc',
      operation,
      scheduleToCloseTimeout: durationFromMs(3_600_000),
    },
  };
}

export function requestCancelNexusOperation(scheduledEventId: number): Command {
  return {
    commandType: CommandType.COMMAND_TYPE_REQUEST_CANCEL_NEXUS_OPERATION,
    requestCancelNexusOperationCommandAttributes: { scheduledEventId: long(scheduledEventId) },
  };
}
