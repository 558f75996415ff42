// What standalone runs (Nexus operations, engine/standalone-nexus.ts; activities,
// engine/standalone-activity.ts) check and build alike: lengths, run ids, the server's keyword
// search attributes, and the search attributes a client may see.
import { temporal, encodeBase64 } from '../common/proto';
import { ErrorCode, ServiceError, invalidArgument } from '../common/errors';
import type { EngineContext } from './engine-context';
import type { Transaction } from './transaction';
import type { Workflow } from './workflow';
import { isRunning } from './mutable-state';
import { terminateWorkflow } from './workflow-operations';

export const ID_LENGTH_MAX = 1000;
export const REASON_LENGTH_MAX = 1000;
/** The Temporal server's limit.blobSize.error. */
export const INPUT_SIZE_MAX_BYTES = 2 * 1024 * 1024;

export function checkLength(name: string, value: string, max: number): void {
  if (value.length > max) throw invalidArgument(`${name} exceeds length limit. Length=${value.length} Limit=${max}`);
}

/** An optional run id: empty (the latest run) or a UUID; `message` is the server's words for a bad one. */
export function validRunId(runId: string | null | undefined, message = 'run_id is not a valid UUID'): string {
  if (runId && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(runId))
    throw invalidArgument(message);
  return runId ?? '';
}

export function keywordPayload(value: string): temporal.api.common.v1.IPayload {
  return {
    metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from('Keyword') },
    data: Buffer.from(JSON.stringify(value)),
  };
}

/** One string as Payloads, as the default data converter writes it. */
export function stringPayloads(value: string): temporal.api.common.v1.IPayloads {
  return {
    payloads: [{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) }],
  };
}

/** The search attributes a client set: the server's own (the division, `reserved`) left out. */
export function clientSearchAttributes(
  indexedFields: Record<string, temporal.api.common.v1.IPayload> | null | undefined,
  reserved: readonly string[] = [],
): temporal.api.common.v1.ISearchAttributes {
  const fields = { ...indexedFields };
  delete fields['TemporalNamespaceDivision'];
  for (const name of reserved) delete fields[name];
  return { indexedFields: fields };
}

/** A visibility row's decoded search attributes back as payloads, the server's own left out. */
export function rowSearchAttributes(
  searchAttributes: Readonly<Record<string, unknown>>,
  reserved: readonly string[] = [],
): temporal.api.common.v1.ISearchAttributes {
  const skipped = new Set(['TemporalNamespaceDivision', ...reserved]);
  return {
    indexedFields: Object.fromEntries(
      Object.entries(searchAttributes)
        .filter(([name]) => !skipped.has(name))
        .map(([name, value]) => [
          name,
          { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) },
        ]),
    ),
  };
}

const WorkflowStatus = temporal.api.enums.v1.WorkflowExecutionStatus;

/**
 * A standalone run's status in its own enum: the run closes with its item, with the status of the same
 * name (`values` is e.g. ActivityExecutionStatus, whose names start with `prefix`).
 */
export function statusInEnum(workflowStatus: number, values: object, prefix: string): number {
  const name = WorkflowStatus[workflowStatus];
  if (typeof name !== 'string') return 0;
  const value: unknown = (values as Record<string, unknown>)[name.replace('WORKFLOW_EXECUTION_STATUS_', prefix)];
  return typeof value === 'number' ? value : 0;
}

/** What a standalone run keeps about its terminate. */
interface Terminable {
  terminateRequestId: string;
  outcome: { readonly failure?: string } | null;
}

/**
 * Terminates a standalone run (an operation's or an activity's) as the Temporal server does: once per
 * request id, FAILED_PRECONDITION after it closed (`closedName` names how), the reason as its outcome.
 * `keepItem` saves the item as it was before the run closes with it.
 */
export function terminateStandaloneRun(
  ctx: EngineContext,
  tx: Transaction,
  run: Workflow,
  standalone: Terminable,
  requestId: string,
  request: { readonly reason?: string | null; readonly identity?: string | null },
  closedName: () => string,
  keepItem: () => void,
): void {
  if (standalone.terminateRequestId) {
    if (standalone.terminateRequestId === requestId) return;
    throw new ServiceError(
      ErrorCode.FailedPrecondition,
      `already terminated with request ID ${standalone.terminateRequestId}`,
    );
  }
  if (!isRunning(run.state))
    throw new ServiceError(ErrorCode.FailedPrecondition, `invalid transition from ${closedName()}`);
  keepItem();
  standalone.terminateRequestId = requestId;
  standalone.outcome = {
    failure: encodeBase64('temporal.api.failure.v1.Failure', {
      message: request.reason ?? '',
      terminatedFailureInfo: { identity: request.identity ?? '' },
    }),
  };
  terminateWorkflow(ctx, tx, run, { reason: request.reason ?? '', details: null, identity: request.identity ?? '' });
}
