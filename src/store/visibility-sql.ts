// Stage 2 of the visibility query language for the SQL stores, the work of Temporal's QueryConverter and its
// sqlite and postgresql plugins: each search attribute resolves to a column of `executions` (system
// attributes) or to a value of the JSON `search_attributes` (custom ones), the operator is checked against
// the attribute's type, and values are converted to what the table stores. User values only ever travel as
// bound parameters (`?` placeholders); the SQL text holds column names from this file and registered search
// attribute names quoted as literals. What differs between databases is a `VisibilityDialect`.
//
// Where Causeway departs from Temporal's SQL stores, and why:
// - ORDER BY is accepted, as Elasticsearch visibility accepts it (Temporal's SQL stores reject it); run_id
//   is appended so that equal keys still sort the same way on every page.
// - KeywordList and Text are matched in JSON rather than FTS5 tables. KeywordList `=` means "contains".
//   Text `=` matches when any whitespace-separated word of the value occurs in the attribute as a substring,
//   ignoring ASCII case: FTS would match whole tokens only, so this finds a little more, never less.
// - STARTS_WITH and Text ignore case (LIKE on SQLite, ILIKE on PostgreSQL), as in Temporal's SQLite store.
// - HistorySizeBytes and StateTransitionCount are not recorded in `executions`, so queries on them are
//   rejected rather than answered wrongly. RootWorkflowId and RootRunId are (since schema 5; NULL for the
//   children written before it).
// - ExecutionDuration is close_time - execution_time (Temporal's definition), NULL while running.
import { assert, assertNever } from '../common/assert';
import {
  ComparisonOperator,
  ExpressionKind,
  SortDirection,
  invalidQuery,
  type Expression,
  type Literal,
  type OrderByTerm,
  type VisibilityQuery,
} from './visibility-query';

export const SearchAttributeType = {
  Keyword: 'Keyword',
  Text: 'Text',
  Int: 'Int',
  Double: 'Double',
  Bool: 'Bool',
  Datetime: 'Datetime',
  KeywordList: 'KeywordList',
} as const;
export type SearchAttributeType = (typeof SearchAttributeType)[keyof typeof SearchAttributeType];

/** Temporal's SQLite store sorts open executions first by standing in 9999-12-31T23:59:59Z for close time. */
export const MAX_DATETIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/**
 * Temporal's SQL visibility order (sqlite plugin, BuildSelectStmt): open executions first, then most
 * recently closed, then most recently started; run_id breaks ties and keeps pagination stable.
 */
export const DEFAULT_ORDER_BY = `COALESCE(close_time, ${MAX_DATETIME_MS}) DESC, start_time DESC, run_id`;

export interface CompiledVisibilityQuery {
  /** A boolean SQL expression that can be ANDed with others as it stands; `TRUE` when nothing filters. */
  readonly where: string;
  /** Values for the `?` placeholders of `where`, in order. */
  readonly params: SqlValue[];
  /** Terms for ORDER BY, without the keywords; no placeholders. */
  readonly orderBy: string;
  /** Expressions for GROUP BY and to select beside COUNT(*); empty unless the query groups. */
  readonly groupBy: readonly string[];
}

export type SqlValue = string | number | bigint;

/** What the SQL of one database spells its own way. */
export interface VisibilityDialect {
  /** A custom attribute of `search_attributes`, typed so that it compares and sorts as its type does. */
  attribute(name: string, type: SearchAttributeType): string;
  /** A row source of the elements of a KeywordList attribute (or of its one value), as a column `value`. */
  listElements(name: string): string;
  /** The pattern operator that ignores case. */
  readonly caseInsensitiveLike: string;
  /** The placeholder for one bound value. */
  placeholder(value: SqlValue): string;
  /** One ORDER BY term, with NULLs placed as SQLite places them (smallest). */
  orderTerm(sql: string, direction: 'ASC' | 'DESC'): string;
}

interface Column {
  /** The search attribute name as the query wrote it. */
  readonly name: string;
  readonly sql: string;
  readonly type: SearchAttributeType;
  /** Set for attributes kept in `search_attributes`. */
  readonly isCustom?: boolean;
  readonly toSql: (value: Literal, column: Column) => SqlValue;
}

