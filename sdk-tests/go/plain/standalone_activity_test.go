package plain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
)

// Goal: the Go SDK's standalone activities (client.ExecuteActivity, no workflow) run against Causeway:
// the activity runs on a Go worker and returns its result; describe shows it completed; a second start
// with the same id is refused while one runs; a terminate ends it TERMINATED; count finds them by type.
// Setup: CAUSEWAY_ADDRESS names a running server (test/integration/other-sdks.test.ts starts one).
func TestStandaloneActivityRunsAgainstServer(t *testing.T) {
	address := os.Getenv("CAUSEWAY_ADDRESS")
	if address == "" {
		t.Skip("CAUSEWAY_ADDRESS is not set: run through test/integration/other-sdks.test.ts or point it at a server")
	}
	c, err := client.Dial(client.Options{HostPort: address, Namespace: "default", Logger: quietLogger()})
	if err != nil {
		t.Fatalf("dial %s: %v", address, err)
	}
	defer c.Close()

	taskQueue := fmt.Sprintf("go-standalone-%d", time.Now().UnixNano())
	w := worker.New(c, taskQueue, worker.Options{})
	w.RegisterActivity(Greet)
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	defer w.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	handle, err := c.ExecuteActivity(ctx, client.StartActivityOptions{
		ID:                  taskQueue + "-greet",
		TaskQueue:           taskQueue,
		StartToCloseTimeout: 10 * time.Second,
	}, Greet, "standalone Go")
	if err != nil {
		t.Fatalf("start activity: %v", err)
	}
	var greeting string
	if err := handle.Get(ctx, &greeting); err != nil {
		t.Fatalf("activity result: %v", err)
	}
	if greeting != "Hello, standalone Go!" {
		t.Fatalf("result = %q", greeting)
	}
	described, err := handle.Describe(ctx, client.DescribeActivityOptions{})
	if err != nil {
		t.Fatalf("describe: %v", err)
	}
	if described.Status != enumspb.ACTIVITY_EXECUTION_STATUS_COMPLETED || described.ActivityType != "Greet" ||
		described.Attempt != 1 || described.ActivityRunID != handle.GetRunID() {
		t.Fatalf("describe: status %v type %q attempt %d run %q", described.Status, described.ActivityType,
			described.Attempt, described.ActivityRunID)
	}

	// No worker polls this queue: the activity waits, a duplicate start is refused, a terminate ends it.
	idle := client.StartActivityOptions{ID: taskQueue + "-idle", TaskQueue: taskQueue + "-idle", StartToCloseTimeout: time.Minute}
	waiting, err := c.ExecuteActivity(ctx, idle, "Greet", "nobody")
	if err != nil {
		t.Fatalf("start idle activity: %v", err)
	}
	_, err = c.ExecuteActivity(ctx, idle, "Greet", "again")
	var alreadyStarted *serviceerror.ActivityExecutionAlreadyStarted
	if !errors.As(err, &alreadyStarted) {
		t.Fatalf("duplicate start: %v, want ActivityExecutionAlreadyStarted", err)
	}
	if err := waiting.Terminate(ctx, client.TerminateActivityOptions{Reason: "not needed"}); err != nil {
		t.Fatalf("terminate: %v", err)
	}
	err = waiting.Get(ctx, nil)
	var terminated *temporal.TerminatedError
	if !errors.As(err, &terminated) {
		t.Fatalf("terminated activity result: %v, want TerminatedError", err)
	}
	count, err := c.CountActivities(ctx, client.CountActivitiesOptions{Query: fmt.Sprintf("TaskQueue = %q", taskQueue)})
	if err != nil {
		t.Fatalf("count: %v", err)
	}
	if count.Count != 1 {
		t.Fatalf("count on %s = %d, want 1", taskQueue, count.Count)
	}
}
