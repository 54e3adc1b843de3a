/**
 * Composition: content, stores, engine, bot, adapter and HTTP server, wired from one AppConfig.
 * Used by `npm start`, the terminal chat and the tests, so all of them run the same bot.
 */
import { ConversationState, EventFactory, type Activity, type BotAdapter, type ConfigurationBotFrameworkAuthenticationOptions, type ConversationReference, type TurnContext } from 'botbuilder';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import type restify from 'restify';
import type { AppConfig } from './config.js';
import { loadContent, type Content } from './core/content/load.js';
import { useYamlCache } from './core/content/yaml-cache.js';
import { InterviewEngine } from './core/interview/engine.js';
import { createRecognizer } from './nlu/create.js';
import type { Recognizer } from './core/nlu/recognizer.js';
import { DEFAULT_BACKOFF, type OutboxStore } from './core/delivery.js';
import { DeliveryWorker } from './delivery/worker.js';
import { EmailSender, UnavailableSender, WebhookSender } from './delivery/senders.js';
import { loadStaffTexts } from './delivery/staff-texts.js';
import { StaffAccounts } from './staff/accounts.js';
import { addStaffRoutes } from './staff/routes.js';
import { StaffService } from './staff/service.js';
import { StaffMembers } from './staff/members.js';
import { StaffSessions } from './staff/sessions.js';
import { addStaffAdminRoutes } from './staff/admin-routes.js';
import { StaffTeamsBot } from './teams/staff-bot.js';
import { TeamsStaffDirectory } from './teams/staff-directory.js';
import { TeamsChannels } from './teams/channels.js';
import { KitchenTables } from './teams/kitchen-table.js';
import { CASE_CREATED, ERASE_CONVERSATION } from '../dialogs/intake-dialog.js';
import { loadTeamsBotTexts } from './teams/bot-texts.js';
import { noticeCard } from './teams/cards.js';
import { HandoffSender, TeamsSender } from './delivery/senders.js';
import { JsonTrackedConversationState } from './bot/conversation-state.js';
import { ConversationReferences, RememberConversation } from './bot/references.js';
import { IntakeDialog } from '../dialogs/intake-dialog.js';
import { IntakeBot } from './bot/intake-bot.js';
import { ReusingBotFrameworkAuthentication } from './bot/connector-clients.js';
import { IntakeCloudAdapter } from './bot/cloud-adapter.js';
import { guardedLookup, parseRanges } from './bot/service-urls.js';
import { staffGateRefusal } from './teams/staff-gate.js';
import { addStaffGuard } from './staff/staff-guard.js';
import { SignInThrottle } from './staff/sign-in-throttle.js';
import { EraseTranscript, TranscriptLogger } from './bot/middleware.js';
import { SerializeTurns } from './bot/serialize-turns.js';
import { ARCHIVE_FOLDERS, verifyDataFolder } from './storage/data-folder.js';
import { openStores, type Stores } from './storage/stores.js';
import type { TranscriptArchive } from './bot/storage/transcripts.js';
import type { CaseStore } from './core/cases.js';
import { completeSentCase } from './core/case-work.js';
import type { AuditLog } from './core/audit.js';
import { scheduleRetention } from './storage/retention.js';
import { createServer } from './http/server.js';
import { addWebRoutes } from './http/web.js';
import { DirectLineAdapter, DIRECT_LINE_CHANNEL_ID } from './directline/adapter.js';
import type { DirectLineStore } from './directline/store.js';
import { DIRECT_LINE_PATH, addDirectLineRoutes } from './directline/routes.js';
import { addAzureTokenRoute } from './directline/azure-tokens.js';
import { TokenIssuer } from './directline/tokens.js';
import { presetFromChannelData, type PresetLookup } from '../dialogs/intake-dialog.js';
import corsMiddleware from 'restify-cors-middleware2';
import path from 'node:path';
import { PACKAGE_ROOT } from './package-root.js';
import { conversationTag, type Logger } from './logger.js';
import { ServiceMetrics } from './ops/metrics.js';
import { addMetricsRoute } from './ops/metrics-route.js';
import { addPersonCopyRoute } from './http/person-copy.js';

