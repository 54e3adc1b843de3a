/** Runs a package script's entry as `npm run` does (node with tsx), with only the given variables. */
import { spawn } from 'node:child_process';
import { REPO_ROOT } from './paths.js';

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The script in a child process, `input` fed on stdin; PATH is the only variable passed on besides `env`. */
export function runScript(script: string, args: string[], env: Record<string, string> = {}, input = ''): Promise<ScriptRun> {
  return runCommand(process.execPath, ['--import', 'tsx', script, ...args], { PATH: process.env['PATH'] ?? '', ENV_FILE: '', ...env }, input);
}

/** Any command in the repository with exactly this environment, `input` on stdin; resolves with its exit and output. */
export function runCommand(command: string, args: string[], env: Record<string, string>, input = ''): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
