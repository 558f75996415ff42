// Opens the store a server's --persistence names: `sqlite:///path/file.db` (or `sqlite://relative.db`,
// `sqlite://:memory:`), or `postgres://USER[:PASSWORD]@HOST:PORT/DB` (`postgresql://` too). Without a
// URL, start-dev's SQLite file (or memory).
import { invalidArgument } from '../common/errors';
import type { SchemaReport } from './schema-policy';
import type { Store } from './store';
import { SqliteStore } from './sqlite/sqlite-store';
import { PostgresStore, redactedUrl } from './postgres/postgres-store';

export interface OpenStoreOptions {
  readonly persistence?: string | undefined;
  readonly dbFilename?: string | undefined;
  readonly sqlitePragmas?: Readonly<Record<string, string>>;
  readonly allowMigration: boolean;
}

export interface OpenedStore {
  readonly store: Store;
  readonly schema: SchemaReport;
  /** What the store is, for the start banner (no password). */
  readonly description: string;
  /** Whether several processes may share the database (so shards move only when their leases end). */
  readonly isShared: boolean;
}

const SQLITE_PREFIX = 'sqlite://';

export async function openStore(options: OpenStoreOptions): Promise<OpenedStore> {
  const url = options.persistence;
  if (url === undefined || url.startsWith(SQLITE_PREFIX)) {
    const filename = url === undefined ? options.dbFilename : url.slice(SQLITE_PREFIX.length);
    if (filename === '') throw invalidArgument(`--persistence ${url ?? ''} names no file: use sqlite:///path/file.db`);
    const store = new SqliteStore({
      filename: filename === ':memory:' ? undefined : filename,
      pragmas: options.sqlitePragmas,
      allowMigration: options.allowMigration,
    });
    const description = filename === undefined || filename === ':memory:' ? 'in memory' : `SQLite ${filename}`;
    return { store, schema: store.schema, description, isShared: false };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const store = await PostgresStore.open({ url, allowMigration: options.allowMigration });
    return { store, schema: store.schema, description: `PostgreSQL ${redactedUrl(url)}`, isShared: true };
  }
  throw invalidArgument(
    `unsupported --persistence "${url}": use sqlite:///path/file.db or postgres://USER@HOST:PORT/DB`,
  );
}