/** The bot and everything it needs, without any HTTP: what tests drive with a TestAdapter. */
export interface IntakeStack {
  /** The address links to residents start with; set at listen when PUBLIC_URL is not. */
  linkBase: { url?: string };
  config: AppConfig;
  content: Content;
  /** The embedded recognizer (also behind a cloud model): what the warm-up reads with. */
  embedded: Recognizer;
  engine: InterviewEngine;
  bot: IntakeBot;
  cases: CaseStore;
  transcripts: TranscriptArchive;
  conversationState: ConversationState;
  /** Deliveries of new cases to the contact points, and the worker that sends them. */
  outbox: OutboxStore;
  delivery: DeliveryWorker;
  /** Every staff read and change of a case, chained. */
  audit: AuditLog;
  accounts: StaffAccounts;
  /** Every store, on PostgreSQL (DATABASE_URL) or in the data folder. */
  stores: Stores;
  /** Where each resident's conversation can be reached again (for a live-agent handoff). */
  references: ConversationReferences;
  /** Interviews staff hold together with a resident in Teams. */
  kitchenTables: KitchenTables;
  /** What staff can do with cases, for the staff page and Teams. */
  staff: StaffService;
  /** Staff of each organisation and the units they work in. */
  members: StaffMembers;
  /** Members of staff who sign in with Microsoft Entra ID (data/staff-teams.yaml). */
  entraStaff: TeamsStaffDirectory;
  /** Conversations of the web widget (our own Direct Line, or what the page told us under Azure's). */
  directLineStore: DirectLineStore;
  /** What /metrics serves: turns, risk alarms, cases, deliveries, urgent cases waiting, sign-in failures. */
  metrics: ServiceMetrics;
  /** Adds the middleware and error handler to an adapter (CloudAdapter or TestAdapter). */
  attach(adapter: BotAdapter): void;
}

