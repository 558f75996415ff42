import type { temporal } from '../../common/proto';
import { invalidArgument } from '../../common/errors';
import { type ApiDeps, namespaceOf } from '../api-deps';
import { isSystemSearchAttribute, searchAttributeTypeName } from '../search-attribute-types';

export async function addSearchAttributes(
  deps: ApiDeps,
  request: temporal.api.operatorservice.v1.IAddSearchAttributesRequest,
): Promise<temporal.api.operatorservice.v1.IAddSearchAttributesResponse> {
  const namespace = namespaceOf(deps, request);
  const added: Record<string, string> = {};
  for (const [name, type] of Object.entries(request.searchAttributes ?? {})) {
    if (isSystemSearchAttribute(name)) throw invalidArgument(`Search attribute ${name} is reserved by system.`);
    const typeName = searchAttributeTypeName(type);
    const existing = namespace.searchAttributes[name];
    if (existing && existing !== typeName)
      throw invalidArgument(`Search attribute ${name} already exists with type ${existing}.`);
    added[name] = typeName;
  }
  await deps.namespaces.update({ ...namespace, searchAttributes: { ...namespace.searchAttributes, ...added } });
  return {};
}
