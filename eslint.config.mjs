// Lint rules: type-aware TypeScript checks, and the one-way module dependencies of ARCHITECTURE.md
// (common <- store <- engine <- {matching, nexus} <- api <- ui <- server).
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// Relative imports only: a package such as @opentelemetry/api is not the api/ layer.
const layer = (from, forbidden) => ({
  files: [`src/${from}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((name) => ({
          group: [`./**/${name}/*`, `./**/${name}`, `../**/${name}/*`, `../**/${name}`],
          message: `${from}/ must not depend on ${name}/ (see ARCHITECTURE.md)`,
        })),
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'conformance/golden/**', 'sdk-tests/**', 'bin/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    // import-x resolves `./foo` to `foo.ts` only with the TypeScript resolver; without it no-cycle checks nothing.
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      'import-x/no-cycle': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      // Protobuf enums are compared with numbers kept in JSON mutable state.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
    },
  },
  layer('common', ['store', 'engine', 'matching', 'nexus', 'api', 'ui', 'cli']),
  layer('store', ['engine', 'matching', 'nexus', 'api', 'ui', 'cli']),
  layer('engine', ['matching', 'nexus', 'api', 'ui', 'cli']),
  layer('matching', ['nexus', 'api', 'ui', 'cli']),
  layer('nexus', ['api', 'ui', 'cli']),
  layer('api', ['ui', 'cli']),
  layer('ui', ['cli']),
);