export interface App extends IntakeStack {
  adapter: IntakeCloudAdapter;
  /** The adapter behind our own Direct Line endpoint (DIRECTLINE_MODE=embedded). */
  directLineAdapter?: DirectLineAdapter;
  server: restify.Server;
  /** Starts listening; resolves with the address. */
  listen(): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

/** What a test may put in place of a part of the stack. */
export interface IntakeOverrides {
  /** Wraps the configured recognizer (a test's scripted verdicts for some texts). */
  recognizer?: (configured: Recognizer) => Recognizer;
}

/** Loads content, checks the data folder and builds the bot with its stores. */
export async function createIntake(config: AppConfig, logger: Logger, overrides: IntakeOverrides = {}): Promise<IntakeStack> {
  // Parsed YAML beside the trained recognizer: a start reads it as JSON instead of parsing the content.
  useYamlCache(config.nlu.cacheDir, (message) => logger.warn(`content cache: ${message}`));
  const content = loadContent({ dataDir: config.contentDir, localesDir: config.localesDir, defaultLocale: config.defaultLocale });

  // PostgreSQL when DATABASE_URL is set (every store, shared by any number of instances), else the
  // embedded lowdb data folder.
  const stores = await openStores({
    dataDir: config.dataDir,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    outboxLeaseMs: config.delivery.leaseMs,
    onCasesUpgraded: (count) => logger.info({ count }, 'cases of an earlier release given their per-unit work'),
    onTranscriptError: (err, info) => logger.error({ err: { name: err.name, message: err.message }, ...info }, 'transcript store failed: the conversation is not being recorded'),
    onMigrated: (applied) => logger.info({ applied }, 'PostgreSQL schema up to date'),
    onTurnNotificationsLost: (err) =>
      logger.warn({ err: { name: err.name, message: err.message } }, 'not hearing other instances\' turns (PostgreSQL LISTEN): every turn reads its state with the lock until this is back; retrying'),
    exclusive: {
      // Another process took the data folder over: both writing it would lose answers, so this one stops.
      onLost: (err) => {
        logger.fatal({ err: { message: err.message }, dataDir: config.dataDir }, 'lost the lock on the data folder; stopping');
        process.kill(process.pid, 'SIGTERM');
      },
    },
  });
  // Checked after the stores are open, so a second service on the same folder is turned away by the
  // lock at once instead of after reading every file. What turns read is checked now; the archive
  // (cases, transcripts, the audit log …: 17 s at 100,000 cases) once the service is ready.
  const started = Date.now();
  try {
    const { files } = await verifyDataFolder(config.dataDir, (checked, total) => logger.info({ checked, total }, 'checking data files'), { skip: ARCHIVE_FOLDERS });
    logger.info({ dataDir: config.dataDir, files, ms: Date.now() - started }, 'data folder checked');
  } catch (err) {
    await stores.close();
    throw err;
  }
  const { cases, transcripts, outbox } = stores;
  const metrics = new ServiceMetrics();
  metrics.watchOutbox(outbox);
  const audit = metrics.countingSignInFailures(stores.audit);
  const conversationState = new JsonTrackedConversationState(stores.botState);
  const kitchenTables = new KitchenTables(stores.kitchenTables);
  const references = new ConversationReferences(stores.references);
  const accounts = new StaffAccounts(stores.staffAccounts);
  const staffTexts = loadStaffTexts(config.localesDir);
  const publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
  const delivery = new DeliveryWorker({
    outbox,
    cases,
    directory: content.directory,
    senders: {
      email: new EmailSender(config.delivery.smtpUrl, config.delivery.mailFrom, publicUrl, staffTexts),
      webhook: new WebhookSender(process.env, staffTexts),
      teams: new UnavailableSender('Teams delivery needs the staff Teams app in the team; until then this waits'),
      handoff: new UnavailableSender('the handoff is set up with the HTTP service; until then this waits'),
    },
    logger,
    intervalMs: config.delivery.intervalMs,
    urgentReminderMinutes: config.delivery.urgentReminderMinutes,
    backoff: { ...DEFAULT_BACKOFF, baseMs: config.delivery.retryBaseMs },
    onAttempt: (target, delivered) => metrics.deliveryAttempt(target, delivered),
    onUrgentWaiting: (createdAt, now) => metrics.urgentCasesWaiting(createdAt, now),
  });

  const { recognizer, embedded, trainingMs, fromCache } = await createRecognizer(config.nlu, config.localesDir, content, logger);
  logger.info({ recognizer: config.nlu.recognizer, trainingMs, fromCache }, 'language understanding ready');

  // Links given to residents (their copy): PUBLIC_URL, else the address the server listens on.
  const linkBase: { url?: string } = config.publicUrl ? { url: config.publicUrl } : {};
  const engine = new InterviewEngine({
    recognizer: overrides.recognizer ? overrides.recognizer(recognizer) : recognizer,
    publicLink: (p) => `${linkBase.url ?? `http://${config.host}:${config.port}`}${p}`,
    content,
    maxMessageLength: config.maxMessageLength,
    retentionDays: config.retentionDays,
    onRiskAlarm: (level) => metrics.riskAlarm(level),
    createCase: async (draft) => {
      const table = draft.conversation.channelId === 'msteams' ? await kitchenTables.get(draft.conversation.conversationId) : undefined;
      const record = await cases.create(table ? { ...draft, assistedBy: table.staff } : draft);
      // Into the outbox before the person is told it is sent: a crash after this still delivers it.
      await delivery.caseCreated(record.reference);
      metrics.caseCreated(record.urgent);
      logger.info({ reference: record.reference, urgent: record.urgent, topics: record.topics, sip: record.sipSuggested }, 'case created');
      return record;
    },
    // The urgent case sent during the interview, completed by the rest of it: updated, never a second
    // case. Recipients the person consented to at the end get it now (the outbox skips those that had it).
    completeCase: async (reference, draft) => {
      const record = await cases.update(reference, (sent) => completeSentCase(sent, draft));
      if (!record) throw new Error(`the urgent case ${reference} sent during this interview is gone`);
      await delivery.caseCreated(record.reference);
      logger.info({ reference: record.reference, urgent: record.urgent, topics: record.topics }, 'case completed');
      return record;
    },
  });
  const directLineStore = stores.directLine;
  // The municipality a page preselected: sent along by our Direct Line, or kept from the token
  // request when Azure's Direct Line starts the conversation.
  const presetFor: PresetLookup = async (context) => {
    const fromChannel = await presetFromChannelData(context);
    if (fromChannel.municipality || !['directline', 'webchat'].includes(context.activity.channelId)) return fromChannel;
    const known = await directLineStore.get(context.activity.conversation.id);
    return known?.municipality ? { municipality: known.municipality } : {};
  };
  const bot = new IntakeBot(conversationState, new IntakeDialog(engine, presetFor));

  const attach = (adapter: BotAdapter) => {
    // Outermost first: counted and timed, one turn per conversation at a time, then erase (after the
    // logger), then the logger.
    adapter.use(metrics.turnMiddleware());
    adapter.use(new SerializeTurns());
    // With several instances on PostgreSQL, also across instances.
    if (stores.turnLock) adapter.use(stores.turnLock);
    // Our Direct Line stores the person's message within the turn (on PostgreSQL with its COMMIT).
    if (adapter instanceof DirectLineAdapter) adapter.use(adapter.incoming);
    adapter.use(new RememberConversation(references));
    adapter.use(new EraseTranscript(transcripts));
    adapter.use(
      new TranscriptLogger(
        transcripts,
        async (context) => (await kitchenTables.get(context.activity.conversation.id)) !== undefined,
        (err) => logger.error({ err: { name: err.name, message: err.message } }, 'transcript store refused an activity: it is missing from the transcript'),
      ),
    );
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
  const entraStaff = TeamsStaffDirectory.load(config.contentDir, content.directory);
  const members = new StaffMembers(accounts, entraStaff, stores.staffUnits, content.directory);
  const staff = new StaffService({
    cases,
    transcripts,
    outbox,
    audit,
    logger,
    members,
    texts: staffTexts,
    searchSecret: () => stores.secret('audit-search', undefined),
  });
  return { linkBase, config, content, embedded, stores, engine, bot, cases, transcripts, conversationState, directLineStore, outbox, delivery, audit, accounts, staff, members, entraStaff, kitchenTables, references, metrics, attach };
}

/** What the environment cannot say: used by tests (test/helpers/bot-connector-auth.ts) and sovereign clouds. */
export interface AppOptions {
  botAuthentication?: {
    /** Where Bot Connector tokens are checked (ToBotFromChannelOpenIdMetadataUrl, ToBotFromChannelTokenIssuer, …). */
    settings?: Partial<ConfigurationBotFrameworkAuthenticationOptions>;
    /** How the bot gets its own tokens for replies (default: from MicrosoftAppPassword). */
    credentialsFactory?: ServiceClientCredentialsFactory;
  };
  /** Parts of the stack a test puts in place (see IntakeOverrides). */
  overrides?: IntakeOverrides;
}

/** The whole service: the bot stack behind CloudAdapter and the restify server. */
export async function createApp(config: AppConfig, logger: Logger, options: AppOptions = {}): Promise<App> {
  const stack = await createIntake(config, logger, options.overrides);
  const privateRanges = parseRanges(config.bot.privateServiceUrlRanges);
  const authSettings = options.botAuthentication?.settings ?? {};
  const auth = new ReusingBotFrameworkAuthentication(
    {
      MicrosoftAppId: config.bot.appId ?? '',
      MicrosoftAppPassword: config.bot.appPassword ?? '',
      MicrosoftAppType: config.bot.appType,
      MicrosoftAppTenantId: config.bot.tenantId ?? '',
      ...authSettings,
    },
    options.botAuthentication?.credentialsFactory,
    // Replies go where the activity's service URL points; a name resolving to a private address is refused there.
    guardedLookup({ allowLoopback: true, privateRanges }),
  );
  const adapter = new IntakeCloudAdapter(auth);
  stack.attach(adapter);
  if (config.bot.allowUnauthenticated) {
    logger.warn('ALLOW_UNAUTHENTICATED_BOT=true: /api/messages accepts residents\' conversations without a Bot Connector token from any client (never Teams staff features); see docs/security.md');
  }
  if (config.bot.appId && !config.bot.teamsTenantId) {
    logger.warn('no TEAMS_TENANT_ID (or MicrosoftAppTenantId): the Teams staff features answer nobody until it is set');
  }

  // The archive's check after start-up (see ARCHIVE_FOLDERS): a corrupt file found there makes /readyz
  // say which, until it is dealt with and the service restarted.
  let markListening: () => void = () => undefined;
  const listening = new Promise<void>((resolve) => (markListening = resolve));
  let archive: Promise<void> | undefined;
  let archiveProblem: string | undefined;
  const checkArchive = () =>
    (archive ??= (async () => {
      const started = Date.now();
      try {
        const { files } = await verifyDataFolder(config.dataDir, (checked, total) => logger.info({ checked, total }, 'checking archived data files'), { only: ARCHIVE_FOLDERS });
        logger.info({ files, ms: Date.now() - started }, 'archived data files checked');
      } catch (err) {
        archiveProblem = (err as Error).message;
        logger.error({ err: { message: archiveProblem } }, 'a data file is damaged; it is left as it is');
      }
    })());
  const stopRetention = scheduleRetention(
    () => stack.stores.sweepExpired(config.retentionDays),
    (r) => logger.info({ ...r, retentionDays: config.retentionDays }, 'retention sweep done'),
    (err) => logger.error({ err: { message: err.message } }, 'retention sweep failed; expired records may remain'),
    undefined,
    // The first sweep reads every file too: once the service listens and the archive is checked.
    listening.then(checkArchive),
  );

  // Staff in Teams get the staff bot; every other channel reaches the residents' intake.
  const publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
  const teamsTexts = loadTeamsBotTexts(config.localesDir);
  const channels = new TeamsChannels(stack.stores.teamsChannels);
  const entraStaff = stack.entraStaff;
  /**
   * A proactive post that replies to nothing: botbuilder's continuation gives its made-up event a
   * random id and every send in it would be a reply to that id (in a Teams channel, a reply under a
   * post that does not exist instead of a new post).
   */
  const postNew = (reference: Partial<ConversationReference>, activity: Partial<Activity>) =>
    adapter.continueConversationAsync(config.bot.appId ?? '', reference, async (context) => {
      context.onSendActivities(async (_context, activities, next) => {
        for (const a of activities) delete a.replyToId;
        return next();
      });
      await context.sendActivity(activity);
    });
  const staffBot = new StaffTeamsBot({
    service: stack.staff,
    people: {
      find: async (objectId) => {
        const found = entraStaff.find(objectId);
        return found && stack.members.withUnits(found);
      },
    },
    workTexts: loadStaffTexts(config.localesDir).work,
    channels,
    directory: stack.content.directory,
    texts: teamsTexts,
    publicUrl,
    startInterview: async (context, staff) => {
      await stack.kitchenTables.start(context.activity.conversation.id, staff);
      await stack.bot.run(context);
    },
  });
  const gate = { appId: config.bot.appId, tenantId: config.bot.teamsTenantId, ...(authSettings.ToBotFromChannelTokenIssuer ? { issuer: authSettings.ToBotFromChannelTokenIssuer } : {}) };
  const router = {
    run: async (context: TurnContext) => {
      if (context.activity.channelId !== 'msteams') return stack.bot.run(context);
      // Staff features only for a verified token of this app and tenant; anything else gets no answer.
      const refused = staffGateRefusal(context, gate);
      if (refused) {
        logger.warn({ reason: refused }, 'Teams activity refused: the staff features need a verified Bot Connector token for this app and tenant');
        return;
      }
      const conversationId = context.activity.conversation.id;
      if (!(await stack.kitchenTables.get(conversationId))) return staffBot.run(context);
      // A kitchen-table interview: the resident's intake, until it ends in a case or in nothing.
      await stack.bot.run(context);
      if (context.turnState.get(CASE_CREATED) || context.turnState.get(ERASE_CONVERSATION)) await stack.kitchenTables.end(conversationId);
    },
  };
  stack.delivery.setSender(
    'teams',
    new TeamsSender(
      channels,
      postNew,
      (record, item) => noticeCard(record, item.recipientKey, teamsTexts, publicUrl),
    ),
  );

  const server = createServer({
    adapter,
    bot: router,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    readiness: [
      { name: 'store', check: () => stack.stores.ping() },
      {
        name: 'data files',
        check: async () => {
          if (archiveProblem) throw new Error(archiveProblem);
        },
      },
      // Turns take their lock on a pool of its own: without one of its connections no turn starts.
      ...(stack.stores.lockPool ? [{ name: 'turn locks', check: async () => (await import('./storage/postgres/database.js')).ping(stack.stores.lockPool!) }] : []),
    ],
    authenticationRequired: Boolean(config.bot.appId),
    allowUnauthenticated: config.bot.allowUnauthenticated,
    inbound: { embeddedDirectLine: config.directLine.mode === 'embedded', privateServiceUrlRanges: privateRanges },
    trustedProxies: config.trustedProxies,
    headers: {
      frameAncestors: config.directLine.allowedOrigins,
      ...(config.directLine.mode === 'azure' ? { connectTo: [new URL(config.directLine.azureEndpoint).origin] } : {}),
    },
  });
  // Every /staff response no-store; changes JSON only, from the staff page itself (src/staff/staff-guard.ts).
  addStaffGuard(server, config.publicUrl ? { publicUrl: config.publicUrl } : {});

  // Local accounts and members of the Entra staff list (data/staff-teams.yaml) sign in to the staff page.
  const sessionSecret = await stack.stores.secret('staff-session', config.staff.sessionSecret);
  const sessions = new StaffSessions(
    stack.stores.staffSessions,
    config.staff.sessionHours,
    async (subject, source) => {
      if (source === 'entra') {
        const found = entraStaff.find(subject);
        return found && stack.members.withUnits(found);
      }
      if (!config.staff.localAccounts) return undefined;
      const account = await stack.accounts.get(subject);
      return account && !account.disabled ? stack.members.withUnits({ id: account.id, name: account.name, organisationId: account.organisationId, role: account.role }) : undefined;
    },
  );
  addStaffRoutes(server, {
    service: stack.staff,
    accounts: stack.accounts,
    sessions,
    throttle: new SignInThrottle((name, points, seconds) => stack.stores.limiter(name, points, seconds), undefined, (reason) => stack.metrics.signInRefused(reason)),
    logger,
    localAccounts: config.staff.localAccounts,
    entraSignIn: Boolean(config.staff.oidc),
  });
  if (config.staff.oidc) {
    // openid-client is loaded only when Entra sign-in is configured.
    const { addEntraSignIn } = await import('./staff/oidc.js');
    addEntraSignIn(server, { ...config.staff.oidc, people: entraStaff, sessions, service: stack.staff, logger, secret: sessionSecret });
  } else if (!config.staff.localAccounts) {
    logger.warn('STAFF_LOCAL_ACCOUNTS=false and no STAFF_OIDC_ISSUER: nobody can sign in to the staff page');
  }
  addStaffAdminRoutes(server, { service: stack.staff, accounts: stack.accounts, sessions, logger });
  // Deliveries start once the service listens: the first round's check of urgent cases reads every
  // case (seconds at 100,000 cases on the embedded store), which must not hold up the start.
  void listening.then(() => stack.delivery.start());
  // The first few messages in a language pay for V8 compiling the safety net's regular expressions
  // and the model's code paths (about 0.8 s over the first three texts, measured 2026-12-05): once the
  // service listens, the embedded recognizer (never a cloud model) reads a few of the default
  // locale's own question texts, so the first resident does not wait for it.
  void listening.then(() => warmUp(stack.embedded, stack.content, logger));

  addMetricsRoute(server, { metrics: stack.metrics, ...(config.metricsToken ? { token: config.metricsToken } : {}), logger });
  addWebRoutes(server, { publicDir: path.join(PACKAGE_ROOT, 'public'), localesDir: config.localesDir, defaultLocale: config.defaultLocale, logger });
  addPersonCopyRoute(server, { cases: stack.cases, content: stack.content, template: path.join(PACKAGE_ROOT, 'public', 'page.html'), retentionDays: config.retentionDays, logger });

  const dl = config.directLine;
  const knownMunicipality = (code: string) => stack.engine.findMunicipality(code) !== undefined;
  let directLineAdapter: DirectLineAdapter | undefined;
  if (dl.allowedOrigins.length) {
    // Pages of these origins may call the Direct Line endpoints (Web Chat sends both headers).
    const cors = corsMiddleware({ origins: dl.allowedOrigins, allowHeaders: ['authorization', 'x-ms-bot-agent', 'content-type'], exposeHeaders: ['retry-after'], preflightMaxAge: 600 });
    server.pre(cors.preflight);
    server.use(cors.actual);
  }
  if (dl.mode === 'embedded') {
    const issuer = new TokenIssuer(await stack.stores.secret('directline-token', dl.tokenSecret), dl.tokenMinutes * 60);
    directLineAdapter = new DirectLineAdapter(
      stack.directLineStore,
      { account: { id: 'narvard-intake', name: '', role: 'bot' }, logic: (context) => stack.bot.run(context) },
      `${config.publicUrl ?? 'http://localhost'}${DIRECT_LINE_PATH}`,
    );
    stack.attach(directLineAdapter);
    addDirectLineRoutes(server, {
      config: dl,
      store: stack.directLineStore,
      issuer,
      logger,
      adapter: directLineAdapter,
      ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
      knownMunicipality,
      limiter: (name, points) => stack.stores.limiter(name, points),
    });
  } else if (dl.mode === 'azure') {
    addAzureTokenRoute(server, { config: dl, store: stack.directLineStore, logger, knownMunicipality, limiter: (name, points) => stack.stores.limiter(name, points) });
  }
  logger.info({ directLine: dl.mode, channel: DIRECT_LINE_CHANNEL_ID, allowedOrigins: dl.allowedOrigins }, 'web chat channel set up');

  // Live-agent handoff in the resident's own conversation: our Direct Line in-process, any other
  // channel through the Bot Connector.
  stack.delivery.setSender(
    'handoff',
    new HandoffSender(async (channelId, conversationId, handoffContext) => {
      const reference = await stack.references.get(channelId, conversationId);
      if (!reference) throw new Error(`the conversation ${channelId}/${conversationId} can no longer be reached`);
      const logic = async (context: TurnContext) => void (await context.sendActivity(EventFactory.createHandoffInitiation(context, handoffContext)));
      if (channelId === DIRECT_LINE_CHANNEL_ID && directLineAdapter) await directLineAdapter.continueConversation(reference, logic);
      else await adapter.continueConversationAsync(config.bot.appId ?? '', reference, logic);
    }),
  );

  return {
    ...stack,
    adapter,
    ...(directLineAdapter ? { directLineAdapter } : {}),
    server,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          const address = server.address();
          const port = typeof address === 'object' && address ? address.port : config.port;
          markListening();
          stack.linkBase.url ??= `http://${config.host}:${port}`;
          resolve({ url: `http://${config.host}:${port}`, port });
        });
      }),
    close: async () => {
      stopRetention();
      try {
        await stack.delivery.stop();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await auth.close();
      } finally {
        // The stores (and the data folder's lock) are let go of even if the steps before failed.
        await stack.stores.close();
      }
    },
  };
}

