// The one place that makes randomness: ids for runs, requests and tokens.
import { randomUUID, randomInt } from 'node:crypto';

export interface Ids {
  uuid(): string;
  /** A uniform random float in [0, 1), for jitter. */
  random(): number;
}

export const systemIds: Ids = {
  uuid(): string {
    return randomUUID();
  },
  random(): number {
    return randomInt(0, 2 ** 31) / 2 ** 31;
  },
};
