// What a store does with the schema it finds when it opens a database, the same for every adapter:
// an empty database gets the schema (and the caller says so), the current one is used as it is, an older
// one is migrated only when migration is allowed (`causeway server start --migrate`; start-dev allows it),
// and a newer one or a database of someone else's tables is refused before anything is written.
import { failedPrecondition } from '../common/errors';

export type SchemaAction =
  { readonly kind: 'create' } | { readonly kind: 'current' } | { readonly kind: 'migrate'; readonly from: number };

/** What opening the database did to its schema, for the server to report. */
export interface SchemaReport {
  readonly version: number;
  readonly created: boolean;
  /** The version it had, when migrations ran. */
  readonly migratedFrom?: number;
}

export interface SchemaFound {
  /** Causeway's schema version in the database; 0 when it has none. */
  readonly version: number;
  /** Tables of the database, when it has no Causeway schema version. */
  readonly otherTables: readonly string[];
}

export function decideSchema(
  found: SchemaFound,
  latest: number,
  options: { readonly allowMigration: boolean; readonly database: string },
): SchemaAction {
  if (found.version === 0) {
    if (found.otherTables.length === 0) return { kind: 'create' };
    const tables = found.otherTables.slice(0, 5).join(', ');
    throw failedPrecondition(
      `the database ${options.database} holds tables that are not Causeway's (${tables}): give Causeway an empty database`,
    );
  }
  if (found.version > latest) {
    throw failedPrecondition(
      `the database ${options.database} has schema version ${found.version}, newer than this Causeway's ${latest}: upgrade Causeway`,
    );
  }
  if (found.version === latest) return { kind: 'current' };
  if (!options.allowMigration) {
    throw failedPrecondition(
      `the database ${options.database} has schema version ${found.version} and this Causeway uses ${latest}: ` +
        'back it up, then start once with --migrate to upgrade it',
    );
  }
  return { kind: 'migrate', from: found.version };
}

export function reportOf(action: SchemaAction, latest: number): SchemaReport {
  switch (action.kind) {
    case 'create':
      return { version: latest, created: true };
    case 'current':
      return { version: latest, created: false };
    case 'migrate':
      return { version: latest, created: false, migratedFrom: action.from };
  }
}
