// Goal: Causeway's own web UI (--ui-port) renders each page over the HTTP API with no failed request, no
// console error and no page error: namespaces, workflows (with a visibility query), a run's detail (history
// table and JSON, pending Nexus operation, call chain across namespaces, live status), a task queue, and
// the Nexus endpoints (list, detail with worker status, create / edit / delete through the form; a
// Markdown description holding <script> renders as text and runs nothing). The port answers with a strict
// CSP, immutable caching for hashed assets and the app for client routes.
// Setup: one Causeway with caller-ns and handler-ns and an endpoint between them; a sync and an async
// Nexus operation complete, one async operation stays pending; Debian's Chromium drives the UI.
// Skips where Chromium is absent (or the UI was not built), except under CAUSEWAY_REQUIRE_OFFICIAL_UI=1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { startNexusEnv, type NexusEnv } from '../helpers/nexus-env';
import { eventually } from '../helpers/eventually';
import { isPostgresRun } from '../helpers/test-server';
import { chromiumBin, openBrowser, watchPage, type WatchedPage } from '../helpers/official-ui';

const isBuilt = existsSync(path.join(__dirname, '..', '..', 'ui', 'index.html'));
function skipReason(): string | false {
  if (isPostgresRun) return 'the UI walk runs in the SQLite stage only';
  const missing = [!existsSync(chromiumBin) && chromiumBin, !isBuilt && 'dist/ui (npm run build)'].filter(Boolean);
  if (missing.length === 0) return false;
  if (process.env.CAUSEWAY_REQUIRE_OFFICIAL_UI === '1') throw new Error(`missing: ${missing.join(', ')}`);
  return `missing: ${missing.join(', ')}`;
}
const skip = skipReason();

