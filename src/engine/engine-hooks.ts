// Extension points the engine calls into; server.ts wires them (Nexus completion callbacks).
import type { temporal } from '../common/proto';
import type { Transaction } from './engine-context';
import type { Workflow } from './workflow';

export interface EngineHooks {
  /** A run closed; `closeEvent` is its terminal event. Runs inside the closing transaction. */
  onRunClosed(tx: Transaction, workflow: Workflow, closeEvent: temporal.api.history.v1.IHistoryEvent): void;
  /** A run's changes were committed and it is still open (Nexus invocations start from here). */
  onSettled(workflow: Workflow): void;
}

export const noHooks: EngineHooks = {
  onRunClosed(): void {
    // nothing listens
  },
  onSettled(): void {
    // nothing listens
  },
};