interface Context {
  readonly dialect: VisibilityDialect;
  readonly params: SqlValue[];
  readonly resolve: (field: string) => Column;
}

/**
 * Which executions a query looks at, and the names it may use for their fields: the executions of a
 * TemporalNamespaceDivision (a standalone Nexus operation is stored as a run of its own division), with
 * query names that stand for other fields (`OperationId` for `WorkflowId`, whose stored values carry a
 * prefix the query's values get too).
 */
export interface VisibilityScope {
  readonly division: string;
  readonly aliases: Readonly<Record<string, { readonly field: string; readonly valuePrefix?: string }>>;
}

/**
 * Compiles a parsed query. `searchAttributeTypes` maps each search attribute kept in `search_attributes`
 * (custom and Temporal's predefined ones) to its type, e.g. `{ CustomerId: 'Keyword' }`. Without a scope
 * the query sees the executions of no division (workflows).
 */
export function compileVisibilityQuery(
  query: VisibilityQuery,
  searchAttributeTypes: Readonly<Record<string, string>>,
  dialect: VisibilityDialect,
  scope?: VisibilityScope,
): CompiledVisibilityQuery {
  const resolve = (field: string): Column => {
    const alias = scope && Object.hasOwn(scope.aliases, field) ? scope.aliases[field] : undefined;
    const column = resolveColumn(alias?.field ?? field, searchAttributeTypes, dialect);
    const prefix = alias?.valuePrefix;
    if (!alias) return column;
    return {
      ...column,
      name: field,
      toSql: prefix
        ? (value, self) => {
            const converted = column.toSql(value, self);
            return typeof converted === 'string' ? `${prefix}${converted}` : converted;
          }
        : column.toSql,
    };
  };
  const context: Context = { dialect, params: [], resolve };
  const clauses: string[] = [];
  if (scope) {
    context.params.push(scope.division);
    clauses.push(`${context.resolve(NAMESPACE_DIVISION).sql} = ${dialect.placeholder(scope.division)}`);
  } else if (!mentionsField(query, NAMESPACE_DIVISION)) {
    // Temporal hides executions of other divisions (e.g. scheduler workflows) unless the query names the field.
    clauses.push(`${context.resolve(NAMESPACE_DIVISION).sql} IS NULL`);
  }
  if (query.where !== undefined) clauses.push(`(${compileExpression(query.where, context)})`);
  return {
    where: clauses.length === 0 ? 'TRUE' : clauses.join(' AND '),
    params: context.params,
    orderBy: compileOrderBy(query.orderBy, context),
    groupBy: (query.groupBy ?? []).map((field) => context.resolve(field).sql),
  };
}

const NAMESPACE_DIVISION = 'TemporalNamespaceDivision';
const EXECUTION_STATUS = 'ExecutionStatus';

function compileExpression(expression: Expression, context: Context): string {
  switch (expression.kind) {
    case ExpressionKind.And:
    case ExpressionKind.Or: {
      const left = compileExpression(expression.left, context);
      return `(${left}) ${expression.kind.toUpperCase()} (${compileExpression(expression.right, context)})`;
    }
    case ExpressionKind.Not:
      return `NOT (${compileExpression(expression.operand, context)})`;
    case ExpressionKind.Comparison:
      return compileComparison(context.resolve(expression.field), expression.operator, expression.value, context);
    case ExpressionKind.In:
      return compileIn(context.resolve(expression.field), expression.values, expression.isNegated, context);
    case ExpressionKind.Between:
      return compileBetween(context.resolve(expression.field), expression, context);
    case ExpressionKind.StartsWith:
      return compileStartsWith(context.resolve(expression.field), expression.prefix, expression.isNegated, context);
    case ExpressionKind.IsNull:
      return `${context.resolve(expression.field).sql} IS ${negated('NULL', expression.isNegated)}`;
    default:
      return assertNever(expression);
  }
}

function compileComparison(column: Column, operator: ComparisonOperator, value: Literal, context: Context): string {
  checkOperator(column, operator);
  const isNegated = operator === ComparisonOperator.NotEqual;
  if (column.type === SearchAttributeType.KeywordList) return compileContains(column, [value], isNegated, context);
  if (column.type === SearchAttributeType.Text) return compileTextMatch(column, value, isNegated, context);
  return `${column.sql} ${operator} ${bind(context, column.toSql(value, column))}`;
}

