// Turns the commands of a completed workflow task into history events, in command order, right after
// WorkflowTaskCompleted. Commands are validated first; a bad command fails the whole task instead.
import { type Command, CommandType, EventType, temporal, decodeBase64 } from '../common/proto';
import { durationFromMs, msFromDuration } from '../common/time';
import type { EngineContext } from './engine-context';
import type { Transaction } from './transaction';
import type { Workflow } from './workflow';
import { isRunning } from './mutable-state';
import { detailsSize, failureSize, payloadsSize } from './blob-size';
import {
  type AttributeLimits,
  memoSize,
  mergedPayloadMap,
  searchAttributeKeysError,
  searchAttributeSizeError,
} from './attribute-limits';
import { normalizeActivityTimeouts, scheduleActivity, cancelActivity, requestActivityCancel } from './activities';
import { closeWorkflow } from './workflow-close';
import { TaskKind } from './outbox';
import { ActivityStatus } from './mutable-state';
import { handleProtocolMessage, type MessageIndex } from './update-messages';
import { upsertSearchAttributes, withSearchAttributeTypes } from './search-attributes';
import {
  nexusCancelError,
  nexusScheduleError,
  requestCancelNexusOperation,
  scheduleNexusOperation,
} from './nexus-operations';

const Cause = temporal.api.enums.v1.WorkflowTaskFailedCause;

export class CommandError extends Error {
  constructor(
    readonly failedCause: number,
    message: string,
    /** The Temporal server terminates the run after failing the task (a payload past the blob size limit). */
    readonly terminatesWorkflow = false,
  ) {
    super(message);
  }
}

/** Per command type: the cause, the size of what it carries, and the server's words past the blob size limit. */
const PAYLOAD_LIMITS: Readonly<
  Record<
    number,
    { readonly cause: number; readonly size: (c: Command, max: number) => number; readonly message: string }
  >
> = {
  [CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK]: {
    cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
    size: (c, max) => payloadsSize(c.scheduleActivityTaskCommandAttributes?.input, max),
    message: 'ScheduleActivityTaskCommandAttributes.Input exceeds size limit.',
  },
  [CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION]: {
    cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_COMPLETE_WORKFLOW_EXECUTION_ATTRIBUTES,
    size: (c, max) => payloadsSize(c.completeWorkflowExecutionCommandAttributes?.result, max),
    message: 'CompleteWorkflowExecutionCommandAttributes.Result exceeds size limit.',
  },
  [CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION]: {
    cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_FAIL_WORKFLOW_EXECUTION_ATTRIBUTES,
    size: (c) => failureSize(c.failWorkflowExecutionCommandAttributes?.failure),
    message: 'FailWorkflowExecutionCommandAttributes.Failure exceeds size limit.',
  },
  [CommandType.COMMAND_TYPE_RECORD_MARKER]: {
    cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_RECORD_MARKER_ATTRIBUTES,
    size: (c, max) => detailsSize(c.recordMarkerCommandAttributes?.details, max),
    message: 'RecordMarkerCommandAttributes.Details exceeds size limit.',
  },
  [CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION]: {
    cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CONTINUE_AS_NEW_ATTRIBUTES,
    size: (c, max) => payloadsSize(c.continueAsNewWorkflowExecutionCommandAttributes?.input, max),
    message: 'ContinueAsNewWorkflowExecutionCommandAttributes. Input exceeds size limit.',
  },
  [CommandType.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION]: {
    cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES,
    size: (c, max) => payloadsSize(c.startChildWorkflowExecutionCommandAttributes?.input, max),
    message: 'StartChildWorkflowExecutionCommandAttributes. Input exceeds size limit.',
  },
  [CommandType.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION]: {
    cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES,
    size: (c, max) => payloadsSize(c.signalExternalWorkflowExecutionCommandAttributes?.input, max),
    message: 'SignalExternalWorkflowExecutionCommandAttributes.Input exceeds size limit.',
  },
  [CommandType.COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION]: {
    cause: Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_NEXUS_OPERATION_ATTRIBUTES,
    size: (c, max) => {
      const input = c.scheduleNexusOperationCommandAttributes?.input;
      return input ? payloadsSize({ payloads: [input] }, max) : 0;
    },
    message: 'ScheduleNexusOperationCommandAttributes.Input exceeds size limit',
  },
};

