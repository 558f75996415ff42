package nexus

import (
	"context"
	"fmt"
	"time"

	"github.com/nexus-rpc/sdk-go/nexus"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporalnexus"
	"go.temporal.io/sdk/workflow"
)

// ServiceName is the Nexus service the handler worker registers and the callers address.
const ServiceName = "order-service"

// EchoInput is the input and output of the echo operation.
type EchoInput struct {
	Message string
}

// OrderInput is the input of the process-order operation.
type OrderInput struct {
	ID       string
	Item     string
	Quantity int
}

// OrderResult is the output of the process-order operation.
type OrderResult struct {
	ID     string
	Status string
}

// EchoOp is a synchronous operation returning its input unchanged.
var EchoOp = nexus.NewSyncOperation("echo", func(ctx context.Context, input EchoInput, opts nexus.StartOperationOptions) (EchoInput, error) {
	return input, nil
})

// ProcessOrderOp is an asynchronous operation backed by a run of ProcessOrderWorkflow in the handler
// namespace. An order without an ID is rejected as a bad request before any workflow starts.
var ProcessOrderOp = temporalnexus.NewWorkflowRunOperation("process-order", ProcessOrderWorkflow, func(ctx context.Context, input OrderInput, opts nexus.StartOperationOptions) (client.StartWorkflowOptions, error) {
	if input.ID == "" {
		return client.StartWorkflowOptions{}, nexus.NewHandlerErrorf(nexus.HandlerErrorTypeBadRequest, "ID is required")
	}
	// The request ID is stable across retries of the same start request, so the start is idempotent.
	return client.StartWorkflowOptions{ID: opts.RequestID}, nil
})

// NewOrderService returns the service with both operations registered.
func NewOrderService() (*nexus.Service, error) {
	service := nexus.NewService(ServiceName)
	if err := service.Register(EchoOp, ProcessOrderOp); err != nil {
		return nil, err
	}
	return service, nil
}

// ProcessOrderWorkflow is the handler-side workflow: it waits on a durable timer and confirms the order.
func ProcessOrderWorkflow(ctx workflow.Context, input OrderInput) (OrderResult, error) {
	if err := workflow.Sleep(ctx, 100*time.Millisecond); err != nil {
		return OrderResult{}, err
	}
	return OrderResult{ID: input.ID, Status: fmt.Sprintf("processed %d x %s", input.Quantity, input.Item)}, nil
}
