/**
 * The trained embedded recognizer kept on disk between starts (src/nlu/model-cache.ts): a model read
 * back answers exactly as the one trained, a change of training data trains again, and a damaged
 * cache file is ignored, reported and written anew.
 */
import { appendFile, cp, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { expect } from 'chai';
import { loadContent } from '../src/core/content/load.js';
import { EmbeddedRecognizer } from '../src/nlu/embedded.js';
import { DiskModelCache, type ModelCache } from '../src/nlu/model-cache.js';
import { REPO_ROOT, removeDir, startConversation, tempDir, textOf, type Conversation } from './helpers/harness.js';

const LOCALES = path.join(REPO_ROOT, 'locales');

function options(localesDir: string, cacheDir: string, problems: string[] = []) {
  const content = loadContent({ dataDir: path.join(REPO_ROOT, 'data'), localesDir, defaultLocale: 'sv' });
  return {
    localesDir,
    riskPatterns: Object.fromEntries(Object.entries(content.locales).map(([locale, l]) => [locale, l.risk])),
    defaultLanguage: 'sv',
    cache: new DiskModelCache(cacheDir, 'embedded-recognizer', (message) => problems.push(message)),
  };
}

/** Every text of the evaluation sets, with the locale it is written in. */
async function evaluationTexts(): Promise<Array<{ text: string; locale: string }>> {
  const out: Array<{ text: string; locale: string }> = [];
  for (const dir of ['heldout', 'fresh2', 'en-fresh']) {
    const folder = path.join(REPO_ROOT, 'test', 'nlu', dir);
    for (const file of await readdir(folder)) {
      const lines = (await readFile(path.join(folder, file), 'utf8')).split('\n').filter((l) => l.includes('\t') && !l.startsWith('#'));
      for (const line of lines) out.push({ text: line.split('\t').slice(1).join('\t'), locale: dir.startsWith('en') ? 'en' : 'sv' });
    }
  }
  return out;
}

describe('the trained recognizer kept on disk', function () {
  // Training twice and reading 1500+ texts through the safety net (every sentence and clause) takes
  // well over a minute when the two cores are shared.
  this.timeout(300_000);
  let cacheDir: string;

  beforeEach(async () => {
    cacheDir = await tempDir('intake-nlu-cache-');
  });
  afterEach(async () => {
    await removeDir(cacheDir);
  });

  it('is written by the first start and read by the next, which answers exactly as the trained one', async () => {
    // Training runs in worker threads: the process that will serve turns stays free meanwhile (and
    // is not left with training's heap and code), so no pause of its event loop comes near the training's length.
    const pauses = monitorEventLoopDelay({ resolution: 20 });
    pauses.enable();
    const trainingStarted = performance.now();
    const trained = await EmbeddedRecognizer.train(options(LOCALES, cacheDir));
    const trainingMs = performance.now() - trainingStarted;
    pauses.disable();
    expect(trained.fromCache).to.equal(false);
    expect(pauses.max / 1e6, `longest pause of the event loop during ${trainingMs.toFixed(0)} ms of training`).to.be.below(trainingMs / 4);
    const files = await readdir(cacheDir);
    expect(files).to.have.length(1);

    const started = performance.now();
    const read = await EmbeddedRecognizer.train(options(LOCALES, cacheDir));
    const readMs = performance.now() - started;
    expect(read.fromCache).to.equal(true);
    expect(read.languages.sort()).to.deep.equal(trained.languages.sort());

    const texts = await evaluationTexts();
    expect(texts.length).to.be.greaterThan(1500);
    for (const { text, locale } of texts) {
      expect(await read.recognize(text, locale), text).to.deep.equal(await trained.recognize(text, locale));
    }
    console.log(`      (read from the cache in ${readMs.toFixed(0)} ms)`);
  });

  it('is trained again when an example changes; older models go but for the two newest', async () => {
    const locales = path.join(cacheDir, 'locales');
    await cp(LOCALES, locales, { recursive: true });
    const cache = path.join(cacheDir, 'models');
    await EmbeddedRecognizer.train(options(locales, cache));
    const [before] = await readdir(cache);

    await appendFile(path.join(locales, 'sv', 'nlu', 'intents', 'human.txt'), '\nfår jag snacka med en riktig handläggare\n');
    const changed = await EmbeddedRecognizer.train(options(locales, cache));
    expect(changed.fromCache, 'a changed example must train again').to.equal(false);
    expect((await readdir(cache)).sort()).to.have.length(2).and.include(before);
    expect((await EmbeddedRecognizer.train(options(locales, cache))).fromCache).to.equal(true);
    for (const line of ['\nkan jag få snacka med en människa\n', '\njag vill prata med en person\n']) {
      await appendFile(path.join(locales, 'sv', 'nlu', 'intents', 'human.txt'), line);
      expect((await EmbeddedRecognizer.train(options(locales, cache))).fromCache).to.equal(false);
    }
    const after = await readdir(cache);
    expect(after, 'the newest and two before it').to.have.length(3);
    expect(after).to.not.include(before);
  });

  it('is trained again when a risk pattern changes (the patterns shape the calm examples)', async () => {
    const locales = path.join(cacheDir, 'locales');
    await cp(LOCALES, locales, { recursive: true });
    const cache = path.join(cacheDir, 'models');
    await EmbeddedRecognizer.train(options(locales, cache));
    const risk = path.join(locales, 'sv', 'risk.yaml');
    await writeFile(risk, (await readFile(risk, 'utf8')).replace(/^(ignore:\s*\n)/mu, '$1  - "dör av tristess"\n'));
    expect((await readFile(risk, 'utf8')).includes('dör av tristess'), 'the test changed risk.yaml').to.equal(true);
    expect((await EmbeddedRecognizer.train(options(locales, cache))).fromCache).to.equal(false);
  });

  it('starts with only the default language restored: a conversation in English right after start is understood, danger included', async () => {
    const first = path.join(cacheDir, 'first');
    await EmbeddedRecognizer.train(options(LOCALES, first));
    // Another folder with the same file: this process's own recognizer of `first` is not reused.
    const second = path.join(cacheDir, 'second');
    await cp(first, second, { recursive: true });
    let convo: Conversation | undefined;
    try {
      convo = await startConversation({ env: { NLU_CACHE_DIR: second } });
      const opened = textOf(await convo.send({ type: 'conversationUpdate', locale: 'en-GB', membersAdded: [{ id: 'resident-1', name: 'Resident' }] }));
      expect(opened).to.include('call 112');
      const started = performance.now();
      const asked = textOf(await convo.send({ type: 'message', locale: 'en-GB', text: 'I want to kill myself tonight' }));
      const firstEnglishMs = performance.now() - started;
      // The safety net's alarm, in English (locales/en/texts.yaml safety.acknowledge).
      expect(asked).to.include('I take what you write seriously.');
      console.log(`      (the first English turn, restoring English, took ${firstEnglishMs.toFixed(0)} ms)`);
    } finally {
      await convo?.close();
    }
  });

  it('restores a language other than the default at its first text; a part that cannot be restored then is reported and that language trained', async () => {
    await EmbeddedRecognizer.train(options(LOCALES, cacheDir));
    const disk = options(LOCALES, cacheDir).cache;
    const problems: string[] = [];
    let discarded = 0;
    // The English intents of the cached model no longer readable by wink, which only restoring English reads.
    const broken: ModelCache = {
      read: async (key) => {
        const value = (await disk.read(key)) as Array<{ language: string; intents: unknown }>;
        return value.map((part) => (part.language === 'en' ? { ...part, intents: new TextEncoder().encode('{"not": "wink"') } : part));
      },
      unusable: (_key, err) => problems.push(err.message),
      write: (key, value) => disk.write(key, value),
      discard: async () => void discarded++,
    };
    const recognizer = await EmbeddedRecognizer.train({ ...options(LOCALES, cacheDir), cache: broken });
    expect(recognizer.fromCache, 'the start read Swedish from the cache and left English').to.equal(true);
    expect(problems).to.deep.equal([]);
    expect((await recognizer.recognize('kan jag prata med någon på riktigt?', 'sv')).intent).to.equal('human');

    expect((await recognizer.recognize('can I talk to a real person?', 'en')).intent).to.equal('human');
    expect(problems, 'reported when English was first needed').to.have.length(1);
    expect(discarded, 'the file dropped, so the next start trains').to.equal(1);
    expect((await recognizer.recognize('I want to kill myself', 'en')).safety.level).to.equal('acute');
  });

  for (const [what, damage] of [
    ['cut short', (raw: Buffer) => raw.subarray(0, Math.floor(raw.length / 2))],
    ['not a model file at all', () => Buffer.from('\u0000\u0000garbage')],
    // One weight fewer than the risk model has features: the bytes of the file still add up.
    ['of another shape', (raw: Buffer) => Buffer.from(raw.toString('latin1').replace(/\["f64",(\d+),(\d+)\]/u, (_m, at: string, n: string) => `["f64",${at},${String(Number(n) - 1).padStart(n.length, ' ')}]`), 'latin1')],
  ] as const) {
    it(`ignores a cache file ${what}, says so, trains and writes it anew`, async () => {
      await EmbeddedRecognizer.train(options(LOCALES, cacheDir));
      const [name] = await readdir(cacheDir);
      const file = path.join(cacheDir, name!);
      const raw = await readFile(file);
      const damaged = damage(raw);
      expect(damaged.equals(raw), 'the test damaged the file').to.equal(false);
      await writeFile(file, damaged);

      const problems: string[] = [];
      const recognizer = await EmbeddedRecognizer.train(options(LOCALES, cacheDir, problems));
      expect(recognizer.fromCache).to.equal(false);
      expect((await recognizer.recognize('kan jag prata med någon på riktigt?', 'sv')).intent).to.equal('human');
      expect(problems.join('\n')).to.match(/ignoring .*embedded-recognizer-.*\.bin/u);
      expect((await EmbeddedRecognizer.train(options(LOCALES, cacheDir))).fromCache, 'written anew').to.equal(true);
    });
  }
});
