/**
 * Runs a Dockerfile's steps without a Docker engine (there is none on these machines, and no image
 * registry), closely enough to catch what breaks an image: a file the build forgot to copy, a step
 * that fails, a start that needs a development package, a data folder the runtime user cannot write,
 * a health check that does not answer.
 *
 * Each stage gets a folder standing for its file system; WORKDIR, COPY (from the build context or
 * --from an earlier stage), RUN, ENV, USER, VOLUME, HEALTHCHECK and CMD are carried out or recorded.
 * The base image is this machine (its node and npm). Absolute paths of the Dockerfile's own folders
 * (its WORKDIRs, VOLUMEs and ENV paths) are placed inside the stage's folder, in RUN commands and in
 * the environment alike; `chown` to the image's user is done to that user's uid.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** The instructions of a Dockerfile: comments dropped, continued lines joined. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/u.test(line)) continue;
    while (line.trimEnd().endsWith('\\') && i + 1 < lines.length) {
      line = `${line.trimEnd().slice(0, -1)} ${lines[++i]!.trim()}`;
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/u.exec(line);
    if (!m) throw new Error(`Dockerfile line ${start + 1}: cannot read "${line}"`);
    out.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start + 1 });
  }
  return out;
}

/** A JSON exec form (["node", "x.js"]). */
function execForm(args: string, what: string): string[] {
  const parsed = JSON.parse(args) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`${what} must be in exec form (a JSON array)`);
  return parsed as string[];
}

/** KEY=value pairs of ENV (values may be quoted; an empty value is allowed). */
function envPairs(args: string): Array<[string, string]> {
  return [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/gu)].map((m) => [m[1]!, m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!]);
}

export interface Stage {
  name: string;
  /** The folder standing for the stage's "/". */
  root: string;
  workdir: string;
  env: Record<string, string>;
  user?: string;
  volumes: string[];
  healthcheck?: { command: string[]; options: Record<string, string> };
  cmd?: string[];
}

export interface BuildOptions {
  dockerfile: string;
  /** The build context (a clean folder holding what .dockerignore lets through). */
  context: string;
  /** Where the stages' folders go. */
  into: string;
  /** uid and gid of the image's user by name ("node" is 1000 in the official Node images). */
  users: Record<string, { uid: number; gid: number }>;
  /** The environment RUN steps start from (PATH, npm's cache …); ENV adds to it. */
  baseEnv: Record<string, string>;
  onStep?: (line: string) => void;
}

/** Runs a shell command; rejects with its output when it fails. */
export function run(command: string, cwd: string, env: Record<string, string>, options: { uid?: number; gid?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`"${command}" failed (exit ${code}):\n${out.slice(-4000)}`))));
  });
}

export interface Built {
  /** Every stage in order; the last is the image. */
  stages: Stage[];
  /** A text (a command, a value of ENV) with the Dockerfile's absolute folders placed inside the stage's root. */
  inside(stage: Stage, text: string): string;
}

/** Builds every stage in order. */
export async function buildDockerfile(options: BuildOptions): Promise<Built> {
  const instructions = parseDockerfile(await readFile(options.dockerfile, 'utf8'));
  const stages: Stage[] = [];
  // The Dockerfile's own absolute folders: placed inside a stage's root wherever they appear.
  const ownRoots = new Set<string>();
  for (const i of instructions) {
    if (i.keyword === 'WORKDIR') ownRoots.add(i.args.split('/')[1]!);
    if (i.keyword === 'VOLUME') for (const v of execForm(i.args, 'VOLUME')) ownRoots.add(v.split('/')[1]!);
    if (i.keyword === 'ENV') for (const [, v] of envPairs(i.args)) if (v.startsWith('/')) ownRoots.add(v.split('/')[1]!);
  }
  const inside = (stage: Stage, text: string) => text.replace(new RegExp(`(^|[\\s=:'"])/(${[...ownRoots].join('|')})(?=/|\\s|$|'|")`, 'gu'), `$1${stage.root}/$2`);
  let stage: Stage | undefined;
  for (const i of instructions) {
    options.onStep?.(`${stage?.name ?? ''} ${i.keyword} ${i.args}`.trim());
    if (i.keyword === 'FROM') {
      const name = /\bAS\s+(\S+)/iu.exec(i.args)?.[1] ?? `stage-${stages.length}`;
      const root = path.join(options.into, name);
      await mkdir(root, { recursive: true });
      stage = { name, root, workdir: '/', env: {}, volumes: [] };
      stages.push(stage);
      continue;
    }
    if (!stage) throw new Error(`Dockerfile line ${i.line}: ${i.keyword} before FROM`);
    const current = stage;
    const abs = (p: string) => path.join(current.root, path.posix.isAbsolute(p) ? p : path.posix.join(current.workdir, p));
    switch (i.keyword) {
      case 'WORKDIR':
        current.workdir = path.posix.resolve(current.workdir, i.args);
        await mkdir(abs('.'), { recursive: true });
        break;
      case 'ENV':
        for (const [k, v] of envPairs(i.args)) current.env[k] = v;
        break;
      case 'COPY': {
        const words = i.args.split(/\s+/u);
        const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
        const paths = words.filter((w) => !w.startsWith('--'));
        const dest = paths.pop()!;
        const source = from ? stages.find((s) => s.name === from) : undefined;
        if (from && !source) throw new Error(`Dockerfile line ${i.line}: no stage "${from}"`);
        for (const src of paths) {
          const origin = source ? path.join(source.root, src) : path.join(options.context, src);
          const target = dest.endsWith('/') ? path.join(abs(dest), path.basename(src)) : abs(dest);
          await mkdir(path.dirname(target), { recursive: true });
          await cp(origin, target, { recursive: true, verbatimSymlinks: true }).catch((err: Error) => {
            throw new Error(`Dockerfile line ${i.line}: COPY ${src}: ${err.message}`);
          });
        }
        break;
      }
      case 'RUN': {
        // chown to the image's user: that user's uid and gid.
        const command = inside(current, i.args).replace(/\bchown\s+(\w+):(\w+)/gu, (_m, u: string, g: string) => `chown ${options.users[u]?.uid ?? u}:${options.users[g]?.gid ?? g}`);
        await run(command, abs('.'), { ...options.baseEnv, ...environment(current, inside) });
        break;
      }
      case 'USER':
        current.user = i.args;
        break;
      case 'VOLUME':
        current.volumes.push(...execForm(i.args, 'VOLUME'));
        break;
      case 'HEALTHCHECK': {
        const m = /^((?:--\S+\s+)*)CMD\s+(.*)$/u.exec(i.args);
        if (!m) throw new Error(`Dockerfile line ${i.line}: HEALTHCHECK needs CMD`);
        current.healthcheck = { command: execForm(m[2]!, 'HEALTHCHECK CMD'), options: Object.fromEntries([...m[1]!.matchAll(/--([\w-]+)=(\S+)/gu)].map((o) => [o[1]!, o[2]!])) };
        break;
      }
      case 'CMD':
        current.cmd = execForm(i.args, 'CMD');
        break;
      case 'EXPOSE':
      case 'LABEL':
        break;
      default:
        throw new Error(`Dockerfile line ${i.line}: ${i.keyword} is not supported by this test`);
    }
  }
  return { stages, inside };
}

/** A stage's ENV, each value as `inside` places it. */
export function environment(stage: Stage, inside: (stage: Stage, text: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(stage.env).map(([k, v]) => [k, inside(stage, v)]));
}
