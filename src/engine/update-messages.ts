// The update protocol carried in workflow task messages: requests go out with a workflow task, and
// acceptances, rejections and responses come back with its completion.
import { EventType, protoRoot, temporal, long } from '../common/proto';
import type { Workflow } from './workflow';
import type { CommandContext } from './command-handler';
import { UpdateStage, wakeUpdateWaiters, type UpdateEntry } from './update-registry';
import { acceptedEventLinks, registerAcceptedUpdateCallbacks } from './update-callbacks';
import { scheduleUpdateCallbacks } from './callbacks';

const TYPE_URL_PREFIX = 'type.googleapis.com/';

export type MessageIndex = Map<string, temporal.api.protocol.v1.IMessage & { handled?: boolean }>;

export function indexMessages(messages: readonly temporal.api.protocol.v1.IMessage[]): MessageIndex {
  return new Map(messages.map((m) => [m.id ?? '', { ...m }]));
}

function unpack<T>(message: temporal.api.protocol.v1.IMessage): { typeName: string; body: T } | undefined {
  const typeUrl = message.body?.type_url ?? '';
  if (!typeUrl.startsWith(TYPE_URL_PREFIX)) return undefined;
  const typeName = typeUrl.slice(TYPE_URL_PREFIX.length);
  const type = protoRoot.lookupType(typeName);
  return { typeName, body: type.decode(message.body?.value ?? new Uint8Array()) as unknown as T };
}

/** The update request messages to send with a starting workflow task. */
export function updateRequestMessages(workflow: Workflow, startedEventId: number): temporal.api.protocol.v1.IMessage[] {
  const messages: temporal.api.protocol.v1.IMessage[] = [];
  for (const entry of workflow.updates.values()) {
    if (entry.stage !== UpdateStage.Admitted) continue;
    entry.isDelivered = true;
    messages.push({
      id: `${entry.updateId}/request`,
      protocolInstanceId: entry.updateId,
      eventId: long(startedEventId - 1),
      body: {
        type_url: `${TYPE_URL_PREFIX}temporal.api.update.v1.Request`,
        value: temporal.api.update.v1.Request.encode(entry.request).finish(),
      },
    });
  }
  return messages;
}

/** Handles one message, referenced by a PROTOCOL_MESSAGE command or left over after the commands. */
export function handleProtocolMessage(c: CommandContext, messageId: string): void {
  const message = c.messages.get(messageId);
  if (!message || message.handled) return;
  message.handled = true;
  const unpacked = unpack<object>(message);
  if (!unpacked) return;
  const updateId = message.protocolInstanceId ?? '';
  const entry = c.workflow.updates.get(updateId);
  switch (unpacked.typeName) {
    case 'temporal.api.update.v1.Acceptance':
      return accept(c, updateId, entry, message, unpacked.body);
    case 'temporal.api.update.v1.Rejection':
      if (entry) {
        entry.stage = UpdateStage.Completed;
        entry.outcome = { failure: (unpacked.body as temporal.api.update.v1.IRejection).failure ?? null };
        // Kept (not durable) so callers polling this update id still see the rejection.
        wakeUpdateWaiters(entry);
      }
      return;
    case 'temporal.api.update.v1.Response':
      return complete(c, updateId, entry, unpacked.body);
    default:
      return;
  }
}

function accept(
  c: CommandContext,
  updateId: string,
  entry: UpdateEntry | undefined,
  message: temporal.api.protocol.v1.IMessage,
  body: temporal.api.update.v1.IAcceptance,
): void {
  const acceptedRequest = body.acceptedRequest ?? entry?.request ?? null;
  const links = acceptedEventLinks(acceptedRequest);
  const event = c.workflow.append(
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
    'workflowExecutionUpdateAcceptedEventAttributes',
    {
      protocolInstanceId: updateId,
      acceptedRequestMessageId: body.acceptedRequestMessageId ?? `${updateId}/request`,
      acceptedRequestSequencingEventId: body.acceptedRequestSequencingEventId ?? message.eventId ?? 0,
      acceptedRequest,
    },
    c.tx.nowMs,
    links.length > 0 ? { links } : undefined,
  );
  c.workflow.putItem('updates', updateId, { acceptedEventId: Number(event.eventId), completedEventId: 0 });
  registerAcceptedUpdateCallbacks(c.workflow, updateId, acceptedRequest, entry, c.tx.nowMs);
  if (entry) {
    entry.stage = UpdateStage.Accepted;
    wakeUpdateWaiters(entry);
  }
}

function complete(
  c: CommandContext,
  updateId: string,
  entry: UpdateEntry | undefined,
  body: temporal.api.update.v1.IResponse,
): void {
  const record = c.workflow.state.updates[updateId];
  if (!record) return;
  const event = c.workflow.append(
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
    'workflowExecutionUpdateCompletedEventAttributes',
    {
      meta: body.meta ?? { updateId },
      acceptedEventId: record.acceptedEventId,
      outcome: body.outcome ?? null,
    },
    c.tx.nowMs,
  );
  record.completedEventId = Number(event.eventId);
  c.workflow.changed('updates', updateId);
  scheduleUpdateCallbacks(c.workflow, updateId);
  if (entry) {
    entry.stage = UpdateStage.Completed;
    entry.outcome = body.outcome ?? null;
    c.workflow.updates.delete(updateId);
    wakeUpdateWaiters(entry);
  }
}

/** Messages no command referenced (rejections, or acceptances sent without a command). */
export function handleRemainingMessages(c: CommandContext): void {
  for (const id of c.messages.keys()) handleProtocolMessage(c, id);
}

/** Delivered updates the worker did not answer go back to admitted, to ride on the next task. */
export function requeueUnansweredUpdates(workflow: Workflow): boolean {
  let any = false;
  for (const entry of workflow.updates.values()) {
    if (entry.stage === UpdateStage.Admitted) {
      entry.isDelivered = false;
      any = true;
    }
  }
  return any;
}
