// Where Causeway's histories may differ from the Temporal server's, each with its reason; every entry
// here is listed in docs/compatibility.md. Keep both lists short: an entry is a promise to users.

export interface DeliberateDifference {
  /** Event type in PascalCase, as in the golden files. */
  readonly eventType: string;
  /** Dotted path inside the normalised event, e.g. `attributes.requestId`. */
  readonly path: string;
  readonly reason: string;
}

/** Attributes left out of the comparison on both sides because Causeway differs on purpose. */
export const DELIBERATE_DIFFERENCES: readonly DeliberateDifference[] = [
  {
    eventType: 'WorkflowExecutionSignaled',
    path: 'attributes.requestId',
    reason:
      'Causeway records the signal request id on the event (a field of the API) and deduplicates retried signals by it; ' +
      'the Temporal server 1.29 keeps those ids in mutable state instead. SDKs do not read the field.',
  },
];

/**
 * Scenarios in which Causeway still differs from the Temporal server because of a known bug. Their
 * tests are marked todo (reported, not failing) until the bug is fixed; an entry whose scenario
 * matches must be removed, which the golden test checks.
 */
export const KNOWN_BUGS: Readonly<Record<string, string>> = {};

/** A copy of `event` without the attributes that differ on purpose. */
export function withoutDeliberateDifferences<T extends { eventType: string }>(event: T): T {
  const rules = DELIBERATE_DIFFERENCES.filter((rule) => rule.eventType === event.eventType);
  if (rules.length === 0) return event;
  const copy = structuredClone(event) as T & Record<string, unknown>;
  for (const rule of rules) deletePath(copy, rule.path.split('.'));
  return copy;
}

function deletePath(target: Record<string, unknown>, path: readonly string[]): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    delete target[head];
    return;
  }
  const child = target[head];
  if (child !== null && typeof child === 'object' && !Array.isArray(child))
    deletePath(child as Record<string, unknown>, rest);
}
