/**
 * The recognizer the configuration asks for: the embedded one (read from its cache on disk, or trained
 * at start-up), or a cloud model in front of it. A trained embedded recognizer is also kept per
 * training data within the process, so tests and tools that build the stack many times load it once.
 */
import type { NluConfig } from '../config.js';
import type { Content } from '../core/content/load.js';
import type { Recognizer } from '../core/nlu/recognizer.js';
import type { Logger } from '../logger.js';
import { CloudRecognizer } from './cloud.js';
import { EmbeddedRecognizer, trainingFingerprint } from './embedded.js';
import { DiskModelCache } from './model-cache.js';

const trained = new Map<string, Promise<EmbeddedRecognizer>>();

/** Trains (or reuses, or reads from `cacheDir`) the embedded recognizer for these locales. */
export function embeddedRecognizer(localesDir: string, content: Content, cacheDir?: string, logger?: Logger): Promise<EmbeddedRecognizer> {
  const key = `${localesDir}\n${cacheDir ?? ''}\n${Object.keys(content.locales).sort().join(',')}\n${trainingFingerprint(localesDir)}`;
  let model = trained.get(key);
  if (!model) {
    const riskPatterns = Object.fromEntries(Object.entries(content.locales).map(([locale, l]) => [locale, l.risk]));
    const cache = cacheDir
      ? new DiskModelCache(cacheDir, 'embedded-recognizer', (message, err) => logger?.warn({ err: err ? { message: err.message } : undefined }, `language understanding cache: ${message}`))
      : undefined;
    // Training takes 10 to 20 s on two cores (the first start, or after the examples changed): said before it begins.
    const onTraining = (languages: string[]) =>
      logger?.info({ languages }, 'language understanding: training the recognizer from its examples (the first start, or they changed); this takes 10-20 s, later starts read it from the cache');
    model = EmbeddedRecognizer.train({ localesDir, riskPatterns, defaultLanguage: content.defaultLocale.split('-')[0]!, ...(cache ? { cache } : {}), onTraining });
    model.catch(() => trained.delete(key));
    trained.set(key, model);
  }
  return model;
}

export interface CreatedRecognizer {
  recognizer: Recognizer;
  embedded: EmbeddedRecognizer;
  /** Time spent training or reading the cache (0 when a model of this process was reused). */
  trainingMs: number;
  /** Whether the embedded model came from the cache on disk instead of training. */
  fromCache: boolean;
}

export async function createRecognizer(config: NluConfig, localesDir: string, content: Content, logger: Logger): Promise<CreatedRecognizer> {
  const started = Date.now();
  const embedded = await embeddedRecognizer(localesDir, content, config.cacheDir, logger);
  const fromCache = embedded.fromCache;
  const trainingMs = Date.now() - started;
  if (config.recognizer === 'luis' && config.luis) {
    return { recognizer: new CloudRecognizer(new (await import('./luis.js')).LuisIntentModel(config.luis), embedded, config.timeoutMs, logger), embedded, trainingMs, fromCache };
  }
  if (config.recognizer === 'clu' && config.clu) {
    return { recognizer: new CloudRecognizer(new (await import('./clu.js')).CluIntentModel(config.clu), embedded, config.timeoutMs, logger), embedded, trainingMs, fromCache };
  }
  return { recognizer: embedded, embedded, trainingMs, fromCache };
}
