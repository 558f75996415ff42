// Goal: the `causeway` flag parser accepts the spellings the `temporal` CLI (pflag) accepts, rejects bad
// input with a UsageError that names the flag, and durations read and print like Go's.
// Setup: pure functions only; no server, no process spawning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FlagKind,
  UsageError,
  formatFlagHelp,
  parseChoiceFlag,
  parseFlags,
  parseIntegerFlag,
  splitKeyValue,
  type FlagDefinition,
} from '../../src/cli/flags';
import { durationFromProto, durationToProto, formatDuration, parseDuration } from '../../src/cli/durations';

const definitions: readonly FlagDefinition[] = [
  { name: 'workflow-id', short: 'w', kind: FlagKind.String, description: 'Workflow ID.' },
  { name: 'input', short: 'i', kind: FlagKind.String, isRepeatable: true, description: 'Input.' },
  { name: 'follow', short: 'f', kind: FlagKind.Boolean, description: 'Follow.' },
  { name: 'color', kind: FlagKind.String, description: 'Ignored.', isIgnored: true },
];

test('long flags take a separate or an inline value', () => {
  assert.equal(parseFlags(['--workflow-id', 'a'], definitions).string('workflow-id'), 'a');
  assert.equal(parseFlags(['--workflow-id=b'], definitions).string('workflow-id'), 'b');
  assert.equal(parseFlags(['--workflow-id='], definitions).string('workflow-id'), '');
  assert.equal(parseFlags(['--workflow-id', 'x=y'], definitions).string('workflow-id'), 'x=y');
});

test('short aliases take a separate, "=" or attached value', () => {
  assert.equal(parseFlags(['-w', 'a'], definitions).string('workflow-id'), 'a');
  assert.equal(parseFlags(['-w=b'], definitions).string('workflow-id'), 'b');
  assert.equal(parseFlags(['-wc'], definitions).string('workflow-id'), 'c');
});

test('a string flag takes the next argument even when it starts with a dash', () => {
  assert.equal(parseFlags(['--workflow-id', '-5'], definitions).string('workflow-id'), '-5');
});

test('repeatable flags keep every value in order; others keep the last', () => {
  const flags = parseFlags(['-i', '1', '--input', '"two"', '--input={"x":3}', '-w', 'a', '-w', 'b'], definitions);
  assert.deepEqual(flags.strings('input'), ['1', '"two"', '{"x":3}']);
  assert.equal(flags.string('workflow-id'), 'b');
});

test('booleans take no value, or an explicit one after "="', () => {
  assert.equal(parseFlags(['--follow'], definitions).boolean('follow'), true);
  assert.equal(parseFlags(['-f'], definitions).boolean('follow'), true);
  assert.equal(parseFlags(['--follow=false'], definitions).boolean('follow'), false);
  assert.equal(parseFlags([], definitions).boolean('follow'), false);
  const flags = parseFlags(['--follow', 'positional'], definitions);
  assert.deepEqual(flags.positionals, ['positional']);
  assert.throws(() => parseFlags(['--follow=maybe'], definitions), UsageError);
});

test('positionals are collected, and "--" ends the flags', () => {
  const flags = parseFlags(['one', '-w', 'a', 'two', '--', '--follow'], definitions);
  assert.deepEqual(flags.positionals, ['one', 'two', '--follow']);
  assert.equal(flags.boolean('follow'), false);
});

test('has() tells given flags from absent ones', () => {
  const flags = parseFlags(['--color', 'never'], definitions);
  assert.equal(flags.has('color'), true);
  assert.equal(flags.has('workflow-id'), false);
  assert.equal(flags.string('workflow-id'), undefined);
});

test('--help and -h are understood by every command', () => {
  assert.equal(parseFlags(['--help'], definitions).isHelpRequested, true);
  assert.equal(parseFlags(['-h'], definitions).isHelpRequested, true);
  assert.equal(parseFlags([], definitions).isHelpRequested, false);
});

test('unknown flags and missing values are usage errors naming the flag', () => {
  assert.throws(() => parseFlags(['--nope'], definitions), { name: 'UsageError', message: 'unknown flag: --nope' });
  assert.throws(() => parseFlags(['-x'], definitions), /unknown shorthand flag: 'x'/);
  assert.throws(() => parseFlags(['--workflow-id'], definitions), { message: 'flag needs an argument: --workflow-id' });
  assert.throws(() => parseFlags(['-fx'], definitions), UsageError);
});

test('asking for an undeclared flag is a programming error, not a usage error', () => {
  const flags = parseFlags([], definitions);
  assert.throws(
    () => flags.string('typo'),
    (error: unknown) => error instanceof Error && !(error instanceof UsageError),
  );
  assert.throws(
    () => flags.boolean('workflow-id'),
    (error: unknown) => error instanceof Error && !(error instanceof UsageError),
  );
});

test('value helpers parse integers, key=value pairs and choices', () => {
  assert.equal(parseIntegerFlag('port', '7233', 0, 65_535), 7233);
  assert.throws(() => parseIntegerFlag('port', '70000', 0, 65_535), /--port/);
  assert.throws(() => parseIntegerFlag('port', '12abc', 0, 65_535), UsageError);
  assert.deepEqual(splitKeyValue('memo', 'key={"a":"b=c"}'), ['key', '{"a":"b=c"}']);
  assert.throws(() => splitKeyValue('memo', 'novalue'), /KEY=VALUE/);
  assert.throws(() => splitKeyValue('memo', '=value'), UsageError);
  assert.equal(parseChoiceFlag('output', 'JSON', ['text', 'json'] as const), 'json');
  assert.throws(() => parseChoiceFlag('output', 'yaml', ['text', 'json'] as const), /one of text, json/);
});

test('help lists every flag with its alias, ignored flags in their own list', () => {
  const help = formatFlagHelp(definitions);
  assert.match(help.split('\n')[0] ?? '', /^ {2}-w, --workflow-id string +Workflow ID\.$/);
  assert.match(help, /--input string +Input\. Can be passed multiple times\./);
  assert.match(help, /-h, --help/);
  assert.match(
    help,
    /\n\nAccepted for compatibility with the temporal CLI, and ignored:\n {6}--color string +Ignored\.$/,
  );
});

test('durations read Go syntax plus days', () => {
  assert.equal(parseDuration('retention', '72h'), 72 * 3_600_000);
  assert.equal(parseDuration('retention', '3d'), 3 * 86_400_000);
  assert.equal(parseDuration('timeout', '1m30s'), 90_000);
  assert.equal(parseDuration('timeout', '1.5s'), 1500);
  assert.equal(parseDuration('timeout', '250ms'), 250);
  assert.equal(parseDuration('timeout', '0'), 0);
  for (const bad of ['', '10', 'abc', '10x', '1h 30m', '-5s']) {
    assert.throws(() => parseDuration('timeout', bad), UsageError, bad);
  }
});

test('durations print like Go and round-trip through protobuf', () => {
  assert.equal(formatDuration(72 * 3_600_000), '72h0m0s');
  assert.equal(formatDuration(90_000), '1m30s');
  assert.equal(formatDuration(1500), '1.5s');
  assert.equal(formatDuration(250), '250ms');
  assert.equal(formatDuration(0), '0s');
  const proto = durationToProto(1500);
  assert.equal(String(proto.seconds), '1');
  assert.equal(proto.nanos, 500_000_000);
  assert.equal(durationFromProto(proto), 1500);
  assert.equal(durationFromProto(null), 0);
});
