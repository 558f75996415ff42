// The routes, as the Temporal UI's paths, and the frame around them.
import type { ComponentChildren } from 'preact';
import { Link, useLocation } from './router';
import { Namespaces } from './pages/namespaces';
import { NexusList } from './pages/nexus-list';
import { NexusDetail } from './pages/nexus-detail';
import { NexusCreate, NexusEdit } from './pages/nexus-form';
import { Workflows } from './pages/workflows';
import { WorkflowDetail } from './pages/workflow-detail';
import { TaskQueue } from './pages/task-queue';
import { Audit } from './pages/audit';

const decode = (value: string | undefined): string => decodeURIComponent(value ?? '');

function route(path: string, query: URLSearchParams): ComponentChildren {
  let match: RegExpExecArray | null;
  if (path === '/' || path === '/namespaces' || path === '/namespaces/') return <Namespaces />;
  if (path === '/nexus' || path === '/nexus/') return <NexusList />;
  if (path === '/nexus/create') return <NexusCreate />;
  if (path === '/audit' || path === '/audit/') return <Audit />;
  if ((match = /^\/nexus\/([^/]+)\/edit$/.exec(path))) return <NexusEdit id={decode(match[1])} />;
  if ((match = /^\/nexus\/([^/]+)$/.exec(path))) return <NexusDetail id={decode(match[1])} />;
  if ((match = /^\/namespaces\/([^/]+)\/workflows\/?$/.exec(path)))
    return <Workflows namespace={decode(match[1])} query={query.get('query') ?? ''} />;
  if ((match = /^\/namespaces\/([^/]+)\/workflows\/([^/]+)\/([^/]+)(?:\/[a-z-]+)?$/.exec(path)))
    return <WorkflowDetail namespace={decode(match[1])} workflowId={decode(match[2])} runId={decode(match[3])} />;
  if ((match = /^\/namespaces\/([^/]+)\/task-queues\/([^/]+)$/.exec(path)))
    return <TaskQueue namespace={decode(match[1])} name={decode(match[2])} />;
  return (
    <section>
      <h1>Not found</h1>
      <p class="empty" data-testid="empty">
        No page at {path}. Try <Link href="/namespaces">the namespaces</Link> or{' '}
        <Link href="/nexus">the Nexus endpoints</Link>.
      </p>
    </section>
  );
}

export function App() {
  const { path, query } = useLocation();
  const section = path.startsWith('/nexus') ? 'nexus' : path.startsWith('/audit') ? 'audit' : 'namespaces';
  return (
    <>
      <header class="top">
        <Link href="/namespaces" class="brand">
          Causeway
        </Link>
        <nav>
          <Link href="/nexus" class={section === 'nexus' ? 'active' : ''}>
            Nexus
          </Link>
          <Link href="/namespaces" class={section === 'namespaces' ? 'active' : ''}>
            Namespaces
          </Link>
          <Link href="/audit" class={section === 'audit' ? 'active' : ''}>
            Audit
          </Link>
        </nav>
      </header>
      <main key={path}>{route(path, query)}</main>
    </>
  );
}
