// /nexus/:endpointId: one endpoint: target, caller allowlist, description (Markdown), whether a worker
// polls its task queue for Nexus tasks; edit and delete.
import { useState } from 'preact/hooks';
import { api, useLoad } from '../api';
import { ErrorBox, Show, time } from '../common';
import { Markdown } from '../markdown';
import { payloadValue } from '../payload';
import { Link, navigate, seg } from '../router';
import type { Endpoint, EndpointAccess, Poller } from '../types';

export async function loadEndpoint(id: string): Promise<{ endpoint: Endpoint; access: EndpointAccess | undefined }> {
  const { endpoint } = await api<{ endpoint?: Endpoint }>(`/nexus/endpoints/${seg(id)}`);
  if (!endpoint) throw new Error(`no endpoint ${id}`);
  const { endpoints } = await api<{ endpoints?: EndpointAccess[] }>(`/causeway/nexus-endpoint-access?ids=${seg(id)}`);
  return { endpoint, access: endpoints?.[0] };
}

export function descriptionOf(endpoint: Endpoint): string {
  const value = payloadValue(endpoint.spec?.description);
  return value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}

export function NexusDetail(props: { id: string }) {
  const loaded = useLoad(`endpoint:${props.id}`, () => loadEndpoint(props.id));
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState<Error>();
  return (
    <section>
      <p class="crumbs">
        <Link href="/nexus">Nexus endpoints</Link> /
      </p>
      <Show loaded={loaded}>
        {({ endpoint, access }) => {
          const worker = endpoint.spec?.target?.worker;
          const remove = (): void => {
            api(`/nexus/endpoints/${seg(props.id)}?version=${endpoint.version ?? '0'}`, { method: 'DELETE' }).then(
              () => navigate('/nexus'),
              (error: unknown) => setDeleteError(error as Error),
            );
          };
          const description = descriptionOf(endpoint);
          return (
            <>
              <div class="heading">
                <h1 data-testid="endpoint-name">{endpoint.spec?.name}</h1>
                <div class="actions">
                  <Link href={`/nexus/${seg(props.id)}/edit`} class="button">
                    Edit
                  </Link>
                  {confirming ? (
                    <>
                      <button class="danger" onClick={remove}>
                        Confirm delete
                      </button>
                      <button onClick={() => setConfirming(false)}>Keep</button>
                    </>
                  ) : (
                    <button class="danger" onClick={() => setConfirming(true)}>
                      Delete
                    </button>
                  )}
                </div>
              </div>
              {deleteError && <ErrorBox error={deleteError} title="Delete failed" />}
              <dl class="facts">
                <dt>Id</dt>
                <dd>{endpoint.id}</dd>
                <dt>Target</dt>
                <dd>
                  {worker ? (
                    <>
                      namespace{' '}
                      <Link href={`/namespaces/${seg(worker.namespace ?? '')}/workflows`}>{worker.namespace}</Link>,
                      task queue{' '}
                      <Link
                        href={`/namespaces/${seg(worker.namespace ?? '')}/task-queues/${seg(worker.taskQueue ?? '')}`}
                      >
                        {worker.taskQueue}
                      </Link>
                    </>
                  ) : (
                    (endpoint.spec?.target?.external?.url ?? '')
                  )}
                </dd>
                <dt>Caller namespaces</dt>
                <dd data-testid="allowlist">
                  {access?.isRestricted
                    ? (access.allowedCallerNamespaces ?? []).join(', ') || '(none)'
                    : 'any namespace'}
                </dd>
                <dt>Version</dt>
                <dd>{endpoint.version}</dd>
                <dt>Created</dt>
                <dd>{time(endpoint.createdTime)}</dd>
                <dt>Last modified</dt>
                <dd>{time(endpoint.lastModifiedTime)}</dd>
              </dl>
              {worker && <WorkerStatus namespace={worker.namespace ?? ''} taskQueue={worker.taskQueue ?? ''} />}
              <h2>Description</h2>
              {description ? <Markdown text={description} /> : <p class="muted">No description.</p>}
            </>
          );
        }}
      </Show>
    </section>
  );
}

/** Whether any worker polls the target task queue for Nexus tasks (DescribeTaskQueue, type Nexus). */
export function WorkerStatus(props: { namespace: string; taskQueue: string }) {
  const loaded = useLoad(
    `pollers:${props.namespace}:${props.taskQueue}`,
    () =>
      api<{ pollers?: Poller[] }>(
        `/namespaces/${seg(props.namespace)}/task-queues/${seg(props.taskQueue)}?taskQueueType=TASK_QUEUE_TYPE_NEXUS`,
      ),
    { everyMs: 5000, while: () => true },
  );
  return (
    <Show loaded={loaded}>
      {(data) => {
        const pollers = data.pollers ?? [];
        return pollers.length > 0 ? (
          <p class="ok" data-testid="worker-status">
            A worker polls {props.taskQueue} for Nexus tasks ({pollers.map((poller) => poller.identity).join(', ')}).
          </p>
        ) : (
          <p class="warn" data-testid="worker-status">
            No worker polls {props.taskQueue} for Nexus tasks: operations wait until one does.
          </p>
        );
      }}
    </Show>
  );
}
