/**
 * Composition: content, stores, engine, bot, adapter and HTTP server, wired from one AppConfig.
 * Used by `npm start`, the terminal chat and the tests, so all of them run the same bot.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConversationState, type BotAdapter, type TurnContext } from 'botbuilder';
import type restify from 'restify';
import type { AppConfig } from './config.js';
import { loadContent, type Content } from './core/content/load.js';
import type { CaseStore } from './core/cases.js';
import { InterviewEngine } from './core/interview/engine.js';
import { IntakeDialog } from '../dialogs/intake-dialog.js';
import { IntakeBot } from './bot/intake-bot.js';
import { EraseTranscript, SafeTranscriptLogger, SerializeTurns } from './bot/middleware.js';
import { LowdbBotStorage } from './bot/storage/lowdb-bot-storage.js';
import { LowdbTranscriptStore } from './bot/storage/lowdb-transcript-store.js';
import { LowdbCaseStore } from './storage/lowdb-case-store.js';
import { verifyDataFolder } from './storage/data-folder.js';
import { scheduleRetention } from './storage/retention.js';
import { createServer } from './http/server.js';
import { conversationTag, type Logger } from './logger.js';

/** The bot and everything it needs, without any HTTP: what tests drive with a TestAdapter. */
export interface IntakeStack {
  config: AppConfig;
  content: Content;
  engine: InterviewEngine;
  bot: IntakeBot;
  cases: CaseStore;
  transcripts: LowdbTranscriptStore;
  conversationState: ConversationState;
  /** Adds the middleware and error handler to an adapter (CloudAdapter or TestAdapter). */
  attach(adapter: BotAdapter): void;
}

export interface App extends IntakeStack {
  adapter: CloudAdapter;
  server: restify.Server;
  /** Starts listening; resolves with the address. */
  listen(): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

/** Loads content, checks the data folder and builds the bot with its stores. */
export async function createIntake(config: AppConfig, logger: Logger): Promise<IntakeStack> {
  const content = loadContent({ dataDir: config.contentDir, localesDir: config.localesDir, defaultLocale: config.defaultLocale });

  const started = Date.now();
  const { files } = await verifyDataFolder(config.dataDir, (checked, total) => logger.info({ checked, total }, 'checking data files'));
  logger.info({ dataDir: config.dataDir, files, ms: Date.now() - started }, 'data folder checked');

  const cases = new LowdbCaseStore(config.dataDir);
  const transcripts = new LowdbTranscriptStore(config.dataDir, (err, info) =>
    logger.error({ err: { name: err.name, message: err.message }, ...info }, 'transcript store failed: the conversation is not being recorded'),
  );
  const conversationState = new ConversationState(new LowdbBotStorage(config.dataDir));

  const engine = new InterviewEngine({
    content,
    maxMessageLength: config.maxMessageLength,
    retentionDays: config.retentionDays,
    createCase: async (draft) => {
      const record = await cases.create(draft);
      logger.info({ reference: record.reference, urgent: record.urgent, topics: record.topics, sip: record.sipSuggested }, 'case created');
      return record;
    },
  });
  const bot = new IntakeBot(conversationState, new IntakeDialog(engine));

  const attach = (adapter: BotAdapter) => {
    // Outermost first: one turn per conversation at a time, then erase (after the logger), then the logger.
    adapter.use(new SerializeTurns());
    adapter.use(new EraseTranscript(transcripts));
    adapter.use(new SafeTranscriptLogger(transcripts));
    adapter.onTurnError = async (context: TurnContext, error: Error) => {
      const { channelId, conversation } = context.activity;
      logger.error(
        { err: { name: error.name, message: error.message, stack: error.stack }, conversation: conversationTag(channelId, conversation?.id ?? '') },
        'turn failed; the state of this turn was not saved',
      );
      try {
        await context.sendActivity(engine.texts(context.activity.locale).t('error.generic'));
      } catch (sendError) {
        logger.error({ err: { message: (sendError as Error).message } }, 'could not tell the person about the error');
      }
    };
  };
  return { config, content, engine, bot, cases, transcripts, conversationState, attach };
}

/** The whole service: the bot stack behind CloudAdapter and the restify server. */
export async function createApp(config: AppConfig, logger: Logger): Promise<App> {
  const stack = await createIntake(config, logger);
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.bot.appId ?? '',
    MicrosoftAppPassword: config.bot.appPassword ?? '',
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.tenantId ?? '',
  });
  const adapter = new CloudAdapter(auth);
  stack.attach(adapter);

  const stopRetention = scheduleRetention(
    config.dataDir,
    config.retentionDays,
    (r) => logger.info({ ...r, retentionDays: config.retentionDays }, 'retention sweep done'),
    (err) => logger.error({ err: { message: err.message } }, 'retention sweep failed; expired records may remain'),
  );

  const server = createServer({
    adapter,
    bot: stack.bot,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    readiness: [{ name: 'store', check: () => stack.cases.ping() }],
    authenticationRequired: Boolean(config.bot.appId),
  });

  return {
    ...stack,
    adapter,
    server,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          const address = server.address();
          const port = typeof address === 'object' && address ? address.port : config.port;
          resolve({ url: `http://${config.host}:${port}`, port });
        });
      }),
    close: async () => {
      stopRetention();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stack.transcripts.flush();
    },
  };
}
