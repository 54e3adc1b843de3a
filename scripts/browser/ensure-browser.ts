/**
 * The first step of `npm test`: makes sure the browser tests have a browser, before anything else
 * runs, so that a machine without one gets one line to act on instead of a wall of failed tests.
 *  - CHROMIUM_PATH, Debian's Chromium, or an installed Chrome or Edge: used as it is.
 *  - None, but this user may install packages (root, or sudo without a password) and apt-get is
 *    there: Debian's chromium is installed, with a progress line (about 20 s).
 *  - Otherwise: one line saying exactly what to run, and exit 1.
 */
import { spawn, spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { findBrowser, type BrowserFound } from './find-browser.js';

const INSTALL = 'sudo apt-get install -y chromium';

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

function canRun(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/** Runs apt-get, showing its progress on one line (rewritten on a terminal, every few steps otherwise). */
function apt(prefix: string[], args: string[], label: string): Promise<void> {
  const [command, ...rest] = [...prefix, 'apt-get', ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(command!, rest, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const tty = process.stderr.isTTY;
    let steps = 0;
    let tail = '';
    const onLine = (line: string) => {
      tail = `${tail}\n${line}`.slice(-2000);
      if (!/^(Get:|Unpacking|Setting up|Selecting|Preparing)/u.test(line)) return;
      steps += 1;
      const text = `  ${label}: ${line.slice(0, 100)}`;
      if (tty) process.stderr.write(`\r\x1b[K${text}`);
      else if (steps % 20 === 1 || line.startsWith('Setting up chromium')) say(text);
    };
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.on('data', (d: Buffer) => {
        const lines = (rest + d.toString()).split('\n');
        rest = lines.pop() ?? '';
        lines.forEach(onLine);
      });
    }
    child.on('error', reject);
    child.on('close', (code) => {
      if (tty) process.stderr.write('\r\x1b[K');
      if (code === 0) resolve();
      else reject(new Error(`apt-get ${args.join(' ')} failed (exit ${code}):${tail}`));
    });
  });
}

/** What to do, given what was found and what this user may do: nothing, install, or stop with a line. */
export function plan(found: BrowserFound, may: { root: boolean; sudo: boolean; apt: boolean }): { action: 'use' } | { action: 'install' } | { action: 'stop'; line: string } {
  if ('path' in found) return { action: 'use' };
  if (found.problem !== 'none found') return { action: 'stop', line: found.problem };
  if (may.apt && (may.root || may.sudo)) return { action: 'install' };
  return {
    action: 'stop',
    line: may.apt
      ? `The browser tests need Chromium and none is installed: run ${INSTALL} (or set CHROMIUM_PATH to a Chromium, Chrome or Edge), then npm test again.`
      : 'The browser tests need Chromium, Chrome or Edge and none was found: install one, or set CHROMIUM_PATH to it, then npm test again.',
  };
}

async function main(): Promise<void> {
  const root = process.getuid?.() === 0;
  const sudo = !root && canRun('sudo', ['-n', 'true']);
  const decided = plan(findBrowser(), { root, sudo, apt: canRun('apt-get', ['--version']) });
  if (decided.action === 'use') return;
  if (decided.action === 'stop') {
    say(decided.line);
    process.exit(1);
  }
  const started = Date.now();
  say("No browser for the browser tests: installing Debian's chromium (apt-get install chromium, about 20 s)…");
  const prefix = sudo ? ['sudo', '-n'] : [];
  await apt(prefix, ['update', '-q'], 'updating the package lists');
  await apt(prefix, ['install', '-y', '-q', 'chromium'], 'installing chromium');
  const after = findBrowser();
  if (!('path' in after)) throw new Error('apt-get installed chromium, but it is not at /usr/bin/chromium');
  say(`Installed ${after.path} in ${Math.round((Date.now() - started) / 1000)} s.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    say(`Could not install the browser for the browser tests: ${(err as Error).message}\nRun ${INSTALL} yourself, then npm test again.`);
    process.exit(1);
  });
}
