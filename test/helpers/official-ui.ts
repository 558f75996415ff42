// The official Temporal UI against a Causeway, for tests: the ui-server binary (github.com/temporalio/ui-server,
// built by .ci/run from the Go module proxy) started on a config of its own, and Debian's Chromium driven by
// playwright-core, with every failed API call, console error and page error of the browser recorded.
// Where to find them: CAUSEWAY_UI_SERVER_BIN and CAUSEWAY_CHROMIUM. Without them the test skips, unless
// CAUSEWAY_REQUIRE_OFFICIAL_UI=1 (set by .ci/run), which turns their absence into a failure.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import { isPostgresRun } from './test-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { eventually } from './eventually';

export const uiServerBin = process.env.CAUSEWAY_UI_SERVER_BIN ?? '/tmp/ui-bin/server';
export const chromiumBin = process.env.CAUSEWAY_CHROMIUM ?? '/usr/bin/chromium';
const UI_SERVER_START_TIMEOUT_MS = 15_000;

/** The reason to skip, or false; throws where CAUSEWAY_REQUIRE_OFFICIAL_UI=1 and something is missing. */
export function officialUiSkipReason(): string | false {
  // The walk takes about a minute and a half: it runs once, in the SQLite stage of npm test.
  if (isPostgresRun) return 'the official UI walk runs in the SQLite stage only';
  const missing = [uiServerBin, chromiumBin].filter((file) => !existsSync(file));
  if (missing.length === 0) return false;
  const reason = `${missing.join(' and ')} absent (.ci/run builds the ui-server and installs chromium)`;
  if (process.env.CAUSEWAY_REQUIRE_OFFICIAL_UI === '1') {
    throw new Error(`CAUSEWAY_REQUIRE_OFFICIAL_UI=1 but ${reason}`);
  }
  return reason;
}

/** A free port: the one asked for, or one the system picks. */
export function freePort(wanted = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(wanted, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface UiServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts the ui-server in front of a Causeway's gRPC address, auth off, and waits until it answers. */
export async function startUiServer(grpcAddress: string, port: number, defaultNamespace: string): Promise<UiServer> {
  const root = mkdtempSync(path.join(tmpdir(), 'causeway-ui-server-'));
  const config = [
    `temporalGrpcAddress: ${grpcAddress}`,
    'host: 127.0.0.1',
    `port: ${port}`,
    'enableUi: true',
    `defaultNamespace: ${defaultNamespace}`,
    'disableNewsFetch: true',
    'auth:',
    '  enabled: false',
    'cors:',
    '  allowOrigins: []',
    '',
  ].join('\n');
  writeFileSync(path.join(root, 'development.yaml'), config);
  const child: ChildProcess = spawn(uiServerBin, ['--root', root, '--config', '.', '--env', 'development', 'start'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`ui-server exited ${child.exitCode}: ${output}`);
        return (await fetch(`${url}/api/v1/settings`)).ok;
      },
      { timeoutMs: UI_SERVER_START_TIMEOUT_MS, intervalMs: 100 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

/** A browser page that records what went wrong on it. */
export interface WatchedPage {
  readonly page: Page;
  /** Failed /api/ calls, console errors and page errors, each with the page it happened on. */
  readonly problems: string[];
  /** Resolves once no /api/ call is in flight (long polls for new events aside). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumBin,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

function isLongPoll(url: string): boolean {
  return url.includes('waitNewEvent=true');
}

export async function watchPage(browser: Browser, baseUrl: string): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const problems: string[] = [];
  const inFlight = new Set<unknown>();
  const where = (): string => page.url().replace(baseUrl, '');
  page.on('request', (request) => {
    if (request.url().includes('/api/') && !isLongPoll(request.url())) inFlight.add(request);
  });
  page.on('requestfinished', (request) => inFlight.delete(request));
  page.on('requestfailed', (request) => inFlight.delete(request));
  page.on('response', (response) => {
    const url = response.url();
    if (!url.includes('/api/') || response.status() < 400) return;
    void response.text().then(
      (body) => problems.push(`[${where()}] ${response.status()} ${url.replace(baseUrl, '')}: ${body.slice(0, 300)}`),
      () => problems.push(`[${where()}] ${response.status()} ${url.replace(baseUrl, '')}`),
    );
  });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`[${where()}] console error: ${message.text().slice(0, 300)}`);
  });
  page.on('pageerror', (error) => {
    // The UI's own transition race: leaving the endpoint edit form, a style lookup finds its element gone
    // (seen once in CI, with every API call answered). No server answer can cause it.
    if (error.message.includes("Failed to execute 'getComputedStyle' on 'Window'")) return;
    problems.push(`[${where()}] page error: ${error.message}`);
  });
  return {
    page,
    problems,
    settled: async () => {
      await eventually(() => inFlight.size === 0, { timeoutMs: 15_000 });
    },
    close: () => page.close(),
  };
}
