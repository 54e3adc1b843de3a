/**
 * Cloud recognizers (LUIS-shaped and CLU) answer the intent; topics and risk always come from the
 * embedded recognizer, so crisis detection never waits for, or depends on, a cloud service. A cloud
 * call that fails or takes longer than the timeout falls back to the embedded intent for that turn.
 */
import { INTENTS, type Intent, type Recognition, type Recognizer } from '../core/nlu/recognizer.js';
import type { Logger } from '../logger.js';

export interface IntentPrediction {
  intent: Intent;
  score: number;
}

export interface CloudIntentModel {
  /** Short name for logs and `source` ("luis", "clu"). */
  readonly name: string;
  predict(text: string, locale: string, signal: AbortSignal): Promise<IntentPrediction>;
}

/** Maps a cloud model's intent name to ours ("None" -> none); unknown names count as none. */
export function toIntent(name: string | undefined): Intent {
  const lower = (name ?? '').toLowerCase();
  return (INTENTS as readonly string[]).includes(lower) ? (lower as Intent) : 'none';
}

export class CloudRecognizer implements Recognizer {
  constructor(
    private readonly cloud: CloudIntentModel,
    private readonly embedded: Recognizer,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  async recognize(text: string, locale: string): Promise<Recognition> {
    const local = this.embedded.recognize(text, locale);
    try {
      const prediction = await this.cloud.predict(text, locale, AbortSignal.timeout(this.timeoutMs));
      return { ...(await local), intent: prediction.intent, intentScore: prediction.score, source: this.cloud.name };
    } catch (err) {
      const reason = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError' ? `no answer within ${this.timeoutMs} ms` : (err as Error).message;
      this.logger.warn({ recognizer: this.cloud.name, reason }, 'cloud recognizer failed; the embedded recognizer answered this turn');
      return { ...(await local), source: 'embedded (fallback)' };
    }
  }
}
