"""A workflow with one activity and a timer, written with the Python SDK as a Temporal user would."""

from datetime import timedelta

from temporalio import activity, workflow


@activity.defn
async def greet(name: str) -> str:
    return f"Hello, {name}!"


@workflow.defn
class GreetingWorkflow:
    @workflow.run
    async def run(self, name: str) -> str:
        greeting = await workflow.execute_activity(greet, name, start_to_close_timeout=timedelta(seconds=10))
        await workflow.sleep(0.1)
        return greeting
