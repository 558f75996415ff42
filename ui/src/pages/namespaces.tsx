// /namespaces: every namespace, with a link to its workflows.
import { api, useLoad } from '../api';
import { Empty, Show, enumName } from '../common';
import { Link, seg } from '../router';
import type { Namespace } from '../types';

export function Namespaces() {
  const loaded = useLoad('namespaces', () => api<{ namespaces?: Namespace[] }>('/namespaces?pageSize=1000'));
  return (
    <section>
      <h1>Namespaces</h1>
      <Show loaded={loaded}>
        {(data) =>
          (data.namespaces ?? []).length === 0 ? (
            <Empty>No namespaces.</Empty>
          ) : (
            <table data-testid="namespaces">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>State</th>
                  <th>Retention</th>
                  <th>Description</th>
                </tr>
              </thead>
              <tbody>
                {(data.namespaces ?? []).map(({ namespaceInfo, config }) => (
                  <tr key={namespaceInfo?.name}>
                    <td>
                      <Link href={`/namespaces/${seg(namespaceInfo?.name ?? '')}/workflows`}>
                        {namespaceInfo?.name}
                      </Link>
                    </td>
                    <td>{enumName(namespaceInfo?.state, 'NAMESPACE_STATE_')}</td>
                    <td>{config?.workflowExecutionRetentionTtl ?? ''}</td>
                    <td>{namespaceInfo?.description ?? ''}</td>
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
