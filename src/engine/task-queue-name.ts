// Task queue names as the Temporal frontend checks them (common/tqid): set, at most limit.maxIDLength
// (1,000) bytes, and not under the prefix the server keeps for its own partitions (`/_sys/`). The same
// words as the Temporal server, so that SDKs and scripts that match on them see the same thing.
import { invalidArgument } from '../common/errors';

export const TASK_QUEUE_NAME_LENGTH_MAX = 1000;
const RESERVED_PREFIX = '/_sys/';

/** Checks a task queue a client or worker names; returns its name. */
export function validTaskQueueName(taskQueue: { readonly name?: string | null } | null | undefined): string {
  if (!taskQueue) throw invalidArgument('taskQueue is not set');
  const name = taskQueue.name ?? '';
  if (!name) throw invalidArgument('missing task queue name');
  if (Buffer.byteLength(name, 'utf8') > TASK_QUEUE_NAME_LENGTH_MAX) {
    throw invalidArgument('taskQueue length exceeds limit');
  }
  if (name.startsWith(RESERVED_PREFIX)) {
    throw invalidArgument(`task queue name cannot start with reserved prefix ${RESERVED_PREFIX}`);
  }
  return name;
}
