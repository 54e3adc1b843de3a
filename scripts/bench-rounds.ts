/**
 * `npm run bench:rounds -- --rounds N [bench options]`: runs `npm run bench` N times in a row and
 * judges the targets by the median of the ratios, each ratio taken within its own run. On a small
 * shared VM one run's ratios move by 20-40 % from the next one's (the same commit gave the intake
 * turn 0.80x and 1.01x of the baseline within ten minutes), so a single run is no verdict either way.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, wholeOption } from './bench/options.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const HELP = `npm run bench:rounds -- [--rounds N] [options of npm run bench]

Runs npm run bench N times (default 3), one after the other, with the other options as given
(for example --only intake-api,intake-dl --seconds 15), and prints each run's ratios to its own
baseline and their median. The targets are judged on the medians. Writes the summary as JSON to
test-output/bench/rounds-<time>.json.`;

interface ScenarioJson {
  name: string;
  title: string;
  available: boolean;
  turnsPerSecond?: number;
  p99Ms?: number;
  ratio?: { turnsPerSecond: number; p99: number };
}

interface RunJson {
  scenarios: ScenarioJson[];
}

const args = process.argv.slice(2);
if (args.includes('--help')) {
  console.log(HELP);
  process.exit(0);
}
const at = args.indexOf('--rounds');
const rounds = wholeOption('rounds', at >= 0 ? (args[at + 1] ?? '') : '3', 1);
const benchArgs = at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args;

/** Runs one bench, passing its output through, and answers the JSON file it wrote. */
function runBench(round: number): Promise<string> {
  process.stderr.write(`\nround ${round} of ${rounds}: npm run bench -- ${benchArgs.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'scripts/bench.ts', ...benchArgs], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const file = /^JSON: (\S+)/mu.exec(out)?.[1];
      if (code !== 0 || !file) reject(new Error(`npm run bench ended with exit code ${code} in round ${round}; see its output above`));
      else resolve(path.join(REPO_ROOT, file));
    });
  });
}

async function main(): Promise<void> {
  const runs: RunJson[] = [];
  for (let round = 1; round <= rounds; round++) runs.push(JSON.parse(await readFile(await runBench(round), 'utf8')) as RunJson);

  const names = runs[0]!.scenarios.filter((s) => s.name !== 'baseline').map((s) => s.name);
  const ratios = (name: string, key: 'turnsPerSecond' | 'p99') =>
    runs.flatMap((run) => {
      const s = run.scenarios.find((x) => x.name === name);
      return s?.available && s.ratio ? [s.ratio[key]] : [];
    });
  const fmt = (x: number) => `${x.toFixed(2)}x`;
  const rows = names.map((name) => {
    const turns = ratios(name, 'turnsPerSecond');
    const p99 = ratios(name, 'p99');
    return { name, turns, p99, medianTurns: turns.length ? median(turns) : NaN, medianP99: p99.length ? median(p99) : NaN };
  });

  const out: string[] = ['', `Ratios to the baseline of the same run, ${rounds} runs:`, ''];
  const width = Math.max(...names.map((n) => n.length), 8);
  out.push(`${'scenario'.padEnd(width)}  turns/s vs base (each run)        median   p99 vs base (each run)           median`);
  for (const r of rows) {
    out.push(`${r.name.padEnd(width)}  ${r.turns.map(fmt).join(' ').padEnd(32)} ${fmt(r.medianTurns).padEnd(8)} ${r.p99.map(fmt).join(' ').padEnd(32)} ${fmt(r.medianP99)}`);
  }
  const row = (name: string) => rows.find((r) => r.name === name);
  const targets: Array<{ target: string; met: boolean | null; measured: string }> = [];
  const api = row('intake-api');
  if (api) targets.push({ target: '(2) intake over /api/messages: median turns/s ratio >= 1 and median p99 ratio <= 1', met: api.medianTurns >= 1 && api.medianP99 <= 1, measured: `${fmt(api.medianTurns)}, p99 ${fmt(api.medianP99)}` });
  // (3), Direct Line at 2x the echo bot, was retired by issue 22.
  const postgres = row('postgres');
  if (postgres) {
    targets.push({ target: '(4) intake on PostgreSQL (every store): median turns/s ratio >= 0.8', met: postgres.medianTurns >= 0.8, measured: fmt(postgres.medianTurns) });
    targets.push({ target: '(4) intake on PostgreSQL (every store): median p99 ratio <= 1.2', met: postgres.medianP99 <= 1.2, measured: fmt(postgres.medianP99) });
  }
  out.push('', 'Targets, on the medians:');
  for (const t of targets) out.push(`  ${t.met ? 'met    ' : 'NOT met'}  ${t.target}: ${t.measured}`);
  const file = path.join(REPO_ROOT, 'test-output', 'bench', `rounds-${new Date().toISOString().replace(/[:.]/gu, '').slice(0, 17)}.json`);
  await writeFile(file, `${JSON.stringify({ date: new Date().toISOString(), rounds, benchArgs, scenarios: rows, targets }, null, 2)}\n`);
  out.push('', `JSON: ${path.relative(REPO_ROOT, file)}`);
  console.log(out.join('\n'));
}

main().catch((err: unknown) => {
  console.error(`bench:rounds failed: ${(err as Error).message}`);
  process.exit(1);
});
