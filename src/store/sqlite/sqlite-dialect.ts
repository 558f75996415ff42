// How SQLite spells the visibility queries: json_extract and json_each on the JSON text of
// `search_attributes`, LIKE (which ignores ASCII case), `?` placeholders, NULLs already smallest.
import { sqlStringLiteral, type VisibilityDialect } from '../visibility-sql';

function jsonPath(name: string): string {
  return sqlStringLiteral(`$."${name}"`);
}

export const sqliteDialect: VisibilityDialect = {
  // JSON true and false read back from json_extract as 1 and 0.
  attribute: (name) => `json_extract(search_attributes, ${jsonPath(name)})`,
  listElements: (name) => `json_each(search_attributes, ${jsonPath(name)})`,
  caseInsensitiveLike: 'LIKE',
  placeholder: () => '?',
  orderTerm: (sql, direction) => `${sql} ${direction}`,
};
