// One fuzz run: start a server on a fresh database, seed the data it must keep, then send inputs in
// batches (gRPC messages and their mutations, malformed gRPC framing, malformed HTTP requests) with a
// few in flight at once; after each batch the server must be alive, SERVING and answering within 2 s.
// At the end the seeded data must be intact. Every finding is kept with its input and minimised.
import { FuzzRandom } from './fuzz-random';
import { startFuzzServer, type FuzzServer } from './fuzz-server';
import { RawGrpcClient, grpcFrame } from './grpc-raw-client';
import { sendRawHttp } from './http-raw-client';
import { grpcMessageInput, fuzzedMethods } from './grpc-inputs';
import { framingInput } from './framing-inputs';
import { httpInput } from './http-inputs';
import { FindingLog, isExceptionText, problemOf, type Finding } from './findings';
import { minimise } from './minimise';
import { checkData, FUZZ_TASK_QUEUE, seedData } from './seed-workflows';
import { ANSWER_TIMEOUT_MS, type FuzzAnswer, type FuzzInput, type FuzzTargets } from './fuzz-input';
import { describeFinding, describeInput } from './repro';

export interface FuzzOptions {
  readonly seed: number;
  /** Stop after this many inputs... */
  readonly inputs?: number;
  /** ...or this many seconds of fuzzing, whichever comes first. */
  readonly seconds?: number;
  readonly concurrency?: number;
  readonly batchSize?: number;
  readonly log?: (line: string) => void;
  /** The index of the first input: a run from N with --inputs 1 replays input N of the seed. */
  readonly from?: number;
  /** The server's gRPC port (HTTP on the next two); 0 picks free ports. */
  readonly port?: number;
}

export interface FuzzReport {
  readonly seed: number;
  readonly inputsSent: number;
  readonly inputsByKind: Record<string, number>;
  /** gRPC status codes and HTTP statuses answered, by count. */
  readonly answers: Record<string, number>;
  readonly methodsFuzzed: number;
  readonly unimplementedMethods: readonly string[];
  readonly findings: readonly Finding[];
  readonly durationMs: number;
}

const CONCURRENCY_DEFAULT = 8;
/** An answer slower than this is logged (a long poll ends by its 2 s deadline). */
const SLOW_ANSWER_MS = 4000;
const BATCH_SIZE_DEFAULT = 200;
/** Of every 20 inputs: 12 gRPC messages (a third mutated), 2 framing cases, 6 HTTP requests. */
const GRPC_SHARE = 12;
const FRAMING_SHARE = 2;
const MIX = 20;
/** Log lines that only a crash or an escaped exception writes. */
const CRASH_LOG =
  /Uncaught|UnhandledPromiseRejection|unhandled rejection|FATAL|heap out of memory|^\s+at .*\(.*:\d+:\d+\)$/;

export function inputAt(seed: number, index: number, targets: FuzzTargets): FuzzInput {
  const share = FuzzRandom.forInput(seed ^ 0x5bd1e995, index).int(MIX);
  if (share < GRPC_SHARE) return grpcMessageInput(seed, index, targets);
  if (share < GRPC_SHARE + FRAMING_SHARE) return framingInput(seed, index);
  return httpInput(seed, index, targets);
}

async function send(grpc: RawGrpcClient, server: FuzzServer, input: FuzzInput): Promise<FuzzAnswer> {
  if (input.kind === 'grpc') {
    const request = { path: input.path, body: input.body, headers: input.headers, answerTimeoutMs: ANSWER_TIMEOUT_MS };
    if (!input.label.startsWith('framing:')) return grpc.call(request);
    // A framing case may make the server end the whole connection (GOAWAY): it gets one of its own.
    const own = new RawGrpcClient(server.grpcAddress);
    try {
      return await own.call(request);
    } finally {
      own.close();
    }
  }
  return sendRawHttp(server.httpPort, { head: input.head, body: input.body, answerTimeoutMs: ANSWER_TIMEOUT_MS });
}

function answerKey(answer: FuzzAnswer): string {
  if (answer.kind === 'status') return `grpc ${answer.code}`;
  if (answer.kind === 'response') return `http ${answer.status}`;
  return answer.kind;
}

