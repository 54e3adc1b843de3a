/**
 * A recognizer for tests that gives the safety verdicts issue 19's detection half would give for a
 * few invented messages, and the trained recognizer's answer for everything else. For "chill, jag
 * tänker inte göra nåt" it also claims a confident "cancel", as the trained model did.
 */
import type { Recognition, Recognizer } from '../../src/core/nlu/recognizer.js';
import type { SafetyVerdict } from '../../src/core/safety/verdict.js';

export const CRISIS = 'Allt känns tungt. Jag vill inte leva längre.';
export const TIRED = 'chill, jag tänker inte göra nåt. bara trött på allt typ';
export const EATING = 'Han har slutat äta ordentligt och klarar sig inte själv längre.';
export const BORN = 'Jag har inte det framför mig just nu, han är född 1936';
/** A long answer that also holds an option of the question it answers ("vet inte"), told where a municipality is asked. */
export const STORY_WITH_OPTION = 'Pappa är 84 och bor själv sen mamma dog, hemtjänsten har alltid bråttom. Igår sa han att han har sparat sina sömntabletter och att han inte tänker vara med längre, jag vet inte om han menar det.';

/** Verdicts the detection half would give; the rest is the trained recognizer's. */
const SCRIPTED: Record<string, SafetyVerdict & { intent?: Recognition['intent'] }> = {
  [TIRED]: { level: 'unsure', categories: ['suicide_self_harm'], situations: ['suicide'], trigger: TIRED, subject: 'self', intent: 'cancel' },
  [EATING]: { level: 'unsure', categories: ['medical_emergency'], situations: ['elderly_alone'], trigger: 'Han har slutat äta ordentligt', subject: 'other' },
  [BORN]: { level: 'acute', categories: ['medical_emergency'], situations: ['medical'], trigger: BORN, subject: 'other' },
  [STORY_WITH_OPTION]: { level: 'acute', categories: ['suicide_self_harm'], situations: ['suicide', 'elderly_alone'], trigger: 'Igår sa han att han har sparat sina sömntabletter och att han inte tänker vara med längre, jag vet inte om han menar det.', subject: 'other' },
};

export function scripted(real: Recognizer): Recognizer {
  return {
    async recognize(text, locale) {
      const recognition = await real.recognize(text, locale);
      const script = SCRIPTED[text];
      if (!script) return recognition;
      const { intent, ...safety } = script;
      return { ...recognition, ...(intent ? { intent, intentScore: 0.99 } : {}), safety } as Recognition;
    },
  };
}
