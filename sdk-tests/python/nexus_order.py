"""A Nexus handler and caller written with the Python SDK as a Temporal user would write them.

An "order-service" with a synchronous operation (`echo`, a nexusrpc sync operation) and a workflow-run
operation (`process_order`, backed by ProcessOrderWorkflow in the handler namespace), and caller workflows
that reach them through an endpoint with `workflow.create_nexus_client`.
"""

from dataclasses import dataclass
from datetime import timedelta

import nexusrpc
import nexusrpc.handler
from temporalio import nexus, workflow
from temporalio.exceptions import ApplicationError, NexusOperationError

SERVICE_NAME = "order-service"
OPERATION_TIMEOUT = timedelta(minutes=10)


@dataclass
class EchoInput:
    message: str


@dataclass
class OrderInput:
    id: str
    item: str
    quantity: int


@dataclass
class OrderResult:
    id: str
    status: str


@dataclass
class BadOrderOutcome:
    """How a rejected operation surfaced in the caller workflow."""

    is_nexus_operation_error: bool = False
    endpoint: str = ""
    service: str = ""
    operation: str = ""
    # The type and message of the nexusrpc.HandlerError cause, if there is one.
    handler_error_type: str = ""
    handler_error_message: str = ""


@nexusrpc.service(name=SERVICE_NAME)
class OrderService:
    echo: nexusrpc.Operation[EchoInput, EchoInput]
    process_order: nexusrpc.Operation[OrderInput, OrderResult]


@workflow.defn
class ProcessOrderWorkflow:
    """The handler-side workflow: it waits on a durable timer and confirms the order."""

    @workflow.run
    async def run(self, order: OrderInput) -> OrderResult:
        await workflow.sleep(0.1)
        return OrderResult(id=order.id, status=f"processed {order.quantity} x {order.item}")


@nexusrpc.handler.service_handler(service=OrderService)
class OrderServiceHandler:
    @nexusrpc.handler.sync_operation
    async def echo(self, ctx: nexusrpc.handler.StartOperationContext, input: EchoInput) -> EchoInput:
        return input

    @nexus.workflow_run_operation
    async def process_order(
        self, ctx: nexus.WorkflowRunOperationContext, input: OrderInput
    ) -> nexus.WorkflowHandle[OrderResult]:
        if not input.id:
            raise nexusrpc.HandlerError("ID is required", type=nexusrpc.HandlerErrorType.BAD_REQUEST)
        # The request ID is stable across retries of the same start request, so the start is idempotent.
        return await ctx.start_workflow(ProcessOrderWorkflow.run, input, id=ctx.request_id)


@workflow.defn
class EchoCallerWorkflow:
    @workflow.run
    async def run(self, endpoint: str, message: str) -> str:
        client = workflow.create_nexus_client(service=OrderService, endpoint=endpoint)
        out = await client.execute_operation(
            OrderService.echo, EchoInput(message=message), schedule_to_close_timeout=OPERATION_TIMEOUT
        )
        return out.message


@workflow.defn
class OrderCallerWorkflow:
    @workflow.run
    async def run(self, endpoint: str, order: OrderInput) -> OrderResult:
        client = workflow.create_nexus_client(service=OrderService, endpoint=endpoint)
        return await client.execute_operation(
            OrderService.process_order, order, schedule_to_close_timeout=OPERATION_TIMEOUT
        )


@workflow.defn
class BadOrderCallerWorkflow:
    """Calls process_order with an order lacking its ID and reports how the bad-request error arrived."""

    @workflow.run
    async def run(self, endpoint: str) -> BadOrderOutcome:
        client = workflow.create_nexus_client(service=OrderService, endpoint=endpoint)
        try:
            await client.execute_operation(
                OrderService.process_order,
                OrderInput(id="", item="widget", quantity=1),
                schedule_to_close_timeout=OPERATION_TIMEOUT,
            )
        except NexusOperationError as err:
            outcome = BadOrderOutcome(
                is_nexus_operation_error=True,
                endpoint=err.endpoint,
                service=err.service,
                operation=err.operation,
            )
            if isinstance(err.cause, nexusrpc.HandlerError):
                outcome.handler_error_type = err.cause.type.name
                outcome.handler_error_message = str(err.cause)
            return outcome
        raise ApplicationError("operation succeeded for an order without an ID", non_retryable=True)
