// The long poll of the standalone Describes (DescribeNexusOperationExecution, DescribeActivityExecution):
// each answer carries a token naming the run and its version; a Describe that sends the token back
// waits until the run has changed since, and answers empty when the wait runs out, as the Temporal
// server does. The token is opaque to clients; a malformed one, or one of another execution, is
// INVALID_ARGUMENT with the server's words.
import { withDeadline } from '../common/deadline';
import { invalidArgument } from '../common/errors';
import type { HistoryEngine } from './history-engine';
import type { Transaction } from './transaction';
import type { Workflow } from './workflow';

interface LongPollMark {
  readonly namespaceId: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly version: number;
}

const TOKEN_KIND = 'describe';

/** The token a Describe answers with: this run as it is now. */
export function longPollTokenOf(run: Workflow): Uint8Array {
  const { namespaceId, workflowId, runId } = run.state;
  return Buffer.from(
    JSON.stringify({ k: TOKEN_KIND, n: namespaceId, w: workflowId, r: runId, v: run.persisted.version }),
  );
}

/**
 * Checks a request's token before anything is read: a token needs a run id (`runIdRequired` is the
 * server's message for its kind of execution), must parse, and must be of this namespace.
 */
export function longPollMarkOf(
  token: Uint8Array | null | undefined,
  runId: string,
  namespaceId: string,
  runIdRequired: string,
): LongPollMark | undefined {
  if (!token || token.length === 0) return undefined;
  if (!runId) throw invalidArgument(runIdRequired);
  const mark = parseMark(token);
  if (!mark) throw invalidArgument('invalid long poll token');
  if (mark.namespaceId !== namespaceId) throw invalidArgument('long poll token does not match execution');
  return mark;
}

function parseMark(token: Uint8Array): LongPollMark | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token).toString('utf8'));
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const { k, n, w, r, v } = value as Record<string, unknown>;
  if (k !== TOKEN_KIND || typeof n !== 'string' || typeof w !== 'string' || typeof r !== 'string') return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) return undefined;
  return { namespaceId: n, workflowId: w, runId: r, version: v };
}

/**
 * A Describe: at once without a mark; with one, once the run has changed since the mark (or `{}` when
 * `timeoutMs` or the caller's deadline runs out first). `locate` finds the run, `build` the answer.
 */
export async function describeRun<T extends object>(
  engine: HistoryEngine,
  target: { readonly namespaceId: string; readonly workflowId: string },
  mark: LongPollMark | undefined,
  signal: AbortSignal,
  locate: (tx: Transaction) => Promise<Workflow>,
  build: (tx: Transaction, run: Workflow) => Promise<T>,
): Promise<T | Record<string, never>> {
  if (!mark) return engine.run(target, async (tx) => build(tx, await locate(tx)));
  return withDeadline(
    engine.ctx.clock,
    [signal, engine.stopSignal],
    engine.ctx.config.historyLongPollMs,
    async (waiting) => {
      for (;;) {
        const read = await engine.run(target, async (tx) => {
          const run = await locate(tx);
          if (run.state.workflowId !== mark.workflowId || run.state.runId !== mark.runId)
            throw invalidArgument('long poll token does not match execution');
          return run.persisted.version === mark.version
            ? { key: run.key }
            : { key: run.key, response: await build(tx, run) };
        });
        if (read.response) return read.response;
        if (waiting.aborted) return {};
        await engine.waitForHistory(read.key, waiting);
        if (waiting.aborted) return {};
      }
    },
  );
}

/** The approximate size of a run's state, as DescribeXExecution's `state_size_bytes`. */
export function stateSizeBytes(run: Workflow): number {
  return Buffer.byteLength(JSON.stringify(run.state));
}
