/**
 * The safety net, run on every typed message before anything else reads it: when the risk patterns
 * (locales/<lang>/risk.yaml) or the recognizer's model hear acute risk, the emergency numbers are
 * shown at once and the interview is marked urgent, with the categories heard. It never judges
 * urgency medically, and it never ends or redirects the interview: the person can go on.
 */
import type { RiskCategory } from '../content/schema.js';
import type { Recognition } from '../nlu/recognizer.js';
import type { Turn } from './turn.js';

/**
 * Patterns and the recognizer's risk signal: either is enough. Returns whether the alarm was raised
 * in this turn (then the message is not also taken as a request, such as "cancel").
 */
export function safetyNet(turn: Turn, text: string, understood: Recognition | undefined): boolean {
  // The recognizer already ran the patterns; without one (or when it failed) they run here.
  const categories = understood ? understood.riskCategories : turn.kit.risk.detect(text);
  if (categories.length === 0 && understood?.risk !== 'acute') return false;
  const { state, kit } = turn;
  turn.context.onRiskAlarm?.('acute');
  state.urgent = true;
  state.risk = [...new Set<RiskCategory>([...state.risk, ...categories])];
  turn.replies.push({
    type: 'emergency',
    intro: kit.texts.t('emergency.intro'),
    title: kit.texts.t('emergency.listTitle'),
    numbers: turn.context.content.emergency.numbers.map((n) => ({ number: n.number, label: kit.texts.t(`emergency.numbers.${n.id}`) })),
    outro: kit.texts.t('emergency.outro'),
  });
  return true;
}
