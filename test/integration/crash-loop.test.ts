// Goal: nothing acknowledged is lost and no follow-up work goes missing when the server is SIGKILLed at
// random moments under a steady mix of timers, retried activities, child workflows and sync and async
// Nexus operations: every acknowledged workflow completes with its expected result, every history is
// well formed, every operation starts one handler workflow. Setup: the crash loop (test/crash/crash-loop.ts)
// with a bounded number of kills; `npm run crash-loop -- --kills 100` runs the long version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installQuietRuntime, runCrashLoop } from '../crash/crash-loop';

const KILLS = Number(process.env['CRASH_LOOP_KILLS'] ?? 5);

test(`the server survives ${KILLS} SIGKILLs under load and loses nothing`, async () => {
  installQuietRuntime();
  const seed = Math.floor(Math.random() * 1e9);
  const report = await runCrashLoop({ kills: KILLS, workflowsPerRound: 10, seed });
  assert.equal(report.kills, KILLS, `seed ${seed}`);
  assert.ok(report.acknowledged > 0, 'work was acknowledged between the kills');
});
