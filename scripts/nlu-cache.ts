/**
 * `npm run nlu:cache`: trains the embedded recognizer and keeps it in NLU_CACHE_DIR (or finds it
 * there already), with the content's parsed YAML, so the next start reads both instead of training
 * and parsing. The Dockerfile runs it at build
 * time; after changing the examples in locales/<lang>/nlu/ any start does it by itself.
 */
import { ConfigError, loadConfig } from '../src/config.js';
import { ContentError, loadContent } from '../src/core/content/load.js';
import { parseYamlCached, useYamlCache } from '../src/core/content/yaml-cache.js';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { loadEnvFileOrExit } from '../src/env-file.js';
import { createLogger } from '../src/logger.js';
import { createRecognizer } from '../src/nlu/create.js';

try {
  loadEnvFileOrExit();
  const config = loadConfig();
  if (!config.nlu.cacheDir) {
    console.error('NLU_CACHE_DIR is off: nothing to keep.');
    process.exit(1);
  }
  // The content's parsed YAML is kept beside the model (src/core/content/yaml-cache.ts).
  useYamlCache(config.nlu.cacheDir, (message) => console.warn(`content cache: ${message}`));
  const content = loadContent({ dataDir: config.contentDir, localesDir: config.localesDir, defaultLocale: config.defaultLocale });
  // Every other YAML file too (staff and Teams texts, the widget's strings …): a container's cache
  // folder is read-only at run time, so what is not kept here would be parsed at every start.
  for (const root of [config.contentDir, config.localesDir]) {
    for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.yaml')) continue;
      try {
        parseYamlCached(readFileSync(path.join(entry.parentPath, entry.name), 'utf8'));
      } catch {
        // Not valid YAML: the start that reads it says so.
      }
    }
  }
  const { fromCache, trainingMs } = await createRecognizer({ ...config.nlu, recognizer: 'embedded' }, config.localesDir, content, createLogger('warn'));
  console.log(fromCache ? `The trained recognizer in ${config.nlu.cacheDir} is current (read in ${trainingMs} ms).` : `Trained the recognizer in ${trainingMs} ms and kept it in ${config.nlu.cacheDir}.`);
} catch (err) {
  if (err instanceof ConfigError) console.error(err.message);
  else if (err instanceof ContentError) console.error(`Content error: ${err.message}. Fix the file and try again.`);
  else console.error(`nlu:cache failed: ${(err as Error).message}`);
  process.exit(1);
}
