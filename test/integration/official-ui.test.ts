// Goal: the official Temporal UI (ui-server v2.54.1, unchanged) pointed at Causeway renders every page of
// issue 10 with no failed API call, no console error and no page error: namespaces, the workflow list and
// counts, a workflow's detail (event history all / compact / JSON, timeline, relationships, Nexus links,
// pending activities and Nexus operations, workers, call stack, queries, metadata), the Nexus endpoints
// (list, detail, and create / edit / delete through the UI's forms), task queues and workers; and the
// caller's history shows NexusOperationScheduled, Started and Completed.
// Setup: one Causeway with caller-ns and handler-ns and an endpoint between them; a sync and an async
// Nexus operation run to completion, one async operation stays pending, and a handler workflow has a
// pending activity; the workers keep running while the UI is walked (the call stack is a query they
// answer). The ui-server runs in front of Causeway's gRPC port, Chromium drives it. Skips where the
// ui-server binary or Chromium is absent, except under CAUSEWAY_REQUIRE_OFFICIAL_UI=1 (.ci/run).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startNexusEnv, type NexusEnv } from '../helpers/nexus-env';
import { eventually } from '../helpers/eventually';
import {
  freePort,
  officialUiSkipReason,
  openBrowser,
  startUiServer,
  watchPage,
  type UiServer,
  type WatchedPage,
} from '../helpers/official-ui';

const skip = officialUiSkipReason();
const PAGE_TIMEOUT_MS = 20_000;
// CAUSEWAY_OFFICIAL_UI_PORT pins the ports (Causeway gRPC, HTTP, metrics, then the ui-server); else free ones.
const PORT_BASE = Number(process.env.CAUSEWAY_OFFICIAL_UI_PORT ?? 0);
const port = (offset: number): number => (PORT_BASE > 0 ? PORT_BASE + offset : 0);

interface Seeds {
  endpoint: string;
  handlerTaskQueue: string;
  runOf: Record<string, string>;
}

