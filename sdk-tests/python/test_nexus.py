"""Goal: a Python handler worker (a sync operation and a workflow-run operation) and a Python caller worker in
another namespace complete Nexus operations through an endpoint on Causeway unchanged, and a handler's
bad-request error reaches the caller workflow as a NexusOperationError caused by the handler error.

Setup: CAUSEWAY_ADDRESS names a running server (test/integration/other-sdks.test.ts starts one); the test
registers its own two namespaces and endpoint under unique names.
"""

import asyncio
import os
import uuid

import pytest
from google.protobuf.duration_pb2 import Duration
from temporalio.api.enums.v1 import EventType, WorkflowExecutionStatus
from temporalio.api.history.v1 import HistoryEvent
from temporalio.api.nexus.v1 import EndpointSpec, EndpointTarget
from temporalio.api.operatorservice.v1 import CreateNexusEndpointRequest
from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker

from nexus_order import (
    SERVICE_NAME,
    BadOrderCallerWorkflow,
    EchoCallerWorkflow,
    OrderCallerWorkflow,
    OrderInput,
    OrderResult,
    OrderServiceHandler,
    ProcessOrderWorkflow,
)

ADDRESS = os.environ.get("CAUSEWAY_ADDRESS")
RESULT_TIMEOUT_SECONDS = 20

NEXUS_EVENT_TYPES = {
    EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED,
    EventType.EVENT_TYPE_NEXUS_OPERATION_STARTED,
    EventType.EVENT_TYPE_NEXUS_OPERATION_COMPLETED,
    EventType.EVENT_TYPE_NEXUS_OPERATION_FAILED,
    EventType.EVENT_TYPE_NEXUS_OPERATION_CANCELED,
    EventType.EVENT_TYPE_NEXUS_OPERATION_TIMED_OUT,
    EventType.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUESTED,
    EventType.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_COMPLETED,
    EventType.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUEST_FAILED,
}


async def nexus_events(handle: WorkflowHandle, expected: list[int]) -> list[HistoryEvent]:
    """Checks the Nexus operation events in the run's history, in order, and returns them."""
    history = await handle.fetch_history()
    events = [event for event in history.events if event.event_type in NEXUS_EVENT_TYPES]
    got = [EventType.Name(event.event_type) for event in events]
    assert got == [EventType.Name(t) for t in expected], f"Nexus events in caller history: {got}"
    return events


async def run_nexus_scenario(address: str) -> None:
    suffix = uuid.uuid4().hex[:12]
    handler_namespace, caller_namespace = f"py-nexus-handler-{suffix}", f"py-nexus-caller-{suffix}"
    handler_task_queue, caller_task_queue = "py-nexus-handler-tq", "py-nexus-caller-tq"
    endpoint = f"py-nexus-endpoint-{suffix}"

    admin = await Client.connect(address, namespace="default")
    for namespace in (handler_namespace, caller_namespace):
        await admin.workflow_service.register_namespace(
            RegisterNamespaceRequest(
                namespace=namespace, workflow_execution_retention_period=Duration(seconds=24 * 3600)
            )
        )
    await admin.operator_service.create_nexus_endpoint(
        CreateNexusEndpointRequest(
            spec=EndpointSpec(
                name=endpoint,
                target=EndpointTarget(
                    worker=EndpointTarget.Worker(namespace=handler_namespace, task_queue=handler_task_queue)
                ),
            )
        )
    )

    handler_client = await Client.connect(address, namespace=handler_namespace)
    caller_client = await Client.connect(address, namespace=caller_namespace)
    handler_worker = Worker(
        handler_client,
        task_queue=handler_task_queue,
        workflows=[ProcessOrderWorkflow],
        nexus_service_handlers=[OrderServiceHandler()],
    )
    caller_worker = Worker(
        caller_client,
        task_queue=caller_task_queue,
        workflows=[EchoCallerWorkflow, OrderCallerWorkflow, BadOrderCallerWorkflow],
    )
    async with handler_worker, caller_worker:

        async def execute(name: str, run, *args):
            handle = await caller_client.start_workflow(
                run, args=list(args), id=f"{name}-{suffix}", task_queue=caller_task_queue
            )
            return handle, await asyncio.wait_for(handle.result(), timeout=RESULT_TIMEOUT_SECONDS)

        # A synchronous operation: the handler's result comes back inline.
        handle, echoed = await execute("echo", EchoCallerWorkflow.run, endpoint, "hello from Python")
        assert echoed == "hello from Python"
        await nexus_events(
            handle,
            [EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED, EventType.EVENT_TYPE_NEXUS_OPERATION_COMPLETED],
        )

        # An asynchronous workflow-run operation: started, then completed through the callback.
        order = OrderInput(id="order-1", item="widget", quantity=3)
        handle, result = await execute("process-order", OrderCallerWorkflow.run, endpoint, order)
        assert result == OrderResult(id="order-1", status="processed 3 x widget")
        events = await nexus_events(
            handle,
            [
                EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED,
                EventType.EVENT_TYPE_NEXUS_OPERATION_STARTED,
                EventType.EVENT_TYPE_NEXUS_OPERATION_COMPLETED,
            ],
        )
        assert events[1].nexus_operation_started_event_attributes.operation_token, "Started has no token"
        # The handler started ProcessOrderWorkflow in its own namespace under the operation's request ID.
        request_id = events[0].nexus_operation_scheduled_event_attributes.request_id
        description = await handler_client.get_workflow_handle(request_id).describe()
        assert description.workflow_type == "ProcessOrderWorkflow"
        assert description.raw_description.workflow_execution_info.status == (
            WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED
        )

        # A handler error: BAD_REQUEST reaches the caller as a NexusOperationError caused by it.
        handle, outcome = await execute("bad-order", BadOrderCallerWorkflow.run, endpoint)
        assert outcome.is_nexus_operation_error, f"caller did not see a NexusOperationError: {outcome}"
        assert (outcome.endpoint, outcome.service, outcome.operation) == (endpoint, SERVICE_NAME, "process_order")
        assert outcome.handler_error_type == "BAD_REQUEST", f"handler error cause: {outcome}"
        assert "ID is required" in outcome.handler_error_message, f"handler error cause: {outcome}"
        await nexus_events(
            handle,
            [EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED, EventType.EVENT_TYPE_NEXUS_OPERATION_FAILED],
        )


@pytest.mark.skipif(ADDRESS is None, reason="CAUSEWAY_ADDRESS is not set: run through test/integration/other-sdks.test.ts")
def test_nexus_operations_run_against_server() -> None:
    assert ADDRESS is not None
    asyncio.run(asyncio.wait_for(run_nexus_scenario(ADDRESS), timeout=30))
