package nexus

import (
	"errors"
	"time"

	"github.com/nexus-rpc/sdk-go/nexus"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

var operationOptions = workflow.NexusOperationOptions{ScheduleToCloseTimeout: 10 * time.Minute}

// EchoCallerWorkflow calls the synchronous echo operation through the endpoint and returns its result.
func EchoCallerWorkflow(ctx workflow.Context, endpoint, message string) (string, error) {
	c := workflow.NewNexusClient(endpoint, ServiceName)
	var out EchoInput
	if err := c.ExecuteOperation(ctx, EchoOp, EchoInput{Message: message}, operationOptions).Get(ctx, &out); err != nil {
		return "", err
	}
	return out.Message, nil
}

// CallerWorkflow calls the asynchronous process-order operation through the endpoint and returns the
// handler workflow's result.
func CallerWorkflow(ctx workflow.Context, endpoint string, order OrderInput) (OrderResult, error) {
	c := workflow.NewNexusClient(endpoint, ServiceName)
	var result OrderResult
	if err := c.ExecuteOperation(ctx, ProcessOrderOp, order, operationOptions).Get(ctx, &result); err != nil {
		return OrderResult{}, err
	}
	return result, nil
}

// BadOrderOutcome describes how a rejected operation surfaced in the caller workflow.
type BadOrderOutcome struct {
	// IsNexusOperationError is whether the error was a *temporal.NexusOperationError.
	IsNexusOperationError bool
	Endpoint              string
	Service               string
	Operation             string
	// HandlerErrorType is the type of the *nexus.HandlerError cause, if there is one.
	HandlerErrorType string
	// HandlerErrorMessage is the handler error's message (including its cause).
	HandlerErrorMessage string
}

// BadOrderCallerWorkflow calls process-order with an order lacking its ID and reports how the handler's
// bad-request error reached the caller.
func BadOrderCallerWorkflow(ctx workflow.Context, endpoint string) (BadOrderOutcome, error) {
	c := workflow.NewNexusClient(endpoint, ServiceName)
	err := c.ExecuteOperation(ctx, ProcessOrderOp, OrderInput{Item: "widget", Quantity: 1}, operationOptions).Get(ctx, nil)
	if err == nil {
		return BadOrderOutcome{}, errors.New("operation succeeded for an order without an ID")
	}
	var outcome BadOrderOutcome
	var opErr *temporal.NexusOperationError
	if errors.As(err, &opErr) {
		outcome.IsNexusOperationError = true
		outcome.Endpoint, outcome.Service, outcome.Operation = opErr.Endpoint, opErr.Service, opErr.Operation
	}
	var handlerErr *nexus.HandlerError
	if errors.As(err, &handlerErr) {
		outcome.HandlerErrorType = string(handlerErr.Type)
		outcome.HandlerErrorMessage = handlerErr.Error()
	}
	return outcome, nil
}
