/**
 * `npm test`'s first step (scripts/browser/ensure-browser.ts): a machine with a browser uses it, one
 * without gets Debian's Chromium installed where the user may, and otherwise one line to act on.
 * The whole command is also run as a user who may not install, with the browser hidden from it.
 */
import { spawnSync } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { findBrowser } from '../scripts/browser/find-browser.js';
import { plan } from '../scripts/browser/ensure-browser.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';

describe("npm test's browser check", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir('intake-browser-check-');
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('prefers CHROMIUM_PATH, then the first installed candidate, and says when CHROMIUM_PATH is wrong', async () => {
    const fake = path.join(dir, 'my-chrome');
    await writeFile(fake, '#!/bin/sh\n');
    await chmod(fake, 0o755);
    expect(findBrowser({ CHROMIUM_PATH: fake }, [])).to.deep.equal({ path: fake, how: 'CHROMIUM_PATH' });
    expect(findBrowser({}, [path.join(dir, 'missing'), fake])).to.deep.equal({ path: fake, how: 'installed' });
    expect(findBrowser({}, [path.join(dir, 'missing')])).to.deep.equal({ problem: 'none found' });
    expect(findBrowser({ CHROMIUM_PATH: path.join(dir, 'missing') }, [fake])).to.have.property('problem').that.includes('CHROMIUM_PATH names');
  });

  it('installs where it may (root or sudo without a password, with apt-get), else stops with one line saying what to run', () => {
    const none = { problem: 'none found' } as const;
    expect(plan({ path: '/usr/bin/chromium', how: 'installed' }, { root: false, sudo: false, apt: false })).to.deep.equal({ action: 'use' });
    expect(plan(none, { root: true, sudo: false, apt: true })).to.deep.equal({ action: 'install' });
    expect(plan(none, { root: false, sudo: true, apt: true })).to.deep.equal({ action: 'install' });
    const noRights = plan(none, { root: false, sudo: false, apt: true });
    expect(noRights).to.deep.equal({
      action: 'stop',
      line: 'The browser tests need Chromium and none is installed: run sudo apt-get install -y chromium (or set CHROMIUM_PATH to a Chromium, Chrome or Edge), then npm test again.',
    });
    expect(plan(none, { root: true, sudo: false, apt: false })).to.have.property('action', 'stop');
  });

  it('as a user who may not install, on a machine where the browser is hidden: exits 1 at once with that one line', function () {
    // A mount namespace hides /usr/bin/chromium; needs root to make (CI runs as root).
    if (process.getuid?.() !== 0 || spawnSync('unshare', ['--version']).status !== 0) this.skip();
    // The checkout is bound to a folder anyone may enter: CI's clone lives under a private mktemp
    // folder (mode 700) that the unprivileged user could not pass through to reach tsx.
    const script = [
      'mount --bind /dev/null /usr/bin/chromium 2>/dev/null || exit 99',
      'open=$(mktemp -d) && chmod 755 "$open" && mount --bind "$REPO" "$open" || exit 99',
      'cd "$open"',
      'exec setpriv --reuid 65534 --regid 65534 --clear-groups env HOME=/tmp PATH="$PATH" CHROMIUM_PATH= node --import tsx scripts/browser/ensure-browser.ts',
    ].join('; ');
    const run = spawnSync('unshare', ['-m', 'sh', '-c', script], {
      cwd: REPO_ROOT,
      env: { ...process.env, REPO: REPO_ROOT },
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (run.status === 99) this.skip();
    expect(run.status).to.equal(1);
    expect(run.stderr.trim().split('\n')).to.deep.equal([
      'The browser tests need Chromium and none is installed: run sudo apt-get install -y chromium (or set CHROMIUM_PATH to a Chromium, Chrome or Edge), then npm test again.',
    ]);
  });
});
