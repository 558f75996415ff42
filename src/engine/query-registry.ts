// Queries waiting for an answer: either attached to the next workflow task or dispatched as a legacy
// query task. They live in memory only; a query never outlives the caller's request.
import type { temporal } from '../common/proto';
import type { RunKey } from './tasks';

export interface QueryEntry {
  readonly queryId: string;
  readonly query: temporal.api.query.v1.IWorkflowQuery;
  /** 'buffered': rides on the next workflow task; 'task': a query task of its own. */
  mode: 'buffered' | 'task';
  isDelivered: boolean;
  resolve(result: temporal.api.query.v1.IWorkflowQueryResult): void;
}

/** A query in flight and the run it asks; the engine keeps these by query id. */
export interface PendingQuery {
  readonly entry: QueryEntry;
  readonly key: RunKey;
}
