// What counts as a finding, decided here once: no answer in time (a hang), a gRPC stream ended without
// a status, a status code outside gRPC's, and any INTERNAL or UNKNOWN answer (HTTP 500) except the few
// that are clear by design (bytes that do not decode or inflate, an invalid timeout header). An answer whose
// message reads like an exception ("Cannot read properties of undefined") is always a finding.
import type { FuzzAnswer, FuzzInput, HttpInput } from './fuzz-input';

const GRPC_CODE_MAX = 16;
const INTERNAL = 13;
const UNKNOWN = 2;

/** INTERNAL answers that say clearly what was wrong with the request. */
const CLEAR_INTERNAL = [
  /^grpc: error unmarshalling request: /,
  /^Invalid grpc-timeout value/,
  /^Received message (?:compressed with unsupported encoding|that decompresses|with invalid|could not be decompressed)/,
  /decompress/i,
];

/** Messages that are a JavaScript exception passed on, not an answer written for the caller. */
const EXCEPTION_TEXT =
  /Cannot read propert|Cannot set propert|is not a function|is not iterable|is not defined|Maximum call stack|Invalid array length|Invalid time value|\b(?:TypeError|RangeError|ReferenceError|SyntaxError|URIError)\b|assertion failed|AssertionError/i;

export function isExceptionText(message: string): boolean {
  // "search attribute X is not defined" is the Temporal server's own answer, not a ReferenceError.
  return EXCEPTION_TEXT.test(message.replace(/search attribute .*is not defined/g, ''));
}

function grpcProblem(input: FuzzInput, answer: FuzzAnswer): string | undefined {
  if (answer.kind === 'hang') return 'no answer in time (hang)';
  if (answer.kind === 'reset') {
    // The HTTP/2 layer may refuse a malformed stream outright; a well-formed one must get a status.
    return input.label.startsWith('framing:') ? undefined : `stream ended without a gRPC status: ${answer.reason}`;
  }
  if (answer.kind !== 'status') return `not a gRPC answer: ${answer.kind}`;
  if (!Number.isInteger(answer.code) || answer.code < 0 || answer.code > GRPC_CODE_MAX)
    return `invalid gRPC status code ${answer.code}`;
  if (isExceptionText(answer.message)) return `exception text in the answer: ${answer.message}`;
  if (answer.code !== INTERNAL && answer.code !== UNKNOWN) return undefined;
  if (CLEAR_INTERNAL.some((pattern) => pattern.test(answer.message))) return undefined;
  return `${answer.code === INTERNAL ? 'INTERNAL' : 'UNKNOWN'}: ${answer.message}`;
}

/** HTTP API routes that wait for a worker (queries, updates, polls), as on the Temporal server: up to 75 s. */
const WAITING_ROUTE = /\/query\/|\/update\/|\/updates\/|poll|history/;

function httpProblem(input: HttpInput, answer: FuzzAnswer): string | undefined {
  if (answer.kind === 'hang') return WAITING_ROUTE.test(input.route) ? undefined : 'no answer in time (hang)';
  // Closing while the request is still being sent (EPIPE, ECONNRESET) is how a server refuses a request
  // it will not read (Node does, for a malformed one); closing a sent request without an answer is not.
  if (answer.kind === 'closed')
    return /EPIPE|ECONNRESET/.test(answer.reason) ? undefined : `connection closed without an answer: ${answer.reason}`;
  if (answer.kind !== 'response') return `not an HTTP answer: ${answer.kind}`;
  if (isExceptionText(answer.body))
    return `exception text in the answer: ${answer.status} ${answer.body.slice(0, 300)}`;
  if (answer.status === 500) return `HTTP 500: ${answer.body.slice(0, 300)}`;
  return undefined;
}

/** Why this answer is a finding; undefined when it is a clear answer. */
export function problemOf(input: FuzzInput, answer: FuzzAnswer): string | undefined {
  return input.kind === 'grpc' ? grpcProblem(input, answer) : httpProblem(input, answer);
}

export interface Finding {
  /** What was wrong (the problem, or a failed health or data check). */
  readonly problem: string;
  /** The input that showed it first, with its index in the run (absent for a check after a batch). */
  readonly input?: FuzzInput;
  readonly index?: number;
  readonly answer?: FuzzAnswer;
  /** How many inputs showed the same problem. */
  count: number;
  /** A smaller input that still shows it, when the minimiser found one. */
  minimised?: FuzzInput;
}

/** Findings folded by where and what: numbers and ids in the message do not make a new one. */
export class FindingLog {
  private readonly byKey = new Map<string, Finding>();

  add(problem: string, input?: FuzzInput, index?: number, answer?: FuzzAnswer): Finding | undefined {
    const where = input ? (input.kind === 'grpc' ? input.method : input.route) : 'check';
    const key = `${where} ${problem.replace(/\d+/g, 'N').slice(0, 120)}`;
    const known = this.byKey.get(key);
    if (known) {
      known.count += 1;
      return undefined;
    }
    const finding: Finding = {
      problem,
      count: 1,
      ...(input ? { input } : {}),
      ...(index !== undefined ? { index } : {}),
      ...(answer ? { answer } : {}),
    };
    this.byKey.set(key, finding);
    return finding;
  }

  all(): Finding[] {
    return [...this.byKey.values()];
  }
}
