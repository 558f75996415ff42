// The web UI's built files (`vite build ui` writes them to dist/ui), read into memory once at start: the
// build is a handful of small files, so the set is bounded by what the build made (UI_ASSETS_MAX_BYTES).
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where the build puts the UI: dist/ui beside dist/src (this file runs from dist/src/ui). */
export const DEFAULT_UI_ASSET_DIR = path.join(__dirname, '..', '..', 'ui');
/** A build larger than this is refused at start rather than held in memory. */
export const UI_ASSETS_MAX_BYTES = 32 * 1024 * 1024;

export interface StaticAsset {
  readonly body: Buffer;
  readonly contentType: string;
  /** Vite names the files of assets/ by their content hash: they never change under the same name. */
  readonly isHashed: boolean;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Path (`/assets/index-abc.js`) -> file; empty when the UI was not built. */
export function loadStaticAssets(directory: string): ReadonlyMap<string, StaticAsset> {
  const assets = new Map<string, StaticAsset>();
  if (!fs.existsSync(path.join(directory, 'index.html'))) return assets;
  let total = 0;
  const walk = (relative: string): void => {
    for (const entry of fs.readdirSync(path.join(directory, relative), { withFileTypes: true })) {
      const child = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) {
        walk(child);
        continue;
      }
      if (!entry.isFile()) continue;
      const body = fs.readFileSync(path.join(directory, child));
      total += body.length;
      if (total > UI_ASSETS_MAX_BYTES)
        throw new Error(`the web UI build in ${directory} is over ${UI_ASSETS_MAX_BYTES} bytes`);
      assets.set(`/${child}`, {
        body,
        contentType: CONTENT_TYPES[path.extname(entry.name).toLowerCase()] ?? 'application/octet-stream',
        isHashed: child.startsWith('assets/'),
      });
    }
  };
  walk('');
  return assets;
}