/** A command whose payload is past the blob size limit: the server fails its task and terminates the run. */
function oversizedPayload(command: Command, maxBytes: number): CommandError | undefined {
  const limit = PAYLOAD_LIMITS[command.commandType ?? 0];
  if (!limit || limit.size(command, maxBytes) <= maxBytes) return undefined;
  return new CommandError(limit.cause, limit.message, true);
}

const CLOSE_COMMANDS: ReadonlySet<number> = new Set([
  CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
  CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
  CommandType.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION,
  CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
]);

export function hasCloseCommand(commands: readonly Command[]): boolean {
  return commands.some((c) => CLOSE_COMMANDS.has(c.commandType ?? 0));
}

/** The server's words when a run holds as many of something as it may. */
function countLimitMessage(what: string, pending: number, max: number): string {
  return `the number of ${what}, ${pending}, has reached the per-workflow limit of ${max}`;
}

/** A child's or continued run's memo and search attributes past their limits: the task fails, the run is terminated. */
function checkNewRunAttributes(
  limits: AttributeLimits,
  memo: temporal.api.common.v1.IMemo | null | undefined,
  searchAttributes: temporal.api.common.v1.ISearchAttributes | null | undefined,
  cause: number,
  memoMessage: string,
): void {
  if (memoSize(memo) > limits.memoSizeMaxBytes) throw new CommandError(cause, memoMessage, true);
  const size = searchAttributeSizeError(limits, searchAttributes);
  if (size) throw new CommandError(cause, size, true);
}

/** A run's memo and search attributes as the commands of one task change them, for their size limits. */
class RunAttributes {
  private memo: Record<string, temporal.api.common.v1.IPayload> | undefined;
  private searchAttributes: Record<string, temporal.api.common.v1.IPayload> | undefined;

  constructor(
    private readonly encodedMemo: string | null,
    private readonly encodedSearchAttributes: string | null,
  ) {}

  upsertMemo(
    upserted: temporal.api.common.v1.IMemo | null | undefined,
  ): Record<string, temporal.api.common.v1.IPayload> {
    this.memo ??= this.encodedMemo
      ? (decodeBase64<temporal.api.common.v1.IMemo>('temporal.api.common.v1.Memo', this.encodedMemo).fields ?? {})
      : {};
    this.memo = mergedPayloadMap(this.memo, upserted?.fields);
    return this.memo;
  }

  upsertSearchAttributes(
    upserted: temporal.api.common.v1.ISearchAttributes | null | undefined,
  ): Record<string, temporal.api.common.v1.IPayload> {
    this.searchAttributes ??= this.encodedSearchAttributes
      ? (decodeBase64<temporal.api.common.v1.ISearchAttributes>(
          'temporal.api.common.v1.SearchAttributes',
          this.encodedSearchAttributes,
        ).indexedFields ?? {})
      : {};
    this.searchAttributes = mergedPayloadMap(this.searchAttributes, upserted?.indexedFields);
    return this.searchAttributes;
  }
}

