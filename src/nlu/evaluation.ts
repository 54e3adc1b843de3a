/** Precision, recall and a confusion table for single-label predictions (used by npm run nlu:eval and its test). */

export interface LabelMetrics {
  precision: number;
  recall: number;
  support: number;
}

export interface LabelScores {
  total: number;
  correct: number;
  accuracy: number;
  perLabel: Record<string, LabelMetrics>;
  /** confusion[expected][predicted] = count */
  confusion: Record<string, Record<string, number>>;
}

export function scoreLabels(pairs: Array<{ expected: string; predicted: string }>): LabelScores {
  const confusion: Record<string, Record<string, number>> = {};
  let correct = 0;
  for (const { expected, predicted } of pairs) {
    const row = (confusion[expected] ??= {});
    row[predicted] = (row[predicted] ?? 0) + 1;
    if (expected === predicted) correct += 1;
  }
  const labels = Object.keys(confusion).sort();
  const perLabel: Record<string, LabelMetrics> = {};
  for (const label of labels) {
    const truePositives = confusion[label]![label] ?? 0;
    const support = Object.values(confusion[label]!).reduce((a, b) => a + b, 0);
    const predictedAs = Object.values(confusion).reduce((sum, row) => sum + (row[label] ?? 0), 0);
    perLabel[label] = { precision: predictedAs ? truePositives / predictedAs : 0, recall: support ? truePositives / support : 0, support };
  }
  return { total: pairs.length, correct, accuracy: pairs.length ? correct / pairs.length : 0, perLabel, confusion };
}
