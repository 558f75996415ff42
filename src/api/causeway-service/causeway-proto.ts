// Causeway's own services on the public gRPC port, for what the Temporal API has no RPC for: reading the
// audit log (AuditService) and reading the caller-namespace allowlists of Nexus endpoints
// (NexusEndpointAccessService; they are set with the causeway-allow-namespaces header of Create/Update).
// Declared here with protobufjs (no .proto file to ship or compile); docs/security.md shows them.
import * as protobuf from 'protobufjs';

export const AUDIT_SERVICE_NAME = 'causeway.v1.AuditService';
export const LIST_AUDIT_EVENTS_PATH = `/${AUDIT_SERVICE_NAME}/ListAuditEvents`;
export const ENDPOINT_ACCESS_SERVICE_NAME = 'causeway.v1.NexusEndpointAccessService';
export const GET_ENDPOINT_ACCESS_PATH = `/${ENDPOINT_ACCESS_SERVICE_NAME}/GetNexusEndpointAccess`;

const AUDIT_PROTO = `
syntax = "proto3";
package causeway.v1;

service AuditService {
  // Newest first. An empty next_page_token: no more.
  rpc ListAuditEvents (ListAuditEventsRequest) returns (ListAuditEventsResponse);
}

service NexusEndpointAccessService {
  // The allowlist of each endpoint named (at most 1000 ids); an unknown id is NOT_FOUND.
  rpc GetNexusEndpointAccess (GetNexusEndpointAccessRequest) returns (GetNexusEndpointAccessResponse);
}

message GetNexusEndpointAccessRequest {
  repeated string ids = 1;
}

message GetNexusEndpointAccessResponse {
  repeated NexusEndpointAccess endpoints = 1;
}

message NexusEndpointAccess {
  string id = 1;
  // False: every caller namespace may use the endpoint.
  bool is_restricted = 2;
  repeated string allowed_caller_namespaces = 3;
}

message ListAuditEventsRequest {
  int32 page_size = 1;
  bytes next_page_token = 2;
}

message ListAuditEventsResponse {
  repeated AuditEvent events = 1;
  bytes next_page_token = 2;
}

message AuditEvent {
  int64 id = 1;
  // RFC 3339, UTC.
  string time = 2;
  string principal = 3;
  string action = 4;
  string namespace = 5;
  string target = 6;
  // ok, unauthenticated, permission-denied, or the gRPC code of the failure (e.g. not-found).
  string outcome = 7;
  string detail = 8;
}
`;

export const causewayRoot: protobuf.Root = protobuf.parse(AUDIT_PROTO, { keepCase: false }).root;
export const ListAuditEventsRequest = causewayRoot.lookupType('causeway.v1.ListAuditEventsRequest');
export const ListAuditEventsResponse = causewayRoot.lookupType('causeway.v1.ListAuditEventsResponse');
export const GetNexusEndpointAccessRequest = causewayRoot.lookupType('causeway.v1.GetNexusEndpointAccessRequest');
export const GetNexusEndpointAccessResponse = causewayRoot.lookupType('causeway.v1.GetNexusEndpointAccessResponse');

export interface NexusEndpointAccessMessage {
  readonly id: string;
  readonly isRestricted: boolean;
  readonly allowedCallerNamespaces: readonly string[];
}

export interface AuditEventMessage {
  readonly id: number | { toString(): string };
  readonly time: string;
  readonly principal: string;
  readonly action: string;
  readonly namespace: string;
  readonly target: string;
  readonly outcome: string;
  readonly detail: string;
}