/** Checks every command before any is applied. Throws CommandError. */
export function validateCommands(
  ctx: EngineContext,
  workflow: Workflow,
  commands: readonly Command[],
  nowMs: number,
): void {
  const s = workflow.state;
  const activityIds = new Set(Object.values(s.activities).map((a) => a.activityId));
  const timerIds = new Set(Object.keys(s.timers));
  let nexusOperations = Object.keys(s.nexusOperations).length;
  let children = Object.keys(s.children).length;
  const external = Object.values(s.externalRequests);
  let pendingSignals = external.filter((r) => r.kind === 'signal').length;
  let pendingCancels = external.length - pendingSignals;
  const cancelsInThisTask = new Set<number>();
  const attributes = new RunAttributes(s.memo, s.searchAttributes);
  commands.forEach((command, index) => {
    const type = command.commandType ?? 0;
    if (CLOSE_COMMANDS.has(type) && index !== commands.length - 1) {
      throw new CommandError(
        Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
        `invalid command sequence: close command at ${index} must be the last command`,
      );
    }
    switch (type) {
      case CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
        const a = command.scheduleActivityTaskCommandAttributes;
        const bad = (m: string): CommandError =>
          new CommandError(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES, m);
        if (!a) throw bad('ScheduleActivityTaskCommandAttributes is not set on ScheduleActivityTaskCommand.');
        if (!a.activityId) throw bad('ActivityId is not set on ScheduleActivityTaskCommand.');
        if (!a.activityType?.name) throw bad('ActivityType is not set on ScheduleActivityTaskCommand.');
        if (activityIds.has(a.activityId))
          throw bad(`Activity ID ${a.activityId} is already used by a pending activity.`);
        if (activityIds.size >= ctx.config.pendingActivitiesMax)
          throw new CommandError(
            Cause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_ACTIVITIES_LIMIT_EXCEEDED,
            countLimitMessage('pending activities', activityIds.size, ctx.config.pendingActivitiesMax),
          );
        activityIds.add(a.activityId);
        try {
          normalizeActivityTimeouts(a, s.runExpirationMs > 0 ? Math.max(0, s.runExpirationMs - nowMs) : 0);
        } catch (error) {
          throw bad((error as Error).message);
        }
        break;
      }
      case CommandType.COMMAND_TYPE_START_TIMER: {
        const a = command.startTimerCommandAttributes;
        const bad = (m: string): CommandError =>
          new CommandError(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES, m);
        if (!a?.timerId) throw bad('TimerId is not set on StartTimerCommand.');
        if (msFromDuration(a.startToFireTimeout) <= 0)
          throw bad('A valid StartToFireTimeout is not set on StartTimerCommand.');
        if (timerIds.has(a.timerId))
          throw new CommandError(
            Cause.WORKFLOW_TASK_FAILED_CAUSE_START_TIMER_DUPLICATE_ID,
            `invalid history builder state for action: add-timer-started-event, timer ID ${a.timerId} already exists`,
          );
        timerIds.add(a.timerId);
        break;
      }
      case CommandType.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION: {
        const a = command.startChildWorkflowExecutionCommandAttributes;
        const bad = (m: string): CommandError =>
          new CommandError(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES, m);
        if (!a?.workflowId) throw bad('Required field WorkflowId is not set.');
        if (!a.workflowType?.name) throw bad('Required field WorkflowType is not set.');
        // Children started earlier in this task count too, as they do on the server.
        if (children >= ctx.config.pendingChildrenMax)
          throw new CommandError(
            Cause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_CHILD_WORKFLOWS_LIMIT_EXCEEDED,
            countLimitMessage('pending child workflow executions', children, ctx.config.pendingChildrenMax),
          );
        children += 1;
        checkNewRunAttributes(
          ctx.config,
          a.memo,
          a.searchAttributes,
          Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES,
          'StartChildWorkflowExecutionCommandAttributes.Memo exceeds size limit.',
        );
        break;
      }
      case CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION: {
        const a = command.continueAsNewWorkflowExecutionCommandAttributes;
        checkNewRunAttributes(
          ctx.config,
          a?.memo,
          a?.searchAttributes,
          Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CONTINUE_AS_NEW_ATTRIBUTES,
          'ContinueAsNewWorkflowExecutionCommandAttributes. Memo exceeds size limit.',
        );
        break;
      }
      case CommandType.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION: {
        if (pendingSignals >= ctx.config.pendingSignalsMax)
          throw new CommandError(
            Cause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_SIGNALS_LIMIT_EXCEEDED,
            countLimitMessage('pending signals to external workflows', pendingSignals, ctx.config.pendingSignalsMax),
          );
        pendingSignals += 1;
        break;
      }
      case CommandType.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION: {
        if (pendingCancels >= ctx.config.pendingCancelRequestsMax)
          throw new CommandError(
            Cause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_REQUEST_CANCEL_LIMIT_EXCEEDED,
            countLimitMessage(
              'pending requests to cancel external workflows',
              pendingCancels,
              ctx.config.pendingCancelRequestsMax,
            ),
          );
        pendingCancels += 1;
        break;
      }
      case CommandType.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const upserted = command.upsertWorkflowSearchAttributesCommandAttributes?.searchAttributes;
        const keys = searchAttributeKeysError(ctx.config, upserted);
        if (keys) throw new CommandError(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES, keys);
        const size = searchAttributeSizeError(ctx.config, {
          indexedFields: attributes.upsertSearchAttributes(upserted),
        });
        if (size) throw new CommandError(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES, size, true);
        break;
      }
      case CommandType.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES: {
        const memo = attributes.upsertMemo(command.modifyWorkflowPropertiesCommandAttributes?.upsertedMemo);
        if (memoSize({ fields: memo }) > ctx.config.memoSizeMaxBytes)
          throw new CommandError(
            Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_MODIFY_WORKFLOW_PROPERTIES_ATTRIBUTES,
            'ModifyWorkflowPropertiesCommandAttributes. Memo exceeds size limit.',
            true,
          );
        break;
      }
      case CommandType.COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION: {
        const error = nexusScheduleError(
          ctx,
          command.scheduleNexusOperationCommandAttributes,
          ctx.namespaces.getById(s.namespaceId).name,
        );
        if (error)
          throw new CommandError(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_NEXUS_OPERATION_ATTRIBUTES, error);
        nexusOperations += 1;
        if (nexusOperations > ctx.config.pendingNexusOperationsMax) {
          throw new CommandError(
            Cause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_NEXUS_OPERATIONS_LIMIT_EXCEEDED,
            `the number of pending Nexus operations has reached the limit of ${ctx.config.pendingNexusOperationsMax}`,
          );
        }
        break;
      }
      case CommandType.COMMAND_TYPE_REQUEST_CANCEL_NEXUS_OPERATION: {
        const scheduledEventId = Number(command.requestCancelNexusOperationCommandAttributes?.scheduledEventId ?? 0);
        const error = nexusCancelError(workflow, scheduledEventId);
        if (error && !cancelsInThisTask.has(scheduledEventId))
          throw new CommandError(Cause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_NEXUS_OPERATION_ATTRIBUTES, error);
        cancelsInThisTask.add(scheduledEventId);
        break;
      }
      case CommandType.COMMAND_TYPE_UNSPECIFIED:
        throw new CommandError(Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, 'Unknown command type: 0.');
      default:
        break;
    }
    const oversized = oversizedPayload(command, ctx.config.blobSizeMaxBytes);
    if (oversized) throw oversized;
  });
}

