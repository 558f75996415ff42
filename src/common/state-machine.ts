// State machines as data. A transition names the states it may start from and the state it leads to;
// `apply` changes the record (and says what follows from the change, e.g. the tasks to run); applying
// a transition from any other state is a bug and throws. Callers never set a state field themselves.
export class InvalidTransitionError extends Error {
  override name = 'InvalidTransitionError';
}

export interface Transition<R extends { status: string }, E, O> {
  readonly machine: string;
  readonly name: string;
  readonly from: readonly R['status'][];
  readonly to: R['status'];
  /** Runs after the record has taken the `to` state. */
  apply(record: R, event: E): O;
}

export function defineTransition<R extends { status: string }, E, O>(
  transition: Transition<R, E, O>,
): Transition<R, E, O> {
  return transition;
}

/** Whether the record is in a state the transition may start from. */
export function canApply<R extends { status: string }>(
  transition: { readonly from: readonly R['status'][] },
  record: R,
): boolean {
  return transition.from.includes(record.status);
}

export function applyTransition<R extends { status: string }, E, O>(
  transition: Transition<R, E, O>,
  record: R,
  event: E,
): O {
  if (!canApply(transition, record)) {
    throw new InvalidTransitionError(
      `${transition.machine}: "${transition.name}" cannot start from "${record.status}" (only from ${transition.from.join(', ')})`,
    );
  }
  record.status = transition.to;
  return transition.apply(record, event);
}
