// /nexus: the endpoint registry, searchable by name.
import { useState } from 'preact/hooks';
import { api, useLoad } from '../api';
import { Empty, Show } from '../common';
import { Link, seg } from '../router';
import type { Endpoint } from '../types';

export function NexusList() {
  const [search, setSearch] = useState('');
  const loaded = useLoad('nexus', () => api<{ endpoints?: Endpoint[] }>('/nexus/endpoints?pageSize=1000'));
  return (
    <section>
      <div class="heading">
        <h1>Nexus endpoints</h1>
        <Link href="/nexus/create" class="button">
          Create endpoint
        </Link>
      </div>
      <input
        type="search"
        placeholder="Search endpoints by name"
        aria-label="Search endpoints"
        value={search}
        onInput={(event) => setSearch(event.currentTarget.value)}
      />
      <Show loaded={loaded}>
        {(data) => {
          const all = data.endpoints ?? [];
          const shown = all.filter((endpoint) =>
            (endpoint.spec?.name ?? '').toLowerCase().includes(search.toLowerCase()),
          );
          if (all.length === 0)
            return <Empty>No Nexus endpoints yet. Create one to let one namespace call another.</Empty>;
          if (shown.length === 0) return <Empty>No endpoint's name contains “{search}”.</Empty>;
          return (
            <table data-testid="endpoints">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Target</th>
                  <th>Last modified</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((endpoint) => (
                  <tr key={endpoint.id}>
                    <td>
                      <Link href={`/nexus/${seg(endpoint.id ?? '')}`}>{endpoint.spec?.name}</Link>
                    </td>
                    <td>{targetText(endpoint)}</td>
                    <td>{(endpoint.lastModifiedTime ?? endpoint.createdTime ?? '').replace('T', ' ').slice(0, 19)}</td>
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

export function targetText(endpoint: Endpoint): string {
  const target = endpoint.spec?.target;
  if (target?.worker) return `${target.worker.namespace} / ${target.worker.taskQueue}`;
  if (target?.external) return target.external.url ?? '';
  return '';
}
