// The one place that reads wall time. Engine, matching and nexus code take a Clock so tests can drive time.
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = {
  nowMs(): number {
    return Date.now();
  },
};