type Between = Extract<Expression, { kind: typeof ExpressionKind.Between }>;

function compileBetween(column: Column, range: Between, context: Context): string {
  const operator = negated('BETWEEN', range.isNegated);
  checkOperator(column, operator);
  const from = bind(context, column.toSql(range.from, column));
  return `${column.sql} ${operator} ${from} AND ${bind(context, column.toSql(range.to, column))}`;
}

function compileIn(column: Column, values: readonly Literal[], isNegated: boolean, context: Context): string {
  checkOperator(column, negated('IN', isNegated));
  if (column.type === SearchAttributeType.KeywordList) return compileContains(column, values, isNegated, context);
  const list = values.map((value) => bind(context, column.toSql(value, column))).join(', ');
  return `${column.sql} ${negated('IN', isNegated)} (${list})`;
}

// A KeywordList holds a JSON array: `=` and IN ask whether any element equals a value.
function compileContains(column: Column, values: readonly Literal[], isNegated: boolean, context: Context): string {
  assert(column.isCustom === true, 'KeywordList search attributes live in search_attributes');
  const list = values.map((value) => bind(context, column.toSql(value, column))).join(', ');
  const elements = `SELECT 1 FROM ${context.dialect.listElements(column.name)} WHERE value IN (${list})`;
  return `${negated('EXISTS', isNegated)} (${elements})`;
}

function compileTextMatch(column: Column, value: Literal, isNegated: boolean, context: Context): string {
  const words = String(column.toSql(value, column))
    .split(/\s+/)
    .filter((word) => word !== '');
  if (words.length === 0) {
    throw invalidQuery('invalid expression: unexpected value for Text type search attribute (no tokens found)');
  }
  const like = context.dialect.caseInsensitiveLike;
  const likes = words.map((word) => `${column.sql} ${like} ${bind(context, `%${escapeLike(word)}%`)} ESCAPE '\\'`);
  const anyWord = likes.join(' OR ');
  // Temporal's FTS `rowid NOT IN (...)` also keeps executions that have no value at all.
  return isNegated ? `(${column.sql} IS NULL OR NOT (${anyWord}))` : `(${anyWord})`;
}

function compileStartsWith(column: Column, prefix: string, isNegated: boolean, context: Context): string {
  checkOperator(column, negated('STARTS_WITH', isNegated));
  if (column.name === EXECUTION_STATUS) {
    throw invalidQuery(`operation is not supported: operator 'STARTS_WITH' on ${EXECUTION_STATUS}, which is an enum`);
  }
  const pattern = `${escapeLike(String(column.toSql(prefix, column)))}%`;
  const like = negated(context.dialect.caseInsensitiveLike, isNegated);
  return `${column.sql} ${like} ${bind(context, pattern)} ESCAPE '\\'`;
}

function compileOrderBy(terms: readonly OrderByTerm[], context: Context): string {
  if (terms.length === 0) return DEFAULT_ORDER_BY;
  const keys = terms.map((term) => {
    const column = context.resolve(term.field);
    if (column.type === SearchAttributeType.Text) {
      throw invalidQuery('operation is not supported: unable to sort by search attribute type Text');
    }
    return context.dialect.orderTerm(column.sql, sortKeyword(term.direction));
  });
  return [...keys, 'run_id'].join(', ');
}

function sortKeyword(direction: SortDirection): 'ASC' | 'DESC' {
  switch (direction) {
    case SortDirection.Ascending:
      return 'ASC';
    case SortDirection.Descending:
      return 'DESC';
    default:
      return assertNever(direction);
  }
}

const ORDERED_OPERATORS = ['=', '!=', '<', '<=', '>', '>=', 'IN', 'NOT IN', 'BETWEEN', 'NOT BETWEEN'];
// Temporal's supported*Operators lists, with BETWEEN allowed where it allows range conditions.
const OPERATORS_BY_TYPE: Readonly<Record<SearchAttributeType, readonly string[]>> = {
  Keyword: [...ORDERED_OPERATORS, 'STARTS_WITH', 'NOT STARTS_WITH'],
  KeywordList: ['=', '!=', 'IN', 'NOT IN'],
  Text: ['=', '!='],
  Int: ORDERED_OPERATORS,
  Double: ORDERED_OPERATORS,
  Datetime: ORDERED_OPERATORS,
  Bool: ['=', '!=', '<', '<=', '>', '>=', 'IN', 'NOT IN'],
};

