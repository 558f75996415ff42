"""Goal: standalone activities with the Python SDK (`client.start_activity`, no workflow): the activity
runs on a Python worker and returns its result; describe shows it completed; a second start with the
same id is refused while one runs; a cancel of an activity no worker took ends it canceled; count finds
them by task queue.

Setup: CAUSEWAY_ADDRESS names a running server (test/integration/other-sdks.test.ts starts one).
"""

import asyncio
import os
import uuid
from datetime import timedelta

import pytest
from temporalio.client import ActivityExecutionStatus, ActivityFailureError, Client
from temporalio.exceptions import ActivityAlreadyStartedError, CancelledError
from temporalio.worker import Worker

from plain_workflow import greet

ADDRESS = os.environ.get("CAUSEWAY_ADDRESS")


async def run_standalone_activity_scenario(address: str) -> None:
    client = await Client.connect(address, namespace="default")
    task_queue = f"py-standalone-activity-{uuid.uuid4().hex[:12]}"
    async with Worker(client, task_queue=task_queue, activities=[greet]):
        handle = await client.start_activity(
            greet, "standalone Python", id=f"{task_queue}-greet", task_queue=task_queue,
            start_to_close_timeout=timedelta(seconds=10),
        )
        assert await handle.result() == "Hello, standalone Python!"
        description = await handle.describe()
        assert description.status == ActivityExecutionStatus.COMPLETED, description.status
        assert description.activity_type == "greet", description.activity_type
        assert description.attempt == 1, description.attempt

    idle_queue = f"{task_queue}-idle"
    waiting = await client.start_activity(
        "greet", "nobody", id=f"{task_queue}-idle", task_queue=idle_queue, start_to_close_timeout=timedelta(minutes=1)
    )
    try:
        await client.start_activity(
            "greet", "again", id=f"{task_queue}-idle", task_queue=idle_queue, start_to_close_timeout=timedelta(minutes=1)
        )
        raise AssertionError("a second start of a running activity id was accepted")
    except ActivityAlreadyStartedError:
        pass
    await waiting.cancel(reason="not needed")
    try:
        await waiting.result()
        raise AssertionError("a canceled activity returned a result")
    except ActivityFailureError as error:
        assert isinstance(error.cause, CancelledError), error.cause
    counted = await client.count_activities(f"TaskQueue = '{task_queue}'")
    assert counted.count == 1, counted


@pytest.mark.skipif(ADDRESS is None, reason="CAUSEWAY_ADDRESS is not set: run through test/integration/other-sdks.test.ts")
def test_standalone_activities_run_against_server() -> None:
    assert ADDRESS is not None
    asyncio.run(asyncio.wait_for(run_standalone_activity_scenario(ADDRESS), timeout=30))
