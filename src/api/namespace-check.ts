// The namespace a request names is checked before anything else about the request, as the Temporal
// server's namespace validator does it: a request whose message has a `namespace` field must name one
// (INVALID_ARGUMENT "Namespace not set on request.") that exists (NOT_FOUND "Namespace X is not found.",
// which the SDKs turn into NamespaceNotFoundError), whatever else is wrong with it. The requests that
// name a namespace about to be made, or may name it by id, or need none, check it themselves.
import { invalidArgument, namespaceNotFound } from '../common/errors';
import { NamespaceState } from '../engine/namespace-registry';
import type { NamespaceRegistry } from '../engine/namespace-registry';

/** Methods whose namespace field is not required to name an existing namespace here. */
const CHECKED_BY_THE_HANDLER: ReadonlySet<string> = new Set([
  'RegisterNamespace', // names the namespace to make
  'DescribeNamespace', // a name or an id
  'DeleteNamespace', // a name or an id
  'AddSearchAttributes', // the namespace is optional for the search attribute RPCs
  'RemoveSearchAttributes',
  'ListSearchAttributes',
]);

export async function checkRequestNamespace(
  namespaces: NamespaceRegistry,
  method: string,
  request: { namespace?: unknown },
  /** On a shared database: read a namespace another process registered a moment ago. */
  shared: boolean,
): Promise<void> {
  const name = request.namespace;
  if (typeof name !== 'string' || CHECKED_BY_THE_HANDLER.has(method)) return;
  if (name === '') throw invalidArgument('Namespace not set on request.');
  if (shared) await namespaces.catchUp(name);
  const record = namespaces.findByName(name);
  if (!record || record.state === NamespaceState.Deleted) throw namespaceNotFound(name);
}