function checkOperator(column: Column, operator: string): Column {
  if (OPERATORS_BY_TYPE[column.type].includes(operator)) return column;
  const reason = `operator '${operator}' not supported for ${column.type} type search attribute '${column.name}'`;
  throw invalidQuery(`operation is not supported: ${reason}`);
}

function negated(word: string, isNegated: boolean): string {
  return isNegated ? `NOT ${word}` : word;
}

function bind(context: Context, value: SqlValue): string {
  context.params.push(value);
  return context.dialect.placeholder(value);
}

// LIKE treats % and _ as wildcards; the pattern escapes them (and the escape character) with a backslash.
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

function mentionsField(query: VisibilityQuery, field: string): boolean {
  const isNamed = (name: string): boolean => name === field;
  const inWhere = query.where !== undefined && expressionMentions(query.where, isNamed);
  return inWhere || query.orderBy.some((term) => isNamed(term.field)) || (query.groupBy ?? []).some(isNamed);
}

function expressionMentions(expression: Expression, isNamed: (name: string) => boolean): boolean {
  switch (expression.kind) {
    case ExpressionKind.And:
    case ExpressionKind.Or:
      return expressionMentions(expression.left, isNamed) || expressionMentions(expression.right, isNamed);
    case ExpressionKind.Not:
      return expressionMentions(expression.operand, isNamed);
    default:
      return isNamed(expression.field);
  }
}

// Temporal's predefined search attributes: always queryable, and kept in `search_attributes` when set.
const PREDEFINED_ATTRIBUTE_TYPES: ReadonlyMap<string, SearchAttributeType> = new Map([
  ...typed(SearchAttributeType.Keyword, 'BatcherNamespace BatcherUser TemporalScheduledById', NAMESPACE_DIVISION),
  ...typed(SearchAttributeType.Keyword, 'TemporalWorkerDeploymentVersion TemporalWorkerDeployment'),
  ...typed(SearchAttributeType.Keyword, 'TemporalWorkflowVersioningBehavior'),
  ...typed(SearchAttributeType.KeywordList, 'TemporalChangeVersion BinaryChecksums BuildIds TemporalPauseInfo'),
  ...typed(SearchAttributeType.KeywordList, 'TemporalReportedProblems TemporalUsedWorkerDeploymentVersions'),
  ...typed(SearchAttributeType.Datetime, 'TemporalScheduledStartTime'),
  ...typed(SearchAttributeType.Bool, 'TemporalSchedulePaused'),
  ...typed(SearchAttributeType.Int, 'TemporalExternalPayloadCount TemporalExternalPayloadSizeBytes'),
]);

function typed(type: SearchAttributeType, ...names: string[]): [string, SearchAttributeType][] {
  return names.flatMap((list) => list.split(' ')).map((name) => [name, type]);
}

// Search attributes Temporal defines that `executions` does not record.
const UNRECORDED_ATTRIBUTES = new Set(['HistorySizeBytes', 'StateTransitionCount']);

function resolveColumn(
  name: string,
  searchAttributeTypes: Readonly<Record<string, string>>,
  dialect: VisibilityDialect,
): Column {
  const system = SYSTEM_COLUMNS.get(name);
  if (system !== undefined) return system;
  if (UNRECORDED_ATTRIBUTES.has(name)) {
    throw invalidQuery(`operation is not supported: search attribute ${name} is not recorded by this server`);
  }
  if (Object.hasOwn(searchAttributeTypes, name)) return customColumn(name, searchAttributeTypes[name] ?? '', dialect);
  const predefined = PREDEFINED_ATTRIBUTE_TYPES.get(name);
  if (predefined !== undefined) return customColumn(name, predefined, dialect);
  throw invalidQuery(`invalid expression: column name '${name}' is not a valid search attribute`);
}

