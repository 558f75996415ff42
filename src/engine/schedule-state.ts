// What a schedule's run keeps (its `schedule` core field): the schedule as the client last wrote it
// (canonical spec), its state (paused, notes, remaining actions), its counters, the starts waiting in its
// buffer, the workflows it started that may still run, and how far its spec has been taken.
import { temporal, decodeBase64, encodeBase64 } from '../common/proto';

/** The schedule's workflow id: this prefix and the schedule id (ids never collide with workflows'). */
export const SCHEDULE_ID_PREFIX = '\u0001schedule:';
/** The TemporalNamespaceDivision of schedules' runs. */
export const SCHEDULE_DIVISION = 'schedule';
/** The server keeps the last ten actions. */
export const RECENT_ACTIONS_MAX = 10;
/** A bound on starts waiting in a schedule's buffer (the server's default buffer limit). */
export const BUFFER_MAX = 1000;
/** A bound on the started workflows a schedule follows (ALLOW_ALL may start many); the oldest go first. */
export const RUNNING_TRACKED_MAX = 1000;
/** How often a schedule with running workflows or waiting starts looks at them again. */
export const SCHEDULE_REFRESH_MS = 1000;
/** The server's default catch-up window: a year. */
export const CATCHUP_WINDOW_DEFAULT_MS = 365 * 24 * 3_600_000;
/** The smallest catch-up window the server takes (it raises smaller ones to this). */
export const CATCHUP_WINDOW_MIN_MS = 10_000;

export interface BufferedStart {
  readonly id: number;
  readonly nominalMs: number;
  readonly actualMs: number;
  /** temporal.api.enums.v1.ScheduleOverlapPolicy; 0: the schedule's. */
  readonly overlapPolicy: number;
  /** Trigger or backfill: not counted against remaining actions. */
  readonly isManual: boolean;
}

export interface ScheduleAction {
  readonly scheduleTimeMs: number;
  readonly actualTimeMs: number;
  readonly workflowId: string;
  readonly runId: string;
  /** temporal.api.enums.v1.WorkflowExecutionStatus, as last seen. */
  status: number;
}

export interface ScheduleRunState {
  scheduleId: string;
  /** temporal.api.schedule.v1.Schedule, base64, spec canonical. */
  schedule: string;
  conflictToken: number;
  createTimeMs: number;
  updateTimeMs: number;
  /** Nominal times up to here have been taken (or skipped). */
  processedUpToMs: number;
  actionCount: number;
  missedCatchupWindow: number;
  overlapSkipped: number;
  bufferDropped: number;
  recentActions: ScheduleAction[];
  running: ScheduleAction[];
  buffer: BufferedStart[];
  nextBufferId: number;
  /** A schedule-action task is outstanding. */
  isActionPending: boolean;
  /** When to look at running workflows and the buffer again (0: not needed). */
  refreshAtMs: number;
  deleted: boolean;
}

export function decodeSchedule(state: ScheduleRunState): temporal.api.schedule.v1.ISchedule {
  return decodeBase64<temporal.api.schedule.v1.ISchedule>('temporal.api.schedule.v1.Schedule', state.schedule);
}

export function encodeSchedule(schedule: temporal.api.schedule.v1.ISchedule): string {
  return encodeBase64('temporal.api.schedule.v1.Schedule', schedule);
}

export function scheduleWorkflowId(scheduleId: string): string {
  return `${SCHEDULE_ID_PREFIX}${scheduleId}`;
}

export function scheduleIdOf(workflowId: string): string {
  return workflowId.startsWith(SCHEDULE_ID_PREFIX) ? workflowId.slice(SCHEDULE_ID_PREFIX.length) : workflowId;
}
