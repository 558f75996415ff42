// Auto-reset points, kept as the Temporal server keeps them: one point per worker build (build id, or
// the deprecated binary checksum), at the first workflow task that build completed in the execution
// chain. A new run (continue-as-new, retry) starts with its predecessor's points, which then carry an
// expiry (now + namespace retention) and appear as `prevAutoResetPoints` on its started event.
import { type temporal } from '../common/proto';
import { long } from '../common/proto';
import { timestampFromMs } from '../common/time';
import type { MutableState, ResetPointState } from './mutable-state';

/** As the Temporal server's `history.maxAutoResetPoints`: the oldest point goes first. */
export const AUTO_RESET_POINTS_MAX = 20;

/** Adds a point for the build that completed a workflow task, unless that build already has one. */
export function recordResetPoint(
  state: MutableState,
  completion: { buildId: string; binaryChecksum: string; completedEventId: number; nowMs: number },
): void {
  if (!completion.buildId && !completion.binaryChecksum) return;
  const points = (state.autoResetPoints ??= []);
  const isKnown = points.some((point) =>
    completion.buildId ? point.buildId === completion.buildId : point.binaryChecksum === completion.binaryChecksum,
  );
  if (isKnown) return;
  points.push({
    buildId: completion.buildId,
    binaryChecksum: completion.buildId ? '' : completion.binaryChecksum,
    runId: state.runId,
    firstWorkflowTaskCompletedId: completion.completedEventId,
    createTimeMs: completion.nowMs,
    expireTimeMs: 0,
    resettable: true,
  });
  if (points.length > AUTO_RESET_POINTS_MAX) points.splice(0, points.length - AUTO_RESET_POINTS_MAX);
}

/** The points a new run inherits, each given an expiry if it has none yet. */
export function rolloverResetPoints(state: MutableState, nowMs: number, retentionMs: number): ResetPointState[] {
  return (state.autoResetPoints ?? []).map((point) => ({
    ...point,
    expireTimeMs: point.expireTimeMs || nowMs + retentionMs,
  }));
}

export function resetPointsToProto(points: readonly ResetPointState[]): temporal.api.workflow.v1.IResetPoints {
  return {
    points: points.map((point) => ({
      ...(point.buildId ? { buildId: point.buildId } : {}),
      ...(point.binaryChecksum ? { binaryChecksum: point.binaryChecksum } : {}),
      runId: point.runId,
      firstWorkflowTaskCompletedId: long(point.firstWorkflowTaskCompletedId),
      createTime: timestampFromMs(point.createTimeMs),
      ...(point.expireTimeMs > 0 ? { expireTime: timestampFromMs(point.expireTimeMs) } : {}),
      resettable: point.resettable,
    })),
  };
}
