// Nexus tasks for handler workers: a dispatch waits (sync match only, nothing persisted) until a worker
// polls the task and answers, or the attempt deadline passes. Answers after the deadline find no task.
// In a cluster the task queue may live in another member: the task names this member, the poll there
// takes the request from here (the peer call NEXUS_TAKE_TASK) and the answer comes back here (the task
// token names this member too).
import type { Clock } from '../common/clock';
import type { Ids } from '../common/ids';
import type { temporal } from '../common/proto';
import type { MatchTask } from '../engine/tasks';
import type { Peers } from '../engine/cluster-link';
import type { HandlerReply } from './handler-outcome';

export const PENDING_NEXUS_TASKS_MAX = 100_000;

/** The peer call that takes a Nexus task's request from the member that dispatched it. */
export const NEXUS_TAKE_TASK = 'nexus.takeTask';

interface PendingTask {
  readonly namespaceId: string;
  readonly request: temporal.api.nexus.v1.IRequest;
  isTaken: boolean;
  resolve(reply: HandlerReply): void;
}

export interface TaskOffer {
  offer(namespaceId: string, taskQueue: string, kind: 'nexus', task: MatchTask): Promise<void>;
}

export class NexusTaskDispatcher {
  private readonly pending = new Map<string, PendingTask>();

  constructor(
    private readonly matching: TaskOffer,
    private readonly clock: Clock,
    private readonly ids: Ids,
    private readonly peers: () => Peers | undefined = () => undefined,
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
      const member = this.peers()?.selfId;
      // An offer that fails (the queue's member is gone) leaves the attempt to time out and be retried.
      this.matching
        .offer(
          namespaceId,
          taskQueue,
          'nexus',
          member ? { kind: 'nexus-task', taskId, member } : { kind: 'nexus-task', taskId },
        )
        .catch(() => undefined);
    });
  }

  /**
   * Hands the task's request to a poll, from this member or the one that dispatched it; undefined if it
   * expired or was taken. `member` is the member the task token must name.
   */
  async takeMatched(
    task: Extract<MatchTask, { kind: 'nexus-task' }>,
  ): Promise<{ request: temporal.api.nexus.v1.IRequest; member: string | undefined } | undefined> {
    const peers = this.peers();
    if (!task.member || !peers || task.member === peers.selfId) {
      const request = this.take(task.taskId);
      return request ? { request, member: peers?.selfId } : undefined;
    }
    const request = (await peers.callMember(task.member, NEXUS_TAKE_TASK, {
      taskId: task.taskId,
    })) as temporal.api.nexus.v1.IRequest | null;
    return request ? { request, member: task.member } : undefined;
  }

  /** Hands the task to a poll; undefined if it expired or was taken. */
  take(taskId: string): temporal.api.nexus.v1.IRequest | undefined {
    const task = this.pending.get(taskId);
    if (!task || task.isTaken) return undefined;
    task.isTaken = true;
    return task.request;
  }

  /** The request of a task still waiting for its answer (taken or not): its header names the trace it answers. */
  requestOf(taskId: string): temporal.api.nexus.v1.IRequest | undefined {
    return this.pending.get(taskId)?.request;
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
