/**
 * The recognizer the configuration asks for: the embedded one (trained at start-up), or a cloud
 * model in front of it. A trained embedded recognizer is kept per training data within the process,
 * so tests and tools that build the stack many times train once.
 */
import type { NluConfig } from '../config.js';
import type { Content } from '../core/content/load.js';
import type { Recognizer } from '../core/nlu/recognizer.js';
import type { Logger } from '../logger.js';
import { CloudRecognizer } from './cloud.js';
import { CluIntentModel } from './clu.js';
import { EmbeddedRecognizer, trainingFingerprint } from './embedded.js';
import { LuisIntentModel } from './luis.js';

const trained = new Map<string, Promise<EmbeddedRecognizer>>();

/** Trains (or reuses) the embedded recognizer for these locales. */
export function embeddedRecognizer(localesDir: string, content: Content): Promise<EmbeddedRecognizer> {
  const key = `${localesDir}\n${Object.keys(content.locales).sort().join(',')}\n${trainingFingerprint(localesDir)}`;
  let model = trained.get(key);
  if (!model) {
    const riskPatterns = Object.fromEntries(Object.entries(content.locales).map(([locale, l]) => [locale, l.risk]));
    model = EmbeddedRecognizer.train({ localesDir, riskPatterns, defaultLanguage: content.defaultLocale.split('-')[0]! });
    model.catch(() => trained.delete(key));
    trained.set(key, model);
  }
  return model;
}

export interface CreatedRecognizer {
  recognizer: Recognizer;
  embedded: EmbeddedRecognizer;
  /** Time spent training (0 when a trained model was reused). */
  trainingMs: number;
}

export async function createRecognizer(config: NluConfig, localesDir: string, content: Content, logger: Logger): Promise<CreatedRecognizer> {
  const started = Date.now();
  const embedded = await embeddedRecognizer(localesDir, content);
  const trainingMs = Date.now() - started;
  if (config.recognizer === 'luis' && config.luis) {
    return { recognizer: new CloudRecognizer(new LuisIntentModel(config.luis), embedded, config.timeoutMs, logger), embedded, trainingMs };
  }
  if (config.recognizer === 'clu' && config.clu) {
    return { recognizer: new CloudRecognizer(new CluIntentModel(config.clu), embedded, config.timeoutMs, logger), embedded, trainingMs };
  }
  return { recognizer: embedded, embedded, trainingMs };
}
