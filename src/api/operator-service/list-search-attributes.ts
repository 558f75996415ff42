import type { temporal } from '../../common/proto';
import { type ApiDeps, namespaceOf } from '../api-deps';
import { searchAttributeTypeMaps } from '../search-attribute-types';

export function listSearchAttributes(
  deps: ApiDeps,
  request: temporal.api.operatorservice.v1.IListSearchAttributesRequest,
): temporal.api.operatorservice.v1.IListSearchAttributesResponse {
  const namespace = namespaceOf(deps, request);
  const maps = searchAttributeTypeMaps(namespace.searchAttributes);
  return { customAttributes: maps.custom, systemAttributes: maps.system, storageSchema: {} };
}
