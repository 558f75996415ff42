// The server under fuzz: `causeway server start-dev` in a child process on a fresh SQLite file, with its
// ports read from the banner. It keeps the process's log lines, and says whether the process is alive,
// healthy (grpc.health.v1 SERVING) and answering (DescribeNamespace within LIVENESS_TIMEOUT_MS).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { protoRoot } from '../../src/common/proto';
import { grpcFrame, RawGrpcClient } from './grpc-raw-client';
import { encodeMessage } from './message-generator';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'causeway.js');
const START_TIMEOUT_MS = 20_000;
export const LIVENESS_TIMEOUT_MS = 2000;
/** Log lines kept for the report (the earliest ones: what went wrong first). */
const LOG_LINES_MAX = 2000;

export interface FuzzServer {
  readonly grpcAddress: string;
  readonly httpPort: number;
  readonly child: ChildProcess;
  readonly logLines: string[];
  readonly dbFilename: string;
  isAlive(): boolean;
  /** Undefined when healthy, else what is wrong. */
  checkHealth(): Promise<string | undefined>;
  stop(): Promise<void>;
}

/** Port 0 picks free ports; a port P uses P for gRPC and P + 1 for HTTP. */
export async function startFuzzServer(port = 0): Promise<FuzzServer> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'causeway-fuzz-'));
  const dbFilename = path.join(directory, 'fuzz.db');
  const child = spawn(
    process.execPath,
    [
      BIN,
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      ...(port > 0 ? ['--http-port', String(port + 1), '--metrics-port', String(port + 2)] : []),
      '--db-filename',
      dbFilename,
      '-n',
      'fuzz',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logLines: string[] = [];
  let pending = '';
  const keep = (chunk: Buffer): void => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (logLines.length < LOG_LINES_MAX && line.trim()) logLines.push(line);
  };
  child.stderr?.on('data', keep);
  let banner = '';
  const ports = await new Promise<{ grpcAddress: string; httpPort: number }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start within ${START_TIMEOUT_MS} ms: ${banner}`)),
      START_TIMEOUT_MS,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      banner += chunk.toString();
      const grpcMatch = /Server:\s+(\S+)/.exec(banner);
      const httpMatch = /HTTP:\s+\S+:(\d+)/.exec(banner);
      if (grpcMatch?.[1] && httpMatch?.[1]) {
        clearTimeout(timer);
        resolve({ grpcAddress: grpcMatch[1], httpPort: Number(httpMatch[1]) });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${String(code)} before listening: ${banner}${logLines.join('\n')}`));
    });
  });
  const probe = new RawGrpcClient(ports.grpcAddress);
  const isAlive = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    ...ports,
    child,
    logLines,
    dbFilename,
    isAlive,
    async checkHealth() {
      if (!isAlive()) return `the server process exited (${String(child.exitCode ?? child.signalCode)})`;
      const health = await probe.call({
        path: '/grpc.health.v1.Health/Check',
        body: grpcFrame(Buffer.alloc(0)),
        answerTimeoutMs: LIVENESS_TIMEOUT_MS,
      });
      // HealthCheckResponse{status: SERVING}: field 1, varint 1, in a 2-byte frame.
      const isServing =
        health.kind === 'status' && health.code === 0 && health.body.subarray(5).equals(Buffer.from([8, 1]));
      if (!isServing) return `health check failed: ${JSON.stringify(health)}`;
      const describe = await probe.call({
        path: '/temporal.api.workflowservice.v1.WorkflowService/DescribeNamespace',
        body: grpcFrame(
          encodeMessage(protoRoot.lookupType('temporal.api.workflowservice.v1.DescribeNamespaceRequest'), {
            namespace: 'default',
          }),
        ),
        answerTimeoutMs: LIVENESS_TIMEOUT_MS,
      });
      if (describe.kind !== 'status' || describe.code !== 0)
        return `DescribeNamespace default did not answer OK within ${LIVENESS_TIMEOUT_MS} ms: ${JSON.stringify(describe)}`;
      return undefined;
    },
    async stop() {
      probe.close();
      if (isAlive()) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
