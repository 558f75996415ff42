// /nexus/create and /nexus/:endpointId/edit: the endpoint form. The allowlist travels in Causeway's
// causeway-allow-namespaces header (docs/security.md); the description is a json/plain payload, as the
// Temporal UI writes it, previewed as Markdown.
import { useState } from 'preact/hooks';
import { api, useLoad } from '../api';
import { ErrorBox, Show } from '../common';
import { Markdown } from '../markdown';
import { jsonPayload } from '../payload';
import { Link, navigate, seg } from '../router';
import type { Endpoint, EndpointAccess, Namespace } from '../types';
import { descriptionOf, loadEndpoint } from './nexus-detail';

interface Values {
  name: string;
  namespace: string;
  taskQueue: string;
  allowlist: string;
  description: string;
}

export function NexusCreate() {
  return <EndpointForm values={{ name: '', namespace: '', taskQueue: '', allowlist: '', description: '' }} />;
}

export function NexusEdit(props: { id: string }) {
  const loaded = useLoad(`endpoint:${props.id}`, () => loadEndpoint(props.id));
  return (
    <Show loaded={loaded}>
      {({ endpoint, access }) => <EndpointForm endpoint={endpoint} values={valuesOf(endpoint, access)} />}
    </Show>
  );
}

function valuesOf(endpoint: Endpoint, access: EndpointAccess | undefined): Values {
  return {
    name: endpoint.spec?.name ?? '',
    namespace: endpoint.spec?.target?.worker?.namespace ?? '',
    taskQueue: endpoint.spec?.target?.worker?.taskQueue ?? '',
    allowlist: access?.isRestricted ? (access.allowedCallerNamespaces ?? []).join(', ') : '',
    description: descriptionOf(endpoint),
  };
}

function EndpointForm(props: { endpoint?: Endpoint; values: Values }) {
  const [values, setValues] = useState(props.values);
  const [error, setError] = useState<Error>();
  const [isSaving, setSaving] = useState(false);
  const namespaces = useLoad('namespaces', () => api<{ namespaces?: Namespace[] }>('/namespaces?pageSize=1000'));
  const set = (field: keyof Values) => (event: { currentTarget: { value: string } }) =>
    setValues({ ...values, [field]: event.currentTarget.value });
  const id = props.endpoint?.id;
  const submit = (event: Event): void => {
    event.preventDefault();
    setSaving(true);
    const allow = values.allowlist
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    const spec = {
      name: values.name.trim(),
      target: { worker: { namespace: values.namespace, taskQueue: values.taskQueue.trim() } },
      ...(values.description.trim() === '' ? {} : { description: jsonPayload(values.description) }),
    };
    // On update an empty header removes the list; on create no header means any caller.
    const headers: Record<string, string> =
      id || allow.length > 0 ? { 'causeway-allow-namespaces': allow.join(',') } : {};
    const saved = id
      ? api<{ endpoint?: Endpoint }>(`/nexus/endpoints/${seg(id)}/update`, {
          body: { version: props.endpoint?.version ?? '0', spec },
          headers,
        })
      : api<{ endpoint?: Endpoint }>('/nexus/endpoints', { body: { spec }, headers });
    saved.then(
      (response) => navigate(`/nexus/${seg(response.endpoint?.id ?? id ?? '')}`),
      (failure: unknown) => {
        setSaving(false);
        setError(failure as Error);
      },
    );
  };
  return (
    <section>
      <p class="crumbs">
        <Link href="/nexus">Nexus endpoints</Link> /
      </p>
      <h1>{id ? `Edit ${props.values.name}` : 'Create endpoint'}</h1>
      {error && <ErrorBox error={error} title="Not saved" />}
      <form class="form" onSubmit={submit}>
        <label>
          Name
          <input name="name" required value={values.name} onInput={set('name')} placeholder="my-endpoint" />
        </label>
        <label>
          Target namespace
          <select name="namespace" required value={values.namespace} onChange={set('namespace')}>
            <option value="">Choose a namespace</option>
            {(namespaces.data?.namespaces ?? []).map((namespace) => (
              <option key={namespace.namespaceInfo?.name} value={namespace.namespaceInfo?.name}>
                {namespace.namespaceInfo?.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Target task queue
          <input name="taskQueue" required value={values.taskQueue} onInput={set('taskQueue')} />
        </label>
        <label>
          Caller namespaces allowed (comma-separated; empty: any)
          <input
            name="allowlist"
            value={values.allowlist}
            onInput={set('allowlist')}
            placeholder="caller-ns, other-ns"
          />
        </label>
        <label>
          Description (Markdown)
          <textarea name="description" rows={6} value={values.description} onInput={set('description')} />
        </label>
        {values.description.trim() !== '' && (
          <div class="preview">
            <h2>Preview</h2>
            <Markdown text={values.description} />
          </div>
        )}
        <div class="actions">
          <button type="submit" class="primary" disabled={isSaving}>
            {id ? 'Save' : 'Create'}
          </button>
          <Link href={id ? `/nexus/${seg(id)}` : '/nexus'} class="button">
            Cancel
          </Link>
        </div>
      </form>
    </section>
  );
}
