"""Goal: the built-in Nexus endpoint `__temporal_system` with the Python SDK: a workflow calls
`workflow.signal_with_start_workflow` (the WorkflowService's SignalWithStartWorkflowExecution as a Nexus
operation, no endpoint registered) twice; the first call starts the target with its signal, the second
signals the running target; the target returns both signals; the caller's history shows the operations
completed with a link to each signal.

Setup: CAUSEWAY_ADDRESS names a running server (test/integration/other-sdks.test.ts starts one).
"""

import asyncio
import os
import uuid

import pytest
from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker

ADDRESS = os.environ.get("CAUSEWAY_ADDRESS")


@workflow.defn
class CollectorWorkflow:
    def __init__(self) -> None:
        self.items: list[str] = []

    @workflow.signal
    def add(self, item: str) -> None:
        self.items.append(item)

    @workflow.run
    async def run(self) -> list[str]:
        await workflow.wait_condition(lambda: len(self.items) >= 2)
        return self.items


@workflow.defn
class SignalWithStartCallerWorkflow:
    @workflow.run
    async def run(self, target_id: str) -> str:
        info = workflow.info()
        for item in ["first", "second"]:
            handle = await workflow.signal_with_start_workflow(
                CollectorWorkflow.run,
                id=target_id,
                task_queue=info.task_queue,
                signal=CollectorWorkflow.add,
                signal_args=item,
            )
        return handle.run_id or ""


async def run_system_nexus_scenario(address: str) -> None:
    client = await Client.connect(address, namespace="default")
    task_queue = f"py-system-nexus-{uuid.uuid4().hex[:12]}"
    target_id = f"{task_queue}-collector"
    async with Worker(client, task_queue=task_queue, workflows=[CollectorWorkflow, SignalWithStartCallerWorkflow]):
        run_id = await client.execute_workflow(
            SignalWithStartCallerWorkflow.run, target_id, id=f"{task_queue}-caller", task_queue=task_queue
        )
        target = client.get_workflow_handle(target_id)
        assert await target.result() == ["first", "second"]
        assert (await target.describe()).run_id == run_id, run_id
    history = await client.get_workflow_handle(f"{task_queue}-caller").fetch_history()
    completed = [e for e in history.events if e.HasField("nexus_operation_completed_event_attributes")]
    assert len(completed) == 2, history
    for event in completed:
        assert event.links[0].workflow_event.workflow_id == target_id, event.links


@pytest.mark.skipif(ADDRESS is None, reason="CAUSEWAY_ADDRESS is not set: run through test/integration/other-sdks.test.ts")
def test_system_nexus_endpoint_runs_against_server() -> None:
    assert ADDRESS is not None
    asyncio.run(asyncio.wait_for(run_system_nexus_scenario(ADDRESS), timeout=30))
