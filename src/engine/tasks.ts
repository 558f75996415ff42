// Tasks the engine hands to matching, and the task tokens workers send back. A task is only a pointer
// into mutable state: when a poll takes it, the engine checks it is still current before starting it.
// Workflow and activity tasks name the outbox row that dispatched them (deleted when the task starts).
import { invalidArgument } from '../common/errors';

export interface RunKey {
  readonly namespaceId: string;
  readonly workflowId: string;
  readonly runId: string;
}

export type MatchTask =
  | {
      readonly kind: 'workflow-task';
      readonly key: RunKey;
      readonly scheduledEventId: number;
      readonly attempt: number;
      readonly dispatchTaskId: number;
    }
  | {
      readonly kind: 'activity-task';
      readonly key: RunKey;
      readonly scheduledEventId: number;
      readonly attempt: number;
      readonly dispatchTaskId: number;
    }
  | { readonly kind: 'query-task'; readonly key: RunKey; readonly queryId: string }
  /** `member`: the process whose dispatcher holds the request and waits for the answer (if not this one). */
  | { readonly kind: 'nexus-task'; readonly taskId: string; readonly member?: string };

/** Where the engine sends tasks; server.ts wires it to matching (matching/task-routing.ts). */
export interface TaskSink {
  /**
   * Hands the task to the matching of its task queue: here, or in the member that holds the queue's shard.
   * `stickyFallback`: the normal queue, for a sticky workflow task whose sticky queue has no worker polling.
   */
  offer(
    namespaceId: string,
    taskQueue: string,
    kind: 'workflow' | 'activity' | 'nexus',
    task: MatchTask,
    stickyFallback?: string,
  ): Promise<void>;
  backlogCount(namespaceId: string, taskQueue: string, kind: 'workflow' | 'activity' | 'nexus'): number;
  /** The task queues of this shard are not served here any more: their polls end, their backlog goes. */
  releaseShard(shardId: number): void;
}

export type TaskToken =
  | {
      readonly k: 'wft';
      readonly ns: string;
      readonly w: string;
      readonly r: string;
      readonly s: number;
      readonly st: number;
      readonly a: number;
    }
  | {
      readonly k: 'act';
      readonly ns: string;
      readonly w: string;
      readonly r: string;
      readonly s: number;
      readonly a: number;
      readonly id: string;
    }
  | { readonly k: 'qry'; readonly ns: string; readonly w: string; readonly r: string; readonly q: string }
  /** `m`: the member (process) that dispatched the Nexus task and waits for its answer. */
  | { readonly k: 'nx'; readonly ns: string; readonly t: string; readonly m?: string };

export function encodeTaskToken(token: TaskToken): Uint8Array {
  return Buffer.from(JSON.stringify(token));
}

export function decodeTaskToken(bytes: Uint8Array | null | undefined): TaskToken {
  if (!bytes || bytes.length === 0) throw invalidArgument('Task token not set on request.');
  try {
    const token = JSON.parse(Buffer.from(bytes).toString('utf8')) as TaskToken;
    if (typeof token === 'object' && token !== null && typeof token.k === 'string') return token;
  } catch {
    // fall through
  }
  throw invalidArgument('Error deserializing task token.');
}

export function runKeyOf(token: { ns: string; w: string; r: string }): RunKey {
  return { namespaceId: token.ns, workflowId: token.w, runId: token.r };
}

export function runKeyString(key: RunKey): string {
  return `${key.namespaceId}\u0000${key.workflowId}\u0000${key.runId}`;
}