describe('the official Temporal UI against Causeway', { skip }, () => {
  let env: NexusEnv;
  let ui: UiServer;
  let browser: Browser;
  let watched: WatchedPage;
  let seeds: Seeds;
  let stopWorkers: () => void = () => undefined;
  let workersDone: Promise<unknown> = Promise.resolve();

  before(async () => {
    env = await startNexusEnv({ port: port(0), httpPort: port(1), metricsPort: port(2) });
    const { endpoint, handlerTaskQueue } = await env.newHandlerEndpoint();
    const seeded = new Promise<Record<string, string>>((resolveSeeds, rejectSeeds) => {
      workersDone = env
        .withWorkers(handlerTaskQueue, async (taskQueue) => {
          const runOf: Record<string, string> = {};
          const sync = await env.caller.workflow.start('echoCaller', {
            taskQueue,
            workflowId: 'ui-sync',
            args: [endpoint, 'hi'],
          });
          const async = await env.caller.workflow.start('callerWorkflow', {
            taskQueue,
            workflowId: 'ui-async',
            args: [endpoint, 'ui-order', ['a']],
          });
          await Promise.all([sync.result(), async.result()]);
          const pending = await env.caller.workflow.start('longPendingCaller', {
            taskQueue,
            workflowId: 'ui-pending',
            args: [endpoint, 'ui-pending-handler'],
          });
          const activity = await env.handler.workflow.start('pendingActivityWorkflow', {
            taskQueue: handlerTaskQueue,
            workflowId: 'ui-activity',
          });
          runOf['ui-sync'] = sync.firstExecutionRunId;
          runOf['ui-async'] = async.firstExecutionRunId;
          runOf['ui-order'] = (await env.handler.workflow.getHandle('ui-order').describe()).runId;
          runOf['ui-pending'] = pending.firstExecutionRunId;
          runOf['ui-activity'] = activity.firstExecutionRunId;
          await eventually(async () => {
            const [caller, handler] = await Promise.all([pending.describe(), activity.describe()]);
            return caller.raw.pendingNexusOperations?.[0]?.state === 3 && handler.raw.pendingActivities?.length === 1;
          });
          resolveSeeds(runOf);
          await new Promise<void>((resolveStop) => (stopWorkers = resolveStop));
        })
        .catch((error: unknown) => rejectSeeds(error));
    });
    seeds = { endpoint, handlerTaskQueue, runOf: await seeded };
    ui = await startUiServer(env.server.address, await freePort(port(3)), env.callerNamespace);
    browser = await openBrowser();
    watched = await watchPage(browser, ui.url);
  });

  after(async () => {
    await watched?.close();
    await browser?.close();
    await ui?.stop();
    stopWorkers();
    await workersDone;
    await env?.stop();
  });

  /** Opens a page, waits for each text to show and for its API calls to end; no problem may be recorded. */
  async function visit(route: string, ...texts: string[]): Promise<Page> {
    const { page } = watched;
    const startedMs = Date.now();
    if (isSameSubject(page.url(), route)) {
      // As a user's click on a tab: the app navigates in place (a reload parses the whole bundle again).
      const href = JSON.stringify(route);
      await page.evaluate(
        `(() => { const a = document.createElement('a'); a.href = ${href}; document.body.append(a); a.click(); a.remove(); })()`,
      );
      await page.waitForURL((url) => url.pathname === new URL(route, ui.url).pathname);
    } else {
      await page.goto(`${ui.url}${route}`, { waitUntil: 'load' });
    }
    await showsAll(page, texts);
    if (process.env.CAUSEWAY_OFFICIAL_UI_TIMES) console.log(`${Date.now() - startedMs} ms ${route}`);
    return page;
  }

  async function showsAll(page: Page, texts: readonly string[]): Promise<void> {
    for (const text of texts) {
      // Hidden copies (the event type filter's menu) do not count: the text must be on screen.
      await page
        .getByText(text)
        .filter({ visible: true })
        .first()
        .waitFor({ timeout: PAGE_TIMEOUT_MS })
        .catch((error: Error) => {
          throw new Error(`'${text}' is not shown on ${page.url()}: ${error.message}`);
        });
    }
    await watched.settled();
    const problems = watched.problems.splice(0);
    assert.deepEqual(problems, [], `problems on ${page.url()}`);
  }

  /** Whether a route is another tab of the workflow the page shows now. */
  function isSameSubject(current: string, route: string): boolean {
    if (!current.startsWith(ui.url)) return false;
    const workflow = (path: string): string | undefined =>
      /^\/namespaces\/[^/]+\/workflows\/[^/]+\/[^/]+\//.exec(path)?.[0];
    const shown = workflow(new URL(current).pathname);
    return shown !== undefined && shown === workflow(route);
  }

  const detail = (namespace: string, workflowId: string, tab: string): string =>
    `/namespaces/${namespace}/workflows/${workflowId}/${seeds.runOf[workflowId]}/${tab}`;

  test('namespaces, the workflow list and its counts', async () => {
    await visit('/namespaces', 'caller-ns', 'handler-ns');
    await visit('/namespaces/caller-ns', 'caller-ns');
    await visit('/namespaces/caller-ns/workflows', 'ui-sync', 'ui-async', 'ui-pending', '1 Running', '2 Completed');
    await visit('/namespaces/handler-ns/workflows', 'ui-order', 'ui-activity');
  });

  test('the caller history shows the Nexus events, in all, compact and JSON views', async () => {
    const page = await visit(
      detail('caller-ns', 'ui-async', 'history'),
      'Nexus Operation Scheduled',
      'Nexus Operation Started',
      'Nexus Operation Completed',
    );
    await page.getByRole('button', { name: 'Compact' }).first().click();
    await showsAll(page, ['Nexus Operation', 'processOrder']);
    await page.getByRole('button', { name: 'JSON' }).first().click();
    await showsAll(page, ['"eventType": "WorkflowExecutionStarted"']);
    // The UI keeps the view last chosen (JSON here) for the next history it shows.
    const sync = await visit(detail('caller-ns', 'ui-sync', 'history'), 'Event History');
    await sync.getByRole('button', { name: 'All' }).first().click();
    await showsAll(sync, ['Nexus Operation Scheduled', 'Nexus Operation Completed']);
    // A pending operation is drawn from DescribeWorkflowExecution's pendingNexusOperations.
    const pending = await visit(detail('caller-ns', 'ui-pending', 'history'), 'Event History');
    await pending.getByRole('button', { name: 'Compact' }).first().click();
    await showsAll(pending, ['Pending Nexus Operation', 'waitForSignal']);
  });

  test("a workflow's tabs: timeline, relationships, Nexus links, workers, pending, call stack, queries", async () => {
    await visit(detail('caller-ns', 'ui-async', 'timeline'), 'processOrder');
    await visit(detail('caller-ns', 'ui-async', 'relationships'), 'ui-async');
    await visit(detail('caller-ns', 'ui-async', 'nexus-links'), 'ui-order');
    await visit(detail('handler-ns', 'ui-order', 'nexus-links'), 'ui-async');
    await visit(detail('caller-ns', 'ui-pending', 'workers'), 'Workers');
    await visit(detail('caller-ns', 'ui-pending', 'pending-activities'), 'No Pending Activities');
    await visit(detail('handler-ns', 'ui-activity', 'pending-activities'), 'heartbeatUntilCancelled');
    await visit(detail('caller-ns', 'ui-pending', 'call-stack'), 'longPendingCaller');
    await visit(detail('caller-ns', 'ui-pending', 'query'), 'Query Type');
    await visit(detail('caller-ns', 'ui-pending', 'user-metadata'), 'ui-pending');
    await visit(detail('caller-ns', 'ui-pending', 'search-attributes'), 'BuildIds');
    await visit(detail('caller-ns', 'ui-pending', 'memo'), 'ui-pending');
  });

  test('task queues and workers', async () => {
    await visit(`/namespaces/handler-ns/task-queues/${seeds.handlerTaskQueue}`, seeds.handlerTaskQueue, 'Workers');
    await visit('/namespaces/handler-ns/workers', 'Workers');
  });

  test('Nexus endpoints: list and detail, then create, edit and delete one through the UI', async () => {
    await visit('/nexus', seeds.endpoint);
    const { endpoints } = await env.connection.operatorService.listNexusEndpoints({ name: seeds.endpoint });
    const page = await visit(`/nexus/${endpoints?.[0]?.id}`, seeds.endpoint, 'handler-ns', seeds.handlerTaskQueue);

    const name = 'ui-made-endpoint';
    await visit('/nexus/create', 'Endpoint Name');
    await page.locator('#name').fill(name);
    await page.locator('#target-namespace').fill('handler-ns');
    await page.getByRole('option', { name: 'handler-ns' }).first().click();
    await page.locator('#task-queue').fill('ui-made-queue');
    await page.getByRole('button', { name: 'Create Nexus Endpoint' }).click();
    const created = await eventually(async () => {
      const { endpoints } = await env.connection.operatorService.listNexusEndpoints({ name });
      return endpoints?.[0];
    });
    assert.equal(created.spec?.target?.worker?.taskQueue, 'ui-made-queue');
    await showsAll(page, [name]);

    await visit(`/nexus/${created.id}/edit`, 'Endpoint Name');
    await page.locator('#task-queue').fill('ui-edited-queue');
    await page.getByRole('button', { name: 'Save' }).click();
    await eventually(async () => {
      const { endpoint } = await env.connection.operatorService.getNexusEndpoint({ id: created.id });
      return endpoint?.spec?.target?.worker?.taskQueue === 'ui-edited-queue';
    });
    await showsAll(page, [name]);

    await visit(`/nexus/${created.id}/edit`, 'Endpoint Name');
    await page.getByRole('button', { name: 'Delete' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('input').first().fill(name);
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await eventually(async () => {
      const { endpoints } = await env.connection.operatorService.listNexusEndpoints({ name });
      return (endpoints ?? []).length === 0;
    });
    await showsAll(page, [seeds.endpoint]);
  });
});
