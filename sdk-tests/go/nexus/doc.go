// Package nexus holds a Nexus handler and caller written with the Go SDK exactly as a Temporal user
// would write them, so that Causeway is shown to run Go Nexus workers unchanged: an "order-service"
// with a synchronous operation (nexus.NewSyncOperation) and a workflow-run operation
// (temporalnexus.NewWorkflowRunOperation), and caller workflows using workflow.NewNexusClient. The
// test beside them, like plain/workflow_test.go, reads the server from CAUSEWAY_ADDRESS, registers a
// handler and a caller namespace, and creates the endpoint through the operator service before
// starting the workers.
package nexus
