/**
 * Which browser the browser tests drive (playwright-core, never a downloaded browser): CHROMIUM_PATH
 * if set, else Debian's Chromium, else an installed Chrome or Edge. Shared by `npm test`'s check
 * (scripts/browser/ensure-browser.ts) and the tests' launcher (test/helpers/browser.ts).
 */
import { accessSync, constants } from 'node:fs';

/** Where Chromium-based browsers are installed, in the order they are preferred. */
export const BROWSER_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/opt/google/chrome/chrome',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/opt/microsoft/msedge/msedge',
  '/usr/bin/microsoft-edge-stable',
  '/usr/bin/microsoft-edge',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
];

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export type BrowserFound = { path: string; how: string } | { problem: string };

/** The browser to use, and how it was found; or why none can be used. */
export function findBrowser(env: NodeJS.ProcessEnv = process.env, candidates: readonly string[] = BROWSER_CANDIDATES): BrowserFound {
  const named = env['CHROMIUM_PATH'];
  if (named) return executable(named) ? { path: named, how: 'CHROMIUM_PATH' } : { problem: `CHROMIUM_PATH names ${named}, which is not an executable file. Point it at a Chromium, Chrome or Edge, or unset it.` };
  const found = candidates.find(executable);
  return found ? { path: found, how: 'installed' } : { problem: 'none found' };
}

/** The browser's path, or an error whose message is the one line to act on. */
export function browserPath(): string {
  const found = findBrowser();
  if ('path' in found) return found.path;
  throw new Error(found.problem === 'none found' ? 'No browser for the browser tests: run npm test (it installs Debian\'s chromium where it may), or sudo apt-get install -y chromium, or set CHROMIUM_PATH.' : found.problem);
}
