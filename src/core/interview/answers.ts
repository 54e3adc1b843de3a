/**
 * Answers as stored in the interview state. Free text is kept exactly as written; choices are kept
 * as option ids so that a later change of wording does not change what was answered.
 */
export type AnswerValue =
  | { kind: 'text'; text: string }
  | { kind: 'yesno'; value: 'yes' | 'no' }
  | { kind: 'choice'; option: string }
  | { kind: 'multi'; options: string[] }
  | { kind: 'scale'; value: number };

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
