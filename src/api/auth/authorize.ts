// The decision: may this principal make this RPC on this namespace? As the server's default authorizer:
// a cluster-wide RPC needs the role on every namespace; a namespace RPC needs it there or everywhere.
import type { Principal } from './principal';
import { isRoleAtLeast, strongerRole } from './roles';
import { roleNeeded, Scope, type RpcAccess } from './rpc-access';

export function isAllowed(principal: Principal, rpc: RpcAccess, namespace: string): boolean {
  const needed = roleNeeded(rpc.access);
  if (needed === undefined) return true;
  if (rpc.scope === Scope.Cluster) return isRoleAtLeast(principal.system, needed);
  return isRoleAtLeast(strongerRole(principal.system, principal.namespaces.get(namespace)), needed);
}
