// nlp.js ships no TypeScript types; this is the part the embedded recognizer uses.
declare module '@nlpjs/core' {
  export interface Container {
    use(plugin: unknown): void;
    get(name: string): unknown;
  }
  export function containerBootstrap(settings?: Record<string, unknown>): Promise<Container>;
}
declare module '@nlpjs/lang-sv' {
  export const LangSv: unknown;
}
declare module '@nlpjs/lang-en' {
  export const LangEn: unknown;
}
declare module 'wink-naive-bayes-text-classifier' {
  interface NaiveBayesTextClassifier {
    definePrepTasks(tasks: Array<(input: string) => string[]>): number;
    defineConfig(config: { considerOnlyPresence?: boolean; smoothingFactor?: number }): boolean;
    learn(input: string, label: string): boolean;
    consolidate(): boolean;
    /** [label, log2 odds of the label against all others], best first; [['unknown', 0]] when no word is known. */
    computeOdds(input: string): Array<[string, number]>;
    predict(input: string): string;
    /** The learnings (config, counts, vocabulary) as a JSON string. */
    exportJSON(): string;
    /** Learnings from exportJSON(); throws on JSON of another shape. consolidate() after it. */
    importJSON(json: string): boolean;
  }
  function naiveBayesTextClassifier(): NaiveBayesTextClassifier;
  export default naiveBayesTextClassifier;
}
