// `operator audit list`: the server's audit log, newest first, over causeway.v1.AuditService (Causeway's
// own RPC on the public gRPC port; the Temporal API has none for it). Needs admin on every namespace
// when the server checks credentials.
import {
  LIST_AUDIT_EVENTS_PATH,
  ListAuditEventsRequest,
  ListAuditEventsResponse,
  type AuditEventMessage,
} from '../api/causeway-service/causeway-proto';
import { clientFlags, withClient, type ClientContext } from './client-connection';
import { callCauseway } from './causeway-rpc';
import type { Command } from './command';
import { FlagKind, parseIntegerFlag, type ParsedFlags } from './flags';
import { isJsonOutput, printJsonList, printTable } from './output';

const AUDIT_LIMIT_DEFAULT = 100;
const AUDIT_LIMIT_MAX = 100_000;
const AUDIT_PAGE_SIZE = 1000;

export const auditListCommand: Command = {
  path: ['operator', 'audit', 'list'],
  summary: 'List the audit log: changes to namespaces and Nexus endpoints, administrative actions, refused requests.',
  flags: [
    {
      name: 'limit',
      kind: FlagKind.String,
      valueName: 'int',
      defaultText: String(AUDIT_LIMIT_DEFAULT),
      description: 'Most events to print, newest first.',
    },
    ...clientFlags,
  ],
  run: (flags: ParsedFlags) => withClient(flags, (context) => listAudit(flags, context)),
};

async function listAudit(flags: ParsedFlags, context: ClientContext): Promise<void> {
  const limitText = flags.string('limit');
  const limit =
    limitText === undefined ? AUDIT_LIMIT_DEFAULT : parseIntegerFlag('limit', limitText, 1, AUDIT_LIMIT_MAX);
  const events: AuditEventMessage[] = [];
  let nextPageToken: Uint8Array = new Uint8Array();
  do {
    const response = await callCauseway<{ events: AuditEventMessage[]; nextPageToken: Uint8Array }>(
      context,
      'failed listing the audit log',
      { path: LIST_AUDIT_EVENTS_PATH, requestType: ListAuditEventsRequest, responseType: ListAuditEventsResponse },
      { pageSize: Math.min(AUDIT_PAGE_SIZE, limit - events.length), nextPageToken },
    );
    events.push(...response.events);
    nextPageToken = response.nextPageToken;
  } while (nextPageToken.length > 0 && events.length < limit);
  print(events, context);
}

function print(events: readonly AuditEventMessage[], context: ClientContext): void {
  if (isJsonOutput(context.output)) {
    printJsonList(
      events.map((event) => ({ ...event, id: Number(event.id) })),
      context.output,
    );
    return;
  }
  printTable(
    ['Time', 'Principal', 'Action', 'Namespace', 'Target', 'Outcome', 'Detail'],
    events.map((event) => [
      event.time,
      event.principal,
      event.action,
      event.namespace,
      event.target,
      event.outcome,
      event.detail,
    ]),
  );
}
