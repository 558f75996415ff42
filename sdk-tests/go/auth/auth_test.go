// Package auth checks that the Go SDK's API key credentials reach Causeway's authorization unchanged.
package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"google.golang.org/grpc/codes"
)

// Goal: with client.NewAPIKeyStaticCredentials, no key is UNAUTHENTICATED, a reader starting a workflow
// is PERMISSION_DENIED "Request unauthorized.", and a writer starts one.
// Setup: CAUSEWAY_AUTH_ADDRESS names a server started with an API key file and CAUSEWAY_READER_KEY /
// CAUSEWAY_WRITER_KEY its keys for the default namespace (test/integration/auth.test.ts runs this).
func TestAPIKeysAgainstServer(t *testing.T) {
	address := os.Getenv("CAUSEWAY_AUTH_ADDRESS")
	if address == "" {
		t.Skip("CAUSEWAY_AUTH_ADDRESS is not set: run through test/integration/auth.test.ts")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dial := func(key string) client.Client {
		options := client.Options{HostPort: address, Namespace: "default", Logger: log.NewStructuredLogger(nil)}
		if key != "" {
			options.Credentials = client.NewAPIKeyStaticCredentials(key)
			// The SDK turns TLS on with an API key; this server is plaintext.
			options.ConnectionOptions.TLSDisabled = true
		}
		c, err := client.Dial(options)
		if err != nil {
			t.Fatalf("dial %s: %v", address, err)
		}
		t.Cleanup(c.Close)
		return c
	}

	anonymous := dial("")
	_, err := anonymous.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: "default"})
	if code := serviceerror.ToStatus(err).Code(); code != codes.Unauthenticated {
		t.Fatalf("no key: expected Unauthenticated, got %v (%v)", code, err)
	}

	reader := dial(os.Getenv("CAUSEWAY_READER_KEY"))
	if _, err := reader.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: "default"}); err != nil {
		t.Fatalf("a reader describes its namespace: %v", err)
	}
	id := fmt.Sprintf("go-auth-%d", time.Now().UnixNano())
	options := client.StartWorkflowOptions{ID: id, TaskQueue: "go-auth"}
	_, err = reader.ExecuteWorkflow(ctx, options, "Greeting", "x")
	var denied *serviceerror.PermissionDenied
	if !errors.As(err, &denied) || denied.Message != "Request unauthorized." {
		t.Fatalf("a reader's start: expected PermissionDenied \"Request unauthorized.\", got %v", err)
	}

	writer := dial(os.Getenv("CAUSEWAY_WRITER_KEY"))
	run, err := writer.ExecuteWorkflow(ctx, options, "Greeting", "x")
	if err != nil {
		t.Fatalf("a writer's start: %v", err)
	}
	if err := writer.TerminateWorkflow(ctx, run.GetID(), run.GetRunID(), "done"); err != nil {
		t.Fatalf("a writer's terminate: %v", err)
	}
}
