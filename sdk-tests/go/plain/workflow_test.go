package plain

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
)

// Goal: a Go worker and client run a workflow with an activity and a timer against Causeway unchanged.
// Setup: CAUSEWAY_ADDRESS names a running server (test/integration/other-sdks.test.ts starts one).
func TestGreetingWorkflowRunsAgainstServer(t *testing.T) {
	address := os.Getenv("CAUSEWAY_ADDRESS")
	if address == "" {
		t.Skip("CAUSEWAY_ADDRESS is not set: run through test/integration/other-sdks.test.ts or point it at a server")
	}
	c, err := client.Dial(client.Options{HostPort: address, Namespace: "default", Logger: quietLogger()})
	if err != nil {
		t.Fatalf("dial %s: %v", address, err)
	}
	defer c.Close()

	taskQueue := fmt.Sprintf("go-sdk-%d", time.Now().UnixNano())
	w := worker.New(c, taskQueue, worker.Options{})
	w.RegisterWorkflow(GreetingWorkflow)
	w.RegisterActivity(Greet)
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	defer w.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: taskQueue + "-greeting", TaskQueue: taskQueue}, GreetingWorkflow, "Go")
	if err != nil {
		t.Fatalf("start workflow: %v", err)
	}
	var greeting string
	if err := run.Get(ctx, &greeting); err != nil {
		t.Fatalf("workflow result: %v", err)
	}
	if greeting != "Hello, Go!" {
		t.Fatalf("result = %q, want %q", greeting, "Hello, Go!")
	}

	want := []enumspb.EventType{
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
		enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
		enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED,
		enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
		enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
		enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED,
		enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
		enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
		enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED,
		enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
		enumspb.EVENT_TYPE_TIMER_STARTED,
		enumspb.EVENT_TYPE_TIMER_FIRED,
		enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
		enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED,
		enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
		enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
	}
	var got []enumspb.EventType
	iterator := c.GetWorkflowHistory(ctx, run.GetID(), run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iterator.HasNext() {
		event, err := iterator.Next()
		if err != nil {
			t.Fatalf("history: %v", err)
		}
		got = append(got, event.GetEventType())
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("history event types:\n got %v\nwant %v", got, want)
	}
}

// quietLogger keeps the SDK's info logs out of the test output.
func quietLogger() log.Logger {
	return log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}
