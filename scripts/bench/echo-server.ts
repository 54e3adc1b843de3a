/**
 * The baseline: a stock botbuilder echo bot as the Bot Framework samples write it. An
 * ActivityHandler replies "Echo: <text>"; ConversationState on MemoryStorage is read and saved on
 * every turn; restify serves POST /api/messages through CloudAdapter with
 * ConfigurationBotFrameworkAuthentication and no app id. Replies go to the activity's serviceUrl
 * (the runner's loopback fake Bot Connector).
 */
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, ConversationState, MemoryStorage, type TurnContext } from 'botbuilder';
import restify from 'restify';
import { fail, serveRunner, tell } from './child.js';

class EchoBot extends ActivityHandler {
  constructor(conversationState: ConversationState) {
    super();
    const turns = conversationState.createProperty<number>('turns');
    this.onMessage(async (context, next) => {
      const count = await turns.get(context, 0);
      await turns.set(context, count + 1);
      await context.sendActivity(`Echo: ${context.activity.text ?? ''}`);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      for (const member of context.activity.membersAdded ?? []) {
        if (member.id !== context.activity.recipient.id) await context.sendActivity('Hello and welcome!');
      }
      await next();
    });
    // As in the samples: save the state at the end of every turn.
    this.onDialog(async (context, next) => {
      await conversationState.saveChanges(context, false);
      await next();
    });
  }
}

try {
  const auth = new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    console.error(`echo bot turn failed: ${error.message}`);
    await context.sendActivity('The bot encountered an error.');
  };
  const bot = new EchoBot(new ConversationState(new MemoryStorage()));
  const server = restify.createServer({ name: 'echo-baseline' });
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    tell({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0, readyMs: performance.now() });
  });
  serveRunner({ onStop: async () => void server.close() });
} catch (err) {
  fail(err);
}
