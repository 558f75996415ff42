// /namespaces/:ns/workflows: the namespace's workflows, filtered by a visibility query (?query=...).
import { useState } from 'preact/hooks';
import { api, useLoad } from '../api';
import { Empty, Show, StatusBadge, time } from '../common';
import { Link, navigate, seg } from '../router';
import type { WorkflowInfo } from '../types';

export function Workflows(props: { namespace: string; query: string }) {
  const [draft, setDraft] = useState(props.query);
  const loaded = useLoad(
    `workflows:${props.namespace}:${props.query}`,
    () =>
      api<{ executions?: WorkflowInfo[] }>(
        `/namespaces/${seg(props.namespace)}/workflows?pageSize=200&query=${encodeURIComponent(props.query)}`,
      ),
    { everyMs: 5000, while: () => true },
  );
  const base = `/namespaces/${seg(props.namespace)}/workflows`;
  return (
    <section>
      <h1>
        Workflows in <span data-testid="namespace">{props.namespace}</span>
      </h1>
      <form
        class="query"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(draft.trim() === '' ? base : `${base}?query=${encodeURIComponent(draft)}`);
        }}
      >
        <input
          name="query"
          aria-label="Visibility query"
          placeholder={`WorkflowType = "orderWorkflow" AND ExecutionStatus = "Running"`}
          value={draft}
          onInput={(event) => setDraft(event.currentTarget.value)}
        />
        <button type="submit">Search</button>
      </form>
      <Show loaded={loaded}>
        {(data) =>
          (data.executions ?? []).length === 0 ? (
            <Empty>{props.query ? 'No workflow matches the query.' : 'No workflows in this namespace yet.'}</Empty>
          ) : (
            <table data-testid="workflows">
              <thead>
                <tr>
                  <th>Status</th>
                  <th>Workflow id</th>
                  <th>Type</th>
                  <th>Task queue</th>
                  <th>Start</th>
                  <th>End</th>
                </tr>
              </thead>
              <tbody>
                {(data.executions ?? []).map((info) => (
                  <tr key={`${info.execution?.workflowId}/${info.execution?.runId}`}>
                    <td>
                      <StatusBadge status={info.status} />
                    </td>
                    <td>
                      <Link
                        href={`${base}/${seg(info.execution?.workflowId ?? '')}/${seg(info.execution?.runId ?? '')}/history`}
                      >
                        {info.execution?.workflowId}
                      </Link>
                    </td>
                    <td>{info.type?.name}</td>
                    <td>
                      <Link href={`/namespaces/${seg(props.namespace)}/task-queues/${seg(info.taskQueue ?? '')}`}>
                        {info.taskQueue}
                      </Link>
                    </td>
                    <td>{time(info.startTime)}</td>
                    <td>{time(info.closeTime)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </section>
  );
}
