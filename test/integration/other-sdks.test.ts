// Goal: the official Go and Python SDKs run a workflow with an activity and a timer, Nexus operations
// called from workflows, and standalone Nexus operations and activities started by their clients against Causeway
// unchanged. Setup: one in-process Causeway; `go test ./...` in sdk-tests/go and pytest on
// sdk-tests/python run as child processes with CAUSEWAY_ADDRESS pointing at it. Their dependencies
// are installed beforehand (`cd sdk-tests/go && go mod download`, `pip install -r
// sdk-tests/python/requirements.txt`); a missing toolchain or package fails the test with that hint.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { RunningServer } from '../../src';
import { startTestServer } from '../helpers/test-server';

const REPO_ROOT = path.join(__dirname, '..', '..', '..');
/** Compiling the Go SDK from a cold build cache takes minutes on a small machine. */
const GO_TEST_TIMEOUT_MS = 600_000;
const PYTEST_TIMEOUT_MS = 180_000;

interface ProcessResult {
  readonly code: number | null;
  readonly output: string;
}

/** Runs a command without blocking the event loop (the server under test lives in this process). */
function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('other official SDKs against Causeway', () => {
  let server: RunningServer | undefined;
  let env: NodeJS.ProcessEnv = {};

  before(async () => {
    server = await startTestServer({ port: 0, logLevel: 'error' });
    env = { ...process.env, CAUSEWAY_ADDRESS: server.address, PYTHONDONTWRITEBYTECODE: '1' };
  });
  after(async () => {
    await server?.stop();
  });

  test(
    "the Go SDK runs a workflow with an activity, a standalone activity, the seed's Nexus handler and caller, standalone operations, and operations backed by an activity and an update (sdk-tests/go)",
    { timeout: GO_TEST_TIMEOUT_MS },
    async () => {
      const result = await run('go', ['test', '-count=1', './...'], {
        cwd: path.join(REPO_ROOT, 'sdk-tests', 'go'),
        env,
        timeoutMs: GO_TEST_TIMEOUT_MS - 5_000,
      });
      assert.equal(
        result.code,
        0,
        `go test failed (install its modules with: cd sdk-tests/go && go mod download):\n${result.output}`,
      );
      assert.match(result.output, /^ok\s+\S+\/plain/m, `the plain scenario did not run:\n${result.output}`);
      assert.match(result.output, /^ok\s+\S+\/nexus/m, `the Nexus scenario did not run:\n${result.output}`);
    },
  );

  test(
    'the Python SDK runs a workflow with an activity, Nexus operations, standalone ones, a standalone activity and the system endpoint (sdk-tests/python)',
    { timeout: PYTEST_TIMEOUT_MS },
    async () => {
      const result = await run('python3', ['-m', 'pytest', '-p', 'no:cacheprovider', '-q', 'sdk-tests/python'], {
        cwd: REPO_ROOT,
        env,
        timeoutMs: PYTEST_TIMEOUT_MS - 5_000,
      });
      assert.equal(
        result.code,
        0,
        `pytest failed (install its packages with: pip install -r sdk-tests/python/requirements.txt):\n${result.output}`,
      );
      assert.match(
        result.output,
        /\b5 passed\b/,
        `the plain, Nexus, standalone Nexus, standalone activity and system endpoint scenarios did not all pass:\n${result.output}`,
      );
      assert.doesNotMatch(result.output, /skipped/, `a scenario was skipped:\n${result.output}`);
    },
  );
});
