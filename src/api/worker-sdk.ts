// Which SDK a worker runs, as its calls say in the `client-name` and `client-version` headers that
// every official SDK sends (the Temporal server records them for an activity attempt).
import type * as grpc from '@grpc/grpc-js';
import type { WorkerSdk } from '../engine/mutable-state';

/** Header values longer than this are cut: they are only shown back, never interpreted. */
const SDK_FIELD_MAX = 100;

export function workerSdkOf(metadata: grpc.Metadata): WorkerSdk {
  const first = (name: string): string => {
    const [value] = metadata.get(name);
    return typeof value === 'string' ? value.slice(0, SDK_FIELD_MAX) : '';
  };
  return { name: first('client-name'), version: first('client-version') };
}
