package nexus

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	nexuspb "go.temporal.io/api/nexus/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Goal: a Go handler worker (a sync operation and a workflow-run operation) and a Go caller worker in
// another namespace complete Nexus operations through an endpoint on Causeway unchanged, and a handler's
// bad-request error reaches the caller workflow as a Nexus operation error.
// Setup: CAUSEWAY_ADDRESS names a running server (test/integration/other-sdks.test.ts starts one); the
// test registers its own two namespaces and endpoint under unique names.
func TestNexusOperationsRunAgainstServer(t *testing.T) {
	address := os.Getenv("CAUSEWAY_ADDRESS")
	if address == "" {
		t.Skip("CAUSEWAY_ADDRESS is not set: run through test/integration/other-sdks.test.ts or point it at a server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	suffix := fmt.Sprintf("%d", time.Now().UnixNano())
	handlerNamespace, callerNamespace := "go-nexus-handler-"+suffix, "go-nexus-caller-"+suffix
	handlerTaskQueue, callerTaskQueue := "go-nexus-handler-tq", "go-nexus-caller-tq"
	endpoint := "go-nexus-endpoint-" + suffix

	registerEndpoint(t, ctx, dial(t, address, "default"), endpoint, handlerNamespace, handlerTaskQueue, handlerNamespace, callerNamespace)

	handlerClient := dial(t, address, handlerNamespace)
	service, err := NewOrderService()
	if err != nil {
		t.Fatalf("build service: %v", err)
	}
	handlerWorker := worker.New(handlerClient, handlerTaskQueue, worker.Options{})
	handlerWorker.RegisterWorkflow(ProcessOrderWorkflow)
	handlerWorker.RegisterNexusService(service)
	if err := handlerWorker.Start(); err != nil {
		t.Fatalf("start handler worker: %v", err)
	}
	defer handlerWorker.Stop()

	callerClient := dial(t, address, callerNamespace)
	callerWorker := worker.New(callerClient, callerTaskQueue, worker.Options{})
	callerWorker.RegisterWorkflow(EchoCallerWorkflow)
	callerWorker.RegisterWorkflow(CallerWorkflow)
	callerWorker.RegisterWorkflow(BadOrderCallerWorkflow)
	if err := callerWorker.Start(); err != nil {
		t.Fatalf("start caller worker: %v", err)
	}
	defer callerWorker.Stop()

	start := func(t *testing.T, name string, workflow any, args ...any) client.WorkflowRun {
		t.Helper()
		run, err := callerClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: name + "-" + suffix, TaskQueue: callerTaskQueue}, workflow, args...)
		if err != nil {
			t.Fatalf("start %s: %v", name, err)
		}
		return run
	}

	t.Run("sync echo operation", func(t *testing.T) {
		run := start(t, "echo", EchoCallerWorkflow, endpoint, "hello from Go")
		var got string
		if err := run.Get(ctx, &got); err != nil {
			t.Fatalf("caller result: %v", err)
		}
		if got != "hello from Go" {
			t.Fatalf("result = %q, want %q", got, "hello from Go")
		}
		assertNexusEvents(t, ctx, callerClient, run, []enumspb.EventType{
			enumspb.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED,
			enumspb.EVENT_TYPE_NEXUS_OPERATION_COMPLETED,
		})
	})

	t.Run("async workflow-run operation", func(t *testing.T) {
		run := start(t, "process-order", CallerWorkflow, endpoint, OrderInput{ID: "order-1", Item: "widget", Quantity: 3})
		var got OrderResult
		if err := run.Get(ctx, &got); err != nil {
			t.Fatalf("caller result: %v", err)
		}
		want := OrderResult{ID: "order-1", Status: "processed 3 x widget"}
		if got != want {
			t.Fatalf("result = %+v, want %+v", got, want)
		}
		events := assertNexusEvents(t, ctx, callerClient, run, []enumspb.EventType{
			enumspb.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED,
			enumspb.EVENT_TYPE_NEXUS_OPERATION_STARTED,
			enumspb.EVENT_TYPE_NEXUS_OPERATION_COMPLETED,
		})
		if token := events[1].GetNexusOperationStartedEventAttributes().GetOperationToken(); token == "" {
			t.Fatalf("NexusOperationStarted has no operation token")
		}
		// The handler started ProcessOrderWorkflow in its own namespace under the operation's request ID.
		requestID := events[0].GetNexusOperationScheduledEventAttributes().GetRequestId()
		description, err := handlerClient.DescribeWorkflowExecution(ctx, requestID, "")
		if err != nil {
			t.Fatalf("describe handler workflow %q: %v", requestID, err)
		}
		info := description.GetWorkflowExecutionInfo()
		if info.GetType().GetName() != "ProcessOrderWorkflow" || info.GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
			t.Fatalf("handler workflow %q is %s %s, want ProcessOrderWorkflow Completed", requestID, info.GetType().GetName(), info.GetStatus())
		}
	})

	t.Run("bad request handler error", func(t *testing.T) {
		run := start(t, "bad-order", BadOrderCallerWorkflow, endpoint)
		var got BadOrderOutcome
		if err := run.Get(ctx, &got); err != nil {
			t.Fatalf("caller result: %v", err)
		}
		if !got.IsNexusOperationError {
			t.Fatalf("caller did not see a *temporal.NexusOperationError: %+v", got)
		}
		if got.Endpoint != endpoint || got.Service != ServiceName || got.Operation != "process-order" {
			t.Fatalf("operation error names %s/%s/%s, want %s/%s/process-order", got.Endpoint, got.Service, got.Operation, endpoint, ServiceName)
		}
		if got.HandlerErrorType != "BAD_REQUEST" || !strings.Contains(got.HandlerErrorMessage, "ID is required") {
			t.Fatalf("handler error cause = %q %q, want BAD_REQUEST containing %q", got.HandlerErrorType, got.HandlerErrorMessage, "ID is required")
		}
		assertNexusEvents(t, ctx, callerClient, run, []enumspb.EventType{
			enumspb.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED,
			enumspb.EVENT_TYPE_NEXUS_OPERATION_FAILED,
		})
	})
}

