// The web UI's port (--ui-port, default --port + 1000): the built single-page app (static-assets.ts) and
// the Temporal HTTP API at /api/v1, served in process by the same handlers as --http-port (createHttpApi),
// so the UI sees exactly what `curl` of the HTTP API sees. TLS as the HTTP port when --tls-cert-file is set.
import * as http from 'node:http';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import type { HttpApi } from '../api/http-api/http-api';
import { listenHttp, type HttpTls } from '../common/http-listener';
import { DEFAULT_UI_ASSET_DIR, loadStaticAssets, type StaticAsset } from './static-assets';

/** Connections the UI port holds at once (a browser opens a few). */
export const UI_CONNECTIONS_MAX = 256;

/** No inline script or style, nothing from another origin: the app is the built files and the API. */
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': UI_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export interface UiServer {
  readonly port: number;
  readonly isSecure: boolean;
  close(): Promise<void>;
}

export interface UiServerDeps {
  readonly httpApi: HttpApi;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The built UI (default dist/ui). */
  readonly assetDir?: string;
}

export async function startUiServer(
  deps: UiServerDeps,
  host: string,
  port: number,
  secure?: HttpTls,
): Promise<UiServer> {
  const assets = loadStaticAssets(deps.assetDir ?? DEFAULT_UI_ASSET_DIR);
  const listener = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    if (deps.httpApi.handle(request, response)) return;
    serveStatic(assets, request, response);
  };
  const listening = await listenHttp({
    name: 'UI',
    clock: deps.clock,
    logger: deps.logger,
    host,
    port,
    tls: secure,
    connectionsMax: UI_CONNECTIONS_MAX,
    listener,
  });
  return { port: listening.port, isSecure: secure !== undefined, close: () => listening.close() };
}

function serveStatic(
  assets: ReadonlyMap<string, StaticAsset>,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    writeText(response, 405, 'method not allowed', { allow: 'GET, HEAD' });
    return;
  }
  const index = assets.get('/index.html');
  if (!index) {
    writeText(response, 503, 'The web UI is not built: run `npm run build` (it runs `vite build ui`).');
    return;
  }
  const pathname = pathOf(request.url);
  const asset = pathname === undefined ? undefined : assets.get(pathname);
  if (asset) {
    write(response, request, 200, asset, asset.isHashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    return;
  }
  // A missing hashed file is an old build's: 404, not the app (which would be taken for a script).
  if (pathname === undefined || pathname.startsWith('/assets/')) {
    writeText(response, 404, 'not found');
    return;
  }
  // Any other path is one of the app's routes (/namespaces/x/workflows/...): the app routes it.
  write(response, request, 200, index, 'no-cache');
}

function pathOf(url: string | undefined): string | undefined {
  if (!URL.canParse(url ?? '/', 'http://ui')) return undefined;
  try {
    return decodeURIComponent(new URL(url ?? '/', 'http://ui').pathname);
  } catch {
    return undefined;
  }
}

function write(
  response: http.ServerResponse,
  request: http.IncomingMessage,
  status: number,
  asset: StaticAsset,
  cacheControl: string,
): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': asset.contentType,
    'content-length': asset.body.length,
    'cache-control': cacheControl,
  });
  response.end(request.method === 'HEAD' ? undefined : asset.body);
}

function writeText(
  response: http.ServerResponse,
  status: number,
  text: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}
