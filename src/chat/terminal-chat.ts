/**
 * `npm run chat`: hold the intake conversation in a terminal, through the same bot and the same
 * HTTP endpoint as every other channel. Replies come back in the HTTP response (deliveryMode
 * "expectReplies"), so no callback server is needed.
 *
 * Which assistant it talks to, in this order (and it says which, and why):
 *   --url URL        that one;
 *   BOT_URL          that one;
 *   otherwise        http://HOST:PORT of the configuration (the environment, then .env; 127.0.0.1:3978).
 * If none answers there, it asks before starting one inside the chat on the configured data folder
 * (--start starts it without asking; without a terminal to ask in, it says what to run and stops).
 *
 *   npm run chat                                   a new conversation
 *   npm run chat -- --conversation ID              continue one (the command to do so is printed)
 *   npm run chat -- --url http://127.0.0.1:4000    talk to the assistant there
 */
import { randomUUID } from 'node:crypto';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError, type AppConfig } from '../config.js';
import { EnvFileError, loadEnvFile } from '../env-file.js';
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
    // A service that has just started may be busy for a moment (its language understanding warms up).
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Where the assistant should be, and how that was decided (said to the person, and used for the continue command). */
export interface Target {
  url: string;
  /** The words after "from" in "Talking to … (from …)". */
  how: string;
  /** The address was named by the person (--url or BOT_URL): never replaced by one started here. */
  named: boolean;
}

/** --url, else BOT_URL, else HOST:PORT of the configuration, saying which variables gave it and where they came from. */
export function findTarget(urlArg: string | undefined, env: NodeJS.ProcessEnv, config: AppConfig, fromEnvFile: ReadonlySet<string>): Target {
  const clean = (u: string) => u.replace(/\/+$/u, '');
  if (urlArg) return { url: clean(urlArg), how: '--url', named: true };
  if (env['BOT_URL']) return { url: clean(env['BOT_URL']), how: `BOT_URL${fromEnvFile.has('BOT_URL') ? ' in .env' : ''}`, named: true };
  const set = ['HOST', 'PORT'].filter((name) => env[name] !== undefined).map((name) => `${name}=${env[name]}${fromEnvFile.has(name) ? ' in .env' : ''}`);
  // The service listens on HOST, which may be 0.0.0.0 (every address): this machine reaches it on 127.0.0.1.
  const host = ['0.0.0.0', '::', '[::]'].includes(config.host) ? '127.0.0.1' : config.host;
  return {
    url: `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${config.port}`,
    how: set.length ? set.join(', ') : 'the default address (set PORT, BOT_URL or --url for another)',
    named: false,
  };
}

/** Asks a yes/no question on the terminal; Enter alone is yes. */
async function confirm(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  rl.close();
  return /^(|y|yes|j|ja)$/iu.test(answer.trim());
}

/** A command line word, quoted for a POSIX shell when it needs to be. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/u.test(word) ? word : `'${word.replace(/'/gu, `'\\''`)}'`;
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
  const { values: args } = parseArgs({
    options: { conversation: { type: 'string' }, url: { type: 'string' }, start: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  if (args.help) {
    console.log('npm run chat [-- --conversation ID] [--url URL | --start]\n  --url URL   talk to the assistant at URL (else BOT_URL, else http://HOST:PORT of the configuration)\n  --start     if none answers, start one inside the chat without asking');
    return;
  }
  const before = new Set(Object.keys(process.env));
  const envFile = loadEnvFile();
  const fromEnvFile = new Set(Object.keys(process.env).filter((name) => !before.has(name)));
  const config = loadConfig();
  const conversationId = args.conversation ?? `terminal-${randomUUID()}`;
  const resuming = args.conversation !== undefined;
  const target = findTarget(args.url, process.env, config, fromEnvFile);

  let url = target.url;
  let stop: (() => Promise<void>) | undefined;
  let continueWith: string[];
  if (await reachable(target.url)) {
    console.log(`Talking to the assistant at ${target.url} (from ${target.how}${envFile && !target.named && fromEnvFile.size ? `; ${envFile} was read` : ''}).`);
    // The address in full, so the command works whatever the next shell's environment or .env says.
    continueWith = ['npm', 'run', 'chat', '--', '--url', target.url, '--conversation', conversationId];
  } else {
    if (target.named) {
      console.error(`No assistant answers at ${target.url} (from ${target.how}). Start it (npm start), or correct the address.`);
      process.exit(1);
    }
    const startHere = `start one inside this chat, keeping its data in ${config.dataDir}`;
    if (!args.start) {
      if (!process.stdin.isTTY) {
        console.error(`No assistant answers at ${target.url} (from ${target.how}). Start it with npm start, or run npm run chat -- --start to ${startHere}.`);
        process.exit(1);
      }
      if (!(await confirm(`No assistant answers at ${target.url} (from ${target.how}). Shall I ${startHere}? [Y/n] `))) {
        console.log('Then start it with npm start (in another terminal) and run npm run chat again.');
        return;
      }
    }
    const { createApp } = await import('../app.js');
    const app = await createApp({ ...config, port: 0, host: '127.0.0.1' }, createLogger('error'));
    ({ url } = await app.listen());
    stop = () => app.close();
    console.log(`Started an assistant inside this chat at ${url}, with its data in ${config.dataDir}. It stops when the chat ends.`);
    // The variables that chose the address and the data folder, when this shell's environment set them
    // (.env is read again by the next chat): the next one looks in the same place and keeps the same data.
    const repeated = ['DATA_DIR', 'HOST', 'PORT'].flatMap((name) =>
      process.env[name] !== undefined && !fromEnvFile.has(name) ? [`${name}=${name === 'DATA_DIR' ? config.dataDir : process.env[name]}`] : [],
    );
    continueWith = [...repeated, 'npm', 'run', 'chat', '--', '--start', '--conversation', conversationId];
  }
  console.log(`Conversation ${conversationId}. Ctrl+D or Ctrl+C ends the chat.`);
  console.log(`Continue it later with: ${continueWith.map(shellWord).join(' ')}`);

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
  console.error(err instanceof ConfigError || err instanceof EnvFileError ? err.message : `The chat stopped: ${(err as Error).message}`);
  process.exit(1);
});
