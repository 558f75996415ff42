// The visibility contract of every SQL store: compileVisibilityQuery, with a store's dialect, turns parsed
// visibility queries into parameterised SQL that selects the right executions (system and custom search
// attributes, every operator, precedence, ordering, grouping) and rejects unknown attributes, unsupported
// operators and ill-typed values with invalid-argument errors. `visibilityContract(name, backend)` runs it
// against a database whose `executions` table holds six executions in namespace 'ns' (one of them in the
// TemporalScheduler division, hidden by default); each query runs for real.
import { before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertInvalidQuery } from '../helpers/invalid-query';
import { parseVisibilityQuery } from '../../src/store/visibility-query';
import { DEFAULT_ORDER_BY, compileVisibilityQuery, type VisibilityDialect } from '../../src/store/visibility-sql';

export interface VisibilityBackend {
  readonly dialect: VisibilityDialect;
  /** Creates the schema and inserts the rows. */
  setup(rows: readonly VisibilityRow[]): Promise<void>;
  /** Runs SQL with `?` placeholders; rows come back as plain objects with numbers. */
  query(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
  teardown(): Promise<void>;
  /** How this dialect spells a few compiled pieces. */
  readonly expected: {
    readonly orderByStartTimeDescPriority: string;
    readonly customerIdEquals: RegExp;
    readonly tagsContain: RegExp;
  };
}

export const epochMs = (iso: string): number => Date.parse(iso);

export interface VisibilityRow {
  workflowId: string;
  workflowType?: string;
  taskQueue?: string;
  status: number;
  start: string;
  close?: string;
  historyLength?: number;
  parent?: string;
  searchAttributes?: Record<string, unknown>;
}

const TYPES: Readonly<Record<string, string>> = {
  CustomerId: 'Keyword',
  Tags: 'KeywordList',
  Priority: 'Int',
  Score: 'Double',
  IsVip: 'Bool',
  DueAt: 'Datetime',
  Notes: 'Text',
  "O'Brien": 'INDEXED_VALUE_TYPE_KEYWORD',
};

const ROWS: VisibilityRow[] = [
  {
    workflowId: 'wf-a',
    status: 1,
    start: '2024-01-01T00:00:00Z',
    historyLength: 5,
    searchAttributes: {
      CustomerId: 'alice',
      Tags: ['red', 'blue'],
      Priority: 3,
      Score: 1.5,
      IsVip: true,
      DueAt: epochMs('2024-02-01T00:00:00Z'),
      Notes: 'Hello brave new world',
    },
  },
  {
    workflowId: 'wf-b',
    status: 2,
    start: '2024-01-02T00:00:00Z',
    close: '2024-01-03T00:00:00Z',
    historyLength: 12,
    parent: 'wf-a',
    searchAttributes: { CustomerId: 'bob', Tags: ['green'], Priority: 1, IsVip: false, Notes: 'nothing to see' },
  },
  {
    workflowId: 'wf-c',
    workflowType: 'ShippingWorkflow',
    taskQueue: 'shipping',
    status: 3,
    start: '2024-01-03T00:00:00Z',
    close: '2024-01-04T00:00:00.500Z',
    historyLength: 40,
    searchAttributes: { CustomerId: 'al_ice' },
  },
  {
    workflowId: 'wf-d',
    workflowType: 'Ship%Special',
    status: 1,
    start: '2024-01-04T00:00:00Z',
    searchAttributes: { TemporalNamespaceDivision: 'TemporalScheduler' },
  },
  {
    workflowId: 'wf-e',
    status: 1,
    start: '2024-01-05T00:00:00Z',
    searchAttributes: { "O'Brien": 'yes', TemporalChangeVersion: ['patch-1'] },
  },
];

/** The INSERT of one row, with `?` placeholders, and its values (search attributes as JSON text). */
export const INSERT_ROW_SQL = `INSERT INTO executions (namespace_id, workflow_id, run_id, workflow_type, task_queue,
    status, start_time, execution_time, close_time, history_length, next_event_id, parent_workflow_id,
    parent_run_id, root_workflow_id, root_run_id, search_attributes, state, shard_id)
  VALUES ('ns', ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, '{}', 0)`;

export function rowValues(row: VisibilityRow): unknown[] {
  return [
    row.workflowId,
    `run-${row.workflowId}`,
    row.workflowType ?? 'OrderWorkflow',
    row.taskQueue ?? 'orders',
    row.status,
    epochMs(row.start),
    epochMs(row.start),
    row.close === undefined ? null : epochMs(row.close),
    row.historyLength ?? 1,
    row.parent ?? null,
    row.parent === undefined ? null : `run-${row.parent}`,
    row.parent ?? row.workflowId,
    `run-${row.parent ?? row.workflowId}`,
    JSON.stringify(row.searchAttributes ?? {}),
  ];
}

export function visibilityContract(name: string, backend: VisibilityBackend): void {
  function compile(query: string): ReturnType<typeof compileVisibilityQuery> {
    return compileVisibilityQuery(parseVisibilityQuery(query), TYPES, backend.dialect);
  }

  /** Workflow ids the query lists, in its order. */
  async function list(query: string): Promise<string[]> {
    const compiled = compile(query);
    const sql = `SELECT workflow_id FROM executions WHERE namespace_id = ? AND ${compiled.where} ORDER BY ${compiled.orderBy}`;
    const rows = await backend.query(sql, ['ns', ...compiled.params]);
    return rows.map((row) => String(row.workflow_id));
  }

  async function listSorted(query: string): Promise<string[]> {
    return (await list(query)).sort();
  }

  function rejects(query: string, message: RegExp): void {
    assertInvalidQuery(() => compile(query), message);
  }

  before(() => backend.setup(ROWS));
  after(() => backend.teardown());

  describe(`compileVisibilityQuery: ${name}`, () => {
    it("uses Temporal's SQL order by default: open first, then by close time, start time, run id", async () => {
      assert.equal(compile('').orderBy, 'COALESCE(close_time, 253402300799000) DESC, start_time DESC, run_id');
      assert.equal(DEFAULT_ORDER_BY, compile('').orderBy);
      assert.deepEqual(await list(''), ['wf-e', 'wf-a', 'wf-c', 'wf-b']);
    });

    it('hides other namespace divisions unless the query names TemporalNamespaceDivision', async () => {
      assert.ok(!(await list('')).includes('wf-d'));
      assert.deepEqual(await list("TemporalNamespaceDivision = 'TemporalScheduler'"), ['wf-d']);
      assert.deepEqual(
        (await list('TemporalNamespaceDivision IS NULL OR TemporalNamespaceDivision IS NOT NULL')).length,
        5,
      );
    });

    it('compares ExecutionStatus by name, enum name or number', async () => {
      assert.deepEqual(await list("ExecutionStatus = 'Running'"), ['wf-e', 'wf-a']);
      assert.deepEqual(await list('ExecutionStatus = 2'), ['wf-b']);
      assert.deepEqual(await list("ExecutionStatus = 'WORKFLOW_EXECUTION_STATUS_FAILED'"), ['wf-c']);
      assert.deepEqual(await listSorted("ExecutionStatus IN ('Completed', 'Failed')"), ['wf-b', 'wf-c']);
      assert.deepEqual(await listSorted("ExecutionStatus != 'Running'"), ['wf-b', 'wf-c']);
      assert.deepEqual(compile("ExecutionStatus = 'Running'").params, [1]);
      rejects("ExecutionStatus = 'Bogus'", /invalid expression: invalid ExecutionStatus value 'Bogus'/);
      rejects('ExecutionStatus = 99', /invalid ExecutionStatus value 99/);
      rejects("ExecutionStatus STARTS_WITH 'Run'", /operation is not supported: operator 'STARTS_WITH'/);
    });

    it('matches keyword system attributes with =, !=, IN and NOT IN', async () => {
      assert.deepEqual(await list("WorkflowId = 'wf-a'"), ['wf-a']);
      assert.deepEqual(await list("RunId = 'run-wf-c'"), ['wf-c']);
      assert.deepEqual(await list("WorkflowId <> 'wf-a'"), ['wf-e', 'wf-c', 'wf-b']);
      assert.deepEqual(await listSorted("WorkflowId IN ('wf-a', 'wf-c', 'nope')"), ['wf-a', 'wf-c']);
      assert.deepEqual(await listSorted("WorkflowId NOT IN ('wf-a', 'wf-c')"), ['wf-b', 'wf-e']);
      assert.deepEqual(await list("TaskQueue = 'shipping'"), ['wf-c']);
      assert.deepEqual(await list("ParentWorkflowId = 'wf-a' AND ParentRunId = 'run-wf-a'"), ['wf-b']);
      assert.deepEqual(await listSorted('ParentWorkflowId IS NULL'), ['wf-a', 'wf-c', 'wf-e']);
      assert.deepEqual(await listSorted("RootWorkflowId = 'wf-a' AND RootRunId = 'run-wf-a'"), ['wf-a', 'wf-b']);
    });

    it('compiles STARTS_WITH to a pattern with its wildcards escaped', async () => {
      assert.deepEqual(await listSorted("WorkflowType STARTS_WITH 'Order'"), ['wf-a', 'wf-b', 'wf-e']);
      assert.deepEqual(await list("WorkflowType NOT STARTS_WITH 'Order'"), ['wf-c']);
      assert.deepEqual(await list("WorkflowType STARTS_WITH 'Ship%'"), []);
      assert.deepEqual(await list("TemporalNamespaceDivision IS NOT NULL AND WorkflowType STARTS_WITH 'Ship%'"), [
        'wf-d',
      ]);
      assert.deepEqual(await list("CustomerId STARTS_WITH 'al_'"), ['wf-c']);
      const compiled = compile("CustomerId STARTS_WITH 'a\\\\b%_'");
      assert.match(compiled.where, /LIKE \? ESCAPE '\\'/);
      assert.deepEqual(compiled.params, ['a\\\\b\\%\\_%']);
    });

    it('converts datetimes from RFC 3339 (offsets, fractions) and epoch nanoseconds to milliseconds', async () => {
      assert.deepEqual(await list("StartTime >= '2024-01-02T00:00:00Z'"), ['wf-e', 'wf-c', 'wf-b']);
      assert.deepEqual(await list("StartTime >= '2024-01-02T01:00:00+01:00'"), ['wf-e', 'wf-c', 'wf-b']);
      assert.deepEqual(await list("StartTime < '2024-01-01T19:00:00-05:00'"), ['wf-a']);
      assert.deepEqual(await list('StartTime < 1704153600000000000'), ['wf-a']);
      assert.deepEqual(await list("CloseTime > '2024-01-04T00:00:00.25Z'"), ['wf-c']);
      assert.deepEqual(await list("CloseTime > '2024-01-04T00:00:00.500000001Z'"), []);
      assert.deepEqual(compile("CloseTime = '2024-01-04T00:00:00.123456Z'").params, [
        epochMs('2024-01-04T00:00:00Z') + 123.456,
      ]);
      assert.deepEqual(
        await list("ExecutionTime BETWEEN '2024-01-02T00:00:00Z' AND '2024-01-03T00:00:00Z' ORDER BY StartTime"),
        ['wf-b', 'wf-c'],
      );
      assert.deepEqual(await list("StartTime NOT BETWEEN '2024-01-02T00:00:00Z' AND '2024-01-03T00:00:00Z'"), [
        'wf-e',
        'wf-a',
      ]);
      assert.deepEqual(await list('CloseTime IS NULL'), ['wf-e', 'wf-a']);
      assert.deepEqual(await list('CloseTime IS NOT NULL'), ['wf-c', 'wf-b']);
      rejects("StartTime > 'yesterday'", /invalid expression: unable to parse datetime 'yesterday'/);
      rejects("StartTime > '2024-02-30T00:00:00Z'", /unable to parse datetime/);
      rejects('StartTime > 1.5', /invalid value type for search attribute StartTime of type Datetime: 1.5/);
    });

    it('compares HistoryLength and ExecutionDuration (nanoseconds or duration strings)', async () => {
      assert.deepEqual(await list('HistoryLength > 10'), ['wf-c', 'wf-b']);
      assert.deepEqual(await listSorted('HistoryLength BETWEEN 5 AND 12'), ['wf-a', 'wf-b']);
      assert.deepEqual(await listSorted('HistoryLength NOT BETWEEN 5 AND 12'), ['wf-c', 'wf-e']);
      assert.deepEqual(await list('ExecutionDuration = 86400000000000'), ['wf-b']);
      assert.deepEqual(await list("ExecutionDuration > '1d'"), ['wf-c']);
      assert.deepEqual(await list("ExecutionDuration >= '24:00:00'"), ['wf-c', 'wf-b']);
      assert.deepEqual(await list("ExecutionDuration < '24h0m0.6s'"), ['wf-c', 'wf-b']);
      assert.deepEqual(await listSorted('ExecutionDuration IS NULL'), ['wf-a', 'wf-e']);
      assert.deepEqual(compile("ExecutionDuration > '1h30m'").params, [5_400_000]);
      assert.deepEqual(compile("ExecutionDuration > '1500us'").params, [1.5]);
      rejects("ExecutionDuration > 'soon'", /invalid duration value for search attribute ExecutionDuration: soon/);
      rejects("HistoryLength > 'many'", /invalid value type for search attribute HistoryLength of type Int: 'many'/);
    });

    it('reads custom Keyword, Int, Double, Bool and Datetime attributes from search_attributes', async () => {
      assert.deepEqual(await list("CustomerId = 'alice'"), ['wf-a']);
      assert.deepEqual(await list("CustomerId != 'alice'"), ['wf-c', 'wf-b']);
      assert.deepEqual(await list('Priority >= 2'), ['wf-a']);
      assert.deepEqual(await listSorted('Priority IN (1, 3)'), ['wf-a', 'wf-b']);
      assert.deepEqual(await list('Score < 2'), ['wf-a']);
      assert.deepEqual(await list('Priority > 1.5'), ['wf-a']);
      assert.deepEqual(await list('IsVip = true'), ['wf-a']);
      assert.deepEqual(await list('IsVip = FALSE'), ['wf-b']);
      assert.deepEqual(await list("DueAt > '2024-01-15T00:00:00Z'"), ['wf-a']);
      assert.deepEqual(await list('CustomerId IS NULL'), ['wf-e']);
      assert.deepEqual(await list("`O'Brien` = 'yes'"), ['wf-e']);
      assert.match(compile("CustomerId = 'alice'").where, backend.expected.customerIdEquals);
      rejects('IsVip = 1', /invalid value type for search attribute IsVip of type Bool: 1/);
      rejects('CustomerId = 5', /invalid value type for search attribute CustomerId of type Keyword: 5/);
    });

    it('treats KeywordList = and IN as "contains"', async () => {
      assert.deepEqual(await list("Tags = 'red'"), ['wf-a']);
      assert.deepEqual(await listSorted("Tags IN ('green', 'blue')"), ['wf-a', 'wf-b']);
      assert.deepEqual(await list("Tags != 'red'"), ['wf-e', 'wf-c', 'wf-b']);
      assert.deepEqual(await list("Tags NOT IN ('red', 'green')"), ['wf-e', 'wf-c']);
      assert.match(compile("Tags = 'red'").where, backend.expected.tagsContain);
    });

    it('matches Text by any word, ignoring case', async () => {
      assert.deepEqual(await list("Notes = 'brave'"), ['wf-a']);
      assert.deepEqual(await list("Notes = 'HELLO'"), ['wf-a']);
      assert.deepEqual(await list("Notes = 'zzz see'"), ['wf-b']);
      assert.deepEqual(await list("Notes != 'brave'"), ['wf-e', 'wf-c', 'wf-b']);
      rejects("Notes = '   '", /no tokens found/);
    });

    it('honours AND over OR, parentheses and NOT when executed', async () => {
      const orThenAnd =
        "WorkflowType = 'OrderWorkflow' OR WorkflowType = 'ShippingWorkflow' AND ExecutionStatus = 'Running'";
      assert.deepEqual(await listSorted(orThenAnd), ['wf-a', 'wf-b', 'wf-e']);
      const grouped = "(WorkflowType = 'ShippingWorkflow' OR CustomerId = 'alice') AND ExecutionStatus = 'Running'";
      assert.deepEqual(await list(grouped), ['wf-a']);
      assert.deepEqual(await list("NOT ExecutionStatus = 'Running'"), ['wf-c', 'wf-b']);
      assert.deepEqual(await list("NOT (ExecutionStatus = 'Running' OR HistoryLength > 20)"), ['wf-b']);
    });

    it('maps ORDER BY fields to columns and breaks ties by run_id', async () => {
      assert.equal(compile('ORDER BY StartTime DESC, Priority').orderBy, backend.expected.orderByStartTimeDescPriority);
      assert.deepEqual(await list('ORDER BY StartTime'), ['wf-a', 'wf-b', 'wf-c', 'wf-e']);
      assert.deepEqual(await list('ORDER BY Priority DESC'), ['wf-a', 'wf-b', 'wf-c', 'wf-e']);
      assert.deepEqual(await list("ExecutionStatus = 'Running' ORDER BY ExecutionStatus, WorkflowId DESC"), [
        'wf-e',
        'wf-a',
      ]);
      rejects('ORDER BY Foo', /column name 'Foo' is not a valid search attribute/);
      rejects('ORDER BY Notes', /operation is not supported: unable to sort by search attribute type Text/);
    });

    it('groups CountWorkflowExecutions by ExecutionStatus', async () => {
      const compiled = compile("WorkflowType STARTS_WITH 'Order' GROUP BY ExecutionStatus");
      assert.deepEqual(compiled.groupBy, ['status']);
      const sql = `SELECT ${compiled.groupBy.join(', ')} AS status, COUNT(*) AS count FROM executions
        WHERE namespace_id = ? AND ${compiled.where} GROUP BY ${compiled.groupBy.join(', ')} ORDER BY status`;
      assert.deepEqual(await backend.query(sql, ['ns', ...compiled.params]), [
        { status: 1, count: 2 },
        { status: 2, count: 1 },
      ]);
      assert.deepEqual(compile('').groupBy, []);
    });

    it("knows Temporal's predefined search attributes without registration", async () => {
      assert.deepEqual(await list("TemporalChangeVersion = 'patch-1'"), ['wf-e']);
      assert.deepEqual(await list("BuildIds IS NULL AND TemporalWorkerDeployment IS NULL AND WorkflowId = 'wf-a'"), [
        'wf-a',
      ]);
      rejects("TemporalChangeVersion > 'a'", /operator '>' not supported for KeywordList type/);
    });

    it('rejects unknown and unrecorded search attributes', async () => {
      rejects("Foo = 'x'", /invalid expression: column name 'Foo' is not a valid search attribute/);
      rejects('Foo IS NULL', /column name 'Foo' is not a valid search attribute/);
      rejects(
        'StateTransitionCount > 1',
        /operation is not supported: search attribute StateTransitionCount is not recorded/,
      );
      rejects('HistorySizeBytes > 10', /HistorySizeBytes is not recorded/);
    });

    it('rejects operators that the attribute type does not support', async () => {
      rejects("Notes > 'a'", /operator '>' not supported for Text type search attribute 'Notes'/);
      rejects("Notes IN ('a')", /operator 'IN' not supported for Text type/);
      rejects(
        "Tags STARTS_WITH 'r'",
        /operator 'STARTS_WITH' not supported for KeywordList type search attribute 'Tags'/,
      );
      rejects("Tags > 'r'", /operator '>' not supported for KeywordList type/);
      rejects(
        'IsVip BETWEEN false AND true',
        /operator 'BETWEEN' not supported for Bool type search attribute 'IsVip'/,
      );
      rejects("Priority STARTS_WITH '1'", /operator 'STARTS_WITH' not supported for Int type/);
    });

    it('binds every user value as a parameter, never as SQL text', async () => {
      const hostile = "x'); DROP TABLE executions; --";
      const compiled = compile(`WorkflowId = "${hostile}" OR CustomerId IN ('${hostile.replaceAll("'", "''")}')`);
      assert.ok(!compiled.where.includes('DROP'));
      assert.deepEqual(compiled.params, [hostile, hostile]);
      assert.deepEqual(await list(`WorkflowId = "${hostile}"`), []);
      assert.equal((await list('')).length, 4);
    });
  });
}
