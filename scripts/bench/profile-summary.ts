/**
 * Self time of a V8 CPU profile (`npm run bench -- --cpu-prof` writes one per server), by function
 * and by module (a package under node_modules, else the repository's file, else node's internals),
 * over the last `--last N` seconds of the profile (default: all of it; the measured seconds are the
 * last before the server stopped, so `--last 10` with `--seconds 10` leaves out start-up and warm-up).
 * Usage: node --import tsx scripts/bench/profile-summary.ts <file.cpuprofile> [--last N] [--top N]
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { last: { type: 'string' }, top: { type: 'string', default: '40' } } });
const file = positionals[0];
if (!file) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [--last N] [--top N]');
  process.exit(2);
}
const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

/** Where a function lives: a package, a file of ours, or node itself. */
function moduleOf(url: string): string {
  if (!url) return '(native/vm)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url;
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  const scripts = url.indexOf('/scripts/');
  return scripts >= 0 ? url.slice(scripts + 1) : url;
}

// Sample times, from the start of the profile (µs).
const times: number[] = [];
let t = 0;
for (const d of profile.timeDeltas) times.push((t += d));
const from = values.last ? (profile.endTime - profile.startTime) - Number(values.last) * 1e6 : -Infinity;

const selfByFunction = new Map<string, number>();
const selfByModule = new Map<string, number>();
let total = 0;
let idle = 0;
for (let i = 0; i < profile.samples.length; i++) {
  if (times[i]! < from) continue;
  const node = byId.get(profile.samples[i]!)!;
  const dt = profile.timeDeltas[i + 1] ?? 0;
  const { functionName, url, lineNumber } = node.callFrame;
  if (functionName === '(idle)') {
    idle += dt;
    continue;
  }
  total += dt;
  const mod = moduleOf(url);
  const fn = `${functionName || '(anonymous)'} ${mod}:${lineNumber + 1}`;
  selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + dt);
  selfByModule.set(mod, (selfByModule.get(mod) ?? 0) + dt);
}

const top = Number(values.top);
const pct = (n: number) => `${((n / total) * 100).toFixed(1).padStart(5)} %`;
const ms = (n: number) => `${(n / 1000).toFixed(0).padStart(7)} ms`;
console.log(`${file}: ${(total / 1000).toFixed(0)} ms busy, ${(idle / 1000).toFixed(0)} ms idle${values.last ? ` (last ${values.last} s)` : ''}`);
console.log('\nself time by module:');
for (const [m, n] of [...selfByModule].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(n)} ${pct(n)}  ${m}`);
console.log('\nself time by function:');
for (const [f, n] of [...selfByFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(n)} ${pct(n)}  ${f}`);
