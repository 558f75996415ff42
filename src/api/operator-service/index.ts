// The OperatorService methods Causeway implements. Any method not listed answers UNIMPLEMENTED.
import type { ApiDeps } from '../api-deps';
import type { RpcHandler } from '../grpc-service';
import { addSearchAttributes } from './add-search-attributes';
import { listSearchAttributes } from './list-search-attributes';
import {
  createNexusEndpoint,
  deleteNexusEndpoint,
  getNexusEndpoint,
  listNexusEndpoints,
  updateNexusEndpoint,
} from './nexus-endpoints';

export function operatorServiceHandlers(deps: ApiDeps): Record<string, RpcHandler> {
  return {
    AddSearchAttributes: (r) => addSearchAttributes(deps, r),
    ListSearchAttributes: (r) => listSearchAttributes(deps, r),
    GetNexusEndpoint: (r) => getNexusEndpoint(deps, r),
    CreateNexusEndpoint: (r, c) => createNexusEndpoint(deps, r, c),
    UpdateNexusEndpoint: (r, c) => updateNexusEndpoint(deps, r, c),
    DeleteNexusEndpoint: (r) => deleteNexusEndpoint(deps, r),
    ListNexusEndpoints: (r) => listNexusEndpoints(deps, r),
  };
}
