// Goal: parseVisibilityQuery turns every form of Temporal's visibility query language into the expected
// tree (operators, values, precedence, ORDER BY, GROUP BY) and rejects malformed queries with
// invalid-argument errors worded like Temporal's.
// Setup: pure parsing; no store and no search attribute types (those are checked by the store's compiler).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertInvalidQuery } from '../helpers/invalid-query';
import {
  VISIBILITY_QUERY_DEPTH_MAX,
  VISIBILITY_QUERY_LENGTH_MAX,
  VISIBILITY_QUERY_PREDICATES_MAX,
  parseVisibilityQuery,
  type Expression,
} from '../../src/store/visibility-query';

function where(query: string): Expression | undefined {
  return parseVisibilityQuery(query).where;
}

function rejects(query: string, message: RegExp): void {
  assertInvalidQuery(() => parseVisibilityQuery(query), message);
}

const aEqualsOne: Expression = { kind: 'comparison', field: 'A', operator: '=', value: 1 };
const bEqualsTwo: Expression = { kind: 'comparison', field: 'B', operator: '=', value: 2 };
const cEqualsThree: Expression = { kind: 'comparison', field: 'C', operator: '=', value: 3 };

describe('parseVisibilityQuery', () => {
  it('treats an empty or blank query as "everything"', () => {
    assert.deepEqual(parseVisibilityQuery(''), { orderBy: [] });
    assert.deepEqual(parseVisibilityQuery('  \n\t '), { orderBy: [] });
  });

  it('parses every comparison operator, normalising <> to !=', () => {
    for (const operator of ['=', '!=', '>', '>=', '<', '<=']) {
      assert.deepEqual(where(`HistoryLength ${operator} 5`), {
        kind: 'comparison',
        field: 'HistoryLength',
        operator,
        value: 5,
      });
    }
    assert.deepEqual(where("WorkflowId<>'x'"), { kind: 'comparison', field: 'WorkflowId', operator: '!=', value: 'x' });
  });

  it('parses IN and NOT IN lists', () => {
    assert.deepEqual(where("ExecutionStatus IN ('Running', 'Failed')"), {
      kind: 'in',
      field: 'ExecutionStatus',
      values: ['Running', 'Failed'],
      isNegated: false,
    });
    assert.deepEqual(where('Priority not in (1,2 , 3)'), {
      kind: 'in',
      field: 'Priority',
      values: [1, 2, 3],
      isNegated: true,
    });
  });

  it('parses BETWEEN and NOT BETWEEN, whose AND is not a conjunction', () => {
    const from = '2024-01-01T00:00:00Z';
    const to = '2024-02-01T00:00:00Z';
    assert.deepEqual(where(`StartTime BETWEEN '${from}' AND '${to}'`), {
      kind: 'between',
      field: 'StartTime',
      from,
      to,
      isNegated: false,
    });
    assert.deepEqual(where('A NOT BETWEEN 1 AND 2 AND B = 2'), {
      kind: 'and',
      left: { kind: 'between', field: 'A', from: 1, to: 2, isNegated: true },
      right: bEqualsTwo,
    });
  });

  it('parses STARTS_WITH, NOT STARTS_WITH, IS NULL and IS NOT NULL', () => {
    assert.deepEqual(where("WorkflowType STARTS_WITH 'Order'"), {
      kind: 'starts-with',
      field: 'WorkflowType',
      prefix: 'Order',
      isNegated: false,
    });
    assert.deepEqual(where("WorkflowType not starts_with 'Order'"), {
      kind: 'starts-with',
      field: 'WorkflowType',
      prefix: 'Order',
      isNegated: true,
    });
    assert.deepEqual(where('CloseTime IS NULL'), { kind: 'is-null', field: 'CloseTime', isNegated: false });
    assert.deepEqual(where('CloseTime is not null'), { kind: 'is-null', field: 'CloseTime', isNegated: true });
  });

  it('decodes quoted strings: both quote styles, doubled quotes and backslash escapes', () => {
    const values: [string, string][] = [
      ["'plain'", 'plain'],
      ['"double"', 'double'],
      ["'it''s'", "it's"],
      ["'it\\'s'", "it's"],
      ['"say ""hi"" \\"twice\\""', 'say "hi" "twice"'],
      ["'tab\\tnew\\nline\\\\'", 'tab\tnew\nline\\'],
      ["'100\\%'", '100%'],
      ["''", ''],
    ];
    for (const [literal, value] of values) {
      assert.deepEqual(where(`WorkflowId = ${literal}`), {
        kind: 'comparison',
        field: 'WorkflowId',
        operator: '=',
        value,
      });
    }
  });

  it('parses numbers, signs, booleans and integers beyond 2^53 exactly', () => {
    const values: [string, unknown][] = [
      ['42', 42],
      ['-7', -7],
      ['+7', 7],
      ['3.25', 3.25],
      ['.5', 0.5],
      ['1e3', 1000],
      ['-0', 0],
      ['1704067200000000000', 1704067200000000000n],
      ['-9007199254740993', -9007199254740993n],
      ['TRUE', true],
      ['false', false],
    ];
    for (const [literal, value] of values) {
      assert.deepEqual(where(`Field = ${literal}`), { kind: 'comparison', field: 'Field', operator: '=', value });
    }
  });

  it('takes backquoted field names, including keywords and spaces', () => {
    assert.deepEqual(where('`Order` = 1'), { kind: 'comparison', field: 'Order', operator: '=', value: 1 });
    assert.deepEqual(where("`Customer Id` = 'x'"), {
      kind: 'comparison',
      field: 'Customer Id',
      operator: '=',
      value: 'x',
    });
  });

  it('gives AND precedence over OR, whatever the keyword case', () => {
    assert.deepEqual(where('A = 1 OR B = 2 AND C = 3'), {
      kind: 'or',
      left: aEqualsOne,
      right: { kind: 'and', left: bEqualsTwo, right: cEqualsThree },
    });
    assert.deepEqual(where('A = 1 and B = 2 Or C = 3'), {
      kind: 'or',
      left: { kind: 'and', left: aEqualsOne, right: bEqualsTwo },
      right: cEqualsThree,
    });
  });

  it('lets parentheses override precedence', () => {
    assert.deepEqual(where('(A = 1 OR B = 2) AND C = 3'), {
      kind: 'and',
      left: { kind: 'or', left: aEqualsOne, right: bEqualsTwo },
      right: cEqualsThree,
    });
    assert.deepEqual(where('((A = 1))'), aEqualsOne);
  });

  it('binds NOT tighter than AND', () => {
    assert.deepEqual(where('NOT A = 1 AND B = 2'), {
      kind: 'and',
      left: { kind: 'not', operand: aEqualsOne },
      right: bEqualsTwo,
    });
    assert.deepEqual(where('NOT (A = 1 OR B = 2)'), {
      kind: 'not',
      operand: { kind: 'or', left: aEqualsOne, right: bEqualsTwo },
    });
  });

  it('parses ORDER BY with or without a filter, ascending by default', () => {
    assert.deepEqual(parseVisibilityQuery("WorkflowType = 'x' ORDER BY StartTime DESC, `RunId`, CloseTime asc"), {
      where: { kind: 'comparison', field: 'WorkflowType', operator: '=', value: 'x' },
      orderBy: [
        { field: 'StartTime', direction: 'desc' },
        { field: 'RunId', direction: 'asc' },
        { field: 'CloseTime', direction: 'asc' },
      ],
    });
    assert.deepEqual(parseVisibilityQuery('order by StartTime'), {
      orderBy: [{ field: 'StartTime', direction: 'asc' }],
    });
  });

  it('parses GROUP BY ExecutionStatus, alone or after a filter', () => {
    assert.deepEqual(parseVisibilityQuery('GROUP BY ExecutionStatus'), { orderBy: [], groupBy: ['ExecutionStatus'] });
    assert.deepEqual(parseVisibilityQuery("WorkflowType = 'x' group by ExecutionStatus"), {
      where: { kind: 'comparison', field: 'WorkflowType', operator: '=', value: 'x' },
      orderBy: [],
      groupBy: ['ExecutionStatus'],
    });
  });

  it('reports syntax errors as malformed SQL with a position', () => {
    rejects('WorkflowId =', /malformed SQL query: syntax error at position 13 near end of query/);
    rejects("WorkflowId = 'a' WorkflowType = 'b'", /syntax error at position 18 near 'WorkflowType'/);
    rejects("(WorkflowId = 'a'", /syntax error .* near end of query/);
    rejects("WorkflowId = 'a')", /syntax error at position 17 near '\)'/);
    rejects("WorkflowId = 'a' AND", /syntax error/);
    rejects('WorkflowId IN ()', /syntax error .* near '\)'/);
    rejects("WorkflowId ! 'a'", /syntax error at position 12 near '!'/);
    rejects('AND = 1', /syntax error at position 1 near 'AND'/);
    rejects('A = 1 ORDER StartTime', /syntax error/);
    rejects("WorkflowId = 'open", /unterminated ' quote starting at position 14/);
    rejects('`WorkflowId = 1', /unterminated ` quote/);
  });

  it('rejects incomplete and misplaced terms the way Temporal words them', () => {
    rejects('WorkflowId', /invalid expression: incomplete expression 'WorkflowId'/);
    rejects("WorkflowId AND A = 'b'", /incomplete expression/);
    rejects("'abc' = WorkflowId", /must be a column name but was the value 'abc'/);
    rejects(
      'WorkflowId = abc',
      /column name on the right side of comparison expression \(did you forget to quote "abc"\?\)/,
    );
    rejects('WorkflowId = NULL', /NULL is not a value; use IS NULL or IS NOT NULL/);
    rejects('WorkflowId IS TRUE', /'IS' operator can only be used as 'IS NULL' or 'IS NOT NULL'/);
    rejects("WorkflowId LIKE 'a%'", /operation is not supported: operator 'LIKE'/);
    rejects("WorkflowId NOT LIKE 'a%'", /operator 'NOT LIKE'/);
    rejects('WorkflowId STARTS_WITH 5', /right-hand side of STARTS_WITH must be a literal string/);
    rejects("WorkflowId = 'a' LIMIT 10", /operation is not supported: 'LIMIT' clause/);
  });

  it('accepts GROUP BY only on ExecutionStatus, and only one field', () => {
    rejects('GROUP BY WorkflowType', /'GROUP BY' clause is not supported for search attribute WorkflowType/);
    rejects('GROUP BY ExecutionStatus, WorkflowType', /'GROUP BY' clause supports only a single field/);
  });

  it('enforces the query length limit', () => {
    const padding = ' '.repeat(VISIBILITY_QUERY_LENGTH_MAX - 'A = 1'.length);
    assert.deepEqual(where(`A = 1${padding}`), aEqualsOne);
    rejects(`A = 1 ${padding}`, /the limit is 32768/);
  });

  it('enforces the nesting limit for parentheses and NOT', () => {
    const nested = (depth: number): string => `${'('.repeat(depth)}A = 1${')'.repeat(depth)}`;
    assert.deepEqual(where(nested(VISIBILITY_QUERY_DEPTH_MAX)), aEqualsOne);
    rejects(nested(VISIBILITY_QUERY_DEPTH_MAX + 1), /nested too deeply; the limit is 64/);
    rejects(`${'NOT '.repeat(VISIBILITY_QUERY_DEPTH_MAX + 1)}A = 1`, /nested too deeply/);
  });

  it('enforces the predicate count limit', () => {
    const terms = (count: number): string => Array.from({ length: count }, (_, index) => `A = ${index}`).join(' OR ');
    assert.ok(where(terms(VISIBILITY_QUERY_PREDICATES_MAX)));
    rejects(terms(VISIBILITY_QUERY_PREDICATES_MAX + 1), /too many conditions; the limit is 256/);
  });
});
