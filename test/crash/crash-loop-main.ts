// `npm run crash-loop -- --kills 100 [--per-round 10] [--seed N]`: the crash loop as a script.
import { installQuietRuntime, runCrashLoop } from './crash-loop';

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} wants a whole number`);
  return value;
}

async function main(): Promise<void> {
  installQuietRuntime();
  const seed = flag('seed', Math.floor(Math.random() * 1e9));
  const report = await runCrashLoop({
    kills: flag('kills', 100),
    workflowsPerRound: flag('per-round', 10),
    seed,
    log: (line) => console.log(line),
  });
  console.log(
    `passed: ${report.kills} kills, ${report.workflows} workflows (${report.acknowledged} acknowledged), ${report.seconds.toFixed(0)} s, seed ${seed}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
