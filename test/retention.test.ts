/** Retention: what the greeting promises ("kept at most N days") is what happens on disk. */
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { sweepExpired } from '../src/storage/retention.js';
import { removeDir, tempDir } from './helpers/harness.js';

describe('retention of stored answers', () => {
  let dir: string;
  beforeEach(async () => (dir = await tempDir()));
  afterEach(async () => removeDir(dir));

  async function file(rel: string, ageDays: number): Promise<string> {
    const full = path.join(dir, rel);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, '{}');
    const t = new Date(Date.now() - ageDays * 24 * 60 * 60 * 1000);
    await utimes(full, t, t);
    return full;
  }

  it('removes state, transcripts and cases older than the retention period and keeps newer ones', async () => {
    const old = [await file('state/a.json', 91), await file('transcripts/webchat/b.json', 120), await file('cases/NV-2026-000001.json', 95)];
    const fresh = [await file('state/c.json', 1), await file('cases/NV-2026-000002.json', 89)];
    const counter = await file('counters/2026.json', 400);
    const result = await sweepExpired(dir, 90);
    expect(result).to.deep.equal({ removed: 3, kept: 2 });
    for (const f of old) expect(existsSync(f), f).to.equal(false);
    for (const f of fresh) expect(existsSync(f), f).to.equal(true);
    // The case counter is not personal data and must survive, or numbers would repeat.
    expect(existsSync(counter)).to.equal(true);
  });
});
