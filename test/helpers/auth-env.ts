// What the auth tests share: the key file of their servers, a JWT signer, the gRPC code and messages of an
// SDK error, and the `causeway` CLI and other SDKs run as child processes.
import { createHash, sign, type KeyObject } from 'node:crypto';
import { execFile, spawn } from 'node:child_process';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
const BIN_PATH = path.join(REPO_ROOT, 'bin', 'causeway.js');
export const KEYS = {
  admin: 'admin-key-7f3a9c',
  reader: 'reader-key-2b8e1d',
  writer: 'writer-key-9d4c6a',
  worker: 'worker-key-5e7b3f',
  hashed: 'hashed-key-1c9f8e',
  added: 'added-key-6a2d4b',
};

export function keyFile(extra: object[] = []): string {
  return JSON.stringify([
    { key: KEYS.admin, principal: 'ops-admin', namespaces: { '*': 'admin' } },
    { key: KEYS.reader, principal: 'auditor', namespaces: { default: 'reader', 'caller-ns': 'reader' } },
    { key: KEYS.writer, principal: 'payments-app', namespaces: { default: 'writer', 'caller-ns': 'writer' } },
    {
      key: KEYS.worker,
      principal: 'payments-worker',
      namespaces: { 'caller-ns': 'worker', 'handler-ns': 'worker', default: 'worker' },
    },
    {
      key: `sha256:${createHash('sha256').update(KEYS.hashed).digest('hex')}`,
      principal: 'hashed-app',
      namespaces: { default: 'writer' },
    },
    ...extra,
  ]);
}

export function jwt(privateKey: KeyObject, claims: object): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${part({ alg: 'RS256', typ: 'JWT', kid: 'test-key' })}.${part(claims)}`;
  return `${signed}.${sign('sha256', Buffer.from(signed), privateKey).toString('base64url')}`;
}

export function codeOf(error: unknown): number | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'number') return e.code;
  }
  return undefined;
}

/** Every message along the cause chain (the SDK wraps the gRPC error). */
export function messagesOf(error: unknown): string {
  const messages: string[] = [];
  for (let e = error as { message?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    messages.push(String(e.message));
  }
  return messages.join(' <- ');
}

export function connect(address: string, apiKey?: string): Promise<Connection> {
  return Connection.connect({ address, ...(apiKey === undefined ? {} : { apiKey, tls: false }) });
}

export function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN_PATH, ...args], { timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Runs a command without blocking the event loop (the server under test lives in this process). */
export function runChild(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal) output += `\n(ended by ${signal})`;
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
