// The OperatorService methods Causeway implements. Any method not listed answers UNIMPLEMENTED.
import type { ApiDeps } from '../api-deps';
import type { RpcHandler } from '../grpc-service';
import { addSearchAttributes } from './add-search-attributes';
import { listSearchAttributes } from './list-search-attributes';

export function operatorServiceHandlers(deps: ApiDeps): Record<string, RpcHandler> {
  return {
    AddSearchAttributes: (r) => addSearchAttributes(deps, r),
    ListSearchAttributes: (r) => listSearchAttributes(deps, r),
  };
}