export interface CommandContext {
  readonly ctx: EngineContext;
  readonly tx: Transaction;
  readonly workflow: Workflow;
  readonly completedEventId: number;
  readonly identity: string;
  readonly messages: MessageIndex;
  /** Ids of the activities to start eagerly, in the response of the completing worker. */
  readonly eagerActivities: string[];
}

export function applyCommands(c: CommandContext, commands: readonly Command[]): void {
  for (const command of commands) {
    if (!isRunning(c.workflow.state)) return;
    applyCommand(c, command);
  }
}

function applyCommand(c: CommandContext, command: Command): void {
  const { ctx, tx, workflow, completedEventId } = c;
  const s = workflow.state;
  const now = tx.nowMs;
  switch (command.commandType) {
    case CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
      const attributes = command.scheduleActivityTaskCommandAttributes ?? {};
      const eager = attributes.requestEagerExecution === true && ctx.config.activityEagerExecution;
      scheduleActivity(workflow, attributes, completedEventId, now, 0, undefined, eager);
      if (eager) c.eagerActivities.push(attributes.activityId ?? '');
      return;
    }
    case CommandType.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK: {
      const id = Number(command.requestCancelActivityTaskCommandAttributes?.scheduledEventId ?? 0);
      const activity = s.activities[String(id)];
      const requested = workflow.append(
        EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
        'activityTaskCancelRequestedEventAttributes',
        { scheduledEventId: id, workflowTaskCompletedEventId: completedEventId },
        now,
      );
      if (!activity) return;
      // Not running (scheduled, or backing off between attempts): canceled at once.
      if (activity.status !== ActivityStatus.Started) {
        cancelActivity(ctx, workflow, activity, null, c.identity, now, Number(requested.eventId));
      } else {
        requestActivityCancel(workflow, activity, Number(requested.eventId));
      }
      return;
    }
    case CommandType.COMMAND_TYPE_START_TIMER: {
      const a = command.startTimerCommandAttributes ?? {};
      const event = workflow.append(
        EventType.EVENT_TYPE_TIMER_STARTED,
        'timerStartedEventAttributes',
        {
          timerId: a.timerId ?? '',
          startToFireTimeout: a.startToFireTimeout ?? null,
          workflowTaskCompletedEventId: completedEventId,
        },
        now,
      );
      workflow.putItem('timers', a.timerId ?? '', {
        timerId: a.timerId ?? '',
        startedEventId: Number(event.eventId),
        fireAtMs: now + msFromDuration(a.startToFireTimeout),
      });
      return;
    }
    case CommandType.COMMAND_TYPE_CANCEL_TIMER: {
      const timerId = command.cancelTimerCommandAttributes?.timerId ?? '';
      const timer = s.timers[timerId];
      if (!timer) return;
      workflow.removeItem('timers', timerId);
      workflow.append(
        EventType.EVENT_TYPE_TIMER_CANCELED,
        'timerCanceledEventAttributes',
        {
          timerId,
          startedEventId: timer.startedEventId,
          workflowTaskCompletedEventId: completedEventId,
          identity: c.identity,
        },
        now,
      );
      return;
    }
    case CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
      return closeWorkflow(ctx, tx, workflow, {
        kind: 'completed',
        result: command.completeWorkflowExecutionCommandAttributes?.result,
        completedEventId,
      });
    case CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
      return closeWorkflow(ctx, tx, workflow, {
        kind: 'failed',
        failure: command.failWorkflowExecutionCommandAttributes?.failure,
        completedEventId,
      });
    case CommandType.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
      return closeWorkflow(ctx, tx, workflow, {
        kind: 'canceled',
        details: command.cancelWorkflowExecutionCommandAttributes?.details,
        completedEventId,
      });
    case CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
      return closeWorkflow(ctx, tx, workflow, {
        kind: 'continued-as-new',
        attributes: command.continueAsNewWorkflowExecutionCommandAttributes ?? {},
        completedEventId,
      });
    case CommandType.COMMAND_TYPE_RECORD_MARKER: {
      const a = command.recordMarkerCommandAttributes ?? {};
      workflow.append(
        EventType.EVENT_TYPE_MARKER_RECORDED,
        'markerRecordedEventAttributes',
        {
          markerName: a.markerName ?? '',
          details: a.details ?? {},
          workflowTaskCompletedEventId: completedEventId,
          header: a.header ?? null,
          failure: a.failure ?? null,
        },
        now,
      );
      return;
    }
    case CommandType.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION:
      return initiateChild(c, command.startChildWorkflowExecutionCommandAttributes ?? {});
    case CommandType.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION:
    case CommandType.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION:
      return initiateExternal(c, command);
    case CommandType.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
      const types = ctx.namespaces.getById(workflow.state.namespaceId).searchAttributes;
      const attributes =
        withSearchAttributeTypes(command.upsertWorkflowSearchAttributesCommandAttributes?.searchAttributes, types) ??
        {};
      workflow.append(
        EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
        'upsertWorkflowSearchAttributesEventAttributes',
        { workflowTaskCompletedEventId: completedEventId, searchAttributes: attributes },
        now,
      );
      upsertSearchAttributes(workflow, attributes, types);
      return;
    }
    case CommandType.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES: {
      const memo = command.modifyWorkflowPropertiesCommandAttributes?.upsertedMemo ?? {};
      workflow.append(
        EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
        'workflowPropertiesModifiedEventAttributes',
        { workflowTaskCompletedEventId: completedEventId, upsertedMemo: memo },
        now,
      );
      upsertMemo(workflow, memo);
      return;
    }
    case CommandType.COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION:
      return scheduleNexusOperation(
        ctx,
        workflow,
        command.scheduleNexusOperationCommandAttributes ?? {},
        completedEventId,
        now,
        command.userMetadata,
      );
    case CommandType.COMMAND_TYPE_REQUEST_CANCEL_NEXUS_OPERATION:
      return requestCancelNexusOperation(
        workflow,
        Number(command.requestCancelNexusOperationCommandAttributes?.scheduledEventId ?? 0),
        completedEventId,
        now,
      );
    case CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE:
      return handleProtocolMessage(c, command.protocolMessageCommandAttributes?.messageId ?? '');
    default:
      return;
  }
}

