// Runs an async pass every `everyMs` on the injected clock, the next one armed only when the last has
// settled (so passes never overlap); a pass that fails is reported and the next one comes as usual.
import type { Clock, TimerHandle } from './clock';

export interface Repeating {
  cancel(): void;
}

export function repeatEvery(
  clock: Clock,
  everyMs: number,
  pass: () => Promise<unknown>,
  onError: (error: unknown) => void,
): Repeating {
  let timer: TimerHandle | undefined;
  let isCanceled = false;
  const schedule = (): void => {
    if (isCanceled) return;
    timer = clock.setTimer(() => {
      pass().then(schedule, (error: unknown) => {
        onError(error);
        schedule();
      });
    }, everyMs);
  };
  schedule();
  return {
    cancel() {
      isCanceled = true;
      timer?.cancel();
    },
  };
}
