// Goal: the lint rules that keep the module dependencies one-way really run: an import from a lower
// layer to a higher one is refused, and so is an import cycle (import-x/no-cycle sees TypeScript imports
// only through its TypeScript resolver; without it the rule silently checks nothing). Setup: ESLint with
// the project's config, linting in-memory text as if it were src/common/assert.ts with one import added.
// The layer rule looks at relative imports only: a package named like a layer is not one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.join(__dirname, '..', '..', '..');

test('a lower layer importing a higher one, in a cycle, fails lint on both counts', async () => {
  const eslint = new ESLint({ cwd: ROOT });
  const file = path.join(ROOT, 'src', 'common', 'assert.ts');
  const text = `import { HistoryEngine } from '../engine/history-engine';\nexport type Engine = HistoryEngine;\n${fs.readFileSync(file, 'utf8')}`;
  const [result] = await eslint.lintText(text, { filePath: file });
  const rules = new Set(result?.messages.map((message) => message.ruleId));
  assert.ok(rules.has('import-x/no-cycle'), `no-cycle reported: ${[...rules].join(', ')}`);
  assert.ok(rules.has('no-restricted-imports'), 'the layer rule reported');
  const [clean] = await eslint.lintFiles([file]);
  assert.equal(clean?.errorCount, 0, 'the file itself is clean');
});

test('a package whose name ends like a layer (@opentelemetry/api) is not that layer', async () => {
  const eslint = new ESLint({ cwd: ROOT });
  const file = path.join(ROOT, 'src', 'common', 'assert.ts');
  const text = `import type { Span } from '@opentelemetry/api';\nexport type S = Span;\n${fs.readFileSync(file, 'utf8')}`;
  const [result] = await eslint.lintText(text, { filePath: file });
  assert.deepEqual(
    result?.messages.filter((message) => message.ruleId === 'no-restricted-imports'),
    [],
  );
});
