// How PostgreSQL spells the visibility queries. `search_attributes` is a `json` column (kept as written);
// each custom attribute is read as text and cast to its type so that it compares and sorts as SQLite's
// json_extract does: numbers as numeric, booleans as 1/0, keywords in byte order (COLLATE "C"). ILIKE
// ignores case as SQLite's LIKE does, numbers are bound as numeric (a bigint column compares with a
// fractional millisecond), and NULLs sort as the smallest value, as in SQLite.
import { assertNever } from '../../common/assert';
import { SearchAttributeType, sqlStringLiteral, type VisibilityDialect } from '../visibility-sql';

function attributeText(name: string): string {
  return `(search_attributes->>${sqlStringLiteral(name)})`;
}

export const postgresDialect: VisibilityDialect = {
  attribute(name, type) {
    switch (type) {
      case SearchAttributeType.Keyword:
      case SearchAttributeType.Text:
        return `${attributeText(name)} COLLATE "C"`;
      case SearchAttributeType.Int:
      case SearchAttributeType.Double:
      case SearchAttributeType.Datetime:
        return `${attributeText(name)}::numeric`;
      case SearchAttributeType.Bool:
        return `(CASE ${attributeText(name)} WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)`;
      case SearchAttributeType.KeywordList:
        return `(search_attributes->${sqlStringLiteral(name)})::text`;
      default:
        return assertNever(type);
    }
  },
  listElements(name) {
    const value = `search_attributes->${sqlStringLiteral(name)}`;
    const asArray = `CASE json_typeof(${value}) WHEN 'array' THEN ${value} WHEN 'string' THEN json_build_array(${value}) ELSE '[]'::json END`;
    return `json_array_elements_text(${asArray}) AS elements(value)`;
  },
  caseInsensitiveLike: 'ILIKE',
  placeholder: (value) => (typeof value === 'string' ? '?' : '?::numeric'),
  orderTerm: (sql, direction) => `${sql} ${direction} ${direction === 'ASC' ? 'NULLS FIRST' : 'NULLS LAST'}`,
};

/** Numbers the `?` placeholders of SQL text as $1, $2, ... (a `?` inside a quoted literal stays). */
export function numberPlaceholders(sql: string, first = 1): string {
  let index = first;
  let quote: string | undefined;
  let out = '';
  for (const char of sql) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      out += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      out += char;
    } else if (char === '?') {
      out += `$${index}`;
      index += 1;
    } else {
      out += char;
    }
  }
  return out;
}
