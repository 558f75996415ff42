// /namespaces/:ns/workflows/:workflowId/:runId/history: one run: summary, actions (signal, cancel,
// terminate), pending activities and Nexus operations, completion callbacks, the call chain across
// namespaces, and the event history as a table or JSON. Refreshed every two seconds while the run is open.
import { useState } from 'preact/hooks';
import { api, useLoad } from '../api';
import { Empty, ErrorBox, Show, StatusBadge, enumName, time } from '../common';
import { attributesOf, isRunning, loadRun, type Run, type RunRef } from '../history';
import { jsonPayload } from '../payload';
import { Link, seg } from '../router';
import type { HistoryEvent } from '../types';
import { CallChain } from './call-chain';

const LIVE_REFRESH_MS = 2000;

export function WorkflowDetail(props: RunRef) {
  const loaded = useLoad(`run:${props.namespace}/${props.workflowId}/${props.runId}`, () => loadRun(props), {
    everyMs: LIVE_REFRESH_MS,
    while: isRunning,
  });
  return (
    <section>
      <p class="crumbs">
        <Link href={`/namespaces/${seg(props.namespace)}/workflows`}>{props.namespace}</Link> / workflows /
      </p>
      <Show loaded={loaded}>{(run) => <RunView run={run} reload={loaded.reload} />}</Show>
    </section>
  );
}

function RunView(props: { run: Run; reload: () => void }) {
  const { run } = props;
  const info = run.describe.workflowExecutionInfo;
  const live = isRunning(run);
  return (
    <>
      <div class="heading">
        <h1 data-testid="workflow-id">{run.ref.workflowId}</h1>
        <StatusBadge status={info?.status} />
        {live && (
          <span class="live" data-testid="live">
            live
          </span>
        )}
      </div>
      <dl class="facts">
        <dt>Run id</dt>
        <dd>{info?.execution?.runId}</dd>
        <dt>Type</dt>
        <dd>{info?.type?.name}</dd>
        <dt>Task queue</dt>
        <dd>
          <Link href={`/namespaces/${seg(run.ref.namespace)}/task-queues/${seg(info?.taskQueue ?? '')}`}>
            {info?.taskQueue}
          </Link>
        </dd>
        <dt>Start</dt>
        <dd>{time(info?.startTime)}</dd>
        <dt>End</dt>
        <dd>{time(info?.closeTime)}</dd>
        <dt>History events</dt>
        <dd>{run.events.length}</dd>
      </dl>
      {live && <Actions run={run} reload={props.reload} />}
      <h2>Pending activities</h2>
      <PendingActivities run={run} />
      <h2>Pending Nexus operations</h2>
      <PendingNexus run={run} />
      <h2>Completion callbacks</h2>
      <Callbacks run={run} />
      <h2>Call chain across namespaces</h2>
      <CallChain current={run.ref} isLive={live} />
      <h2>Event history</h2>
      <History events={run.events} />
    </>
  );
}

function Actions(props: { run: Run; reload: () => void }) {
  const { ref } = props.run;
  const [signalName, setSignalName] = useState('');
  const [signalInput, setSignalInput] = useState('');
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<Error>();
  const base = `/namespaces/${seg(ref.namespace)}/workflows/${seg(ref.workflowId)}`;
  const execution = {
    workflowId: ref.workflowId,
    runId: props.run.describe.workflowExecutionInfo?.execution?.runId ?? ref.runId,
  };
  const act = (done: string, call: () => Promise<unknown>): void => {
    setError(undefined);
    setMessage(undefined);
    call().then(
      () => {
        setMessage(done);
        props.reload();
      },
      (failure: unknown) => setError(failure as Error),
    );
  };
  const signal = (event: Event): void => {
    event.preventDefault();
    let input: { payloads: unknown[] } | undefined;
    try {
      input = signalInput.trim() === '' ? undefined : { payloads: [jsonPayload(JSON.parse(signalInput))] };
    } catch {
      setError(new Error('the signal input is not JSON'));
      return;
    }
    act(`Signal ${signalName} sent.`, () =>
      api(`${base}/signal/${seg(signalName)}`, {
        body: { workflowExecution: execution, input, identity: 'causeway-ui', requestId: crypto.randomUUID() },
      }),
    );
  };
  return (
    <div class="panel" data-testid="actions">
      <form class="inline" onSubmit={signal}>
        <input
          name="signalName"
          required
          placeholder="Signal name"
          value={signalName}
          onInput={(e) => setSignalName(e.currentTarget.value)}
        />
        <input
          name="signalInput"
          placeholder='Input (JSON), e.g. "hello"'
          value={signalInput}
          onInput={(e) => setSignalInput(e.currentTarget.value)}
        />
        <button type="submit">Signal</button>
      </form>
      <div class="inline">
        <button
          onClick={() =>
            act('Cancellation requested.', () =>
              api(`${base}/cancel`, {
                body: { workflowExecution: execution, identity: 'causeway-ui', requestId: crypto.randomUUID() },
              }),
            )
          }
        >
          Request cancel
        </button>
        <input
          name="reason"
          placeholder="Terminate reason"
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
        <button
          class="danger"
          onClick={() =>
            act('Terminated.', () =>
              api(`${base}/terminate`, { body: { workflowExecution: execution, reason, identity: 'causeway-ui' } }),
            )
          }
        >
          Terminate
        </button>
      </div>
      {message && (
        <p class="ok" role="status">
          {message}
        </p>
      )}
      {error && <ErrorBox error={error} title="Action failed" />}
    </div>
  );
}

