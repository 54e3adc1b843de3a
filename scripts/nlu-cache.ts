/**
 * `npm run nlu:cache`: trains the embedded recognizer and keeps it in NLU_CACHE_DIR (or finds it
 * there already), so the next start reads it instead of training. The Dockerfile runs it at build
 * time; after changing the examples in locales/<lang>/nlu/ any start does it by itself.
 */
import { ConfigError, loadConfig } from '../src/config.js';
import { ContentError, loadContent } from '../src/core/content/load.js';
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
  const content = loadContent({ dataDir: config.contentDir, localesDir: config.localesDir, defaultLocale: config.defaultLocale });
  const { fromCache, trainingMs } = await createRecognizer({ ...config.nlu, recognizer: 'embedded' }, config.localesDir, content, createLogger('warn'));
  console.log(fromCache ? `The trained recognizer in ${config.nlu.cacheDir} is current (read in ${trainingMs} ms).` : `Trained the recognizer in ${trainingMs} ms and kept it in ${config.nlu.cacheDir}.`);
} catch (err) {
  if (err instanceof ConfigError) console.error(err.message);
  else if (err instanceof ContentError) console.error(`Content error: ${err.message}. Fix the file and try again.`);
  else console.error(`nlu:cache failed: ${(err as Error).message}`);
  process.exit(1);
}
