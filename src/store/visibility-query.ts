// The visibility query language of ListWorkflowExecutions and CountWorkflowExecutions: the WHERE, GROUP BY
// and ORDER BY parts of a SQL SELECT. Like Temporal, work is split in two stages. This file is stage 1: it
// checks syntax and builds a store-neutral tree. Which search attributes exist, which operators their types
// allow and how values convert are stage 2, in each store adapter (visibility-sql.ts, with each adapter's dialect), because only
// the store knows its columns and how it keeps values.
import { assert } from '../common/assert';
import { invalidArgument, type ServiceError } from '../common/errors';

/** Longest query accepted, in UTF-16 code units. */
export const VISIBILITY_QUERY_LENGTH_MAX = 32_768;
/** Deepest nesting of parentheses and NOT; bounds the parser's recursion. */
export const VISIBILITY_QUERY_DEPTH_MAX = 64;
/** Most predicates in one query; keeps the compiled SQL under SQLite's expression depth of 1000. */
export const VISIBILITY_QUERY_PREDICATES_MAX = 256;

export const ComparisonOperator = {
  Equal: '=',
  NotEqual: '!=',
  Less: '<',
  LessOrEqual: '<=',
  Greater: '>',
  GreaterOrEqual: '>=',
} as const;
export type ComparisonOperator = (typeof ComparisonOperator)[keyof typeof ComparisonOperator];

export const ExpressionKind = {
  And: 'and',
  Or: 'or',
  Not: 'not',
  Comparison: 'comparison',
  In: 'in',
  Between: 'between',
  StartsWith: 'starts-with',
  IsNull: 'is-null',
} as const;
export type ExpressionKind = (typeof ExpressionKind)[keyof typeof ExpressionKind];

/** A literal as written: integers beyond Number.MAX_SAFE_INTEGER stay exact as bigint. */
export type Literal = string | number | bigint | boolean;

interface Condition<Kind extends ExpressionKind> {
  readonly kind: Kind;
  /** The search attribute name as written, without backquotes. */
  readonly field: string;
}
interface Negatable {
  readonly isNegated: boolean;
}

interface Junction {
  readonly kind: typeof ExpressionKind.And | typeof ExpressionKind.Or;
  readonly left: Expression;
  readonly right: Expression;
}

export type Expression =
  | Junction
  | { readonly kind: typeof ExpressionKind.Not; readonly operand: Expression }
  | (Condition<typeof ExpressionKind.Comparison> & { readonly operator: ComparisonOperator; readonly value: Literal })
  | (Condition<typeof ExpressionKind.In> & Negatable & { readonly values: readonly Literal[] })
  | (Condition<typeof ExpressionKind.Between> & Negatable & { readonly from: Literal; readonly to: Literal })
  | (Condition<typeof ExpressionKind.StartsWith> & Negatable & { readonly prefix: string })
  | (Condition<typeof ExpressionKind.IsNull> & Negatable);

export const SortDirection = { Ascending: 'asc', Descending: 'desc' } as const;
export type SortDirection = (typeof SortDirection)[keyof typeof SortDirection];

export interface OrderByTerm {
  readonly field: string;
  readonly direction: SortDirection;
}

export interface VisibilityQuery {
  /** Absent when the query has no filter: every execution matches. */
  readonly where?: Expression;
  readonly orderBy: readonly OrderByTerm[];
  /** Only for CountWorkflowExecutions; Temporal allows a single field, ExecutionStatus. */
  readonly groupBy?: readonly string[];
}

/** The search attribute CountWorkflowExecutions may group by. */
export const GROUP_BY_FIELD = 'ExecutionStatus';

/** Every visibility query error reads as Temporal's do: `invalid query: <reason>`. */
export function invalidQuery(reason: string): ServiceError {
  return invalidArgument(`invalid query: ${reason}`);
}

export function parseVisibilityQuery(query: string): VisibilityQuery {
  if (query.length > VISIBILITY_QUERY_LENGTH_MAX) {
    throw invalidQuery(`query is ${query.length} characters long; the limit is ${VISIBILITY_QUERY_LENGTH_MAX}`);
  }
  return new Parser(tokenize(query)).parseQuery();
}

const TokenKind = {
  Identifier: 'identifier',
  QuotedIdentifier: 'quoted-identifier',
  String: 'string',
  Number: 'number',
  Symbol: 'symbol',
  End: 'end',
} as const;
type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

