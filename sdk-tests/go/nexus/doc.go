// Package nexus is where the seed's Go Nexus code goes once Causeway implements Nexus: a handler
// service with a synchronous operation and a workflow-run operation (nexus.NewSyncOperation,
// temporalnexus.NewWorkflowRunOperation), a caller workflow using workflow.NewNexusClient, and a test
// beside them that, like plain/workflow_test.go, reads the server from CAUSEWAY_ADDRESS and creates
// the endpoint through the operator service before starting the caller.
package nexus
