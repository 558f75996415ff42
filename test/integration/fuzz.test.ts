// Goal: the bounded fuzz run of CI (docs/fuzzing.md) finds nothing: every mutated gRPC message, malformed
// gRPC framing and malformed HTTP request gets a clear answer in time, the server stays alive and
// answering, and the workflows started before it are intact.
// Setup: the fuzzer (test/fuzz) against start-dev in a child process, seed 12, 2,000 inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from '../fuzz/fuzz-run';
import { describeFinding } from '../fuzz/repro';

const CI_SEED = 12;
const CI_INPUTS = 2000;

test(`a fuzz run of ${CI_INPUTS} inputs (seed ${CI_SEED}) finds no crash, hang or unclear error`, async () => {
  const report = await runFuzz({ seed: CI_SEED, inputs: CI_INPUTS, seconds: 90, log: () => undefined });
  assert.equal(report.findings.length, 0, report.findings.map(describeFinding).join('\n'));
  assert.equal(report.inputsSent, CI_INPUTS);
});
