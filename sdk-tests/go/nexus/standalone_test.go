package nexus

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
)

// Goal: standalone Nexus operations with the Go SDK's Nexus client (client.NewNexusClient): a sync and a
// workflow-run operation started by a client, not a workflow, return their results, and describe shows
// the operation; a second start of the closed operation's id under REJECT_DUPLICATE is refused.
// Setup: CAUSEWAY_ADDRESS names a running server (test/integration/other-sdks.test.ts starts one); the
// test registers its own namespace and endpoint; the order service of service.go handles them.
func TestStandaloneNexusOperationsRunAgainstServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, nexusClient, _ := handlerSide(t, ctx, "go-standalone", func(w worker.Worker) { w.RegisterWorkflow(ProcessOrderWorkflow) })
	suffix := fmt.Sprintf("%d", time.Now().UnixNano())
	echo, err := nexusClient.ExecuteOperation(ctx, EchoOp, EchoInput{Message: "standalone from Go"}, client.StartNexusOperationOptions{ID: "echo-" + suffix})
	if err != nil {
		t.Fatalf("start echo: %v", err)
	}
	var echoed EchoInput
	if err := echo.Get(ctx, &echoed); err != nil || echoed.Message != "standalone from Go" {
		t.Fatalf("echo result = %+v, %v", echoed, err)
	}

	orderID := "order-" + suffix
	order, err := nexusClient.ExecuteOperation(ctx, ProcessOrderOp, OrderInput{ID: orderID, Item: "bolt", Quantity: 4}, client.StartNexusOperationOptions{ID: orderID})
	if err != nil {
		t.Fatalf("start order: %v", err)
	}
	var result OrderResult
	if err := order.Get(ctx, &result); err != nil {
		t.Fatalf("order result: %v", err)
	}
	if want := (OrderResult{ID: orderID, Status: "processed 4 x bolt"}); result != want {
		t.Fatalf("order result = %+v, want %+v", result, want)
	}
	description, err := order.Describe(ctx, client.DescribeNexusOperationOptions{})
	if err != nil {
		t.Fatalf("describe: %v", err)
	}
	if !strings.HasPrefix(description.Endpoint, "go-standalone-endpoint-") || description.Status != enumspb.NEXUS_OPERATION_EXECUTION_STATUS_COMPLETED {
		t.Fatalf("describe = endpoint %q status %v", description.Endpoint, description.Status)
	}

	_, err = nexusClient.ExecuteOperation(ctx, EchoOp, EchoInput{Message: "again"}, client.StartNexusOperationOptions{
		ID:            orderID,
		IDReusePolicy: enumspb.NEXUS_OPERATION_ID_REUSE_POLICY_REJECT_DUPLICATE,
	})
	if err == nil {
		t.Fatalf("a second start of %s under REJECT_DUPLICATE was accepted", orderID)
	}
}