/** Reads some of the default locale's question texts once (see the call); a failure only logs. */
async function warmUp(embedded: Recognizer, content: Content, logger: Logger): Promise<void> {
  const started = performance.now();
  // The default language's first, then a few of each other's (the English model is restored and its
  // patterns compiled at its first text: 0.3 s that the first English message would otherwise wait).
  const locales = [content.defaultLocale, ...Object.keys(content.locales).filter((l) => l !== content.defaultLocale)];
  const texts = locales.flatMap((locale, i) =>
    Object.values(content.locales[locale]?.questions ?? {})
      .flatMap((q) => [q.text, q.explain])
      .filter((t): t is string => typeof t === 'string')
      .slice(0, i === 0 ? 12 : 3)
      .map((text) => ({ text, locale })),
  );
  try {
    for (const { text, locale } of texts) {
      // Requests go first between texts: a health check right after the start is answered at once,
      // not after the whole warm-up (which held the event loop for 1.4 to 2.4 s on a loaded machine).
      await new Promise((resolve) => setImmediate(resolve));
      await embedded.recognize(text, locale);
    }
    logger.debug({ texts: texts.length, ms: Math.round(performance.now() - started) }, 'language understanding warmed up');
  } catch (err) {
    logger.warn({ err: { message: (err as Error).message } }, 'language understanding: the warm-up failed (the first messages may be slower)');
  }
}
