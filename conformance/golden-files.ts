// Reading and writing golden files: one JSON file per scenario, named after it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ScenarioRecord } from './record';

/** conformance/golden in the source tree (this file runs from dist/conformance). */
export const GOLDEN_DIR = path.join(__dirname, '..', '..', 'conformance', 'golden');

export function writeRecord(dir: string, record: ScenarioRecord): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${record.scenario}.json`), `${JSON.stringify(record, null, 2)}\n`);
}

export function readRecord(dir: string, scenario: string): ScenarioRecord | undefined {
  const file = path.join(dir, `${scenario}.json`);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ScenarioRecord;
}
