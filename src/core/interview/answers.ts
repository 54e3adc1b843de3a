/**
 * Answers as stored in the interview state. Free text is kept exactly as written; choices are kept
 * as option ids so that a later change of wording does not change what was answered, with the
 * person's own words beside them when they wrote more than the option.
 */
export type AnswerValue = (
  | { kind: 'text'; text: string }
  /** "unsure": the person does not know, or it is neither ("nja", "ibland"); never routes or counts as yes. */
  | { kind: 'yesno'; value: 'yes' | 'no' | 'unsure' }
  | { kind: 'choice'; option: string }
  /** `options` may be empty: every option mentioned was denied ("Ingen hemtjänst än"), the words say the rest. */
  | { kind: 'multi'; options: string[] }
  /** `upTo`: a range as the person gave it ("3-4", "mellan 3 och 4"): from value to upTo. */
  | { kind: 'scale'; value: number; upTo?: number }
) & {
  /**
   * The person's own words beside the value, verbatim: what they wrote beyond the option, yes/no or
   * number ("för det mesta men inte på nätterna"), or the whole answer when the value was read from
   * a sentence. Absent when the answer was exactly an option (a button, a number).
   */
  note?: string;
};

export type Answers = Record<string, AnswerValue>;

/** The value a condition compares: option id(s), "yes"/"no", a number or the text. */
export function comparable(answer: AnswerValue | undefined): string | number | string[] | undefined {
  if (!answer) return undefined;
  switch (answer.kind) {
    case 'text':
      return answer.text;
    case 'yesno':
      return answer.value;
    case 'choice':
      return answer.option;
    case 'multi':
      return answer.options;
    case 'scale':
      return answer.value;
  }
}
