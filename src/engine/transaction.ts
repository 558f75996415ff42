// One shard transaction: the runs it read or changed, all of them on its shard. `fn` of Shard.run gets
// one; it may await (loading runs, reading events), and the shard's serial queue guarantees that no
// other transaction of the shard runs in between. Everything it changed is committed together.
import { assert } from '../common/assert';
import { type HistoryEvent, decodeEvent } from '../common/proto';
import type { Workflow } from './workflow';
import { type RunKey, runKeyString } from './tasks';

/** What a transaction needs from its shard. */
export interface TransactionHost {
  readonly shardId: number;
  shardIdOf(namespaceId: string, workflowId: string): number;
  load(key: RunKey): Promise<Workflow | undefined>;
  currentRunId(namespaceId: string, workflowId: string): Promise<string | undefined>;
  readEvent(key: RunKey, eventId: number): Promise<Uint8Array | undefined>;
  readEvents(key: RunKey, fromEventId: number, toEventId: number): Promise<Uint8Array[]>;
  nextTaskId(): number;
}

export class Transaction {
  readonly touched = new Map<string, Workflow>();

  constructor(
    private readonly host: TransactionHost,
    readonly nowMs: number,
  ) {}

  get shardId(): number {
    return this.host.shardId;
  }

  /** Task ids for the outbox rows of runs created in this transaction. */
  readonly allocateTaskId = (): number => this.host.nextTaskId();

  /** Whether a run of this workflow id lives on this transaction's shard. */
  isLocal(namespaceId: string, workflowId: string): boolean {
    return this.host.shardIdOf(namespaceId, workflowId) === this.host.shardId;
  }

  async get(key: RunKey): Promise<Workflow | undefined> {
    this.assertLocal(key.namespaceId, key.workflowId);
    const id = runKeyString(key);
    const touched = this.touched.get(id);
    if (touched) return touched;
    const workflow = await this.host.load(key);
    if (workflow) this.touched.set(id, workflow);
    return workflow;
  }

  /** The current run of a workflow id, touched or loaded. */
  async getCurrent(namespaceId: string, workflowId: string): Promise<Workflow | undefined> {
    this.assertLocal(namespaceId, workflowId);
    for (const workflow of this.touched.values()) {
      const s = workflow.state;
      if (s.namespaceId === namespaceId && s.workflowId === workflowId && workflow.isCurrentCandidate) return workflow;
    }
    const runId = await this.host.currentRunId(namespaceId, workflowId);
    return runId === undefined ? undefined : this.get({ namespaceId, workflowId, runId });
  }

  add(workflow: Workflow): void {
    this.assertLocal(workflow.state.namespaceId, workflow.state.workflowId);
    this.touched.set(runKeyString(workflow.key), workflow);
  }

  /** An event of a run: from its recent events in memory, else from the store. */
  async event(workflow: Workflow, eventId: number): Promise<HistoryEvent | undefined> {
    const recent = workflow.recentEvent(eventId);
    if (recent) return recent;
    const data = await this.host.readEvent(workflow.key, eventId);
    return data ? decodeEvent(data) : undefined;
  }

  /** Persisted events from `fromEventId` (inclusive) to `toEventId` (exclusive), one store page. */
  async readHistory(workflow: Workflow, fromEventId: number, toEventId: number): Promise<HistoryEvent[]> {
    return (await this.host.readEvents(workflow.key, fromEventId, toEventId)).map((data) => decodeEvent(data));
  }

  private assertLocal(namespaceId: string, workflowId: string): void {
    assert(this.isLocal(namespaceId, workflowId), `workflow ${workflowId} is not on shard ${this.host.shardId}`);
  }
}
