// The JSON form of one scenario's run, as stored in conformance/golden/<scenario>.json.
import type { NormalisedEvent } from './normalise';

export interface RecordedHistory {
  /** The execution's label in the scenario; `run` counts continue-as-new runs from 1. */
  readonly label: string;
  readonly run: number;
  readonly events: readonly NormalisedEvent[];
}

export interface ScenarioRecord {
  readonly scenario: string;
  readonly description: string;
  readonly histories: readonly RecordedHistory[];
  readonly outcome: unknown;
}

export function historyName(history: Pick<RecordedHistory, 'label' | 'run'>): string {
  return history.run === 1 ? history.label : `${history.label} (run ${history.run})`;
}
