import type { temporal } from '../../common/proto';
import type { ApiDeps } from '../api-deps';
import { searchAttributeTypeMaps } from '../search-attribute-types';

export function getSearchAttributes(deps: ApiDeps): temporal.api.workflowservice.v1.IGetSearchAttributesResponse {
  const custom: Record<string, string> = {};
  for (const namespace of deps.namespaces.list()) Object.assign(custom, namespace.searchAttributes);
  return { keys: { ...searchAttributeTypeMaps(custom).system, ...searchAttributeTypeMaps(custom).custom } };
}
