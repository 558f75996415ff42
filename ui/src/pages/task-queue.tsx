// /namespaces/:ns/task-queues/:name: the workers polling a task queue, per task type.
import { api, useLoad } from '../api';
import { Empty, Show, time } from '../common';
import { Link, seg } from '../router';
import type { Poller } from '../types';

const TYPES = [
  ['Workflow', 'TASK_QUEUE_TYPE_WORKFLOW'],
  ['Activity', 'TASK_QUEUE_TYPE_ACTIVITY'],
  ['Nexus', 'TASK_QUEUE_TYPE_NEXUS'],
] as const;

export function TaskQueue(props: { namespace: string; name: string }) {
  const loaded = useLoad(
    `tq:${props.namespace}:${props.name}`,
    () =>
      Promise.all(
        TYPES.map(([, type]) =>
          api<{ pollers?: Poller[] }>(
            `/namespaces/${seg(props.namespace)}/task-queues/${seg(props.name)}?taskQueueType=${type}`,
          ),
        ),
      ),
    { everyMs: 5000, while: () => true },
  );
  return (
    <section>
      <p class="crumbs">
        <Link href={`/namespaces/${seg(props.namespace)}/workflows`}>{props.namespace}</Link> / task queues /
      </p>
      <h1 data-testid="task-queue">{props.name}</h1>
      <Show loaded={loaded}>
        {(answers) => {
          const rows = answers.flatMap((answer, index) =>
            (answer.pollers ?? []).map((poller) => ({ type: TYPES[index]?.[0] ?? '', poller })),
          );
          if (rows.length === 0) return <Empty>No worker polls this task queue now.</Empty>;
          return (
            <table data-testid="pollers">
              <thead>
                <tr>
                  <th>Task type</th>
                  <th>Worker identity</th>
                  <th>Last poll</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ type, poller }) => (
                  <tr key={`${type}:${poller.identity}`}>
                    <td>{type}</td>
                    <td>{poller.identity}</td>
                    <td>{time(poller.lastAccessTime)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </Show>
    </section>
  );
}
