// Nexus tasks for handler workers: a dispatch waits (sync match only, nothing persisted) until a worker
// polls the task and answers, or the attempt deadline passes. Answers after the deadline find no task.
import type { Clock } from '../common/clock';
import type { Ids } from '../common/ids';
import type { temporal } from '../common/proto';
import type { MatchTask } from '../engine/tasks';
import type { HandlerReply } from './handler-outcome';

export const PENDING_NEXUS_TASKS_MAX = 100_000;

interface PendingTask {
  readonly namespaceId: string;
  readonly request: temporal.api.nexus.v1.IRequest;
  isTaken: boolean;
  resolve(reply: HandlerReply): void;
}

export interface TaskOffer {
  offer(namespaceId: string, taskQueue: string, kind: 'nexus', task: MatchTask): void;
}

export class NexusTaskDispatcher {
  private readonly pending = new Map<string, PendingTask>();

  constructor(
    private readonly matching: TaskOffer,
    private readonly clock: Clock,
    private readonly ids: Ids,
    private readonly pendingMax = PENDING_NEXUS_TASKS_MAX,
  ) {}

  dispatch(
    namespaceId: string,
    taskQueue: string,
    request: temporal.api.nexus.v1.IRequest,
    timeoutMs: number,
  ): Promise<HandlerReply> {
    if (this.pending.size >= this.pendingMax) return Promise.resolve({ kind: 'timeout' });
    const taskId = this.ids.uuid();
    return new Promise((resolve) => {
      const timer = this.clock.setTimer(() => finish({ kind: 'timeout' }), Math.max(0, timeoutMs));
      const finish = (reply: HandlerReply): void => {
        if (!this.pending.delete(taskId)) return;
        timer.cancel();
        resolve(reply);
      };
      this.pending.set(taskId, { namespaceId, request, isTaken: false, resolve: finish });
      this.matching.offer(namespaceId, taskQueue, 'nexus', { kind: 'nexus-task', taskId });
    });
  }

  /** Hands the task to a poll; undefined if it expired or was taken. */
  take(taskId: string): temporal.api.nexus.v1.IRequest | undefined {
    const task = this.pending.get(taskId);
    if (!task || task.isTaken) return undefined;
    task.isTaken = true;
    return task.request;
  }

  /** Delivers a worker's answer; false when the task is unknown (expired or answered). */
  answer(namespaceId: string, taskId: string, reply: HandlerReply): boolean {
    const task = this.pending.get(taskId);
    if (!task || task.namespaceId !== namespaceId) return false;
    task.resolve(reply);
    return true;
  }

  abandonAll(): void {
    for (const task of [...this.pending.values()]) task.resolve({ kind: 'timeout' });
  }
}
