package auth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"os"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
)

// Goal: the Go SDK's usual TLS options (ConnectionOptions.TLS) reach Causeway's mutual TLS: a client with
// a certificate of the client CA describes its namespace, one without a client certificate is refused.
// Setup: CAUSEWAY_TLS_ADDRESS names a server started with --tls-cert-file, --tls-key-file and
// --tls-client-ca-file; CAUSEWAY_TLS_CA_FILE, CAUSEWAY_TLS_CERT_FILE and CAUSEWAY_TLS_KEY_FILE the CA and a
// client certificate it signed (test/integration/tls.test.ts runs this).
func TestMutualTLSAgainstServer(t *testing.T) {
	address := os.Getenv("CAUSEWAY_TLS_ADDRESS")
	if address == "" {
		t.Skip("CAUSEWAY_TLS_ADDRESS is not set: run through test/integration/tls.test.ts")
	}
	ca, err := os.ReadFile(os.Getenv("CAUSEWAY_TLS_CA_FILE"))
	if err != nil {
		t.Fatalf("read the CA: %v", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(ca) {
		t.Fatal("the CA file holds no certificate")
	}
	pair, err := tls.LoadX509KeyPair(os.Getenv("CAUSEWAY_TLS_CERT_FILE"), os.Getenv("CAUSEWAY_TLS_KEY_FILE"))
	if err != nil {
		t.Fatalf("read the client certificate: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dial := func(config *tls.Config) (client.Client, error) {
		return client.DialContext(ctx, client.Options{
			HostPort:          address,
			Namespace:         "default",
			Logger:            log.NewStructuredLogger(nil),
			ConnectionOptions: client.ConnectionOptions{TLS: config},
		})
	}

	withCertificate, err := dial(&tls.Config{RootCAs: roots, Certificates: []tls.Certificate{pair}})
	if err != nil {
		t.Fatalf("dial with a client certificate: %v", err)
	}
	defer withCertificate.Close()
	described, err := withCertificate.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: "default"})
	if err != nil || described.GetNamespaceInfo().GetName() != "default" {
		t.Fatalf("describe over mutual TLS: %v", err)
	}

	without, err := dial(&tls.Config{RootCAs: roots})
	if err == nil {
		defer without.Close()
		short, stop := context.WithTimeout(ctx, 5*time.Second)
		defer stop()
		if _, err := without.WorkflowService().DescribeNamespace(short, &workflowservice.DescribeNamespaceRequest{Namespace: "default"}); err == nil {
			t.Fatal("a client without a certificate was served")
		}
	}
}