function initiateChild(
  c: CommandContext,
  a: temporal.api.command.v1.IStartChildWorkflowExecutionCommandAttributes,
): void {
  const { ctx, tx, workflow } = c;
  const namespaceName = a.namespace || ctx.namespaces.getById(workflow.state.namespaceId).name;
  const namespace = ctx.namespaces.findByName(namespaceName);
  const event = workflow.append(
    EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
    'startChildWorkflowExecutionInitiatedEventAttributes',
    {
      namespace: namespaceName,
      namespaceId: namespace?.id ?? '',
      workflowId: a.workflowId ?? '',
      workflowType: a.workflowType ?? null,
      taskQueue: {
        name: a.taskQueue?.name || workflow.state.taskQueue,
        kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL,
      },
      input: a.input ?? null,
      workflowExecutionTimeout: a.workflowExecutionTimeout ?? null,
      workflowRunTimeout: a.workflowRunTimeout ?? durationFromMs(0),
      workflowTaskTimeout: a.workflowTaskTimeout ?? durationFromMs(ctx.config.defaultWorkflowTaskTimeoutMs),
      parentClosePolicy: a.parentClosePolicy || temporal.api.enums.v1.ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE,
      control: a.control ?? '',
      workflowTaskCompletedEventId: c.completedEventId,
      workflowIdReusePolicy:
        a.workflowIdReusePolicy || temporal.api.enums.v1.WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
      retryPolicy: a.retryPolicy ?? null,
      cronSchedule: a.cronSchedule ?? '',
      header: a.header ?? null,
      memo: a.memo ?? null,
      searchAttributes: a.searchAttributes ?? null,
      inheritBuildId: a.inheritBuildId ?? false,
      ...(a.priority ? { priority: a.priority } : {}),
    },
    tx.nowMs,
  );
  const initiatedEventId = Number(event.eventId);
  workflow.putItem('children', String(initiatedEventId), {
    initiatedEventId,
    startedEventId: 0,
    namespace: namespaceName,
    namespaceId: namespace?.id ?? '',
    workflowId: a.workflowId ?? '',
    runId: '',
    workflowType: a.workflowType?.name ?? '',
    parentClosePolicy: a.parentClosePolicy || temporal.api.enums.v1.ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE,
    isStartResolved: false,
  });
  workflow.emit({ kind: TaskKind.StartChild, initiatedEventId });
}

