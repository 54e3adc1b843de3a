/**
 * `npm run chat`: hold the intake conversation in a terminal, through the same bot and the same
 * HTTP endpoint as every other channel. It talks to a running assistant (BOT_URL, or the configured
 * address) and, if none answers, starts one in-process on a free port with the same configuration.
 * Replies come back in the HTTP response (deliveryMode "expectReplies"), so no callback server is needed.
 *
 *   npm run chat                      a new conversation
 *   npm run chat -- --conversation ID continue an earlier one (it printed its ID at the start)
 */
import { randomUUID } from 'node:crypto';
import readline from 'node:readline';
import { loadConfig, ConfigError, type AppConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { loadContent } from '../core/content/load.js';
import { TextCatalog } from '../core/i18n.js';

interface ReplyActivity {
  type: string;
  text?: string;
  suggestedActions?: { actions: Array<{ title?: string; value?: unknown }> };
  attachments?: Array<{ contentType: string; content?: { fallbackText?: string } }>;
}

const CHANNEL_ID = 'terminal';

async function reachable(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function botUrl(config: AppConfig): Promise<{ url: string; stop?: () => Promise<void> }> {
  const url = process.env['BOT_URL'] ?? `http://${config.host}:${config.port}`;
  if (await reachable(url)) return { url };
  // No assistant running: start the same app in this process on a free port.
  const { createApp } = await import('../app.js');
  const app = await createApp({ ...config, port: 0, host: '127.0.0.1' }, createLogger('error'));
  const { url: localUrl } = await app.listen();
  return { url: localUrl, stop: () => app.close() };
}

function print(activities: ReplyActivity[], label: string): void {
  for (const a of activities) {
    if (a.type !== 'message') continue;
    const cardText = (a.attachments ?? []).map((att) => att.content?.fallbackText).filter(Boolean);
    const body = [a.text, ...cardText].filter((t) => t && t.trim()).join('\n');
    if (body) console.log(`\n\x1b[36m${label}>\x1b[0m ${body.replace(/\n/gu, `\n${' '.repeat(label.length + 2)}`)}`);
    const buttons = a.suggestedActions?.actions ?? [];
    if (buttons.length) console.log(`           ${buttons.map((b) => `[${b.title ?? String(b.value)}]`).join(' ')}`);
  }
}

async function main(): Promise<void> {
  const idArg = process.argv.indexOf('--conversation');
  const conversationId = idArg > 0 && process.argv[idArg + 1] ? process.argv[idArg + 1]! : `terminal-${randomUUID()}`;
  const resuming = idArg > 0;
  const config = loadConfig();
  const { url, stop } = await botUrl(config);
  console.log(`Talking to ${url}/api/messages as conversation ${conversationId}. Ctrl+D or Ctrl+C ends the chat.`);
  console.log(`Continue it later with: npm run chat -- --conversation ${conversationId}`);

  // The labels and the word that repeats the current question come from the default locale.
  const content = loadContent({ dataDir: config.contentDir, localesDir: config.localesDir, defaultLocale: config.defaultLocale });
  const texts = new TextCatalog(content).forLocale(config.defaultLocale);
  const helpWord = content.locales[config.defaultLocale]!.phrases.commands.help[0]!;
  const user = { id: 'terminal-user', name: texts.t('terminal.you'), role: 'user' };
  const bot = { id: 'intake-bot', name: 'Intake', role: 'bot' };
  const send = async (activity: Record<string, unknown>) => {
    const res = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        channelId: CHANNEL_ID,
        serviceUrl: url,
        conversation: { id: conversationId },
        from: user,
        recipient: bot,
        locale: 'sv-SE',
        deliveryMode: 'expectReplies',
        id: randomUUID(),
        timestamp: new Date().toISOString(),
        ...activity,
      }),
    });
    if (!res.ok) {
      console.error(`The assistant answered ${res.status}: ${await res.text()}`);
      return;
    }
    const body = (await res.json()) as { activities?: ReplyActivity[] };
    print(body.activities ?? [], texts.t('terminal.assistant'));
  };

  // Resuming: the help command makes the assistant repeat where the conversation is.
  if (resuming) await send({ type: 'message', text: helpWord });
  else await send({ type: 'conversationUpdate', membersAdded: [user] });

  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  rl.setPrompt(`\x1b[33m${texts.t('terminal.you')}>\x1b[0m `);
  rl.prompt();
  for await (const line of rl) {
    await send({ type: 'message', text: line });
    rl.prompt();
  }
  console.log('');
  await stop?.();
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `The chat stopped: ${(err as Error).message}`);
  process.exit(1);
});