describe("Causeway's web UI", { skip }, () => {
  let env: NexusEnv;
  let browser: Browser;
  let watched: WatchedPage;
  let base = '';
  let endpoint = '';
  let runOf: Record<string, string> = {};
  let stopWorkers: () => void = () => undefined;
  let workersDone: Promise<unknown> = Promise.resolve();

  before(async () => {
    env = await startNexusEnv();
    assert.ok(env.server.uiPort, 'the UI port is open');
    base = `http://127.0.0.1:${env.server.uiPort}`;
    const created = await env.newHandlerEndpoint();
    endpoint = created.endpoint;
    const seeded = new Promise<Record<string, string>>((resolveSeeds, rejectSeeds) => {
      workersDone = env
        .withWorkers(created.handlerTaskQueue, async (taskQueue) => {
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
          await eventually(async () => (await pending.describe()).raw.pendingNexusOperations?.[0]?.state === 3);
          resolveSeeds({
            'ui-sync': sync.firstExecutionRunId,
            'ui-async': async.firstExecutionRunId,
            'ui-order': (await env.handler.workflow.getHandle('ui-order').describe()).runId,
            'ui-pending': pending.firstExecutionRunId,
          });
          await new Promise<void>((resolveStop) => (stopWorkers = resolveStop));
        })
        .catch((error: unknown) => rejectSeeds(error));
    });
    runOf = await seeded;
    browser = await openBrowser();
    watched = await watchPage(browser, base);
  });

  after(async () => {
    await watched?.close();
    await browser?.close();
    stopWorkers();
    await workersDone;
    await env?.stop();
  });

  async function visit(route: string, ...texts: string[]): Promise<void> {
    await watched.page.goto(`${base}${route}`, { waitUntil: 'load' });
    for (const text of texts) await watched.page.getByText(text, { exact: false }).first().waitFor({ timeout: 15_000 });
    await watched.settled();
    assert.deepEqual(watched.problems, [], `problems on ${route}`);
    // `npm run ui:screenshots`: each page as docs/ui.md shows it.
    const shots = process.env.CAUSEWAY_UI_SCREENSHOTS;
    if (shots) {
      const name = route
        .replace(/\?.*$/, '')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'run')
        .replace(/[^a-z0-9]+/gi, '-')
        .replace(/^-|-$/g, '');
      await watched.page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: false });
    }
  }

  test('the port serves the app with a strict CSP, immutable hashed assets and client routes', async () => {
    const index = await fetch(`${base}/namespaces/caller-ns/workflows`);
    assert.equal(index.status, 200);
    const csp = index.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const html = await index.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] ?? '';
    const script = await fetch(`${base}${asset}`);
    assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal((await fetch(`${base}/assets/missing-abc.js`)).status, 404);
    const api = await fetch(`${base}/api/v1/namespaces/caller-ns`);
    assert.equal(api.status, 200);
    assert.equal(((await api.json()) as { namespaceInfo: { name: string } }).namespaceInfo.name, 'caller-ns');
  });

  test('namespaces and the workflow list with a visibility query', async () => {
    await visit('/namespaces', 'caller-ns', 'handler-ns');
    await watched.page.getByRole('link', { name: 'caller-ns' }).click();
    await watched.page.getByText('ui-pending').first().waitFor();
    await watched.page.getByLabel('Visibility query').fill('WorkflowType = "echoCaller"');
    await watched.page.getByRole('button', { name: 'Search' }).click();
    await eventually(async () => (await watched.page.getByTestId('workflows').locator('tbody tr').count()) === 1);
    await watched.page.getByText('ui-sync').first().waitFor();
    await visit('/namespaces/caller-ns/workflows?query=WorkflowId%20%3D%20%22nothing%22', 'No workflow matches');
  });

  test('a run: history table and JSON, pending Nexus operation, live status', async () => {
    await visit(
      `/namespaces/caller-ns/workflows/ui-pending/${runOf['ui-pending']}/history`,
      'Nexus Operation Scheduled',
    );
    const { page } = watched;
    await page.getByTestId('live').waitFor();
    await page.getByTestId('pending-nexus').getByText(endpoint).waitFor();
    await page.getByRole('tab', { name: 'JSON' }).click();
    await page.getByTestId('history-json').getByText('EVENT_TYPE_NEXUS_OPERATION_SCHEDULED').first().waitFor();
    assert.deepEqual(watched.problems, []);
  });

  test('the call chain across namespaces, from the caller and from the handler', async () => {
    await visit(
      `/namespaces/caller-ns/workflows/ui-async/${runOf['ui-async']}/history`,
      'Call chain across namespaces',
    );
    const chain = watched.page.getByTestId('call-chain');
    await chain.getByText('ui-order').waitFor();
    await visit(
      `/namespaces/handler-ns/workflows/ui-order/${runOf['ui-order']}/history`,
      'Call chain across namespaces',
    );
    await chain.getByText('ui-async').waitFor();
    await chain.getByRole('link', { name: 'ui-async' }).click();
    await watched.page.getByTestId('workflow-id').getByText('ui-async').waitFor();
    await visit(`/namespaces/caller-ns/workflows/ui-sync/${runOf['ui-sync']}/history`, 'answered at once');
  });

  test('signal and terminate a run through its actions', async () => {
    const handle = await env.caller.workflow.start('longPendingCaller', {
      taskQueue: `tq-unpolled-${Date.now()}`,
      workflowId: 'ui-actions',
      args: [endpoint, 'ui-actions-handler'],
    });
    await visit(`/namespaces/caller-ns/workflows/ui-actions/${handle.firstExecutionRunId}/history`, 'Signal');
    const { page } = watched;
    await page.getByPlaceholder('Signal name').fill('poke');
    await page.getByPlaceholder('Input (JSON)', { exact: false }).fill('"hello"');
    await page.getByRole('button', { name: 'Signal', exact: true }).click();
    await page.getByText('Signal poke sent.').waitFor();
    await page.getByText('Workflow Execution Signaled').waitFor();
    await page.getByPlaceholder('Terminate reason').fill('from the UI');
    await page.getByRole('button', { name: 'Terminate' }).click();
    await page.getByText('Workflow Execution Terminated').waitFor();
    assert.equal((await handle.describe()).status.name, 'TERMINATED');
    assert.deepEqual(watched.problems, []);
  });

  test('a task queue shows its pollers', async () => {
    await visit('/namespaces/caller-ns/task-queues/nobody-polls', 'No worker polls this task queue');
  });

  test('Nexus endpoints: list, detail with worker status, create, edit, delete; Markdown script inert', async () => {
    await visit('/nexus', endpoint);
    const { page } = watched;
    await page.getByRole('link', { name: endpoint }).click();
    await page.getByTestId('worker-status').getByText('A worker polls').waitFor();
    await page.getByTestId('allowlist').getByText('any namespace').waitFor();

    await visit('/nexus/create', 'Create endpoint');
    await page.locator('input[name=name]').fill('ui-made');
    await page.locator('select[name=namespace]').selectOption('handler-ns');
    await page.locator('input[name=taskQueue]').fill('ui-made-tq');
    await page.locator('input[name=allowlist]').fill('caller-ns');
    await page
      .locator('textarea[name=description]')
      .fill('# Orders\n\nTakes **orders**. <script>window.pwned = 1</script>');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('endpoint-name').getByText('ui-made').waitFor();
    await page.getByTestId('allowlist').getByText('caller-ns').waitFor();
    await page.getByTestId('worker-status').getByText('No worker polls').waitFor();
    const markdown = page.getByTestId('markdown');
    await markdown.locator('h1').getByText('Orders').waitFor();
    assert.equal(await markdown.locator('script').count(), 0);
    assert.match(await markdown.innerText(), /<script>window\.pwned = 1<\/script>/);
    assert.equal(await page.evaluate('window.pwned'), undefined);

    await page.getByRole('link', { name: 'Edit' }).click();
    await page.locator('input[name=taskQueue]').fill('ui-made-tq-2');
    await page.locator('input[name=allowlist]').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('ui-made-tq-2').first().waitFor();
    await page.getByTestId('allowlist').getByText('any namespace').waitFor();
    const listed = await env.connection.operatorService.listNexusEndpoints({ name: 'ui-made' });
    assert.equal(listed.endpoints?.[0]?.spec?.target?.worker?.taskQueue, 'ui-made-tq-2');

    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Confirm delete' }).click();
    await page.waitForURL(`${base}/nexus`);
    await page.getByText(endpoint).first().waitFor();
    assert.equal(
      (await env.connection.operatorService.listNexusEndpoints({ name: 'ui-made' })).endpoints?.length ?? 0,
      0,
    );
    await watched.settled();
    assert.deepEqual(watched.problems, []);

    // The changes just made are in the audit log, newest first.
    await visit('/audit', 'Audit log', 'DeleteNexusEndpoint');
    const rows = await page.getByTestId('audit').locator('tbody tr').allInnerTexts();
    const actions = rows.map((row) => row.split('\t')[2]);
    const deleted = actions.indexOf('DeleteNexusEndpoint');
    assert.ok(deleted >= 0 && deleted < actions.indexOf('UpdateNexusEndpoint'), actions.join(', '));
    assert.ok(actions.indexOf('UpdateNexusEndpoint') < actions.indexOf('CreateNexusEndpoint'), actions.join(', '));
    const cells = (rows[deleted] ?? '').split('\t');
    assert.equal(cells[1], 'anonymous');
    assert.equal(cells[5], 'ok');
  });
});
