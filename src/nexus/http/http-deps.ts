// What the Nexus HTTP handler works with; server.ts builds it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PeerCertificate } from 'node:tls';
import type { Clock } from '../../common/clock';
import type { Ids } from '../../common/ids';
import type { Logger } from '../../common/logger';
import type { Tracing } from '../../common/tracing';
import type { HistoryEngine } from '../../engine/history-engine';
import type { NamespaceRegistry } from '../../engine/namespace-registry';
import type { EndpointRegistry } from '../endpoint-registry';
import type { NexusTaskDispatcher } from '../nexus-task-dispatcher';

export interface NexusHttpDeps {
  readonly engine: HistoryEngine;
  readonly namespaces: NamespaceRegistry;
  readonly endpoints: EndpointRegistry;
  readonly dispatcher: NexusTaskDispatcher;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly logger: Logger;
  /** This process in the cluster (a forwarded request names it). */
  readonly memberId: string;
  /** The base URL of the member that serves Nexus requests, when it is another process. */
  readonly forwardTo: () => string | undefined;
  /** Spans of the requests dispatched to workers and of completions (none when off or not given). */
  readonly tracing?: Tracing | undefined;
  /**
   * Checks the credential of an inbound Nexus request aimed at a namespace (server.ts wires the API's
   * request guard; absent: every request is served). Throws a ServiceError: UNAUTHENTICATED,
   * PERMISSION_DENIED or RESOURCE_EXHAUSTED.
   */
  readonly admitDispatch?: (
    authorization: string | undefined,
    namespace: string,
    peer: PeerCertificate | undefined,
  ) => Promise<void>;
  /** Other routes on this port (the Temporal HTTP API): true when it took the request. */
  readonly otherRoutes?: (request: IncomingMessage, response: ServerResponse) => boolean;
}
