/**
 * Parsed YAML kept on disk between starts (src/core/content/yaml-cache.ts): the content read through
 * the cache is exactly the content parsed, a changed file is parsed again (its change shows), a YAML
 * error is reported as before, and a damaged cache file is ignored, reported and written anew.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { ContentError, loadContent } from '../src/core/content/load.js';
import { useYamlCache } from '../src/core/content/yaml-cache.js';
import { REPO_ROOT, removeDir, tempDir } from './helpers/harness.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('parsed YAML kept on disk', function () {
  this.timeout(60_000);
  let root: string;
  let cacheDir: string;
  let dataDir: string;
  let localesDir: string;
  const problems: string[] = [];
  const load = () => loadContent({ dataDir, localesDir, defaultLocale: 'sv' });

  before(async () => {
    root = await tempDir('intake-yaml-cache-');
    cacheDir = path.join(root, 'cache');
    dataDir = path.join(root, 'data');
    localesDir = path.join(root, 'locales');
    await cp(path.join(REPO_ROOT, 'data'), dataDir, { recursive: true });
    await cp(path.join(REPO_ROOT, 'locales'), localesDir, { recursive: true });
  });

  after(async () => {
    useYamlCache(undefined);
    await removeDir(root);
  });

  it('gives the same content as parsing, from a file written at the first load', async () => {
    useYamlCache(undefined);
    const parsed = load();
    useYamlCache(cacheDir, (m) => problems.push(m));
    expect(load()).to.deep.equal(parsed);
    await settle();
    const file = JSON.parse(await readFile(path.join(cacheDir, 'parsed-yaml.json'), 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(file.entries).length).to.be.greaterThan(10);
    // A new process (here: the cache pointed elsewhere and back) reads the file, not the YAML.
    useYamlCache(path.join(root, 'elsewhere'));
    useYamlCache(cacheDir, (m) => problems.push(m));
    expect(load()).to.deep.equal(parsed);
    expect(problems).to.deep.equal([]);
  });

  it('parses a changed file again, so an edit shows at the next start', async () => {
    const file = path.join(localesDir, 'sv', 'texts.yaml');
    const before = await readFile(file, 'utf8');
    const greeting = load().locales['sv']!.texts;
    await writeFile(file, `${before}\nnvCacheProbe: "Ändrad text"\n`);
    useYamlCache(path.join(root, 'elsewhere'));
    useYamlCache(cacheDir);
    const changed = load().locales['sv']!.texts;
    expect(changed['nvCacheProbe']).to.equal('Ändrad text');
    expect(greeting['nvCacheProbe']).to.equal(undefined);
    await writeFile(file, before);
  });

  it('keeps the checked content: read back as checked; an edit with a mistake, or another default locale, is checked again', async () => {
    useYamlCache(undefined);
    const checked = load();
    useYamlCache(cacheDir);
    load();
    await settle();
    const kept = JSON.parse(await readFile(path.join(cacheDir, 'parsed-yaml.json'), 'utf8')) as { entries: Record<string, unknown> };
    const key = Object.keys(kept.entries).find((k) => k.startsWith('checked content '));
    expect(key, 'the checked content is in the cache file').to.be.a('string');
    useYamlCache(path.join(root, 'elsewhere'));
    useYamlCache(cacheDir);
    expect(load(), 'read back from the file').to.deep.equal(checked);

    // The files and the default locale are the key: the kept content never stands in for changed content.
    expect(() => loadContent({ dataDir, localesDir, defaultLocale: 'de' })).to.throw(ContentError, /the default locale "de" has no folder/u);
    const file = path.join(dataDir, 'directory.yaml');
    const before = await readFile(file, 'utf8');
    await writeFile(file, before.replace('responseDays: 3', 'responseDays: tre'));
    try {
      useYamlCache(path.join(root, 'elsewhere'));
      useYamlCache(cacheDir);
      expect(load).to.throw(ContentError, /directory\.yaml: .*responseDays/u);
    } finally {
      await writeFile(file, before);
    }
  });

  it('still names the line of a YAML syntax error', async () => {
    const file = path.join(dataDir, 'routing.yaml');
    const before = await readFile(file, 'utf8');
    await writeFile(file, `${before}\n  - [unclosed\n`);
    try {
      expect(load).to.throw(ContentError, /routing\.yaml: line \d+, column \d+: is not valid YAML/u);
    } finally {
      await writeFile(file, before);
    }
  });

  it('ignores a damaged cache file, says so, and writes it anew', async () => {
    const cacheFile = path.join(cacheDir, 'parsed-yaml.json');
    await settle();
    const good = await readFile(cacheFile, 'utf8');
    // Cut off, and with one letter of a text changed (still JSON: only the checksum tells).
    const at = good.indexOf('Värmland');
    const tampered = `${good.slice(0, at)}W${good.slice(at + 1)}`;
    expect(at).to.be.greaterThan(0);
    for (const damaged of [good.slice(0, good.length / 2), tampered]) {
      await writeFile(cacheFile, damaged);
      const seen: string[] = [];
      useYamlCache(path.join(root, 'elsewhere'));
      useYamlCache(cacheDir, (m) => seen.push(m));
      useYamlCache(undefined);
      const parsed = load();
      useYamlCache(path.join(root, 'elsewhere'));
      useYamlCache(cacheDir, (m) => seen.push(m));
      expect(load()).to.deep.equal(parsed);
      expect(seen.join('\n')).to.match(/ignoring .*parsed-yaml\.json/u);
      await settle();
      expect(JSON.parse(await readFile(cacheFile, 'utf8'))).to.have.property('sum');
      expect(await readFile(cacheFile, 'utf8')).to.not.equal(damaged);
    }
  });
});
