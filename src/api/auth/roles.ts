// The roles of Causeway's authorization, ordered: each may do what the ones before it may. reader reads;
// worker also polls and answers tasks (what a Worker does); writer also starts, signals, cancels,
// terminates, resets and deletes; admin also changes namespaces, search attributes and Nexus endpoints.
// The Temporal server's default authorizer has the same four names (a JWT says read, write, worker,
// admin), but its worker role ranks below reader; here a worker may read, as an SDK worker must.

export const Role = { Reader: 'reader', Worker: 'worker', Writer: 'writer', Admin: 'admin' } as const;
export type Role = (typeof Role)[keyof typeof Role];

const RANK: Readonly<Record<Role, number>> = { reader: 1, worker: 2, writer: 3, admin: 4 };

/** The role a key file or a JWT permission names: reader/read, writer/write, worker, admin (any case). */
export function roleOf(text: string): Role | undefined {
  switch (text.toLowerCase()) {
    case 'reader':
    case 'read':
      return Role.Reader;
    case 'worker':
      return Role.Worker;
    case 'writer':
    case 'write':
      return Role.Writer;
    case 'admin':
      return Role.Admin;
    default:
      return undefined;
  }
}

/** The stronger of two roles (a principal holding both may do what either may). */
export function strongerRole(a: Role | undefined, b: Role | undefined): Role | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

export function isRoleAtLeast(held: Role | undefined, needed: Role): boolean {
  return held !== undefined && RANK[held] >= RANK[needed];
}
