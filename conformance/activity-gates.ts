// Gates that hold a conformance activity until the runner opens them, so that an activity's completion
// never races the caller's workflow task. The activities run in the runner's own process (its workers),
// so a gate is an in-process promise keyed by activity id.

/** Open gates never outlive their scenario; a run holds at most a handful at a time. */
const GATES_MAX = 100;

interface Gate {
  readonly opened: Promise<void>;
  open(): void;
}

const gates = new Map<string, Gate>();

function gateOf(key: string): Gate {
  const existing = gates.get(key);
  if (existing !== undefined) return existing;
  if (gates.size >= GATES_MAX) throw new Error(`more than ${GATES_MAX} activity gates are open`);
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const gate = { opened, open };
  gates.set(key, gate);
  return gate;
}

/** Waits until the runner opens the gate `key` (called by the activity). */
export async function passGate(key: string): Promise<void> {
  await gateOf(key).opened;
  gates.delete(key);
}

/** True once an activity waits at the gate `key`. */
export function isWaitingAt(key: string): boolean {
  return gates.has(key);
}

/** Lets the activity waiting at `key` go on. */
export function openGate(key: string): void {
  gateOf(key).open();
}