// assertNexusEvents checks the Nexus operation events in the run's history, in order, and returns them.
func assertNexusEvents(t *testing.T, ctx context.Context, c client.Client, run client.WorkflowRun, want []enumspb.EventType) []*historypb.HistoryEvent {
	t.Helper()
	var got []enumspb.EventType
	var events []*historypb.HistoryEvent
	iterator := c.GetWorkflowHistory(ctx, run.GetID(), run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iterator.HasNext() {
		event, err := iterator.Next()
		if err != nil {
			t.Fatalf("history: %v", err)
		}
		if strings.HasPrefix(event.GetEventType().String(), "NexusOperation") {
			got = append(got, event.GetEventType())
			events = append(events, event)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Nexus events in caller history:\n got %v\nwant %v", got, want)
	}
	return events
}

// registerEndpoint registers the namespaces and an endpoint that targets taskQueue in targetNamespace.
func registerEndpoint(t *testing.T, ctx context.Context, admin client.Client, endpoint, targetNamespace, taskQueue string, namespaces ...string) {
	t.Helper()
	for _, namespace := range namespaces {
		if _, err := admin.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
			Namespace:                        namespace,
			WorkflowExecutionRetentionPeriod: durationpb.New(24 * time.Hour),
		}); err != nil {
			t.Fatalf("register namespace %s: %v", namespace, err)
		}
	}
	if _, err := admin.OperatorService().CreateNexusEndpoint(ctx, &operatorservice.CreateNexusEndpointRequest{
		Spec: &nexuspb.EndpointSpec{
			Name: endpoint,
			Target: &nexuspb.EndpointTarget{Variant: &nexuspb.EndpointTarget_Worker_{Worker: &nexuspb.EndpointTarget_Worker{
				Namespace: targetNamespace,
				TaskQueue: taskQueue,
			}}},
		},
	}); err != nil {
		t.Fatalf("create endpoint %s: %v", endpoint, err)
	}
}

// handlerSide registers a namespace of its own (named after prefix) with an endpoint on it, and starts a
// worker there serving the order service and whatever register adds; it returns the namespace's client,
// a Nexus client of the endpoint and the worker's task queue. The test is skipped when CAUSEWAY_ADDRESS is not set.
func handlerSide(t *testing.T, ctx context.Context, prefix string, register func(worker.Worker)) (client.Client, client.NexusClient, string) {
	t.Helper()
	address := os.Getenv("CAUSEWAY_ADDRESS")
	if address == "" {
		t.Skip("CAUSEWAY_ADDRESS is not set: run through test/integration/other-sdks.test.ts or point it at a server")
	}
	suffix := fmt.Sprintf("%d", time.Now().UnixNano())
	namespace, taskQueue, endpoint := prefix+"-"+suffix, prefix+"-tq", prefix+"-endpoint-"+suffix
	registerEndpoint(t, ctx, dial(t, address, "default"), endpoint, namespace, taskQueue, namespace)
	c := dial(t, address, namespace)
	service, err := NewOrderService()
	if err != nil {
		t.Fatalf("build service: %v", err)
	}
	w := worker.New(c, taskQueue, worker.Options{})
	register(w)
	w.RegisterNexusService(service)
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	t.Cleanup(w.Stop)
	nexusClient, err := c.NewNexusClient(client.NexusClientOptions{Endpoint: endpoint, Service: ServiceName})
	if err != nil {
		t.Fatalf("nexus client: %v", err)
	}
	return c, nexusClient, taskQueue
}

func dial(t *testing.T, address, namespace string) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: address, Namespace: namespace, Logger: quietLogger()})
	if err != nil {
		t.Fatalf("dial %s (namespace %s): %v", address, namespace, err)
	}
	t.Cleanup(c.Close)
	return c
}

// quietLogger keeps the SDK's info logs out of the test output.
func quietLogger() log.Logger {
	return log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}
