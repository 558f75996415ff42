// `npm run fuzz [-- --seed N --inputs N --seconds S --concurrency N --port P --from I]`: a long fuzz run (10 minutes by
// default) that prints its seed, every finding with its minimised repro, and a summary; exit 1 on any
// finding.
import { describeFinding } from './repro';
import { runFuzz } from './fuzz-run';

const SECONDS_DEFAULT = 600;

function flag(args: readonly string[], name: string): number | undefined {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value)) throw new Error(`--${name} needs a number`);
  return value;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const seed = flag(args, 'seed') ?? Date.now() % 2 ** 31;
  const inputs = flag(args, 'inputs');
  const seconds = flag(args, 'seconds') ?? (inputs === undefined ? SECONDS_DEFAULT : undefined);
  const concurrency = flag(args, 'concurrency');
  const port = flag(args, 'port');
  const from = flag(args, 'from');
  const report = await runFuzz({
    seed,
    ...(inputs !== undefined ? { inputs } : {}),
    ...(seconds !== undefined ? { seconds } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(from !== undefined ? { from } : {}),
  });
  process.stdout.write(
    [
      '',
      `seed ${report.seed}: ${report.inputsSent} inputs in ${(report.durationMs / 1000).toFixed(1)} s`,
      `inputs by kind: ${JSON.stringify(report.inputsByKind)}`,
      `answers: ${JSON.stringify(report.answers)}`,
      `findings: ${report.findings.length}`,
      ...report.findings.map(describeFinding),
      '',
    ].join('\n'),
  );
  process.exitCode = report.findings.length > 0 ? 1 : 0;
}

void main();
