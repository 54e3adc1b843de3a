/**
 * A binary logistic regression over sparse string features, for the risk classifier.
 *
 * Naive Bayes counts each feature on its own, so "slår mig" in "han slår mig i kortspel" weighs as
 * much as in "han slår mig"; a discriminative model learns how features weigh against each other
 * ("kortspel" outweighs "slår_mig"), and its scores are calibrated enough to put a threshold on.
 * It is written here because the libraries at hand did not fit: @nlpjs/neural (a leaky-ReLU
 * perceptron with squared loss and no regularisation) found less than half of the acute examples in
 * cross-validation and took 20 to 60 s to train; ml-logistic-regression works on dense matrices
 * (thousands of examples times tens of thousands of features) with plain gradient descent and no
 * intercept; wink-perceptron's averaged perceptron gave clearly more false alarms at the same recall.
 *
 * Training: stochastic gradient descent with AdaGrad step sizes and L2 regularisation, in a fixed
 * pseudo-random order so the same data always gives the same model. Each example's features are
 * scaled by 1/sqrt(count), so long texts do not score higher merely for being long.
 */

import { seededRandom } from '../core/seeded-random.js';

export interface LogisticOptions {
  /** Passes over the training data. */
  epochs: number;
  /** L2 penalty on each weight, applied at every update. */
  l2: number;
  /** AdaGrad's base step size. */
  learningRate: number;
  /** Seed of the shuffling order. */
  seed: number;
}

export const LOGISTIC_DEFAULTS: LogisticOptions = { epochs: 15, l2: 1e-3, learningRate: 0.5, seed: 12345 };

/**
 * Training examples with their features numbered once, so that several models can be trained on them
 * (the risk model's three) and a text to judge is numbered once for all of them.
 */
export class IndexedExamples {
  private readonly index = new Map<string, number>();
  readonly rows: ReadonlyArray<{ x: readonly number[]; y: number }>;

  /** `examples`: each one's features and whether it is of the positive class. */
  constructor(examples: ReadonlyArray<{ features: readonly string[]; positive: boolean }>) {
    const add = (feature: string) => {
      const k = this.index.size;
      this.index.set(feature, k);
      return k;
    };
    this.rows = examples.map((e) => ({ x: featureNumbers(this.index, e.features, add), y: e.positive ? 1 : 0 }));
  }

  /** The feature names in the order of their numbers: what a cached model needs to number a text. */
  featureNames(): string[] {
    return [...this.index.keys()];
  }

  /** Numbering only (no rows), from `featureNames()` of a trained model. */
  static fromFeatureNames(names: readonly string[]): IndexedExamples {
    const numbered = new IndexedExamples([]);
    for (const name of names) {
      if (typeof name !== 'string') throw new Error('a feature name is not a string');
      numbered.index.set(name, numbered.index.size);
    }
    return numbered;
  }

  /** How many distinct features the examples have. */
  get size(): number {
    return this.index.size;
  }

  /** A text's distinct feature numbers; features never seen in training are dropped. */
  numbers(features: readonly string[]): number[] {
    return featureNumbers(this.index, features);
  }
}

/** A trained LogisticRegression as plain JSON: the weights as base64 of their float64 bytes (exact). */
export interface LogisticJson {
  bias: number;
  weights: string;
}

export class LogisticRegression {
  private weights: Float64Array;
  private bias = 0;

  constructor(examples: IndexedExamples, options: Partial<LogisticOptions> = {}) {
    const { epochs, l2, learningRate, seed } = { ...LOGISTIC_DEFAULTS, ...options };
    const rows = examples.rows;
    this.weights = new Float64Array(examples.size);
    const squaredGradients = new Float64Array(examples.size).fill(1e-8);
    let biasSquaredGradient = 1e-8;
    const random = seededRandom(seed);
    const order = rows.map((_, i) => i);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const i of order) {
        const { x, y } = rows[i]!;
        const scale = x.length ? 1 / Math.sqrt(x.length) : 0;
        const error = this.probability(x) - y;
        for (const k of x) {
          const g = error * scale + l2 * this.weights[k]!;
          squaredGradients[k]! += g * g;
          this.weights[k]! -= (learningRate * g) / Math.sqrt(squaredGradients[k]!);
        }
        biasSquaredGradient += error * error;
        this.bias -= (learningRate * error) / Math.sqrt(biasSquaredGradient);
      }
    }
  }

  toJSON(): LogisticJson {
    return { bias: this.bias, weights: Buffer.from(this.weights.buffer, this.weights.byteOffset, this.weights.byteLength).toString('base64') };
  }

  /** A trained model back from `toJSON()`; throws when it does not fit `features` features. */
  static fromJSON(json: LogisticJson, features: number): LogisticRegression {
    const bytes = Buffer.from(String(json?.weights), 'base64');
    if (typeof json.bias !== 'number' || bytes.byteLength !== features * 8) throw new Error(`logistic regression: expected ${features} weights, found ${bytes.byteLength / 8}`);
    const model = new LogisticRegression(new IndexedExamples([]), { epochs: 0 });
    // Copied into a buffer of its own: Buffer.from may share a pool whose offset is not 8-aligned.
    model.weights = new Float64Array(new Uint8Array(bytes).buffer);
    model.bias = json.bias;
    return model;
  }

  /** The probability that a text with these feature numbers (IndexedExamples.numbers) is of the positive class. */
  probability(x: readonly number[]): number {
    const scale = x.length ? 1 / Math.sqrt(x.length) : 0;
    let z = this.bias;
    for (const k of x) z += this.weights[k]! * scale;
    return 1 / (1 + Math.exp(-z));
  }
}

/** Distinct feature numbers; unseen features are numbered by `add` while training and dropped afterwards. */
function featureNumbers(index: ReadonlyMap<string, number>, features: readonly string[], add?: (feature: string) => number): number[] {
  const out = new Set<number>();
  for (const f of features) {
    const k = index.get(f) ?? add?.(f);
    if (k !== undefined) out.add(k);
  }
  return [...out];
}
