"""Goal: the Python SDK's usual TLS options (tls=TLSConfig(...)) reach Causeway's mutual TLS: a client with
a certificate of the client CA describes its namespace, one without a client certificate is refused.

Setup: run as a script by test/integration/tls.test.ts with CAUSEWAY_TLS_ADDRESS naming a server started
with --tls-cert-file, --tls-key-file and --tls-client-ca-file, and CAUSEWAY_TLS_CA_FILE /
CAUSEWAY_TLS_CERT_FILE / CAUSEWAY_TLS_KEY_FILE the CA and a client certificate it signed.
"""

import asyncio
import os
import sys
from pathlib import Path

from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client
from temporalio.service import TLSConfig


async def main() -> None:
    address = os.environ["CAUSEWAY_TLS_ADDRESS"]
    ca = Path(os.environ["CAUSEWAY_TLS_CA_FILE"]).read_bytes()
    cert = Path(os.environ["CAUSEWAY_TLS_CERT_FILE"]).read_bytes()
    key = Path(os.environ["CAUSEWAY_TLS_KEY_FILE"]).read_bytes()

    client = await Client.connect(
        address, tls=TLSConfig(server_root_ca_cert=ca, client_cert=cert, client_private_key=key)
    )
    described = await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace="default"))
    assert described.namespace_info.name == "default", described

    try:
        without = await asyncio.wait_for(Client.connect(address, tls=TLSConfig(server_root_ca_cert=ca)), 10)
        await asyncio.wait_for(
            without.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace="default")), 10
        )
    except Exception:  # the handshake is refused: connect or the call fails
        pass
    else:
        raise AssertionError("a client without a certificate was served")
    print("python tls check passed")


if __name__ == "__main__":
    asyncio.run(main())
    # Exit at once: the SDK's native runtime can die by a signal while the interpreter shuts down, after
    # every check has passed (seen as a null exit code); a failed check has raised before this line.
    sys.stdout.flush()
    os._exit(0)
