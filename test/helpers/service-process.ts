/**
 * The real service as a child process (`node --import tsx src/main.ts`, what `npm start` runs but
 * without the build), for tests that kill it hard or run several instances side by side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { REPO_ROOT } from './paths.js';

/** A port of 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export interface ServiceProcess {
  readonly proc: ChildProcess;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Whether the process has ended. */
  readonly exited: boolean;
  /** The last part of what it printed (stdout and stderr), for failure messages. */
  output(): string;
  /** Sends the signal; resolves once the process has ended. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  port: number;
  /** The environment besides PATH and PORT (DATA_DIR, CONTENT_DIR, DATABASE_URL, …). */
  env: Record<string, string>;
  readyTimeoutMs?: number;
}

const KEEP_OUTPUT = 16_000;

/** Starts the service and resolves once it prints that it is ready. */
export async function startService(options: StartOptions): Promise<ServiceProcess> {
  const proc = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', ENV_FILE: '', PORT: String(options.port), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-KEEP_OUTPUT);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  let exited = false;
  const ended = new Promise<void>((resolve) => {
    proc.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const service: ServiceProcess = {
    proc,
    url: `http://127.0.0.1:${options.port}`,
    get exited() {
      return exited;
    },
    output: () => out,
    kill: async (signal = 'SIGTERM') => {
      if (!exited) proc.kill(signal);
      await ended;
    },
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the service on port ${options.port} was not ready after ${options.readyTimeoutMs ?? 60000} ms: ${out}`));
    }, options.readyTimeoutMs ?? 60000);
    const onData = () => {
      if (!out.includes('Intake assistant ready')) return;
      clearTimeout(timer);
      proc.stdout!.off('data', onData);
      resolve();
    };
    proc.stdout!.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service on port ${options.port} stopped (code ${code}) before it was ready: ${out}`));
    });
  });
  return service;
}
