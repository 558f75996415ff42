// Compares a recorded scenario with its golden and renders the differences for a person: first how the
// event sequences line up (an LCS alignment on event types), then every attribute that differs in the
// events that line up, each with its path, expected value and actual value.
import { withoutDeliberateDifferences } from './differences';
import type { NormalisedEvent } from './normalise';
import { historyName, type RecordedHistory, type ScenarioRecord } from './record';

export interface ScenarioDiff {
  readonly scenario: string;
  /** Human-readable lines; empty when the record matches the golden. */
  readonly lines: readonly string[];
  /** Number of golden events that were compared. */
  readonly eventsCompared: number;
  /** Whether the golden holds an outcome (what the client saw) that was compared. */
  readonly hasOutcome: boolean;
}

const MISSING = '(absent)';

export function diffScenario(expected: ScenarioRecord, actual: ScenarioRecord): ScenarioDiff {
  const lines: string[] = [];
  let eventsCompared = 0;
  const actualByName = new Map(actual.histories.map((history) => [historyName(history), history]));
  for (const golden of expected.histories) {
    const name = historyName(golden);
    eventsCompared += golden.events.length;
    const recorded = actualByName.get(name);
    actualByName.delete(name);
    if (recorded === undefined) {
      lines.push(`history '${name}': expected ${golden.events.length} events, but the run recorded no such history`);
      continue;
    }
    lines.push(...diffHistory(name, golden, recorded));
  }
  for (const name of actualByName.keys()) lines.push(`history '${name}': recorded, but not in the golden file`);
  for (const difference of diffValues(expected.outcome, actual.outcome, 'outcome')) lines.push(difference);
  const hasOutcome = expected.outcome !== undefined && expected.outcome !== null;
  return { scenario: expected.scenario, lines, eventsCompared, hasOutcome };
}

function diffHistory(name: string, expected: RecordedHistory, actual: RecordedHistory): string[] {
  const pairs = alignByEventType(expected.events, actual.events);
  const lines: string[] = [];
  const isSequenceSame = pairs.every(([left, right]) => left !== undefined && right !== undefined);
  if (!isSequenceSame) {
    lines.push(`history '${name}': event sequences differ (- golden, + actual):`);
    for (const [left, right] of pairs) {
      if (left !== undefined && right !== undefined)
        lines.push(`    ${label(left)}${left.eventId === right.eventId ? '' : `  (actual id ${right.eventId})`}`);
      else if (left !== undefined) lines.push(`  - ${label(left)}`);
      else if (right !== undefined) lines.push(`  + ${label(right)}`);
    }
  }
  for (const [left, right] of pairs) {
    if (left === undefined || right === undefined) continue;
    for (const difference of diffValues(
      strip(withoutDeliberateDifferences(left)),
      strip(withoutDeliberateDifferences(right)),
      '',
    )) {
      lines.push(`history '${name}', event ${left.eventId} ${left.eventType}: ${difference}`);
    }
  }
  return lines;
}

function label(event: NormalisedEvent): string {
  return `${String(event.eventId).padStart(3)} ${event.eventType}`;
}

/** The parts of an event compared after alignment (the id is part of the alignment listing). */
function strip(event: NormalisedEvent): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...event };
  delete rest['eventId'];
  delete rest['eventType'];
  return rest;
}

/** Longest common subsequence of event types; unmatched events pair with undefined. */
function alignByEventType(
  expected: readonly NormalisedEvent[],
  actual: readonly NormalisedEvent[],
): Array<[NormalisedEvent | undefined, NormalisedEvent | undefined]> {
  const rows = expected.length;
  const columns = actual.length;
  const table: number[][] = Array.from({ length: rows + 1 }, () => new Array<number>(columns + 1).fill(0));
  for (let i = rows - 1; i >= 0; i -= 1) {
    for (let j = columns - 1; j >= 0; j -= 1) {
      const row = table[i] as number[];
      row[j] =
        expected[i]?.eventType === actual[j]?.eventType
          ? (table[i + 1]?.[j + 1] ?? 0) + 1
          : Math.max(table[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const pairs: Array<[NormalisedEvent | undefined, NormalisedEvent | undefined]> = [];
  let i = 0;
  let j = 0;
  while (i < rows || j < columns) {
    if (i < rows && j < columns && expected[i]?.eventType === actual[j]?.eventType) {
      pairs.push([expected[i], actual[j]]);
      i += 1;
      j += 1;
    } else if (j >= columns || (i < rows && (table[i + 1]?.[j] ?? 0) >= (table[i]?.[j + 1] ?? 0))) {
      pairs.push([expected[i], undefined]);
      i += 1;
    } else {
      pairs.push([undefined, actual[j]]);
      j += 1;
    }
  }
  return pairs;
}

/** Paths where two JSON values differ, as `path: expected X, actual Y` lines. */
export function diffValues(expected: unknown, actual: unknown, path: string): string[] {
  if (isPlainObject(expected) && isPlainObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    return keys.flatMap((key) => {
      const childPath = path === '' ? key : `${path}.${key}`;
      if (!(key in actual)) return [`${childPath}: expected ${show(expected[key])}, actual ${MISSING}`];
      if (!(key in expected)) return [`${childPath}: expected ${MISSING}, actual ${show(actual[key])}`];
      return diffValues(expected[key], actual[key], childPath);
    });
  }
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length) {
    return expected.flatMap((item, index) => diffValues(item, actual[index], `${path}[${index}]`));
  }
  if (JSON.stringify(expected) === JSON.stringify(actual)) return [];
  return [`${path === '' ? '(value)' : path}: expected ${show(expected)}, actual ${show(actual)}`];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? MISSING : text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export function renderDiffs(diffs: readonly ScenarioDiff[]): string {
  return diffs
    .filter((diff) => diff.lines.length > 0)
    .map((diff) =>
      [`scenario ${diff.scenario} differs from its golden file:`, ...diff.lines.map((line) => `  ${line}`)].join('\n'),
    )
    .join('\n\n');
}
