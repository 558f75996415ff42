"""Goal: standalone Nexus operations with the Python SDK's Nexus client (`client.create_nexus_client`):
a synchronous and a workflow-run operation started by a client, not a workflow, return their results;
describe, list and count see them; the closed operation's id is refused under REJECT_DUPLICATE.

Setup: CAUSEWAY_ADDRESS names a running server (test/integration/other-sdks.test.ts starts one); the test
registers its own namespace and endpoint under unique names; the handler of nexus_order.py serves them.
"""

import asyncio
import os
import uuid

import pytest
from google.protobuf.duration_pb2 import Duration
from temporalio.api.nexus.v1 import EndpointSpec, EndpointTarget
from temporalio.api.operatorservice.v1 import CreateNexusEndpointRequest
from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest
from temporalio.client import Client
from temporalio.common import NexusOperationIDReusePolicy
from temporalio.exceptions import NexusOperationAlreadyStartedError
from temporalio.worker import Worker

from nexus_order import EchoInput, OrderInput, OrderResult, OrderService, OrderServiceHandler, ProcessOrderWorkflow

ADDRESS = os.environ.get("CAUSEWAY_ADDRESS")


async def run_standalone_scenario(address: str) -> None:
    suffix = uuid.uuid4().hex[:12]
    namespace = f"py-standalone-{suffix}"
    task_queue = "py-standalone-handler-tq"
    endpoint = f"py-standalone-endpoint-{suffix}"
    admin = await Client.connect(address, namespace="default")
    await admin.workflow_service.register_namespace(
        RegisterNamespaceRequest(namespace=namespace, workflow_execution_retention_period=Duration(seconds=86400))
    )
    await admin.operator_service.create_nexus_endpoint(
        CreateNexusEndpointRequest(
            spec=EndpointSpec(
                name=endpoint,
                target=EndpointTarget(worker=EndpointTarget.Worker(namespace=namespace, task_queue=task_queue)),
            )
        )
    )
    client = await Client.connect(address, namespace=namespace)
    worker = Worker(
        client,
        task_queue=task_queue,
        workflows=[ProcessOrderWorkflow],
        nexus_service_handlers=[OrderServiceHandler()],
    )
    async with worker:
        nexus_client = client.create_nexus_client(OrderService, endpoint)
        echoed = await nexus_client.execute_operation(
            OrderService.echo, EchoInput(message="standalone from Python"), id=f"echo-{suffix}"
        )
        assert echoed == EchoInput(message="standalone from Python"), echoed

        handle = await nexus_client.start_operation(
            OrderService.process_order, OrderInput(id=f"order-{suffix}", item="gear", quantity=2), id=f"order-{suffix}"
        )
        result = await handle.result()
        assert result == OrderResult(id=f"order-{suffix}", status="processed 2 x gear"), result
        description = await handle.describe()
        assert description.operation_id == f"order-{suffix}"
        assert description.endpoint == endpoint

        # REJECT_DUPLICATE: the id of the closed operation may not be used again.
        try:
            await nexus_client.start_operation(
                OrderService.echo,
                EchoInput(message="again"),
                id=f"order-{suffix}",
                id_reuse_policy=NexusOperationIDReusePolicy.REJECT_DUPLICATE,
            )
            raise AssertionError("a duplicate id under REJECT_DUPLICATE was accepted")
        except NexusOperationAlreadyStartedError:
            pass
        listed = [operation async for operation in client.list_nexus_operations(f"Endpoint = '{endpoint}'")]
        assert {operation.operation_id for operation in listed} >= {f"echo-{suffix}", f"order-{suffix}"}, listed
        counted = await client.count_nexus_operations(f"Endpoint = '{endpoint}'")
        assert counted.count >= 2, counted


@pytest.mark.skipif(ADDRESS is None, reason="CAUSEWAY_ADDRESS is not set: run through test/integration/other-sdks.test.ts")
def test_standalone_nexus_operations_run_against_server() -> None:
    assert ADDRESS is not None
    asyncio.run(asyncio.wait_for(run_standalone_scenario(ADDRESS), timeout=30))
