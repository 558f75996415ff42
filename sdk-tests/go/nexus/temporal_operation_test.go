package nexus

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
)

// Goal: the Go SDK's Temporal operation handler (temporalnexus.NewTemporalOperation) backs Nexus
// operations with a standalone activity and with an update against Causeway: each, started as a
// standalone operation, completes with the activity's result and with the update's result once the
// update's workflow lets it finish (StartUpdateWorkflow needs the server's response link).
// Setup: CAUSEWAY_ADDRESS names a running server (test/integration/other-sdks.test.ts starts one).
func TestTemporalOperationsRunAgainstServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, nexusClient, taskQueue := handlerSide(t, ctx, "go-temporal-op", func(w worker.Worker) {
		w.RegisterWorkflow(ApprovalsWorkflow)
		w.RegisterActivity(Greet)
	})
	suffix := fmt.Sprintf("%d", time.Now().UnixNano())
	greeting, err := nexusClient.ExecuteOperation(ctx, GreetByActivityOp, "Go", client.StartNexusOperationOptions{ID: "greet-" + suffix})
	if err != nil {
		t.Fatalf("start activity-backed operation: %v", err)
	}
	var greeted string
	if err := greeting.Get(ctx, &greeted); err != nil || greeted != "Hello, Go!" {
		t.Fatalf("activity-backed result = %q, %v", greeted, err)
	}

	approvals, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "approvals-" + suffix, TaskQueue: taskQueue}, ApprovalsWorkflow)
	if err != nil {
		t.Fatalf("start approvals workflow: %v", err)
	}
	approval, err := nexusClient.ExecuteOperation(ctx, ApproveByUpdateOp, ApprovalInput{WorkflowID: approvals.GetID(), Name: "order-9"}, client.StartNexusOperationOptions{ID: "approve-" + suffix})
	if err != nil {
		t.Fatalf("start update-backed operation: %v", err)
	}
	// The operation waits on the update, which waits for the release.
	for {
		description, err := approval.Describe(ctx, client.DescribeNexusOperationOptions{})
		if err != nil {
			t.Fatalf("describe update-backed operation: %v", err)
		}
		if description.OperationToken != "" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := c.SignalWorkflow(ctx, approvals.GetID(), "", ReleaseSignal, nil); err != nil {
		t.Fatalf("release: %v", err)
	}
	var approved string
	if err := approval.Get(ctx, &approved); err != nil || approved != "approved order-9" {
		t.Fatalf("update-backed result = %q, %v", approved, err)
	}
	if err := c.SignalWorkflow(ctx, approvals.GetID(), "", FinishSignal, nil); err != nil {
		t.Fatalf("finish: %v", err)
	}
	var done string
	if err := approvals.Get(ctx, &done); err != nil || done != "approvals done" {
		t.Fatalf("approvals workflow = %q, %v", done, err)
	}
}
