/**
 * LUIS v3 prediction through Microsoft's runtime client (@azure/cognitiveservices-luis-runtime).
 * LUIS itself was retired on 2026-03-31; this adapter serves endpoints that still answer in the LUIS
 * v3 prediction shape ({endpoint}/luis/prediction/v3.0/apps/{appId}/slots/{slot}/predict), such as
 * a self-hosted or migrated model. Its intents must carry our labels (help, cancel, …, None).
 */
import { LUISRuntimeClient } from '@azure/cognitiveservices-luis-runtime';
import { ApiKeyCredentials } from '@azure/ms-rest-js';
import { toIntent, type CloudIntentModel, type IntentPrediction } from './cloud.js';

export interface LuisOptions {
  endpoint: string;
  appId: string;
  key: string;
  slot: string;
}

export class LuisIntentModel implements CloudIntentModel {
  readonly name = 'luis';
  private readonly client: LUISRuntimeClient;

  constructor(private readonly options: LuisOptions) {
    this.client = new LUISRuntimeClient(new ApiKeyCredentials({ inHeader: { 'Ocp-Apim-Subscription-Key': options.key } }), options.endpoint);
  }

  async predict(text: string, _locale: string, signal: AbortSignal): Promise<IntentPrediction> {
    const response = await this.client.prediction.getSlotPrediction(
      this.options.appId,
      this.options.slot,
      { query: text },
      { showAllIntents: true, log: false, abortSignal: signal as never },
    );
    const { topIntent, intents } = response.prediction;
    return { intent: toIntent(topIntent), score: intents[topIntent]?.score ?? 0 };
  }
}