interface Token {
  readonly kind: TokenKind;
  /** Identifier name, decoded string, number text or symbol. */
  readonly text: string;
  /** Offset of the token's first character in the query. */
  readonly start: number;
  readonly end: number;
}

const SYMBOLS = ['!=', '<>', '<=', '>=', '=', '<', '>', '(', ')', ',', '-', '+'];
const COMPARISON_OPERATORS: readonly string[] = Object.values(ComparisonOperator);
// Unquoted words that cannot name a field; a search attribute with such a name must be backquoted.
const KEYWORDS = new Set(
  'and or not in between is null starts_with like true false order group by asc desc limit'.split(' '),
);
// MySQL's backslash escapes, which Temporal's SQL parser follows; any other escaped character stands for itself.
const STRING_ESCAPES: ReadonlyMap<string, string> = new Map(
  Object.entries({ 0: '\0', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a' }),
);
const IDENTIFIER_PATTERN = /[\p{L}_][\p{L}\p{N}_]*/uy;
const NUMBER_PATTERN = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;

function malformed(reason: string): ServiceError {
  return invalidQuery(`malformed SQL query: ${reason}`);
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < query.length) {
    if (/\s/.test(query.charAt(position))) {
      position += 1;
      continue;
    }
    const token = readToken(query, position);
    tokens.push(token);
    position = token.end;
  }
  tokens.push({ kind: TokenKind.End, text: '', start: query.length, end: query.length });
  return tokens;
}

function readToken(query: string, start: number): Token {
  const char = query.charAt(start);
  if (char === "'" || char === '"') return readQuoted(query, start, TokenKind.String);
  if (char === '`') return readQuoted(query, start, TokenKind.QuotedIdentifier);
  const number = matchAt(NUMBER_PATTERN, query, start);
  if (number !== undefined) return { kind: TokenKind.Number, text: number, start, end: start + number.length };
  const identifier = matchAt(IDENTIFIER_PATTERN, query, start);
  if (identifier !== undefined) {
    return { kind: TokenKind.Identifier, text: identifier, start, end: start + identifier.length };
  }
  const symbol = SYMBOLS.find((candidate) => query.startsWith(candidate, start));
  if (symbol !== undefined) return { kind: TokenKind.Symbol, text: symbol, start, end: start + symbol.length };
  throw malformed(`syntax error at position ${start + 1} near '${char}'`);
}

function matchAt(pattern: RegExp, query: string, start: number): string | undefined {
  pattern.lastIndex = start;
  return pattern.exec(query)?.[0];
}

// Reads '...', "..." or `...`; a doubled quote stands for one, and strings also take backslash escapes.
function readQuoted(query: string, start: number, kind: TokenKind): Token {
  const quote = query.charAt(start);
  let text = '';
  let position = start + 1;
  while (position < query.length) {
    const char = query.charAt(position);
    if (char === quote && query.charAt(position + 1) === quote) {
      text += quote;
      position += 2;
    } else if (char === quote) {
      return { kind, text, start, end: position + 1 };
    } else if (char === '\\' && kind === TokenKind.String && position + 1 < query.length) {
      const escaped = query.charAt(position + 1);
      text += STRING_ESCAPES.get(escaped) ?? escaped;
      position += 2;
    } else {
      text += char;
      position += 1;
    }
  }
  throw malformed(`unterminated ${quote} quote starting at position ${start + 1}`);
}

function describe(token: Token): string {
  return token.kind === TokenKind.End ? 'end of query' : `'${token.text}'`;
}

// Recursive descent, lowest precedence first: OR, then AND, then NOT, then a predicate or parentheses.
class Parser {
  private index = 0;
  private depth = 0;
  private predicates = 0;
  private readonly end: Token;

  constructor(private readonly tokens: readonly Token[]) {
    const end = tokens[tokens.length - 1];
    assert(end?.kind === TokenKind.End, 'tokens end with an End token');
    this.end = end;
  }

  parseQuery(): VisibilityQuery {
    const isClauseStart = (this.isKeyword('order') || this.isKeyword('group')) && this.isKeyword('by', 1);
    const where = this.peek() === this.end || isClauseStart ? undefined : this.parseOr();
    const groupBy = this.acceptClause('group') ? this.parseGroupBy() : undefined;
    const orderBy = this.acceptClause('order') ? this.parseOrderBy() : [];
    if (this.isKeyword('limit')) throw invalidQuery("operation is not supported: 'LIMIT' clause");
    if (this.peek() !== this.end) throw this.syntaxError();
    return { ...(where && { where }), orderBy, ...(groupBy && { groupBy }) };
  }

  private parseOr(): Expression {
    let left = this.parseAnd();
    while (this.acceptKeyword('or')) left = { kind: ExpressionKind.Or, left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): Expression {
    let left = this.parseNot();
    while (this.acceptKeyword('and')) left = { kind: ExpressionKind.And, left, right: this.parseNot() };
    return left;
  }

  private parseNot(): Expression {
    if (!this.acceptKeyword('not')) return this.parsePrimary();
    this.enterNesting();
    const operand = this.parseNot();
    this.depth -= 1;
    return { kind: ExpressionKind.Not, operand };
  }

  private parsePrimary(): Expression {
    if (!this.acceptSymbol('(')) return this.parsePredicate();
    this.enterNesting();
    const expression = this.parseOr();
    this.expectSymbol(')');
    this.depth -= 1;
    return expression;
  }

  private parsePredicate(): Expression {
    const token = this.peek();
    const isValue = token.kind === TokenKind.String || token.kind === TokenKind.Number;
    if (isValue || this.isKeyword('true') || this.isKeyword('false')) {
      throw invalidQuery(`invalid expression: must be a column name but was the value ${describe(token)}`);
    }
    const field = this.parseField();
    this.predicates += 1;
    if (this.predicates > VISIBILITY_QUERY_PREDICATES_MAX) {
      throw invalidQuery(`too many conditions; the limit is ${VISIBILITY_QUERY_PREDICATES_MAX}`);
    }
    return this.parseCondition(field);
  }

  private parseCondition(field: string): Expression {
    const symbol = this.peek().kind === TokenKind.Symbol ? this.peek().text.replace('<>', '!=') : '';
    if (COMPARISON_OPERATORS.includes(symbol)) {
      this.index += 1;
      const operator = symbol as ComparisonOperator;
      return { kind: ExpressionKind.Comparison, field, operator, value: this.parseValue() };
    }
    if (this.acceptKeyword('is')) return this.parseIsNull(field);
    const isNegated = this.acceptKeyword('not');
    if (this.acceptKeyword('in')) return { kind: ExpressionKind.In, field, values: this.parseValueList(), isNegated };
    if (this.acceptKeyword('between')) {
      const from = this.parseValue();
      this.expectKeyword('and');
      return { kind: ExpressionKind.Between, field, from, to: this.parseValue(), isNegated };
    }
    if (this.acceptKeyword('starts_with')) {
      return { kind: ExpressionKind.StartsWith, field, prefix: this.parsePrefix(), isNegated };
    }
    if (this.isKeyword('like')) {
      throw invalidQuery(`operation is not supported: operator '${isNegated ? 'NOT LIKE' : 'LIKE'}'`);
    }
    if (!isNegated && this.isPredicateEnd()) {
      throw invalidQuery(`invalid expression: incomplete expression '${field}'`);
    }
    throw this.syntaxError();
  }

  private parseIsNull(field: string): Expression {
    const isNegated = this.acceptKeyword('not');
    if (!this.acceptKeyword('null')) {
      throw invalidQuery("invalid expression: 'IS' operator can only be used as 'IS NULL' or 'IS NOT NULL'");
    }
    return { kind: ExpressionKind.IsNull, field, isNegated };
  }

  private parsePrefix(): string {
    const prefix = this.parseValue();
    if (typeof prefix !== 'string') {
      throw invalidQuery(
        `invalid expression: right-hand side of STARTS_WITH must be a literal string (got: ${String(prefix)})`,
      );
    }
    return prefix;
  }

  private parseValueList(): Literal[] {
    this.expectSymbol('(');
    const values = [this.parseValue()];
    while (this.acceptSymbol(',')) values.push(this.parseValue());
    this.expectSymbol(')');
    return values;
  }

  private parseValue(): Literal {
    const token = this.next();
    if (token.kind === TokenKind.String) return token.text;
    if (token.kind === TokenKind.Number) return literalFromNumber(token.text, false);
    if (token.kind === TokenKind.Symbol && (token.text === '-' || token.text === '+')) {
      const number = this.next();
      if (number.kind !== TokenKind.Number) throw this.syntaxError(number);
      return literalFromNumber(number.text, token.text === '-');
    }
    const word = token.kind === TokenKind.Identifier ? token.text.toLowerCase() : '';
    if (word === 'true' || word === 'false') return word === 'true';
    if (word === 'null') throw invalidQuery('invalid expression: NULL is not a value; use IS NULL or IS NOT NULL');
    if (token.kind === TokenKind.QuotedIdentifier || (token.kind === TokenKind.Identifier && !KEYWORDS.has(word))) {
      throw invalidQuery(
        'operation is not supported: column name on the right side of comparison expression ' +
          `(did you forget to quote "${token.text}"?)`,
      );
    }
    throw this.syntaxError(token);
  }

  private parseField(): string {
    const token = this.next();
    if (token.kind === TokenKind.QuotedIdentifier) return token.text;
    if (token.kind === TokenKind.Identifier && !KEYWORDS.has(token.text.toLowerCase())) return token.text;
    throw this.syntaxError(token);
  }

  private parseGroupBy(): string[] {
    const fields = [this.parseField()];
    while (this.acceptSymbol(',')) fields.push(this.parseField());
    if (fields.length > 1) {
      throw invalidQuery("operation is not supported: 'GROUP BY' clause supports only a single field");
    }
    const field = fields[0];
    if (field !== GROUP_BY_FIELD) {
      const reason = `'GROUP BY' clause is not supported for search attribute ${field}`;
      throw invalidQuery(`operation is not supported: ${reason}`);
    }
    return fields;
  }

  private parseOrderBy(): OrderByTerm[] {
    const terms: OrderByTerm[] = [];
    do {
      const field = this.parseField();
      const direction = this.acceptKeyword('desc') ? SortDirection.Descending : SortDirection.Ascending;
      if (direction === SortDirection.Ascending) this.acceptKeyword('asc');
      terms.push({ field, direction });
    } while (this.acceptSymbol(','));
    return terms;
  }

  private enterNesting(): void {
    this.depth += 1;
    if (this.depth > VISIBILITY_QUERY_DEPTH_MAX) {
      throw invalidQuery(`expression nested too deeply; the limit is ${VISIBILITY_QUERY_DEPTH_MAX}`);
    }
  }

  private isPredicateEnd(): boolean {
    const token = this.peek();
    if (token.kind === TokenKind.End || (token.kind === TokenKind.Symbol && token.text === ')')) return true;
    return ['and', 'or', 'order', 'group', 'limit'].some((word) => this.isKeyword(word));
  }

  private peek(offset = 0): Token {
    return this.tokens[this.index + offset] ?? this.end;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== TokenKind.End) this.index += 1;
    return token;
  }

  private isKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === TokenKind.Identifier && token.text.toLowerCase() === word;
  }

  private acceptClause(word: 'order' | 'group'): boolean {
    if (!this.isKeyword(word)) return false;
    this.index += 1;
    this.expectKeyword('by');
    return true;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.index += 1;
    return true;
  }

  private acceptSymbol(symbol: string): boolean {
    const token = this.peek();
    if (token.kind !== TokenKind.Symbol || token.text !== symbol) return false;
    this.index += 1;
    return true;
  }

  private expectKeyword(word: string): void {
    if (!this.acceptKeyword(word)) throw this.syntaxError();
  }

  private expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) throw this.syntaxError();
  }

  private syntaxError(token = this.peek()): ServiceError {
    return malformed(`syntax error at position ${token.start + 1} near ${describe(token)}`);
  }
}

const INT64_MAX = 2n ** 63n - 1n;

// Integers stay exact (bigint when unsafe as a number); past int64 they become floats, as Go's ParseInt
// failure falls back to ParseFloat in Temporal.
function literalFromNumber(text: string, isNegative: boolean): number | bigint {
  // `|| 0` turns -0 into 0 so that `-0` binds as the integer SQLite stores.
  const sign = isNegative ? -1 : 1;
  const value = Number(text);
  if (!/^\d+$/.test(text) || Number.isSafeInteger(value)) return sign * value || 0;
  const exact = BigInt(text);
  if (exact > INT64_MAX) return sign * value;
  return isNegative ? -exact : exact;
}
