// Options of a Causeway server: the flags of `temporal server start-dev`, with the same names and defaults.
import type { SchemaReport } from './store/schema-policy';

export type LogFormat = 'json' | 'pretty';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'never';

export interface ServerTls {
  readonly certFile: string;
  readonly keyFile: string;
  /** When set, clients must present a certificate signed by one of these CAs. */
  readonly clientCaFile?: string;
}

/** Credentials the public ports accept (docs/security.md); without any, every request is served. */
export interface ServerAuth {
  /** JSON list of API keys with their principal and roles (--api-key-file). */
  readonly apiKeyFile?: string | undefined;
  /** PEM public keys or certificates that sign JWTs (--jwt-key-file). */
  readonly jwtKeyFile?: string | undefined;
  /** JWKS document of the keys that sign JWTs (--jwks-file). */
  readonly jwksFile?: string | undefined;
}

export interface ServerOptions {
  /** gRPC port (default 7233). 0 picks a free port. */
  readonly port: number;
  /** Address to bind (default 127.0.0.1). */
  readonly ip: string;
  /** Port of the HTTP API (Nexus HTTP); undefined = a free port picked at start. */
  readonly httpPort?: number | undefined;
  /** Port of the web UI (default port + 1000, or a free port when port is 0); unused when headless. */
  readonly uiPort?: number | undefined;
  /** Port of the Prometheus endpoint (/metrics); undefined = a free port picked at start. */
  readonly metricsPort?: number | undefined;
  readonly headless: boolean;
  /** SQLite file; undefined = in memory. Ignored when `persistence` is set. */
  readonly dbFilename?: string | undefined;
  /** The database: sqlite:///path/file.db or postgres://USER@HOST:PORT/DB (see store/open-store.ts). */
  readonly persistence?: string | undefined;
  /** Run the migrations of a database of an older schema (start-dev does; `server start` asks --migrate). */
  readonly allowMigration: boolean;
  /** Namespaces to create at start; `default` always exists. */
  readonly namespaces: readonly string[];
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  /** Custom search attributes, name -> type (Keyword, Text, Int, Double, Bool, Datetime, KeywordList). */
  readonly searchAttributes: Readonly<Record<string, string>>;
  /** Dynamic config values, key -> JSON value. */
  readonly dynamicConfig: Readonly<Record<string, unknown>>;
  /** SQLite pragmas, name -> value. */
  readonly sqlitePragmas: Readonly<Record<string, string>>;
  /** How long a shard lease lasts on a shared database (PostgreSQL): the longest a dead owner's shards wait. */
  readonly shardLeaseMs: number;
  /** Port of the internal gRPC server other processes forward to (shared databases only); 0 picks one. */
  readonly internalPort?: number | undefined;
  /** The address other processes reach this one at; default --ip, or this host's first address if that is 0.0.0.0. */
  readonly advertiseIp?: string | undefined;
  /** History shards of a new database (an existing database keeps its own count). */
  readonly shardCount: number;
  /** Check on every write that the engine marked every mutable state item it changed (for tests). */
  readonly verifyItemTracking: boolean;
  /** TLS on the public gRPC port (mutual TLS with a client CA); plaintext without it. */
  readonly tls?: ServerTls | undefined;
  /** API keys and JWT keys; without them (start-dev's default) every request is served. */
  readonly auth?: ServerAuth | undefined;
}

/** start-dev's shard count: a few, so that work on different workflows does not queue behind one writer. */
export const START_DEV_SHARD_COUNT = 4;

export const defaultServerOptions: ServerOptions = {
  port: 7233,
  ip: '127.0.0.1',
  headless: false,
  namespaces: [],
  logLevel: 'warn',
  logFormat: 'pretty',
  searchAttributes: {},
  dynamicConfig: {},
  sqlitePragmas: {},
  allowMigration: true,
  shardLeaseMs: 5000,
  shardCount: START_DEV_SHARD_COUNT,
  verifyItemTracking: process.env['CAUSEWAY_VERIFY_ITEM_TRACKING'] === '1',
};

export interface RunningServer {
  /** host:port of the gRPC frontend. */
  readonly address: string;
  readonly port: number;
  readonly httpPort: number;
  /** Port of the Prometheus endpoint (/metrics). */
  readonly metricsPort: number;
  /** Port of the web UI; undefined when headless. */
  readonly uiPort?: number | undefined;
  /** Port of the internal gRPC server (cluster members on a shared database only). */
  readonly internalPort?: number | undefined;
  /** What opening the database did to its schema. */
  readonly schema: SchemaReport;
  /** History shards of the database, and how many this process owns now (the rest: other processes). */
  readonly shards: () => { readonly total: number; readonly owned: number };
  /** The database, for the start banner (no password). */
  readonly persistence: string;
  /** Stops the server; safe to call more than once. */
  stop(): Promise<void>;
}