/** Which methods answer UNIMPLEMENTED to an empty request (they are fuzzed rarely). */
async function unimplementedMethods(grpc: RawGrpcClient): Promise<Set<string>> {
  const names = new Set<string>();
  for (const method of fuzzedMethods()) {
    const answer = await grpc.call({
      path: method.path,
      body: grpcFrame(Buffer.alloc(0)),
      headers: { 'grpc-timeout': '1S' },
      answerTimeoutMs: ANSWER_TIMEOUT_MS,
    });
    if (answer.kind === 'status' && answer.code === 12) names.add(method.name);
  }
  return names;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const startedMs = Date.now();
  const server = await startFuzzServer(options.port ?? 0);
  const grpc = new RawGrpcClient(server.grpcAddress);
  const findings = new FindingLog();
  const inputsByKind: Record<string, number> = {};
  const answers: Record<string, number> = {};
  const from = options.from ?? 0;
  let sent = from;
  let unimplemented = new Set<string>();
  try {
    const seeded = await seedData(server.grpcAddress);
    unimplemented = await unimplementedMethods(grpc);
    const targets: FuzzTargets = {
      namespaces: ['fuzz'],
      workflowIds: seeded.fuzzWorkflowIds,
      taskQueues: [FUZZ_TASK_QUEUE],
      endpoints: ['fuzz-endpoint'],
      endpointIds: [seeded.endpointId],
      unimplemented,
    };
    log(
      `fuzz: seed ${options.seed}, server ${server.grpcAddress} http ${server.httpPort}, ${fuzzedMethods().length} methods (${unimplemented.size} unimplemented)`,
    );
    const deadlineMs = startedMs + (options.seconds ?? Infinity) * 1000;
    const inputsMax = from + (options.inputs ?? Infinity);
    const batchSize = options.batchSize ?? BATCH_SIZE_DEFAULT;
    while (sent < inputsMax && Date.now() < deadlineMs) {
      const batchEnd = Math.min(inputsMax, sent + batchSize);
      let next = sent;
      const worker = async (): Promise<void> => {
        while (next < batchEnd && Date.now() < deadlineMs) {
          const index = next++;
          const input = inputAt(options.seed, index, targets);
          const kind = input.kind === 'grpc' ? (input.label.split(':')[0] ?? 'grpc') : 'http';
          inputsByKind[kind] = (inputsByKind[kind] ?? 0) + 1;
          const sentMs = Date.now();
          const answer = await send(grpc, server, input);
          if (Date.now() - sentMs > SLOW_ANSWER_MS)
            log(`fuzz: input ${index} took ${Date.now() - sentMs} ms:\n${describeInput(input)}`);
          answers[answerKey(answer)] = (answers[answerKey(answer)] ?? 0) + 1;
          const problem = problemOf(input, answer);
          if (problem) {
            const finding = findings.add(problem, input, index, answer);
            if (finding) log(describeFinding(finding));
          }
        }
      };
      await Promise.all(Array.from({ length: options.concurrency ?? CONCURRENCY_DEFAULT }, worker));
      sent = next;
      const health = await server.checkHealth();
      if (health) {
        findings.add(`after input ${sent}: ${health}`);
        log(`fuzz: ${health}; stopping`);
        break;
      }
      log(`fuzz: ${sent} inputs, ${((Date.now() - startedMs) / 1000).toFixed(0)} s, ${findings.all().length} findings`);
    }
    if (server.isAlive()) {
      for (const problem of await checkData(server.grpcAddress, seeded)) findings.add(`data check: ${problem}`);
      await minimiseAll(findings.all(), grpc, server);
    }
  } finally {
    grpc.close();
    for (const line of server.logLines)
      if (CRASH_LOG.test(line) || isExceptionText(line)) findings.add(`server log: ${line.slice(0, 300)}`);
    await server.stop();
  }
  const report: FuzzReport = {
    seed: options.seed,
    inputsSent: sent - from,
    inputsByKind,
    answers,
    methodsFuzzed: fuzzedMethods().length,
    unimplementedMethods: [...unimplemented],
    findings: findings.all(),
    durationMs: Date.now() - startedMs,
  };
  return report;
}

async function minimiseAll(all: readonly Finding[], grpc: RawGrpcClient, server: FuzzServer): Promise<void> {
  for (const finding of all) {
    const input = finding.input;
    if (!input || !server.isAlive()) continue;
    const problem = finding.problem.replace(/\d+/g, 'N').slice(0, 60);
    const minimised = await minimise(input, async (candidate) => {
      const found = problemOf(candidate, await send(grpc, server, candidate));
      return found !== undefined && found.replace(/\d+/g, 'N').slice(0, 60) === problem;
    });
    if (minimised !== input) finding.minimised = minimised;
  }
}
