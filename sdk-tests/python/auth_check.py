"""Goal: the Python SDK's api_key= reaches Causeway's authorization unchanged: no key is UNAUTHENTICATED, a
reader starting a workflow is PERMISSION_DENIED "Request unauthorized.", a writer starts one and a
worker-role key runs the Worker that completes it.

Setup: run as a script by test/integration/auth.test.ts with CAUSEWAY_AUTH_ADDRESS naming a server started
with an API key file, and CAUSEWAY_READER_KEY / CAUSEWAY_WRITER_KEY / CAUSEWAY_WORKER_KEY its keys for the
default namespace. (A script, not a pytest file, so that the keyless run of sdk-tests/python skips nothing.)
"""

import asyncio
import os
import sys
import uuid

from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import Worker

from plain_workflow import GreetingWorkflow, greet


async def expect_status(call, status: RPCStatusCode, message: str | None = None) -> None:
    try:
        await call()
    except RPCError as error:
        assert error.status == status, f"expected {status.name}, got {error.status.name}: {error.message}"
        assert message is None or message in error.message, error.message
        return
    except Exception as error:  # the client wraps some RPC errors
        cause = error.__cause__
        if isinstance(cause, RPCError):
            assert cause.status == status, f"expected {status.name}, got {cause.status.name}: {cause.message}"
            assert message is None or message in cause.message, cause.message
            return
        raise
    raise AssertionError(f"expected {status.name}, the call succeeded")


async def main() -> None:
    address = os.environ["CAUSEWAY_AUTH_ADDRESS"]
    anonymous = await Client.connect(address)
    await expect_status(
        lambda: anonymous.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace="default")),
        RPCStatusCode.UNAUTHENTICATED,
    )
    reader = await Client.connect(address, api_key=os.environ["CAUSEWAY_READER_KEY"], tls=False)
    await reader.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace="default"))
    task_queue = f"python-auth-{uuid.uuid4()}"
    await expect_status(
        lambda: reader.start_workflow(GreetingWorkflow.run, "x", id=f"{task_queue}-reader", task_queue=task_queue),
        RPCStatusCode.PERMISSION_DENIED,
        "Request unauthorized.",
    )
    writer = await Client.connect(address, api_key=os.environ["CAUSEWAY_WRITER_KEY"], tls=False)
    worker_client = await Client.connect(address, api_key=os.environ["CAUSEWAY_WORKER_KEY"], tls=False)
    async with Worker(worker_client, task_queue=task_queue, workflows=[GreetingWorkflow], activities=[greet]):
        handle = await writer.start_workflow(GreetingWorkflow.run, "Python", id=f"{task_queue}-w", task_queue=task_queue)
        assert await asyncio.wait_for(handle.result(), timeout=60) == "Hello, Python!"
    print("python auth check passed")


if __name__ == "__main__":
    asyncio.run(main())
    # Exit at once: the SDK's native runtime can die by a signal while the interpreter shuts down, after
    # every check has passed (seen as a null exit code); a failed check has raised before this line.
    sys.stdout.flush()
    os._exit(0)
