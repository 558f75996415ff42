// The Nexus pieces the API layer calls.
import type { EndpointRegistry } from '../nexus/endpoint-registry';
import type { NexusTaskDispatcher } from '../nexus/nexus-task-dispatcher';

export interface NexusDeps {
  readonly endpoints: EndpointRegistry;
  readonly dispatcher: NexusTaskDispatcher;
}
