// Turns the `authorization` header of a request into a Principal: "Bearer <token>", where the token is
// an API key of --api-key-file or a JWT verified with --jwt-key-file / --jwks-file. The files are read
// at start (a bad file stops the start, naming its flag) and looked at again every AUTH_REFRESH_MS: a
// changed file is read again, so keys are added, revoked or rotated without a restart. A changed file
// that does not parse keeps the previous contents in force, and says so in the log.
import * as fs from 'node:fs';
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';
import { repeatEvery, type Repeating } from '../../common/repeat';
import { parseApiKeyFile, type ApiKeyTable } from './api-keys';
import { AuthConfigError } from './auth-config-error';
import type { ClientCertificate } from './client-certificates';
import { JwtError, looksLikeJwt, parseJwks, parseJwtKeyPem, verifyJwt, type JwtKey } from './jwt';
import type { Principal } from './principal';

export const AUTH_REFRESH_MS = 1000;
/** Header values longer than this are refused unread. */
const AUTHORIZATION_LENGTH_MAX = 16 * 1024;

export interface AuthFiles {
  readonly apiKeyFile?: string | undefined;
  readonly jwtKeyFile?: string | undefined;
  readonly jwksFile?: string | undefined;
}

export function isAuthConfigured(files: AuthFiles | undefined): files is AuthFiles {
  return files?.apiKeyFile !== undefined || files?.jwtKeyFile !== undefined || files?.jwksFile !== undefined;
}

export type Authentication =
  | { readonly principal: Principal; readonly failure?: undefined }
  | { readonly principal?: undefined; readonly failure: string };

/** One watched file: its parsed contents and what it looked like when read. */
class WatchedFile<T> {
  private stamp: string;
  value: T;

  constructor(
    readonly flag: string,
    readonly path: string,
    private readonly parse: (text: string, flag: string) => T,
  ) {
    this.stamp = stampOf(path, flag);
    this.value = parse(readText(path, flag), flag);
  }

  /** Reads the file again if it changed; true when it did and was read. */
  refresh(): boolean {
    const stamp = stampOf(this.path, this.flag);
    if (stamp === this.stamp) return false;
    this.value = this.parse(readText(this.path, this.flag), this.flag);
    this.stamp = stamp;
    return true;
  }
}

export class Authenticator {
  private readonly apiKeys: WatchedFile<ApiKeyTable> | undefined;
  private readonly jwtKeyFiles: WatchedFile<JwtKey[]>[] = [];
  private watching: Repeating | undefined;

  constructor(
    files: AuthFiles,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.apiKeys =
      files.apiKeyFile === undefined ? undefined : new WatchedFile('--api-key-file', files.apiKeyFile, parseApiKeyFile);
    if (files.jwtKeyFile !== undefined)
      this.jwtKeyFiles.push(new WatchedFile('--jwt-key-file', files.jwtKeyFile, parseJwtKeyPem));
    if (files.jwksFile !== undefined) this.jwtKeyFiles.push(new WatchedFile('--jwks-file', files.jwksFile, parseJwks));
  }

  /** Looks at the files every AUTH_REFRESH_MS until stop(). */
  start(): void {
    this.watching ??= repeatEvery(
      this.clock,
      AUTH_REFRESH_MS,
      () => {
        this.refresh();
        return Promise.resolve();
      },
      () => undefined,
    );
  }

  stop(): void {
    this.watching?.cancel();
  }

  /** Reads the changed files again (what the timer does). */
  refresh(): void {
    for (const file of [this.apiKeys, ...this.jwtKeyFiles]) {
      if (!file) continue;
      try {
        if (file.refresh()) this.logger.info(`${file.flag} read again`, { path: file.path });
      } catch (error) {
        this.logger.warn(`${file.flag} changed but cannot be used; the previous contents stay in force`, {
          path: file.path,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  /**
   * The principal of a request: its bearer token's when it sends one, else (with mutual TLS) that of the
   * first certificate entry its verified client certificate matches.
   */
  authenticate(authorization: string | undefined, certificate?: ClientCertificate): Authentication {
    if (authorization === undefined || authorization === '') {
      if (!certificate) return { failure: 'no authorization header' };
      const byCertificate = this.apiKeys?.value.principalOfCertificate(certificate);
      if (byCertificate) return { principal: byCertificate };
      return { failure: 'no authorization header, and the client certificate matches no certificate entry' };
    }
    if (authorization.length > AUTHORIZATION_LENGTH_MAX) return { failure: 'authorization header too long' };
    const space = authorization.indexOf(' ');
    if (space < 0 || authorization.slice(0, space).toLowerCase() !== 'bearer')
      return { failure: 'authorization header is not "Bearer <token>"' };
    const token = authorization.slice(space + 1).trim();
    const byKey = this.apiKeys?.value.principalOf(token);
    if (byKey) return { principal: byKey };
    const jwtKeys = this.jwtKeyFiles.flatMap((file) => file.value);
    if (jwtKeys.length === 0 || !looksLikeJwt(token)) return { failure: 'unknown API key' };
    try {
      return { principal: verifyJwt(token, jwtKeys, this.clock.nowMs()) };
    } catch (error) {
      if (error instanceof JwtError) return { failure: `JWT refused: ${error.message}` };
      return { failure: 'JWT refused' };
    }
  }
}

function readText(path: string, flag: string): string {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch (error) {
    throw new AuthConfigError(`cannot read ${flag} ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function stampOf(path: string, flag: string): string {
  try {
    const stat = fs.statSync(path);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch (error) {
    throw new AuthConfigError(`cannot read ${flag} ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
