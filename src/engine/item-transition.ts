// Applies a declared transition to a record of a run's mutable state: checks the source state, changes
// the record, marks it for the commit (an item) and carries out its follow-ups: outbox tasks to write
// and dispatch rows to delete, all in the running transaction.
import { applyTransition, type Transition } from '../common/state-machine';
import type { ItemField } from './mutable-state';
import type { Followups } from './outbox';
import type { Workflow } from './workflow';

/** A transition of an entry of one of the run's item maps. */
export function transitionItem<R extends { status: string }, E>(
  workflow: Workflow,
  field: ItemField,
  id: string,
  record: R,
  transition: Transition<R, E, Followups>,
  event: E,
): void {
  workflow.changed(field, id);
  transitionRecord(workflow, record, transition, event);
}

/** A transition of a record kept in the run's core (the workflow task). */
export function transitionRecord<R extends { status: string }, E>(
  workflow: Workflow,
  record: R,
  transition: Transition<R, E, Followups>,
  event: E,
): void {
  workflow.touchCore();
  const { tasks, doneTaskIds, dispatch } = applyTransition(transition, record, event);
  for (const task of tasks) workflow.emit(task);
  for (const taskId of doneTaskIds) workflow.completeTask(taskId);
  if (dispatch) (record as unknown as { dispatchTaskId: number }).dispatchTaskId = workflow.emit(dispatch);
}
