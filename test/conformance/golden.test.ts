// Goal: for every conformance scenario, Causeway writes the same history (event types, order and every
// attribute, ids and times normalised) as the Temporal server recorded in
// conformance/golden. Setup: one in-process Causeway with the Nexus scenarios' namespaces; the
// conformance runner drives all scenarios through the official TypeScript SDK once, then each scenario
// is compared with its golden file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { RunningServer } from '../../src';
import { startTestServer } from '../helpers/test-server';
import { compareWithGoldens } from '../../conformance/compare';
import { renderDiffs, type ScenarioDiff } from '../../conformance/diff';
import { KNOWN_BUGS } from '../../conformance/differences';
import { GOLDEN_DIR } from '../../conformance/golden-files';
import { NEXUS_NAMESPACES } from '../../conformance/nexus-setup';
import { runScenarios, selectScenarios } from '../../conformance/runner';

const scenarios = selectScenarios({});

describe('conformance with the Temporal server', () => {
  let server: RunningServer | undefined;
  let diffs: Map<string, ScenarioDiff> | undefined;
  let runError: unknown;

  before(async () => {
    server = await startTestServer({ port: 0, logLevel: 'error', namespaces: Object.values(NEXUS_NAMESPACES) });
    try {
      const records = await runScenarios({ address: server.address });
      diffs = new Map(compareWithGoldens(records, GOLDEN_DIR).map((diff) => [diff.scenario, diff]));
    } catch (error) {
      runError = error;
    }
  });
  after(async () => {
    await server?.stop();
  });

  for (const scenario of scenarios) {
    const knownBug = KNOWN_BUGS[scenario.name];
    // A scenario with a known Causeway bug is reported as todo (see conformance/differences.ts).
    test(
      `${scenario.name}: ${scenario.description}`,
      knownBug === undefined ? {} : { todo: `known Causeway bug: ${knownBug}` },
      () => {
        if (runError !== undefined) throw runError;
        const diff = diffs?.get(scenario.name);
        assert.ok(diff, `scenario ${scenario.name} did not run`);
        // A standalone execution has no history: its golden holds only what the client saw.
        assert.ok(diff.eventsCompared > 0 || diff.hasOutcome, `golden file for ${scenario.name} holds nothing`);
        assert.equal(
          diff.lines.length,
          0,
          `differences from conformance/golden/${scenario.name}.json:\n${renderDiffs([diff])}`,
        );
      },
    );
  }

  test('every known bug still shows (remove fixed ones from conformance/differences.ts)', () => {
    if (runError !== undefined) throw runError;
    const fixed = Object.keys(KNOWN_BUGS).filter((name) => diffs?.get(name)?.lines.length === 0);
    assert.deepEqual(fixed, []);
  });

  test('every golden file belongs to a scenario', () => {
    const names = new Set(scenarios.map((scenario) => scenario.name));
    const stale = fs
      .readdirSync(GOLDEN_DIR)
      .filter((file) => file.endsWith('.json') && !names.has(file.replace(/\.json$/, '')));
    assert.deepEqual(stale, []);
  });
});
