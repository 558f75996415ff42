// Package plain holds a workflow with one activity, written with the Go SDK exactly as a Temporal user
// would write it, so that Causeway is shown to run Go workers unchanged.
package plain

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"
)

// Greet is the activity: it returns a greeting for name.
func Greet(ctx context.Context, name string) (string, error) {
	return fmt.Sprintf("Hello, %s!", name), nil
}

// GreetingWorkflow runs Greet once, waits on a durable timer, and returns the greeting.
func GreetingWorkflow(ctx workflow.Context, name string) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	var greeting string
	if err := workflow.ExecuteActivity(ctx, Greet, name).Get(ctx, &greeting); err != nil {
		return "", err
	}
	if err := workflow.Sleep(ctx, 100*time.Millisecond); err != nil {
		return "", err
	}
	return greeting, nil
}
