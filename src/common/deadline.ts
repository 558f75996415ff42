// An abort signal for "until any of these signals aborts, or `ms` passes", whose timer is released as
// soon as the work is done (AbortSignal.timeout cannot be canceled: every finished long poll would leave
// its timer, and later a DOMException, behind).
import type { Clock } from './clock';

export async function withDeadline<T>(
  clock: Clock,
  signals: readonly AbortSignal[],
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  for (const signal of signals) {
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', abort, { once: true });
  }
  const timer = clock.setTimer(abort, ms);
  try {
    return await work(controller.signal);
  } finally {
    timer.cancel();
    for (const signal of signals) signal.removeEventListener('abort', abort);
  }
}
