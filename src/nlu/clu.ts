/**
 * Conversational language understanding (Azure AI Language), LUIS's successor: the
 * analyze-conversations REST call, answered in its documented shape and checked with zod. The
 * official JavaScript SDK for it is still a 2023 beta, so a typed fetch is the smaller dependency.
 */
import { z } from 'zod';
import { toIntent, type CloudIntentModel, type IntentPrediction } from './cloud.js';

export interface CluOptions {
  endpoint: string;
  key: string;
  project: string;
  deployment: string;
  apiVersion: string;
}

const cluResponse = z.object({
  kind: z.literal('ConversationResult'),
  result: z.object({
    prediction: z.object({
      topIntent: z.string().nullable().optional(),
      intents: z.array(z.object({ category: z.string(), confidenceScore: z.number() })),
    }),
  }),
});

/** CLU wants a language code such as "sv" or "en-us". */
function cluLanguage(locale: string): string {
  return locale.split('-')[0]!;
}

export class CluIntentModel implements CloudIntentModel {
  readonly name = 'clu';

  constructor(private readonly options: CluOptions) {}

  async predict(text: string, locale: string, signal: AbortSignal): Promise<IntentPrediction> {
    const url = `${this.options.endpoint.replace(/\/+$/u, '')}/language/:analyze-conversations?api-version=${encodeURIComponent(this.options.apiVersion)}`;
    const response = await fetch(url, {
      method: 'POST',
      signal,
      headers: { 'Ocp-Apim-Subscription-Key': this.options.key, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'Conversation',
        analysisInput: { conversationItem: { id: '1', participantId: 'resident', text, language: cluLanguage(locale) } },
        parameters: { projectName: this.options.project, deploymentName: this.options.deployment, stringIndexType: 'TextElement_V8' },
      }),
    });
    if (!response.ok) throw new Error(`CLU answered ${response.status}`);
    const { prediction } = cluResponse.parse(await response.json()).result;
    const top = prediction.intents.reduce<{ category: string; confidenceScore: number } | undefined>(
      (best, i) => (!best || i.confidenceScore > best.confidenceScore ? i : best),
      undefined,
    );
    const name = prediction.topIntent ?? top?.category;
    return { intent: toIntent(name), score: prediction.intents.find((i) => i.category === name)?.confidenceScore ?? 0 };
  }
}
