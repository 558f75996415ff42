"""Goal: a Python worker and client run a workflow with an activity and a timer against Causeway unchanged.

Setup: CAUSEWAY_ADDRESS names a running server (test/integration/other-sdks.test.ts starts one). The Nexus
scenarios (a handler service and a caller workflow) are in test_nexus.py beside this file.
"""

import asyncio
import os
import uuid

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.worker import Worker

from plain_workflow import GreetingWorkflow, greet

ADDRESS = os.environ.get("CAUSEWAY_ADDRESS")

EXPECTED_EVENT_TYPES = [
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED,
    EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    EventType.EVENT_TYPE_TIMER_STARTED,
    EventType.EVENT_TYPE_TIMER_FIRED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
]


async def run_greeting(address: str) -> None:
    client = await Client.connect(address, namespace="default")
    task_queue = f"python-sdk-{uuid.uuid4()}"
    async with Worker(client, task_queue=task_queue, workflows=[GreetingWorkflow], activities=[greet]):
        handle = await client.start_workflow(
            GreetingWorkflow.run, "Python", id=f"{task_queue}-greeting", task_queue=task_queue
        )
        assert await asyncio.wait_for(handle.result(), timeout=30) == "Hello, Python!"
        history = await handle.fetch_history()
        assert [event.event_type for event in history.events] == EXPECTED_EVENT_TYPES


@pytest.mark.skipif(ADDRESS is None, reason="CAUSEWAY_ADDRESS is not set: run through test/integration/other-sdks.test.ts")
def test_greeting_workflow_runs_against_server() -> None:
    assert ADDRESS is not None
    asyncio.run(run_greeting(ADDRESS))