function initiateExternal(c: CommandContext, command: Command): void {
  const { ctx, tx, workflow } = c;
  const ownNamespace = ctx.namespaces.getById(workflow.state.namespaceId).name;
  let initiatedEventId: number;
  let namespace: string;
  let target: { workflowId: string; runId: string };
  if (command.commandType === CommandType.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION) {
    const a = command.signalExternalWorkflowExecutionCommandAttributes ?? {};
    namespace = a.namespace || ownNamespace;
    target = { workflowId: a.execution?.workflowId ?? '', runId: a.execution?.runId ?? '' };
    initiatedEventId = Number(
      workflow.append(
        EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
        'signalExternalWorkflowExecutionInitiatedEventAttributes',
        {
          workflowTaskCompletedEventId: c.completedEventId,
          namespace,
          namespaceId: ctx.namespaces.findByName(namespace)?.id ?? '',
          workflowExecution: target,
          signalName: a.signalName ?? '',
          input: a.input ?? null,
          control: a.control ?? '',
          childWorkflowOnly: a.childWorkflowOnly ?? false,
          header: a.header ?? null,
        },
        tx.nowMs,
      ).eventId,
    );
  } else {
    const a = command.requestCancelExternalWorkflowExecutionCommandAttributes ?? {};
    namespace = a.namespace || ownNamespace;
    target = { workflowId: a.workflowId ?? '', runId: a.runId ?? '' };
    initiatedEventId = Number(
      workflow.append(
        EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
        'requestCancelExternalWorkflowExecutionInitiatedEventAttributes',
        {
          workflowTaskCompletedEventId: c.completedEventId,
          namespace,
          namespaceId: ctx.namespaces.findByName(namespace)?.id ?? '',
          workflowExecution: target,
          control: a.control ?? '',
          childWorkflowOnly: a.childWorkflowOnly ?? false,
          reason: a.reason ?? '',
        },
        tx.nowMs,
      ).eventId,
    );
  }
  const isSignal = command.commandType === CommandType.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION;
  workflow.putItem('externalRequests', String(initiatedEventId), {
    initiatedEventId,
    kind: isSignal ? 'signal' : 'cancel',
    namespace,
    ...target,
  });
  workflow.emit({ kind: isSignal ? TaskKind.SignalExternal : TaskKind.CancelExternal, initiatedEventId });
}

function upsertMemo(workflow: Workflow, memo: temporal.api.common.v1.IMemo): void {
  const current = workflow.visibility.memo
    ? temporal.api.common.v1.Memo.decode(workflow.visibility.memo)
    : { fields: {} };
  const fields = mergedPayloadMap(current.fields ?? {}, memo.fields);
  const encoded = temporal.api.common.v1.Memo.encode({ fields }).finish();
  workflow.visibility.memo = encoded;
  workflow.state.memo = Buffer.from(encoded).toString('base64');
}
