// The WorkflowService methods Causeway implements, in the order of the proto. Any method not listed
// answers UNIMPLEMENTED.
import type { ApiDeps } from '../api-deps';
import type { RpcHandler } from '../grpc-service';
import { registerNamespace } from './register-namespace';
import { describeNamespace } from './describe-namespace';
import { listNamespaces } from './list-namespaces';
import { updateNamespace } from './update-namespace';
import { startWorkflowExecution } from './start-workflow-execution';
import { executeMultiOperation } from './execute-multi-operation';
import { getWorkflowExecutionHistory } from './get-workflow-execution-history';
import { getWorkflowExecutionHistoryReverse } from './get-workflow-execution-history-reverse';
import { pollWorkflowTaskQueue } from './poll-workflow-task-queue';
import { respondWorkflowTaskCompleted } from './respond-workflow-task-completed';
import { respondWorkflowTaskFailed } from './respond-workflow-task-failed';
import { pollActivityTaskQueue } from './poll-activity-task-queue';
import { recordActivityTaskHeartbeat, recordActivityTaskHeartbeatById } from './record-activity-task-heartbeat';
import { respondActivityTaskCompleted, respondActivityTaskCompletedById } from './respond-activity-task-completed';
import { respondActivityTaskFailed, respondActivityTaskFailedById } from './respond-activity-task-failed';
import { respondActivityTaskCanceled, respondActivityTaskCanceledById } from './respond-activity-task-canceled';
import { requestCancelWorkflowExecution } from './request-cancel-workflow-execution';
import { signalWorkflowExecution } from './signal-workflow-execution';
import { signalWithStartWorkflowExecution } from './signal-with-start-workflow-execution';
import { terminateWorkflowExecution } from './terminate-workflow-execution';
import { deleteWorkflowExecution } from './delete-workflow-execution';
import { listWorkflowExecutions } from './list-workflow-executions';
import { countWorkflowExecutions } from './count-workflow-executions';
import { getSearchAttributes } from './get-search-attributes';
import { respondQueryTaskCompleted } from './respond-query-task-completed';
import { resetStickyTaskQueue } from './reset-sticky-task-queue';
import { shutdownWorker } from './shutdown-worker';
import { queryWorkflow } from './query-workflow';
import { describeWorkflowExecution } from './describe-workflow-execution';
import { getClusterInfo } from './get-cluster-info';
import { getSystemInfo } from './get-system-info';
import { updateWorkflowExecution } from './update-workflow-execution';
import { pollWorkflowExecutionUpdate } from './poll-workflow-execution-update';
import { pollNexusTaskQueue } from './poll-nexus-task-queue';
import { respondNexusTaskCompleted, respondNexusTaskFailed } from './respond-nexus-task';
import { nexusOperationExecutionHandlers } from './nexus-operation-executions';
import { activityExecutionHandlers } from './activity-executions';
import { scheduleHandlers } from './schedules';
import { describeTaskQueue } from './describe-task-queue';
import { updateActivityOptions } from './update-activity-options';
import { pauseActivity } from './pause-activity';
import { unpauseActivity } from './unpause-activity';
import { resetActivity } from './reset-activity';

export function workflowServiceHandlers(deps: ApiDeps): Record<string, RpcHandler> {
  return {
    RegisterNamespace: (r) => registerNamespace(deps, r),
    DescribeNamespace: (r) => describeNamespace(deps, r),
    ListNamespaces: (r) => listNamespaces(deps, r),
    UpdateNamespace: (r) => updateNamespace(deps, r),
    StartWorkflowExecution: (r) => startWorkflowExecution(deps, r),
    ExecuteMultiOperation: (r, c) => executeMultiOperation(deps, r, c),
    GetWorkflowExecutionHistory: (r, c) => getWorkflowExecutionHistory(deps, r, c),
    GetWorkflowExecutionHistoryReverse: (r) => getWorkflowExecutionHistoryReverse(deps, r),
    PollWorkflowTaskQueue: (r, c) => pollWorkflowTaskQueue(deps, r, c),
    RespondWorkflowTaskCompleted: (r) => respondWorkflowTaskCompleted(deps, r),
    RespondWorkflowTaskFailed: (r) => respondWorkflowTaskFailed(deps, r),
    PollActivityTaskQueue: (r, c) => pollActivityTaskQueue(deps, r, c),
    RecordActivityTaskHeartbeat: (r) => recordActivityTaskHeartbeat(deps, r),
    RecordActivityTaskHeartbeatById: (r) => recordActivityTaskHeartbeatById(deps, r),
    RespondActivityTaskCompleted: (r) => respondActivityTaskCompleted(deps, r),
    RespondActivityTaskCompletedById: (r) => respondActivityTaskCompletedById(deps, r),
    RespondActivityTaskFailed: (r) => respondActivityTaskFailed(deps, r),
    RespondActivityTaskFailedById: (r) => respondActivityTaskFailedById(deps, r),
    RespondActivityTaskCanceled: (r) => respondActivityTaskCanceled(deps, r),
    RespondActivityTaskCanceledById: (r) => respondActivityTaskCanceledById(deps, r),
    RequestCancelWorkflowExecution: (r) => requestCancelWorkflowExecution(deps, r),
    SignalWorkflowExecution: (r) => signalWorkflowExecution(deps, r),
    SignalWithStartWorkflowExecution: (r) => signalWithStartWorkflowExecution(deps, r),
    TerminateWorkflowExecution: (r) => terminateWorkflowExecution(deps, r),
    DeleteWorkflowExecution: (r) => deleteWorkflowExecution(deps, r),
    ListWorkflowExecutions: (r) => listWorkflowExecutions(deps, r),
    CountWorkflowExecutions: (r) => countWorkflowExecutions(deps, r),
    GetSearchAttributes: () => getSearchAttributes(deps),
    RespondQueryTaskCompleted: (r) => respondQueryTaskCompleted(deps, r),
    ResetStickyTaskQueue: (r) => resetStickyTaskQueue(deps, r),
    ShutdownWorker: (r) => shutdownWorker(deps, r),
    QueryWorkflow: (r, c) => queryWorkflow(deps, r, c),
    DescribeWorkflowExecution: (r) => describeWorkflowExecution(deps, r),
    DescribeTaskQueue: (r) => describeTaskQueue(deps, r),
    GetClusterInfo: () => getClusterInfo(deps),
    GetSystemInfo: () => getSystemInfo(deps),
    UpdateWorkflowExecution: (r, c) => updateWorkflowExecution(deps, r, c),
    PollWorkflowExecutionUpdate: (r, c) => pollWorkflowExecutionUpdate(deps, r, c),
    PollNexusTaskQueue: (r, c) => pollNexusTaskQueue(deps, r, c),
    RespondNexusTaskCompleted: (r) => respondNexusTaskCompleted(deps, r),
    RespondNexusTaskFailed: (r) => respondNexusTaskFailed(deps, r),
    UpdateActivityOptions: (r) => updateActivityOptions(deps, r),
    PauseActivity: (r) => pauseActivity(deps, r),
    UnpauseActivity: (r) => unpauseActivity(deps, r),
    ResetActivity: (r) => resetActivity(deps, r),
    ...nexusOperationExecutionHandlers(deps),
    ...activityExecutionHandlers(deps),
    ...scheduleHandlers(deps),
  };
}
