// `npm run conformance -- --address HOST:PORT [--namespace NS] [--record DIR] [--compare DIR]
// [--only NAME]... [--without nexus] [--list]`: runs the conformance scenarios against any server.
// With --record it writes one JSON file per scenario; with --compare (the default, against
// conformance/golden) it prints a readable diff and exits 1 on any difference.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { compareWithGoldens } from './compare';
import { renderDiffs } from './diff';
import { KNOWN_BUGS } from './differences';
import { GOLDEN_DIR, writeRecord } from './golden-files';
import { runScenarios, selectScenarios } from './runner';
import { Capability } from './scenario';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      address: { type: 'string', default: '127.0.0.1:7233' },
      namespace: { type: 'string', default: 'default' },
      record: { type: 'string' },
      compare: { type: 'string' },
      only: { type: 'string', multiple: true, default: [] },
      without: { type: 'string', multiple: true, default: [] },
      list: { type: 'boolean', default: false },
    },
  });
  const only = values.only.flatMap((names) => names.split(',')).filter((name) => name !== '');
  const capabilities = Object.values(Capability) as string[];
  const badCapability = values.without.find((name) => !capabilities.includes(name));
  if (badCapability !== undefined)
    throw new Error(`--without ${badCapability}: known capabilities are ${capabilities.join(', ')}`);
  const without = values.without as Capability[];
  if (values.list) {
    for (const scenario of selectScenarios({ only, without }))
      console.log(`${scenario.name.padEnd(24)} ${scenario.description}`);
    return 0;
  }
  const compareDir = values.compare ?? (values.record === undefined ? GOLDEN_DIR : undefined);
  const startedAtMs = Date.now();
  const records = await runScenarios({
    address: values.address,
    namespace: values.namespace,
    only,
    without,
    onScenario: (record, elapsedMs) => {
      const events = record.histories.reduce((sum, history) => sum + history.events.length, 0);
      console.log(`ran ${record.scenario.padEnd(24)} ${String(events).padStart(3)} events  ${elapsedMs} ms`);
    },
  });
  if (values.record !== undefined) {
    for (const record of records) writeRecord(values.record, record);
    console.log(`recorded ${records.length} scenario(s) in ${path.resolve(values.record)}`);
  }
  if (compareDir === undefined) return 0;
  const diffs = compareWithGoldens(records, compareDir);
  const differing = diffs.filter((diff) => diff.lines.length > 0);
  const known = differing.filter((diff) => KNOWN_BUGS[diff.scenario] !== undefined);
  const failing = differing.filter((diff) => KNOWN_BUGS[diff.scenario] === undefined);
  const events = diffs.reduce((sum, diff) => sum + diff.eventsCompared, 0);
  if (differing.length > 0) console.log(`\n${renderDiffs(differing)}\n`);
  for (const diff of known) console.log(`known Causeway bug in ${diff.scenario}: ${KNOWN_BUGS[diff.scenario] ?? ''}`);
  console.log(
    `${diffs.length - differing.length} matched, ${known.length} known bug(s), ${failing.length} failed: ` +
      `${diffs.length} scenarios, ${events} golden events compared with ${path.resolve(compareDir)} in ${Date.now() - startedAtMs} ms`,
  );
  return failing.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 2;
  },
);
