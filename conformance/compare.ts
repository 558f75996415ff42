// Compares recorded scenarios with the golden files in a directory.
import { diffScenario, type ScenarioDiff } from './diff';
import { readRecord } from './golden-files';
import type { ScenarioRecord } from './record';

export function compareWithGoldens(records: readonly ScenarioRecord[], dir: string): ScenarioDiff[] {
  return records.map((record) => {
    const golden = readRecord(dir, record.scenario);
    if (golden === undefined) {
      return {
        scenario: record.scenario,
        lines: [`no golden file ${record.scenario}.json in ${dir}`],
        eventsCompared: 0,
        hasOutcome: false,
      };
    }
    return diffScenario(golden, record);
  });
}
