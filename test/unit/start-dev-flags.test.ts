// Goal: `causeway server start-dev` accepts the flags of `temporal server start-dev`, including the exact
// command line the SDK test harness (TestWorkflowEnvironment.createLocal with an existing executable) uses,
// and maps them to ServerOptions with the same defaults; bad values are usage errors.
// Setup: parse argument lists with the start-dev flag definitions; no server is started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags, UsageError } from '../../src/cli/flags';
import { serverOptionsFromFlags, startDevFlags } from '../../src/cli/start-dev-flags';
import { defaultServerOptions } from '../../src/server-options';

function optionsFor(argv: readonly string[]): ReturnType<typeof serverOptionsFromFlags> {
  return serverOptionsFromFlags(parseFlags(argv, startDevFlags));
}

test('no flags gives the default options', () => {
  const options = optionsFor([]);
  assert.equal(options.port, 7233);
  assert.equal(options.ip, '127.0.0.1');
  assert.equal(options.httpPort, undefined);
  assert.equal(options.uiPort, undefined);
  assert.equal(options.headless, false);
  assert.equal(options.dbFilename, undefined);
  assert.deepEqual(options.namespaces, []);
  assert.equal(options.logLevel, defaultServerOptions.logLevel);
  assert.equal(options.logFormat, defaultServerOptions.logFormat);
  assert.deepEqual(options.searchAttributes, {});
  assert.deepEqual(options.dynamicConfig, {});
  assert.deepEqual(options.sqlitePragmas, {});
});

test('the SDK test harness command line parses', () => {
  const options = optionsFor([
    '--port',
    '41234',
    '--ui-port',
    '42234',
    '--namespace',
    'default',
    '--ip',
    '127.0.0.1',
    '--log-format',
    'pretty',
    '--log-level',
    'warn',
    '--headless',
    '--db-filename',
    '/tmp/causeway-test.db',
    '--search-attribute',
    'CustomKeyword=Keyword',
    '--search-attribute',
    'CustomInt=Int',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
  ]);
  assert.equal(options.port, 41234);
  assert.equal(options.uiPort, 42234);
  assert.deepEqual(options.namespaces, ['default']);
  assert.equal(options.ip, '127.0.0.1');
  assert.equal(options.logFormat, 'pretty');
  assert.equal(options.logLevel, 'warn');
  assert.equal(options.headless, true);
  assert.equal(options.dbFilename, '/tmp/causeway-test.db');
  assert.deepEqual(options.searchAttributes, { CustomKeyword: 'Keyword', CustomInt: 'Int' });
  assert.deepEqual(options.dynamicConfig, {
    'frontend.enableUpdateWorkflowExecution': true,
    'frontend.enableServerVersionCheck': false,
  });
});

test('short aliases and "=" values work as in the temporal CLI', () => {
  const options = optionsFor(['-p', '0', '-f=state.db', '-n', 'one', '-n', 'two', '--http-port=7243']);
  assert.equal(options.port, 0);
  assert.equal(options.dbFilename, 'state.db');
  assert.deepEqual(options.namespaces, ['one', 'two']);
  assert.equal(options.httpPort, 7243);
});

test('repeated namespaces are created once', () => {
  assert.deepEqual(optionsFor(['-n', 'a', '-n', 'b', '-n', 'a']).namespaces, ['a', 'b']);
});

test('dynamic config values are JSON and sqlite pragmas are name=value', () => {
  const options = optionsFor([
    '--dynamic-config-value',
    'limit.maxIDLength=255',
    '--dynamic-config-value',
    'system.forceSearchAttributesCacheRefreshOnRead={"x":[1]}',
    '--dynamic-config-value',
    'frontend.namespace="text"',
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=2',
  ]);
  assert.deepEqual(options.dynamicConfig, {
    'limit.maxIDLength': 255,
    'system.forceSearchAttributesCacheRefreshOnRead': { x: [1] },
    'frontend.namespace': 'text',
  });
  assert.deepEqual(options.sqlitePragmas, { journal_mode: 'wal', synchronous: '2' });
});

test('"text" log format means pretty, and search attribute types ignore case', () => {
  const options = optionsFor(['--log-format', 'text', '--search-attribute', 'Tags=keywordlist']);
  assert.equal(options.logFormat, 'pretty');
  assert.deepEqual(options.searchAttributes, { Tags: 'KeywordList' });
  assert.equal(optionsFor(['--log-format', 'json']).logFormat, 'json');
});

test('UI flags and other unused temporal flags are accepted and ignored', () => {
  const options = optionsFor([
    '--ui-ip',
    '0.0.0.0',
    '--ui-asset-path',
    '/assets',
    '--ui-codec-endpoint',
    'http://localhost:8888',
    '--ui-public-path',
    '/ui',
    '--log-config',
    '--ui-disable-news-fetch',
  ]);
  assert.equal(options.port, 7233);
});

test('--metrics-port names the Prometheus port', () => {
  assert.equal(optionsFor(['--metrics-port', '9090']).metricsPort, 9090);
  assert.equal(optionsFor([]).metricsPort, undefined);
});

test('a port of 0 for --http-port and --ui-port means "pick the default"', () => {
  const options = optionsFor(['--http-port', '0', '--ui-port', '0']);
  assert.equal(options.httpPort, undefined);
  assert.equal(options.uiPort, undefined);
});

test('bad values are usage errors that name the flag', () => {
  const cases: readonly [readonly string[], RegExp][] = [
    [['--port', 'abc'], /--port/],
    [['--port', '70000'], /--port/],
    [['--ui-port', '-1'], /--ui-port/],
    [['--log-level', 'verbose'], /--log-level/],
    [['--log-format', 'xml'], /--log-format/],
    [['--search-attribute', 'Foo'], /--search-attribute/],
    [['--search-attribute', 'Foo=Blob'], /--search-attribute/],
    [['--dynamic-config-value', 'key=not json'], /--dynamic-config-value/],
    [['--sqlite-pragma', 'nothing'], /--sqlite-pragma/],
    [['--metrics-port', 'x'], /--metrics-port/],
    [['--unknown-flag'], /unknown flag/],
    [['extra'], /unexpected argument/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(
      () => optionsFor(argv),
      (error: unknown) => error instanceof UsageError && message.test(error.message),
      argv.join(' '),
    );
  }
});

test('the credential flags become ServerOptions.auth; without them there is none', async () => {
  assert.equal(optionsFor([]).auth, undefined);
  assert.deepEqual(optionsFor(['--api-key-file', 'keys.json', '--jwks-file', 'jwks.json']).auth, {
    apiKeyFile: 'keys.json',
    jwtKeyFile: undefined,
    jwksFile: 'jwks.json',
  });
  const { serverStartOptions, serverStartFlags } = await import('../../src/cli/server-start');
  const started = serverStartOptions(
    parseFlags(['--persistence', 'sqlite:///tmp/x.db', '--jwt-key-file', 'jwt.pem'], serverStartFlags),
  );
  assert.equal(started.auth?.jwtKeyFile, 'jwt.pem');
});
