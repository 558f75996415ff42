// Links between caller and handler histories, converted between Temporal's structured Link and the
// Nexus wire form (a `temporal:///namespaces/...` URL with type temporal.api.common.v1.Link.WorkflowEvent).
import { temporal, long } from '../common/proto';

export const WORKFLOW_EVENT_LINK_TYPE = 'temporal.api.common.v1.Link.WorkflowEvent';
const EventType = temporal.api.enums.v1.EventType;

function pascalEventType(type: number): string {
  const name = EventType[type] ?? 'EVENT_TYPE_UNSPECIFIED';
  return name
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function eventTypeFromName(name: string): number {
  if (name.startsWith('EVENT_TYPE_')) return (EventType as unknown as Record<string, number>)[name] ?? 0;
  const upper = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  return (EventType as unknown as Record<string, number>)[`EVENT_TYPE_${upper}`] ?? 0;
}

export function workflowEventLinkToNexus(
  link: temporal.api.common.v1.Link.IWorkflowEvent,
): temporal.api.nexus.v1.ILink {
  const path = `/namespaces/${encodeURIComponent(link.namespace ?? '')}/workflows/${encodeURIComponent(link.workflowId ?? '')}/${encodeURIComponent(link.runId ?? '')}/history`;
  const query = new URLSearchParams();
  if (link.requestIdRef) {
    query.set('requestID', link.requestIdRef.requestId ?? '');
    query.set('eventType', pascalEventType(link.requestIdRef.eventType ?? 0));
    query.set('referenceType', 'RequestIdReference');
  } else {
    query.set('eventID', String(Number(link.eventRef?.eventId ?? 0)));
    query.set('eventType', pascalEventType(link.eventRef?.eventType ?? 0));
    query.set('referenceType', 'EventReference');
  }
  return { url: `temporal://${path}?${query.toString()}`, type: WORKFLOW_EVENT_LINK_TYPE };
}

export const NEXUS_OPERATION_LINK_TYPE = 'temporal.api.common.v1.Link.NexusOperation';

/** A standalone Nexus operation as a Nexus link (the one its handler gets as the caller's). */
export function nexusOperationLinkToNexus(
  link: temporal.api.common.v1.Link.INexusOperation,
): temporal.api.nexus.v1.ILink {
  const path = `/namespaces/${encodeURIComponent(link.namespace ?? '')}/nexus-operations/${encodeURIComponent(link.operationId ?? '')}/${encodeURIComponent(link.runId ?? '')}/details`;
  return { url: `temporal://${path}`, type: NEXUS_OPERATION_LINK_TYPE };
}

/** Converts Nexus links to Temporal links; links that are not workflow-event links are dropped. */
export function nexusLinksToTemporal(
  links: readonly temporal.api.nexus.v1.ILink[] | null | undefined,
): temporal.api.common.v1.ILink[] {
  const result: temporal.api.common.v1.ILink[] = [];
  for (const link of links ?? []) {
    const converted = nexusLinkToWorkflowEvent(link);
    if (converted) result.push({ workflowEvent: converted });
    const activity = nexusLinkToActivity(link);
    if (activity) result.push({ activity });
  }
  return result;
}

export const ACTIVITY_LINK_TYPE = 'temporal.api.common.v1.Link.Activity';

/** A standalone activity's link (`temporal:///namespaces/NS/activities/ID/RUN/details`), as a Temporal link. */
function nexusLinkToActivity(link: temporal.api.nexus.v1.ILink): temporal.api.common.v1.Link.IActivity | undefined {
  if (link.type !== ACTIVITY_LINK_TYPE || !link.url) return undefined;
  const parts = temporalUrlPath(link.url);
  if (parts?.[0] !== 'namespaces' || parts[2] !== 'activities' || parts[5] !== 'details') return undefined;
  const [, namespace, , activityId, runId] = parts;
  if (!namespace || !activityId || !runId) return undefined;
  return { namespace, activityId, runId };
}

/** The decoded path segments of a `temporal:` URL; undefined for anything else. */
function temporalUrlPath(text: string): string[] | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'temporal:') return undefined;
  try {
    return url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

export function nexusLinkToWorkflowEvent(
  link: temporal.api.nexus.v1.ILink,
): temporal.api.common.v1.Link.IWorkflowEvent | undefined {
  if (link.type !== WORKFLOW_EVENT_LINK_TYPE || !link.url) return undefined;
  let url: URL;
  try {
    url = new URL(link.url);
  } catch {
    return undefined;
  }
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (url.protocol !== 'temporal:' || parts[0] !== 'namespaces' || parts[2] !== 'workflows' || parts[5] !== 'history')
    return undefined;
  const base = { namespace: parts[1] ?? '', workflowId: parts[3] ?? '', runId: parts[4] ?? '' };
  const eventType = eventTypeFromName(url.searchParams.get('eventType') ?? '');
  if (url.searchParams.get('referenceType') === 'RequestIdReference') {
    return { ...base, requestIdRef: { requestId: url.searchParams.get('requestID') ?? '', eventType } };
  }
  return { ...base, eventRef: { eventId: long(Number(url.searchParams.get('eventID') ?? 0)), eventType } };
}
