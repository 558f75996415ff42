// One call followed across namespaces: from any run, up through the callers that started it (the links
// of its started event and callbacks) to the first, then down every Nexus operation to the handler runs
// they started, with each hop's state and timing and links both ways.
import { useLoad } from '../api';
import { Show, StatusBadge, span, time } from '../common';
import { callerOf, isRunning, loadRun, nexusCallsOf, type Run, type RunRef } from '../history';
import { Link, seg } from '../router';

/** Runs a chain view reads at most (a chain is a few hops; a fan-out is cut here). */
const CHAIN_RUNS_MAX = 25;
const CHAIN_DEPTH_MAX = 8;

interface ChainNode {
  readonly run: Run;
  readonly calls: { call: ReturnType<typeof nexusCallsOf>[number]; child: ChainNode | undefined }[];
}

const keyOf = (ref: RunRef): string => `${ref.namespace}/${ref.workflowId}/${ref.runId}`;

async function loadChain(start: RunRef): Promise<{ root: ChainNode; isCut: boolean }> {
  const seen = new Map<string, Run>();
  let budget = CHAIN_RUNS_MAX;
  const read = async (ref: RunRef): Promise<Run | undefined> => {
    const known = seen.get(keyOf(ref));
    if (known) return known;
    if (budget <= 0) return undefined;
    budget -= 1;
    const run = await loadRun(ref).catch(() => undefined);
    if (run) seen.set(keyOf({ ...ref, runId: run.describe.workflowExecutionInfo?.execution?.runId ?? ref.runId }), run);
    return run;
  };
  let top = await read(start);
  if (!top) throw new Error('the run could not be read');
  for (let depth = 0; depth < CHAIN_DEPTH_MAX; depth++) {
    const caller = callerOf(top);
    const parent = caller ? await read(caller) : undefined;
    if (!parent) break;
    top = parent;
  }
  const visited = new Set<string>();
  const build = async (run: Run, depth: number): Promise<ChainNode> => {
    visited.add(keyOf(run.ref));
    const calls = [];
    for (const call of nexusCallsOf(run)) {
      let child: ChainNode | undefined;
      if (call.handler && depth < CHAIN_DEPTH_MAX && !visited.has(keyOf(call.handler))) {
        const handlerRun = await read(call.handler);
        if (handlerRun) child = await build(handlerRun, depth + 1);
      }
      calls.push({ call, child });
    }
    return { run, calls };
  };
  const root = await build(top, 0);
  return { root, isCut: budget <= 0 };
}

export function CallChain(props: { current: RunRef; isLive: boolean }) {
  const loaded = useLoad(`chain:${keyOf(props.current)}`, () => loadChain(props.current), {
    everyMs: 3000,
    while: ({ root }) => props.isLive || anyRunning(root),
  });
  return (
    <Show loaded={loaded}>
      {({ root, isCut }) =>
        root.calls.length === 0 && !callerOf(root.run) ? (
          <p class="muted">This run made no Nexus call and no Nexus operation started it.</p>
        ) : (
          <div class="chain" data-testid="call-chain">
            <ChainRun node={root} current={props.current} />
            {isCut && <p class="muted">The chain is longer than {CHAIN_RUNS_MAX} runs; the rest is not shown.</p>}
          </div>
        )
      }
    </Show>
  );
}

function anyRunning(node: ChainNode): boolean {
  return isRunning(node.run) || node.calls.some(({ child }) => child !== undefined && anyRunning(child));
}

function ChainRun(props: { node: ChainNode; current: RunRef }) {
  const { run } = props.node;
  const info = run.describe.workflowExecutionInfo;
  const isCurrent = run.ref.workflowId === props.current.workflowId && run.ref.namespace === props.current.namespace;
  const href = `/namespaces/${seg(run.ref.namespace)}/workflows/${seg(run.ref.workflowId)}/${seg(info?.execution?.runId ?? run.ref.runId)}/history`;
  return (
    <div class={`hop run${isCurrent ? ' current' : ''}`} data-testid="chain-run">
      <div class="hop-line">
        <StatusBadge status={info?.status} /> <span class="ns">{run.ref.namespace}</span>{' '}
        <Link href={href}>{run.ref.workflowId}</Link> <span class="muted">{info?.type?.name}</span>{' '}
        <span class="muted">{span(info?.startTime, info?.closeTime)}</span>
      </div>
      {props.node.calls.map(({ call, child }) => (
        <div class="hop op" key={call.scheduledEventId} data-testid="chain-op">
          <div class="hop-line">
            <span class={`badge op-${call.state.toLowerCase().replace(/ /g, '-')}`}>{call.state}</span> Nexus{' '}
            <strong>
              {call.endpoint} / {call.service} / {call.operation}
            </strong>{' '}
            <span class="muted">
              scheduled {time(call.scheduledTime)}, {span(call.scheduledTime, call.closeTime)}
            </span>
            {call.failure && <span class="failure"> {call.failure}</span>}
            {!call.handler && call.state !== 'Scheduled' && (
              <span class="muted"> (no handler workflow: answered at once)</span>
            )}
          </div>
          {child && <ChainRun node={child} current={props.current} />}
        </div>
      ))}
    </div>
  );
}
