// The parts of the Temporal API's JSON the pages read (proto3 JSON: camelCase, enums by name, int64 as strings).
import type { Payload } from './payload';

export interface Namespace {
  namespaceInfo?: { name?: string; state?: string; description?: string; id?: string };
  config?: { workflowExecutionRetentionTtl?: string };
}

export interface WorkflowExecution {
  workflowId?: string;
  runId?: string;
}

export interface WorkflowInfo {
  execution?: WorkflowExecution;
  type?: { name?: string };
  startTime?: string;
  closeTime?: string;
  status?: string;
  taskQueue?: string;
  historyLength?: string;
}

export interface EndpointSpec {
  name?: string;
  description?: Payload;
  target?: { worker?: { namespace?: string; taskQueue?: string }; external?: { url?: string } };
}

export interface Endpoint {
  id?: string;
  version?: string;
  createdTime?: string;
  lastModifiedTime?: string;
  urlPrefix?: string;
  spec?: EndpointSpec;
}

export interface EndpointAccess {
  id?: string;
  isRestricted?: boolean;
  allowedCallerNamespaces?: string[];
}

export interface Link {
  workflowEvent?: {
    namespace?: string;
    workflowId?: string;
    runId?: string;
    eventRef?: { eventId?: string; eventType?: string };
  };
}

export interface HistoryEvent {
  eventId?: string;
  eventTime?: string;
  eventType?: string;
  links?: Link[];
  [attributes: string]: unknown;
}

export interface Failure {
  message?: string;
}

export interface PendingActivity {
  activityId?: string;
  activityType?: { name?: string };
  state?: string;
  attempt?: number;
  lastFailure?: Failure;
  scheduledTime?: string;
  lastStartedTime?: string;
  lastHeartbeatTime?: string;
}

export interface PendingNexusOperation {
  endpoint?: string;
  service?: string;
  operation?: string;
  operationToken?: string;
  scheduledEventId?: string;
  state?: string;
  attempt?: number;
  lastAttemptCompleteTime?: string;
  lastAttemptFailure?: Failure;
  nextAttemptScheduleTime?: string;
  blockedReason?: string;
  scheduleToCloseTimeout?: string;
  cancellationInfo?: { state?: string };
}

export interface Callback {
  callback?: { nexus?: { url?: string }; links?: Link[] };
  trigger?: unknown;
  registrationTime?: string;
  state?: string;
  attempt?: number;
  lastAttemptCompleteTime?: string;
  lastAttemptFailure?: Failure;
  nextAttemptScheduleTime?: string;
  blockedReason?: string;
}

export interface DescribeWorkflow {
  workflowExecutionInfo?: WorkflowInfo;
  pendingActivities?: PendingActivity[];
  pendingNexusOperations?: PendingNexusOperation[];
  callbacks?: Callback[];
}

export interface Poller {
  identity?: string;
  lastAccessTime?: string;
  ratePerSecond?: number;
}
