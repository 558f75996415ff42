// /audit: the audit log, newest first, a page at a time (GET /api/v1/causeway/audit).
import { useState } from 'preact/hooks';
import { api, useLoad } from '../api';
import { Empty, Show, time } from '../common';

interface AuditEvent {
  readonly id?: string;
  readonly time?: string;
  readonly principal?: string;
  readonly action?: string;
  readonly namespace?: string;
  readonly target?: string;
  readonly outcome?: string;
  readonly detail?: string;
}

const PAGE_SIZE = 100;

export function Audit() {
  // The page tokens of the pages seen so far, to go back; the last one is the page shown.
  const [tokens, setTokens] = useState<string[]>(['']);
  const token = tokens[tokens.length - 1] ?? '';
  const loaded = useLoad(`audit:${token}`, () =>
    api<{ events?: AuditEvent[]; nextPageToken?: string }>(
      `/causeway/audit?page_size=${PAGE_SIZE}${token ? `&next_page_token=${encodeURIComponent(token)}` : ''}`,
    ),
  );
  return (
    <section>
      <h1>Audit log</h1>
      <p class="hint">
        Changes to namespaces, search attributes and Nexus endpoints, terminates, deletes and resets, and every request
        refused for its credential or role. <code>pending</code>: written before the request was served and not settled
        (the server stopped while serving it).
      </p>
      <Show loaded={loaded}>
        {(data) => {
          const events = data.events ?? [];
          return events.length === 0 ? (
            <Empty>No audit events yet.</Empty>
          ) : (
            <>
              <table data-testid="audit">
                <thead>
                  <tr>
                    <th>Time</th>
                    <th>Principal</th>
                    <th>Action</th>
                    <th>Namespace</th>
                    <th>Target</th>
                    <th>Outcome</th>
                    <th>Detail</th>
                  </tr>
                </thead>
                <tbody>
                  {events.map((event) => (
                    <tr key={event.id}>
                      <td>{time(event.time)}</td>
                      <td>{event.principal || 'unauthenticated'}</td>
                      <td>{event.action}</td>
                      <td>{event.namespace}</td>
                      <td>{event.target}</td>
                      <td class={event.outcome === 'ok' ? 'ok' : 'warn'}>{event.outcome}</td>
                      <td>{event.detail}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p class="pager">
                {tokens.length > 1 ? (
                  <button type="button" onClick={() => setTokens(tokens.slice(0, -1))}>
                    Newer
                  </button>
                ) : null}
                {data.nextPageToken ? (
                  <button type="button" onClick={() => setTokens([...tokens, data.nextPageToken ?? ''])}>
                    Older
                  </button>
                ) : null}
              </p>
            </>
          );
        }}
      </Show>
    </section>
  );
}
