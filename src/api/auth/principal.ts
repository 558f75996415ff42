// Who a request comes from, once its credential is verified: a name for the audit log and the roles it
// holds. `system` is the role on every namespace and on the cluster (`"*"` in an API key file, the
// `temporal-system` scope in a JWT, as on the Temporal server).
import type { Role } from './roles';

export const CredentialKind = { ApiKey: 'api-key', Jwt: 'jwt', Certificate: 'certificate', None: 'none' } as const;
export type CredentialKind = (typeof CredentialKind)[keyof typeof CredentialKind];

export interface Principal {
  readonly name: string;
  readonly kind: CredentialKind;
  readonly system: Role | undefined;
  readonly namespaces: ReadonlyMap<string, Role>;
}

/** The caller when authorization is off (start-dev without credential flags): may do everything. */
export const ANONYMOUS: Principal = {
  name: 'anonymous',
  kind: CredentialKind.None,
  system: 'admin',
  namespaces: new Map(),
};
