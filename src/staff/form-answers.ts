/**
 * What a resident chose on a card, in the words they saw. A card's submit carries the options' ids
 * (`{ "intake": "answer", "question": "help_with", "value": "help_at_home,disability" }`); a member of
 * staff reading the transcript should see "Hjälp hemma, Funktionsnedsättning", the titles the card
 * showed. The titles are taken from the assistant's cards earlier in the same transcript, so they are
 * the ones the resident saw, in the language they saw them in.
 */

/** The inputs and submit buttons of the cards a transcript has shown so far. */
export class CardChoices {
  /** Option titles by input id and option value. */
  private readonly options = new Map<string, Map<string, string>>();
  /** Submit button titles by the `intake` action their data carries ("confirm", "edit", …). */
  private readonly buttons = new Map<string, string>();

  /** Takes in the inputs and buttons of a card (an Adaptive Card's content), nested cards included. */
  learn(card: unknown): void {
    walk(card, (node) => {
      if (node['type'] === 'Input.ChoiceSet' && typeof node['id'] === 'string' && Array.isArray(node['choices'])) {
        const titles = new Map<string, string>();
        for (const choice of node['choices'] as unknown[]) {
          const { title, value } = (choice ?? {}) as { title?: unknown; value?: unknown };
          // The number before an option ("3.\u00a0Ekonomi", there for typing it) is not part of its words.
          if (typeof title === 'string' && typeof value === 'string') titles.set(value, title.replace(/^\d+\.\u00a0/u, ''));
        }
        this.options.set(node['id'], titles);
      }
      const data = node['data'] as { intake?: unknown } | undefined;
      if (node['type'] === 'Action.Submit' && typeof node['title'] === 'string' && typeof data?.intake === 'string') this.buttons.set(data.intake, node['title']);
    });
  }

  /**
   * The submitted value in the card's words: the titles of the options chosen, else the title of the
   * button pressed; undefined when nothing in it is known from a card (the raw value is shown then).
   */
  describe(value: unknown): string | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const chosen: string[] = [];
    for (const [id, given] of Object.entries(value as Record<string, unknown>)) {
      const titles = this.options.get(id);
      if (!titles || typeof given !== 'string' || given === '') continue;
      // A multi-select sends its values joined by commas.
      for (const v of given.split(',')) chosen.push(titles.get(v) ?? v);
    }
    if (chosen.length) return chosen.join(', ');
    const action = (value as { intake?: unknown }).intake;
    return typeof action === 'string' ? this.buttons.get(action) : undefined;
  }
}

function walk(node: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
  } else if (node !== null && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    for (const child of Object.values(node)) walk(child, visit);
  }
}
