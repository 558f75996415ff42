// Search attribute names and types as the API reports them (IndexedValueType numbers).
import { temporal } from '../common/proto';
import { invalidArgument } from '../common/errors';

const T = temporal.api.enums.v1.IndexedValueType;

const SYSTEM_ATTRIBUTES: Readonly<Record<string, number>> = {
  WorkflowId: T.INDEXED_VALUE_TYPE_KEYWORD,
  RunId: T.INDEXED_VALUE_TYPE_KEYWORD,
  WorkflowType: T.INDEXED_VALUE_TYPE_KEYWORD,
  StartTime: T.INDEXED_VALUE_TYPE_DATETIME,
  CloseTime: T.INDEXED_VALUE_TYPE_DATETIME,
  ExecutionTime: T.INDEXED_VALUE_TYPE_DATETIME,
  ExecutionStatus: T.INDEXED_VALUE_TYPE_KEYWORD,
  TaskQueue: T.INDEXED_VALUE_TYPE_KEYWORD,
  ExecutionDuration: T.INDEXED_VALUE_TYPE_INT,
  HistoryLength: T.INDEXED_VALUE_TYPE_INT,
  ParentWorkflowId: T.INDEXED_VALUE_TYPE_KEYWORD,
  ParentRunId: T.INDEXED_VALUE_TYPE_KEYWORD,
  RootWorkflowId: T.INDEXED_VALUE_TYPE_KEYWORD,
  RootRunId: T.INDEXED_VALUE_TYPE_KEYWORD,
  TemporalChangeVersion: T.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  BuildIds: T.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  // The types of a run's paused activities (engine/activity-operator.ts).
  TemporalPauseInfo: T.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

const TYPE_BY_NAME: Readonly<Record<string, number>> = {
  text: T.INDEXED_VALUE_TYPE_TEXT,
  keyword: T.INDEXED_VALUE_TYPE_KEYWORD,
  int: T.INDEXED_VALUE_TYPE_INT,
  double: T.INDEXED_VALUE_TYPE_DOUBLE,
  bool: T.INDEXED_VALUE_TYPE_BOOL,
  datetime: T.INDEXED_VALUE_TYPE_DATETIME,
  keywordlist: T.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

const NAME_BY_TYPE: Readonly<Record<number, string>> = {
  [T.INDEXED_VALUE_TYPE_TEXT]: 'Text',
  [T.INDEXED_VALUE_TYPE_KEYWORD]: 'Keyword',
  [T.INDEXED_VALUE_TYPE_INT]: 'Int',
  [T.INDEXED_VALUE_TYPE_DOUBLE]: 'Double',
  [T.INDEXED_VALUE_TYPE_BOOL]: 'Bool',
  [T.INDEXED_VALUE_TYPE_DATETIME]: 'Datetime',
  [T.INDEXED_VALUE_TYPE_KEYWORD_LIST]: 'KeywordList',
};

/** Canonical type name ('Keyword', ...) from a flag value or an enum name; throws on unknown types. */
export function searchAttributeTypeName(value: string | number): string {
  if (typeof value === 'number') {
    const name = NAME_BY_TYPE[value];
    if (!name) throw invalidArgument(`Unknown search attribute type: ${value}.`);
    return name;
  }
  const key = value
    .replace(/^INDEXED_VALUE_TYPE_/i, '')
    .replace(/_/g, '')
    .toLowerCase();
  const type = TYPE_BY_NAME[key];
  if (type === undefined) throw invalidArgument(`Unknown search attribute type: ${value}.`);
  return NAME_BY_TYPE[type] as string;
}

export function searchAttributeTypeMaps(custom: Readonly<Record<string, string>>): {
  system: Record<string, number>;
  custom: Record<string, number>;
} {
  const customTypes: Record<string, number> = {};
  for (const [name, type] of Object.entries(custom))
    customTypes[name] = TYPE_BY_NAME[type.toLowerCase()] ?? T.INDEXED_VALUE_TYPE_KEYWORD;
  return { system: { ...SYSTEM_ATTRIBUTES }, custom: customTypes };
}

export function isSystemSearchAttribute(name: string): boolean {
  return name in SYSTEM_ATTRIBUTES;
}
