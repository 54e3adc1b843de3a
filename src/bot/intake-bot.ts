/**
 * The resident-facing bot: starts the intake when someone joins or writes, continues it on every
 * message, and saves the conversation state at the end of each turn, or erases it when the person
 * declined, cancelled, or chose not to share anything.
 */
import { ActivityTypes, type BotState, type TurnContext } from 'botbuilder';
// The dialog runtime from its own modules: botbuilder-dialogs' index also loads every prompt and the
// Recognizers-Text suites behind them (a fifth of start-up), which this bot does not use.
import { DialogSet } from 'botbuilder-dialogs/lib/dialogSet.js';
import { DialogTurnStatus } from 'botbuilder-dialogs/lib/dialog.js';
import type { DialogContext, DialogState } from 'botbuilder-dialogs/lib/dialogContext.js';
import type { DialogStateManagerConfiguration } from 'botbuilder-dialogs/lib/memory/dialogStateManager.js';
import { ERASE_CONVERSATION, INTAKE_DIALOG_ID, type IntakeDialog } from '../../dialogs/intake-dialog.js';

/**
 * The turn-state key under which botbuilder-dialogs looks for the memory scopes and path resolvers of
 * a turn (not exported by the package). Should it change, every turn collects them anew as before.
 */
const STATE_MANAGER_CONFIGURATION = 'DialogStateManagerConfiguration';

/**
 * Not an ActivityHandler: the intake reacts to three kinds of activity, and ActivityHandler's chain
 * of handler lists (each level a generator-based async function in the SDK's compiled ES2015) cost
 * a sixth of a Direct Line turn's CPU and a tenth of an /api/messages turn's (A/B over six rounds,
 * npm run bench:ab). Other activities pass without a word, as before; an invoke still gets
 * botbuilder's 501 from the adapter, which answers so when no invoke response was set.
 */
export class IntakeBot {
  private readonly dialogs: DialogSet;
  /**
   * Every DialogContext collects the memory scopes of all registered components anew, about 4 % of a
   * turn's CPU in the benchmark. The scopes keep nothing of a turn (they read it from the context), so
   * the first turn's collection serves every later one, as DialogManager.stateConfiguration does.
   */
  private stateManagerConfiguration?: DialogStateManagerConfiguration;

  constructor(
    private readonly conversationState: BotState,
    dialog: IntakeDialog,
  ) {
    this.dialogs = new DialogSet(conversationState.createProperty<DialogState>('dialogState'));
    this.dialogs.add(dialog);
  }

  /** What the activity asks of the intake; every other kind of activity passes without a word. */
  private async dispatch(context: TurnContext): Promise<void> {
    const activity = context.activity;
    switch (activity.type) {
      case ActivityTypes.Message:
        await this.runIntake(context);
        return;
      case ActivityTypes.EndOfConversation: {
        // The page's "Avsluta": an interview that did not end in a case is forgotten at once; the
        // conversation of a confirmed case stays for the staff who handle it.
        const dc = await this.createContext(context);
        const interview = (dc.activeDialog?.state as { interview?: { phase?: string } } | undefined)?.interview;
        if (interview?.phase !== 'done') context.turnState.set(ERASE_CONVERSATION, true);
        return;
      }
      case ActivityTypes.ConversationUpdate: {
        // Web Chat and the Emulator announce the person joining: greet them without waiting.
        const botId = activity.recipient?.id;
        if ((activity.membersAdded ?? []).some((m) => m.id !== botId)) await this.runIntake(context);
        return;
      }
    }
  }

  /** Continues the intake, or starts it when none is under way. */
  private async runIntake(context: TurnContext): Promise<void> {
    const dc = await this.createContext(context);
    if (context.activity.type === ActivityTypes.Message) {
      const result = await dc.continueDialog();
      if (result.status !== DialogTurnStatus.empty) return;
    } else if (dc.activeDialog) {
      return;
    }
    await dc.beginDialog(INTAKE_DIALOG_ID);
  }

  /** The turn's dialog context, with the memory scopes collected once for all turns. */
  private async createContext(context: TurnContext): Promise<DialogContext> {
    if (this.stateManagerConfiguration && !context.turnState.has(STATE_MANAGER_CONFIGURATION)) {
      context.turnState.set(STATE_MANAGER_CONFIGURATION, this.stateManagerConfiguration);
    }
    const dc = await this.dialogs.createContext(context);
    this.stateManagerConfiguration ??= dc.state.configuration;
    return dc;
  }

  /** Runs the turn, then saves the state, or deletes it if the conversation is to be forgotten. */
  async run(context: TurnContext): Promise<void> {
    await this.dispatch(context);
    if (context.turnState.get(ERASE_CONVERSATION)) await this.conversationState.delete(context);
    else await this.conversationState.saveChanges(context, false);
  }
}
