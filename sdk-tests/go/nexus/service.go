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

// Greet is the activity behind GreetByActivityOp.
func Greet(ctx context.Context, name string) (string, error) {
	return fmt.Sprintf("Hello, %s!", name), nil
}

// GreetByActivityOp is an asynchronous operation backed by a standalone activity in the handler namespace.
var GreetByActivityOp = temporalnexus.MustNewTemporalOperation(temporalnexus.TemporalOperationOptions[string, string]{
	Name: "greet-by-activity",
	Start: func(ctx context.Context, nc temporalnexus.NexusClient, name string, opts temporalnexus.StartTemporalOperationOptions) (temporalnexus.TemporalOperationResult[string], error) {
		return temporalnexus.StartActivity(ctx, nc, client.StartActivityOptions{ID: "greet-" + opts.RequestID, StartToCloseTimeout: 10 * time.Second}, Greet, name)
	},
})

// ApprovalInput names the running ApprovalsWorkflow and what to approve.
type ApprovalInput struct {
	WorkflowID string
	Name       string
}

// ApproveByUpdateOp is an asynchronous operation backed by an update of a running ApprovalsWorkflow.
var ApproveByUpdateOp = temporalnexus.MustNewTemporalOperation(temporalnexus.TemporalOperationOptions[ApprovalInput, string]{
	Name: "approve-by-update",
	Start: func(ctx context.Context, nc temporalnexus.NexusClient, input ApprovalInput, opts temporalnexus.StartTemporalOperationOptions) (temporalnexus.TemporalOperationResult[string], error) {
		return temporalnexus.StartUpdateWorkflow[string](ctx, nc, client.UpdateWorkflowOptions{
			WorkflowID:   input.WorkflowID,
			UpdateName:   ApproveUpdate,
			Args:         []any{input.Name},
			WaitForStage: client.WorkflowUpdateStageAccepted,
		})
	},
})

// ApproveUpdate is the update ApprovalsWorkflow answers once it is released.
const ApproveUpdate = "approve"

// ReleaseSignal lets ApprovalsWorkflow's updates complete; FinishSignal ends it.
const (
	ReleaseSignal = "release"
	FinishSignal  = "finish"
)

// ApprovalsWorkflow answers approve updates once released, and returns when told to finish.
func ApprovalsWorkflow(ctx workflow.Context) (string, error) {
	released, finished := false, false
	if err := workflow.SetUpdateHandler(ctx, ApproveUpdate, func(ctx workflow.Context, name string) (string, error) {
		if err := workflow.Await(ctx, func() bool { return released }); err != nil {
			return "", err
		}
		return "approved " + name, nil
	}); err != nil {
		return "", err
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		workflow.GetSignalChannel(ctx, ReleaseSignal).Receive(ctx, nil)
		released = true
		workflow.GetSignalChannel(ctx, FinishSignal).Receive(ctx, nil)
		finished = true
	})
	if err := workflow.Await(ctx, func() bool { return finished && workflow.AllHandlersFinished(ctx) }); err != nil {
		return "", err
	}
	return "approvals done", nil
}

// NewOrderService returns the service with its operations registered.
func NewOrderService() (*nexus.Service, error) {
	service := nexus.NewService(ServiceName)
	if err := service.Register(EchoOp, ProcessOrderOp, GreetByActivityOp, ApproveByUpdateOp); err != nil {
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