function PendingActivities(props: { run: Run }) {
  const pending = props.run.describe.pendingActivities ?? [];
  if (pending.length === 0) return <Empty>No pending activities.</Empty>;
  return (
    <table data-testid="pending-activities">
      <thead>
        <tr>
          <th>Activity id</th>
          <th>Type</th>
          <th>State</th>
          <th>Attempt</th>
          <th>Last failure</th>
          <th>Last started</th>
        </tr>
      </thead>
      <tbody>
        {pending.map((activity) => (
          <tr key={activity.activityId}>
            <td>{activity.activityId}</td>
            <td>{activity.activityType?.name}</td>
            <td>{enumName(activity.state, 'PENDING_ACTIVITY_STATE_')}</td>
            <td>{activity.attempt}</td>
            <td>{activity.lastFailure?.message ?? ''}</td>
            <td>{time(activity.lastStartedTime)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PendingNexus(props: { run: Run }) {
  const pending = props.run.describe.pendingNexusOperations ?? [];
  if (pending.length === 0) return <Empty>No pending Nexus operations.</Empty>;
  return (
    <table data-testid="pending-nexus">
      <thead>
        <tr>
          <th>Endpoint / service / operation</th>
          <th>State</th>
          <th>Attempt</th>
          <th>Last failure</th>
          <th>Next attempt</th>
          <th>Blocked because</th>
        </tr>
      </thead>
      <tbody>
        {pending.map((operation) => (
          <tr key={operation.scheduledEventId}>
            <td>
              {operation.endpoint} / {operation.service} / {operation.operation}
            </td>
            <td>{enumName(operation.state, 'PENDING_NEXUS_OPERATION_STATE_')}</td>
            <td>{operation.attempt}</td>
            <td>{operation.lastAttemptFailure?.message ?? ''}</td>
            <td>{time(operation.nextAttemptScheduleTime)}</td>
            <td>{operation.blockedReason ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Callbacks(props: { run: Run }) {
  const callbacks = props.run.describe.callbacks ?? [];
  if (callbacks.length === 0) return <Empty>No completion callbacks.</Empty>;
  return (
    <table data-testid="callbacks">
      <thead>
        <tr>
          <th>URL</th>
          <th>State</th>
          <th>Attempt</th>
          <th>Last failure</th>
          <th>Next attempt</th>
          <th>Blocked because</th>
        </tr>
      </thead>
      <tbody>
        {callbacks.map((callback, index) => (
          <tr key={index}>
            <td class="wrap">{callback.callback?.nexus?.url ?? ''}</td>
            <td>{enumName(callback.state, 'CALLBACK_STATE_')}</td>
            <td>{callback.attempt}</td>
            <td>{callback.lastAttemptFailure?.message ?? ''}</td>
            <td>{time(callback.nextAttemptScheduleTime)}</td>
            <td>{callback.blockedReason ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function History(props: { events: HistoryEvent[] }) {
  const [view, setView] = useState<'table' | 'json'>('table');
  return (
    <>
      <div class="tabs" role="tablist">
        <button role="tab" aria-selected={view === 'table'} onClick={() => setView('table')}>
          Table
        </button>
        <button role="tab" aria-selected={view === 'json'} onClick={() => setView('json')}>
          JSON
        </button>
      </div>
      {view === 'json' ? (
        <pre class="json" data-testid="history-json">
          {JSON.stringify(props.events, null, 2)}
        </pre>
      ) : (
        <table data-testid="history">
          <thead>
            <tr>
              <th>Id</th>
              <th>Time</th>
              <th>Event</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {props.events.map((event) => (
              <tr key={event.eventId}>
                <td>{event.eventId}</td>
                <td>{time(event.eventTime)}</td>
                <td>{enumName(event.eventType, 'EVENT_TYPE_')}</td>
                <td class="wrap">{summary(event)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function summary(event: HistoryEvent): string {
  const attributes = attributesOf(event);
  const parts: string[] = [];
  const name = (value: unknown): string | undefined => (value as { name?: string } | undefined)?.name;
  const add = (label: string, value: unknown): void => {
    if (value !== undefined && value !== '' && value !== null) parts.push(`${label}: ${String(value)}`);
  };
  add('type', name(attributes['workflowType']) ?? name(attributes['activityType']));
  add('endpoint', attributes['endpoint']);
  add(
    'operation',
    attributes['operation'] ? `${String(attributes['service'])}/${String(attributes['operation'])}` : undefined,
  );
  add('signal', attributes['signalName']);
  add('timer', attributes['timerId']);
  add('reason', attributes['reason']);
  add('failure', (attributes['failure'] as { message?: string } | undefined)?.message);
  add(
    'links',
    event.links?.length
      ? event.links.map((link) => `${link.workflowEvent?.namespace}/${link.workflowEvent?.workflowId}`).join(', ')
      : undefined,
  );
  return parts.join(' · ');
}