function customColumn(name: string, typeName: string, dialect: VisibilityDialect): Column {
  const type = TYPES_BY_NAME.get(typeName);
  assert(type !== undefined, `search attribute ${name} has an unknown type ${typeName}`);
  // SQLite's JSON path cannot escape a double quote, so such a name cannot be addressed at all.
  if (/["\p{Cc}]/u.test(name)) {
    throw invalidQuery(`invalid expression: search attribute name '${name}' cannot be used in a query`);
  }
  return { name, sql: dialect.attribute(name, type), type, isCustom: true, toSql: valueForType };
}

/** A SQL string literal (names are checked by customColumn: no double quotes or control characters). */
export function sqlStringLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

// Accepts both the short names and the proto enum names (INDEXED_VALUE_TYPE_KEYWORD_LIST).
const TYPES_BY_NAME: ReadonlyMap<string, SearchAttributeType> = new Map(
  Object.values(SearchAttributeType).flatMap((type) => [
    [type, type],
    [`INDEXED_VALUE_TYPE_${upperSnake(type)}`, type],
  ]),
);

function upperSnake(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

function systemColumn(name: string, sql: string, type: SearchAttributeType, toSql = valueForType): [string, Column] {
  return [name, { name, sql, type, toSql }];
}

const SYSTEM_COLUMNS: ReadonlyMap<string, Column> = new Map([
  systemColumn('WorkflowId', 'workflow_id', SearchAttributeType.Keyword),
  systemColumn('RunId', 'run_id', SearchAttributeType.Keyword),
  systemColumn('WorkflowType', 'workflow_type', SearchAttributeType.Keyword),
  systemColumn('TaskQueue', 'task_queue', SearchAttributeType.Keyword),
  systemColumn(EXECUTION_STATUS, 'status', SearchAttributeType.Keyword, executionStatusValue),
  systemColumn('StartTime', 'start_time', SearchAttributeType.Datetime),
  systemColumn('ExecutionTime', 'execution_time', SearchAttributeType.Datetime),
  systemColumn('CloseTime', 'close_time', SearchAttributeType.Datetime),
  systemColumn('HistoryLength', 'history_length', SearchAttributeType.Int),
  systemColumn('ExecutionDuration', '(close_time - execution_time)', SearchAttributeType.Int, executionDurationValue),
  systemColumn('ParentWorkflowId', 'parent_workflow_id', SearchAttributeType.Keyword),
  systemColumn('ParentRunId', 'parent_run_id', SearchAttributeType.Keyword),
  systemColumn('RootWorkflowId', 'root_workflow_id', SearchAttributeType.Keyword),
  systemColumn('RootRunId', 'root_run_id', SearchAttributeType.Keyword),
]);

function valueForType(value: Literal, column: Column): SqlValue {
  switch (column.type) {
    case SearchAttributeType.Keyword:
    case SearchAttributeType.KeywordList:
    case SearchAttributeType.Text:
      if (typeof value === 'string') return value;
      break;
    case SearchAttributeType.Int:
    case SearchAttributeType.Double:
      if (typeof value === 'number' || typeof value === 'bigint') return value;
      break;
    case SearchAttributeType.Bool:
      // Dialects read JSON true and false back as 1 and 0.
      if (typeof value === 'boolean') return value ? 1 : 0;
      break;
    case SearchAttributeType.Datetime:
      return datetimeValue(value, column);
    default:
      return assertNever(column.type);
  }
  throw invalidValueType(value, column);
}

function invalidValueType(value: Literal, column: Column): Error {
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  const reason = `invalid value type for search attribute ${column.name} of type ${column.type}: ${shown}`;
  return invalidQuery(`invalid expression: ${reason}`);
}

function isInteger(value: Literal): value is number | bigint {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
}

// Datetimes are RFC 3339 strings or integers of epoch nanoseconds, as in Temporal; the table keeps epoch ms,
// and a fraction of a millisecond stays a fraction so that comparisons remain exact.
function datetimeValue(value: Literal, column: Column): number {
  if (isInteger(value)) return msFromNanos(value);
  if (typeof value !== 'string') throw invalidValueType(value, column);
  const ms = parseRfc3339Ms(value);
  if (ms === undefined) throw invalidQuery(`invalid expression: unable to parse datetime '${value}'`);
  return ms;
}

function msFromNanos(nanos: number | bigint): number {
  const exact = BigInt(nanos);
  return Number(exact / 1_000_000n) + Number(exact % 1_000_000n) / 1e6;
}

const RFC3339_PATTERN = /^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d\d):(\d\d))$/;

