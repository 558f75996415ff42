import type { temporal } from '../../common/proto';
import { invalidArgument } from '../../common/errors';
import type { ApiDeps } from '../api-deps';
import { namespaceDescription } from './namespace-description';

export function describeNamespace(
  deps: ApiDeps,
  request: temporal.api.workflowservice.v1.IDescribeNamespaceRequest,
): temporal.api.workflowservice.v1.IDescribeNamespaceResponse {
  if (!request.namespace && !request.id) throw invalidArgument('Namespace is not set on request.');
  const record = request.id ? deps.namespaces.getById(request.id) : deps.namespaces.getByName(request.namespace ?? '');
  return namespaceDescription(record);
}
