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

  /** How many distinct features the examples have. */
  get size(): number {
    return this.index.size;
  }

  /** A text's distinct feature numbers; features never seen in training are dropped. */
  numbers(features: readonly string[]): number[] {
    return featureNumbers(this.index, features);
  }
}

/** What numbers a text's features for a model: the training's IndexedExamples, or a cached FeatureTable. */
export interface FeatureNumbering {
  readonly size: number;
  numbers(features: readonly string[]): number[];
}

/** FNV-1a over a string's UTF-16 code units: where a feature's number is looked for in a FeatureTable. */
function featureHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A trained model's feature numbering as a cached model keeps it: the names in numbering order (their
 * UTF-16 code units end to end, with where each one starts) and an open-addressing hash table of their
 * numbers. All three are typed arrays that a cached model's file gives as they are, so reading it back
 * makes no Map and no strings of the 50,000–70,000 names (0.04–0.06 s each language at every start).
 * It numbers a text exactly as the IndexedExamples it was made from.
 */
export class FeatureTable implements FeatureNumbering {
  private readonly mask: number;

  private constructor(
    private readonly chars: Uint16Array,
    private readonly starts: Int32Array,
    private readonly table: Int32Array,
  ) {
    this.mask = table.length - 1;
  }

  /** The names in numbering order (`IndexedExamples.featureNames()`), for the cache. */
  static encode(names: readonly string[]): { chars: Uint16Array; starts: Int32Array; table: Int32Array } {
    const starts = new Int32Array(names.length + 1);
    names.forEach((name, i) => (starts[i + 1] = starts[i]! + name.length));
    const chars = new Uint16Array(starts[names.length]!);
    names.forEach((name, i) => {
      for (let c = 0; c < name.length; c++) chars[starts[i]! + c] = name.charCodeAt(c);
    });
    let size = 8;
    while (size < names.length * 2) size *= 2;
    const table = new Int32Array(size).fill(-1);
    names.forEach((name, i) => {
      let slot = featureHash(name) & (size - 1);
      while (table[slot] !== -1) slot = (slot + 1) & (size - 1);
      table[slot] = i;
    });
    return { chars, starts, table };
  }

  /** The table back from `encode`; throws when the parts do not fit each other. */
  static decode(json: unknown): FeatureTable {
    const { chars, starts, table } = (json ?? {}) as { chars?: unknown; starts?: unknown; table?: unknown };
    if (!(chars instanceof Uint16Array) || !(starts instanceof Int32Array) || !(table instanceof Int32Array) || starts.length < 1) throw new Error('not a feature table');
    const count = starts.length - 1;
    if (starts[0] !== 0 || starts[count] !== chars.length) throw new Error('a feature table whose names do not add up');
    for (let i = 0; i < count; i++) if (starts[i + 1]! < starts[i]!) throw new Error('a feature table whose names do not add up');
    if (table.length <= count || table.length & (table.length - 1)) throw new Error('a feature table of the wrong size');
    let filled = 0;
    for (let i = 0; i < table.length; i++) {
      const k = table[i]!;
      if (k < -1 || k >= count) throw new Error('a feature table points outside its names');
      if (k !== -1) filled++;
    }
    if (filled !== count) throw new Error('a feature table that does not hold each name once');
    return new FeatureTable(chars, starts, table);
  }

  get size(): number {
    return this.starts.length - 1;
  }

  private is(k: number, feature: string): boolean {
    const start = this.starts[k]!;
    if (this.starts[k + 1]! - start !== feature.length) return false;
    for (let c = 0; c < feature.length; c++) if (this.chars[start + c] !== feature.charCodeAt(c)) return false;
    return true;
  }

  private numberOf(feature: string): number | undefined {
    let slot = featureHash(feature) & this.mask;
    for (let k = this.table[slot]!; k !== -1; k = this.table[slot]!) {
      if (this.is(k, feature)) return k;
      slot = (slot + 1) & this.mask;
    }
    return undefined;
  }

  /** A text's distinct feature numbers, in the order IndexedExamples.numbers gives them. */
  numbers(features: readonly string[]): number[] {
    const out = new Set<number>();
    for (const f of features) {
      const k = this.numberOf(f);
      if (k !== undefined) out.add(k);
    }
    return [...out];
  }
}

/** A trained LogisticRegression for the cache: its weights as they are in memory (float64, exact). */
export interface LogisticJson {
  bias: number;
  weights: Float64Array;
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
    return { bias: this.bias, weights: this.weights };
  }

  /** A trained model back from `toJSON()`; throws when it does not fit `features` features. */
  static fromJSON(json: LogisticJson, features: number): LogisticRegression {
    if (typeof json?.bias !== 'number' || !(json.weights instanceof Float64Array)) throw new Error('not a logistic regression');
    if (json.weights.length !== features) throw new Error(`logistic regression: expected ${features} weights, found ${json.weights.length}`);
    const model = new LogisticRegression(new IndexedExamples([]), { epochs: 0 });
    model.weights = json.weights;
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