function parseRfc3339Ms(text: string): number | undefined {
  const match = RFC3339_PATTERN.exec(text);
  if (match === null) return undefined;
  const part = (index: number): number => Number(match[index] ?? 0);
  const [year, month, day, hour, minute, second] = [part(1), part(2), part(3), part(4), part(5), part(6)];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  // Date rolls 2024-02-30 over into March; RFC 3339 calls it invalid.
  const isDateValid = date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!isDateValid || hour > 23 || minute > 59 || second > 59 || part(9) > 23 || part(10) > 59) return undefined;
  const nanos = Number((match[7] ?? '').padEnd(9, '0'));
  const offsetMinutes = (match[8] === '-' ? -1 : 1) * (part(9) * 60 + part(10));
  return date.getTime() + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + nanos / 1e6;
}

// The numbers of temporal.api.enums.v1.WorkflowExecutionStatus.
const EXECUTION_STATUS_NUMBERS = {
  Unspecified: 0,
  Running: 1,
  Completed: 2,
  Failed: 3,
  Canceled: 4,
  Terminated: 5,
  ContinuedAsNew: 6,
  TimedOut: 7,
  Paused: 8,
} as const;

// Temporal accepts a status by short name ('Running'), enum name or number; the column stores the number.
const STATUS_BY_NAME: ReadonlyMap<string, number> = new Map(
  Object.entries(EXECUTION_STATUS_NUMBERS).flatMap(([name, number]) => [
    [name, number],
    [`WORKFLOW_EXECUTION_STATUS_${upperSnake(name)}`, number],
  ]),
);
const STATUS_NUMBERS: ReadonlySet<number> = new Set(Object.values(EXECUTION_STATUS_NUMBERS));

function executionStatusValue(value: Literal, column: Column): number {
  const number = typeof value === 'string' ? STATUS_BY_NAME.get(value) : typeof value === 'number' ? value : undefined;
  if (number !== undefined && STATUS_NUMBERS.has(number)) return number;
  if (typeof value === 'boolean') throw invalidValueType(value, column);
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  throw invalidQuery(`invalid expression: invalid ${EXECUTION_STATUS} value ${shown}`);
}

// ExecutionDuration is given in nanoseconds or as a duration string ('1h30m', '300ms', '2d', '01:30:00').
function executionDurationValue(value: Literal, column: Column): number {
  if (isInteger(value)) return msFromNanos(value);
  if (typeof value !== 'string') throw invalidValueType(value, column);
  const isNanos = /^[-+]?\d+$/.test(value);
  const ms = isNanos ? msFromNanos(BigInt(value)) : (parseUnitDurationMs(value) ?? parseClockDurationMs(value));
  if (ms === undefined) {
    throw invalidQuery(`invalid expression: invalid duration value for search attribute ExecutionDuration: ${value}`);
  }
  return ms;
}

const DURATION_UNIT_MS: Readonly<Record<string, number>> = {
  ...{ ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1 },
  ...{ s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 },
};
const DURATION_PART = '(\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|μs|ms|s|m|h|d)';

// Go's time.ParseDuration syntax plus Temporal's `d` for days.
function parseUnitDurationMs(text: string): number | undefined {
  const match = new RegExp(`^([-+]?)((?:${DURATION_PART})+)$`).exec(text);
  if (match === null) return undefined;
  let total = 0;
  for (const part of (match[2] ?? '').matchAll(new RegExp(DURATION_PART, 'g'))) {
    total += Number(part[1]) * (DURATION_UNIT_MS[part[2] ?? ''] ?? Number.NaN);
  }
  return match[1] === '-' ? -total : total;
}

function parseClockDurationMs(text: string): number | undefined {
  const match = /^(\d+):(\d{1,2}):(\d{1,2})$/.exec(text);
  if (match === null) return undefined;
  const [hours, minutes, seconds] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (minutes > 59 || seconds > 59) return undefined;
  return ((hours * 60 + minutes) * 60 + seconds) * 1000;
}
